"""Write N synthetic emergency-department back-pain notes as JSONL ({"id", "text"}), deterministically.

Usage: .venv/bin/python bench/gen_notes.py 100000 notes.jsonl [--seed 16]
The notes mix sciatica at every root, cauda equina symptoms, negated screens and mimics, in short ED shorthand
written for this benchmark (no real patient text).
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

OPENINGS = (
    "{age} yo {sex} with {days} days of {side} leg pain after {trigger}.",
    "{age}{sx} presents with {side} sciatica for {days} days, started {trigger}.",
    "Pt {age} {sex}, {side} buttock and leg pain x {days} days; onset {trigger}.",
)
TRIGGERS = ("lifting a box", "gardening", "a fall", "no clear cause", "twisting at work", "a long drive")
PATTERNS = (
    "Pain radiates down the back of the thigh to the outer foot and little toe.",
    "Pain runs down the side of the leg to the top of the foot and big toe.",
    "Pain into the front of the thigh and the inner shin.",
    "Pain in the groin and front of the thigh.",
    "Back pain more than leg pain, no radiation below the knee.",
)
EXAMS = (
    "Ankle jerk absent on the {side}. SLR positive at {angle} degrees.",
    "Weak great toe extension 4/5 on the {side}. SLR positive at {angle} degrees.",
    "Knee jerk reduced on the {side}. Femoral stretch test positive.",
    "Power 5/5 throughout, reflexes normal, SLR negative.",
    "Plantarflexion weak 4/5 on the {side}, reduced sensation lateral foot.",
)
SCREENS = (
    "No saddle numbness, no bladder or bowel problems.",
    "Denies urinary retention or incontinence. Saddle sensation intact.",
    "Reports numbness around the back passage and new difficulty passing urine.",
    "Bilateral leg symptoms with saddle anaesthesia since this morning.",
    "No fever, no weight loss, no history of cancer.",
    "History of prostate cancer, night pain and weight loss.",
    "",
)
PLANS = ("Analgesia and advice given.", "Referred for urgent MRI.", "Safety-netted and discharged.", "")


def note(rng: random.Random) -> str:
    side = rng.choice(("left", "right"))
    sex = rng.choice(("male", "female"))
    opening = rng.choice(OPENINGS).format(
        age=rng.randint(18, 92),
        sex=sex,
        sx="M" if sex == "male" else "F",
        days=rng.randint(1, 120),
        side=side,
        trigger=rng.choice(TRIGGERS),
    )
    parts = [
        opening,
        rng.choice(PATTERNS),
        rng.choice(EXAMS).format(side=side, angle=rng.choice((30, 40, 50, 60))),
        rng.choice(SCREENS),
        rng.choice(PLANS),
    ]
    return " ".join(p for p in parts if p)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with args.out.open("w", encoding="utf-8") as out:
        for n in range(args.count):
            out.write(json.dumps({"id": f"ed-{n:07d}", "text": note(rng)}) + "\n")


if __name__ == "__main__":
    main()
