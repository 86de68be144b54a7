"""Score blind user-style notes: `python eval/usernotes/score.py [-v] [--first-run] [notes.jsonl]` from the root.

Each note is read by `parse_note` and assessed; prints the notes whose triage differs from the writer's gold (UNSAFE
when less cautious than gold and not acceptable) or whose leading root differs, then emergencies caught, safe and
exact triage, and root (or "none") top-1 where the writer named one. A file listed in eval/UNTOUCHED is refused
unless `--first-run` is given (its first run; then delete its line).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from nerveroot.assessment.assess import assess
from nerveroot.evaluation.untouched import untouched
from nerveroot.intake import parse_note
from nerveroot.knowledge.loader import default_knowledge

ORDER = ["self_care", "routine", "urgent", "emergency"]
NOTES = Path(__file__).with_name("notes.jsonl")


def main(verbose: bool, path: Path) -> None:
    kb = default_knowledge()
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    emergencies = caught = safe = exact = rooted = root_ok = 0
    for row in rows:
        gold = row["gold"]["urgency"].replace("-", "_")
        acceptable = [gold, *(a.replace("-", "_") for a in row["gold"].get("urgency_acceptable", []))]
        result = assess(parse_note(row["text"], kb).case, kb)
        level = result.triage.level
        is_safe = level in acceptable or ORDER.index(level) >= ORDER.index(gold)
        safe += is_safe
        exact += level in acceptable
        if gold == "emergency":
            emergencies += 1
            caught += level == "emergency"
        root_line = ""
        if row["gold"].get("root") not in (None, "null"):
            rooted += 1
            top = result.levels[0].root if result.levels else "none"
            ok = top == row["gold"]["root"].lower()
            root_ok += ok
            root_line = "" if ok else f" root {top} (gold {row['gold']['root']})"
        flag = "" if level in acceptable else (" UNSAFE" if not is_safe else " over")
        if verbose or flag or root_line:
            print(f"{row['id']} {row['writer']:8} gold {gold:9} got {level:9}{flag}{root_line}")
    print(
        f"emergencies {caught}/{emergencies}  safe {safe}/{len(rows)}  exact {exact}/{len(rows)}  "
        f"root or none top-1 {root_ok}/{rooted}"
    )


if __name__ == "__main__":
    paths = [Path(a) for a in sys.argv[1:] if not a.startswith("-")]
    path = paths[0] if paths else NOTES
    if "--first-run" not in sys.argv and untouched([path]):
        sys.exit(f"error {path}: listed in UNTOUCHED, kept for its first run; pass --first-run to spend it")
    main("-v" in sys.argv, path)
