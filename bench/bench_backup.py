"""Peak memory of `import_all` as the backup grows: a fresh SQLite store per size, N varied assessments, exported,
then imported into an empty store in a child process that reports its own peak RSS.

Usage: PYTHONPATH=src .venv/bin/python bench/bench_backup.py [--sizes 100,400,1600]
Flat memory means the peak hardly moves while the file grows. Reports, never asserts.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from varied import varied_cases

from nerveroot.assessment.assess import assess
from nerveroot.knowledge.loader import default_knowledge
from nerveroot.records import RecordStore
from nerveroot.records.models import EpisodeIn, PatientIn

IMPORT = (
    "import sys; from pathlib import Path; from nerveroot.knowledge.loader import default_knowledge;"
    " from nerveroot.records import RecordStore;"
    " RecordStore(sys.argv[1]).import_all(Path(sys.argv[2]), kb=default_knowledge());"
    " import resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
)


def backup_of(size: int, folder: Path) -> Path:
    kb = default_knowledge()
    with RecordStore(f"sqlite:///{folder / 'source.db'}") as store:
        patient = store.create_patient("bench", PatientIn())
        episode = store.create_episode("bench", patient.id, EpisodeIn(title="bench"))
        for case in varied_cases(size):
            store.add_assessment("bench", episode.id, case, assess(case, kb), kb)
        path = folder / "backup.json"
        store.export_all(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,400,1600")
    args = parser.parse_args()
    print(f"{'assessments':>12}{'file MB':>9}{'import s':>10}{'peak RSS MiB':>14}")
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            path = backup_of(size, folder)
            start = time.perf_counter()
            target = f"sqlite:///{folder / 'target.db'}"
            run = subprocess.run([sys.executable, "-c", IMPORT, target, str(path)], check=True, capture_output=True)
            took = time.perf_counter() - start
            peak = int(run.stdout.split()[-1]) / 1024
            print(f"{size:>12}{path.stat().st_size / 1e6:>9.1f}{took:>10.2f}{peak:>14.0f}")


if __name__ == "__main__":
    main()
