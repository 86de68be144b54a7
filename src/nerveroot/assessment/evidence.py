"""Turn a Case into finding statuses: the one vocabulary every rule and ratio is written in."""

from __future__ import annotations

from dataclasses import dataclass, field

from nerveroot.assessment.case import Case, Side, Status

WEAK_GRADE = 4
SEVERE_GRADE = 3
NEW_PAIN_AGE = 50
PERSISTENT_DAYS = 42
SEVERE_PAIN = 8
AGE_BANDS = (("age_under_40", 0, 39), ("age_40_to_59", 40, 59), ("age_60_plus", 60, 200))
KEY_MOVEMENTS = (
    "hip_flexion",
    "knee_extension",
    "ankle_dorsiflexion",
    "great_toe_extension",
    "ankle_plantarflexion",
    "hip_abduction",
    "ankle_eversion",
)


@dataclass(frozen=True)
class Evidence:
    """Finding id → status, and the sides on which each present finding was seen."""

    status: dict[str, Status]
    sides: dict[str, frozenset[Side]] = field(default_factory=dict)

    def get(self, finding: str) -> Status:
        return self.status.get(finding, "unknown")


def _merge(status: dict[str, Status], finding: str, value: Status) -> None:
    """Present wins over absent wins over unknown (a finding seen on either side is present)."""
    rank = {"unknown": 0, "absent": 1, "present": 2}
    if rank[value] > rank[status.get(finding, "unknown")]:
        status[finding] = value


def derive_evidence(case: Case) -> Evidence:
    """Derive finding statuses from the structured fields and the answered questions of a case."""
    status: dict[str, Status] = {}
    sides: dict[str, set[Side]] = {}

    def mark(finding: str, value: Status, side: Side | None = None) -> None:
        _merge(status, finding, value)
        if value == "present" and side:
            sides.setdefault(finding, set()).add(side)

    if case.age is not None:
        for band, low, high in AGE_BANDS:
            mark(band, "present" if low <= case.age <= high else "absent")
    if case.age is not None and case.age < NEW_PAIN_AGE:  # from 50 it depends on whether the pain is new: ask
        mark("new_pain_age_over_50", "absent")
    if case.duration_days is not None:
        mark("persistent_pain_over_6_weeks", "present" if case.duration_days >= PERSISTENT_DAYS else "absent")
    if case.pain_score is not None:
        mark("severe_pain", "present" if case.pain_score >= SEVERE_PAIN else "absent")
    if case.onset != "unknown":
        mark("onset_sudden", "present" if case.onset == "sudden" else "absent")
        mark("onset_gradual", "present" if case.onset == "gradual" else "absent")
    for table in (case.history, case.symptoms, case.red_flags):
        for key, value in table.items():
            mark(key, value)
    for test in case.strength:
        mark(f"weak_{test.movement}", "present" if test.grade <= WEAK_GRADE else "absent", test.side)
        if test.movement in KEY_MOVEMENTS:
            mark("severe_motor_deficit", "present" if test.grade <= SEVERE_GRADE else "absent", test.side)
        if test.movement == "ankle_dorsiflexion":
            mark("foot_drop", "present" if test.grade <= SEVERE_GRADE else "absent", test.side)
    if any(t.grade <= WEAK_GRADE for t in case.strength):
        mark("weakness", "present")
    for reflex in case.reflexes:
        reduced = reflex.result in ("reduced", "absent")
        mark(f"{reflex.reflex}_reflex_reduced", "present" if reduced else "absent", reflex.side)
        mark("brisk_reflexes", "present" if reflex.result == "brisk" else "absent", reflex.side)
    for provocation in case.provocative:
        positive = provocation.result == "positive"
        mark(f"{provocation.test}_positive", "present" if positive else "absent", provocation.side)
    if case.sensory_regions:
        mark("numbness", "present")
    if len(set(case.sides)) == 2:
        mark("bilateral_leg_symptoms", "present")
    elif case.sides:
        mark("bilateral_leg_symptoms", "absent")
    return Evidence(status=status, sides={k: frozenset(v) for k, v in sides.items()})
