"""Every published eval case's assessment bytes, to prove a speed change leaves them byte-identical.

Each rendering (structured, shorthand, lay) of each case in eval/published/*.jsonl
goes through the intake (read on a fixed date), the assessment and both API forms (summary, full), the CLI's JSON
and the clinician's report. One line per rendering and form: `set case style form sha256 bytes`; the last line is
the digest of all of them.
Usage: PYTHONPATH=src .venv/bin/python bench/renderings.py > /tmp/before.txt   (then again after, and diff)
"""

from __future__ import annotations

import hashlib
import json
import sys
from datetime import date
from pathlib import Path

from nerveroot.api.assess_output import render
from nerveroot.assessment.assess import assess
from nerveroot.assessment.drugs import SafetyProfile
from nerveroot.intake import parse_note
from nerveroot.interfaces.report import clinical_note
from nerveroot.knowledge.loader import default_knowledge

PUBLISHED = Path(__file__).resolve().parent.parent / "eval" / "published"
TODAY = date(2026, 12, 5)


def main() -> None:
    kb = default_knowledge()
    whole = hashlib.sha256()
    count = 0
    for path in sorted(PUBLISHED.glob("*.jsonl")):
        for line in path.read_text().splitlines():
            if not line.strip():
                continue
            case = json.loads(line)
            for style, text in sorted(case["renderings"].items()):
                intake = parse_note(text, kb, today=TODAY)
                result = assess(intake.case, kb)
                profile = SafetyProfile.of(intake.case)
                forms = {
                    "cli": json.dumps(result.model_dump(mode="json"), indent=2, ensure_ascii=False).encode(),
                    "report": clinical_note(result, kb).encode(),
                    "full": render(result, profile, kb, "full"),
                    "summary": render(result, profile, kb, "summary"),
                }
                for form, data in forms.items():
                    digest = hashlib.sha256(data).hexdigest()
                    whole.update(digest.encode())
                    print(f"{path.stem} {case.get('id', count)} {style} {form} {digest[:16]} {len(data)}")
                count += 1
    print(f"all {count} renderings: {whole.hexdigest()}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
