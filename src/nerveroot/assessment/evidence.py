"""Turn a Case into finding statuses: the one vocabulary every rule and ratio is written in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from nerveroot.assessment.case import Case, Side, Status

WEAK_GRADE = 4
SEVERE_GRADE = 3
NEW_PAIN_AGE = 50
PERSISTENT_DAYS = 42
SEVERE_PAIN = 8
# Thresholds of the findings derived from measurements (each finding record in findings.yaml gives the source).
FEVER_C = 38.0  # fever: temperature ≥ 38.0 °C
CRP_RAISED = 10.0  # raised_inflammatory_markers: CRP > 10 mg/L, ESR > 20 mm/h or WBC > 11 ×10⁹/L
ESR_RAISED = 20
WBC_RAISED = 11.0
PVR_RETENTION = 200  # urinary_retention: post-void residual ≥ 200 mL
SBP_LOW = 90  # hypotension: systolic BP ≤ 90 mmHg
HR_HIGH = 100  # tachycardia: heart rate > 100/min
RECENT_PROCEDURE_DAYS = 90  # recent_spinal_procedure: a spinal or neuraxial procedure in the last 3 months
PAIN_ONSET_KEYS = ("back_pain", "severe_pain", "thoracic_pain", "leg_pain")
NEW_DEFICIT_DAYS = 14  # new_deficit / deficit_longstanding: a deficit begun within 14 days is new (GIRFT 2023)
DEFICIT_ONSET_KEYS = ("weakness", "numbness")
BELOW_KNEE = frozenset(
    {"medial_leg", "anterior_shin", "lateral_leg", "posterior_calf", "medial_ankle"}
    | {"dorsum_foot", "great_toe", "lateral_foot", "heel", "sole"}
)
"""Body-map regions below the knee (areas leg, ankle and foot in body_regions.yaml; a test keeps them in step)."""
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


PERONEAL_MOVEMENTS = frozenset({"ankle_dorsiflexion", "great_toe_extension", "ankle_eversion"})
"""Movements of the common peroneal nerve: a foot drop confined to them may be a lesion at the fibular head."""


@dataclass(frozen=True)
class Evidence:
    """Finding id → status, and the sides on which each present finding was seen."""

    status: dict[str, Status]
    sides: dict[str, frozenset[Side]] = field(default_factory=dict)

    def get(self, finding: str) -> Status:
        return self.status.get(finding, "unknown")


UNASSESSED: frozenset[str] = frozenset({"unknown", "unsure"})
"""Statuses the rules read as Kleene unknown: not asked, or asked and the person is not sure."""


_RANK: dict[str | None, int] = {None: 0, "unknown": 0, "unsure": 1, "absent": 2, "present": 3}
"""Present wins over absent, absent over unsure, unsure over unknown (a finding seen on either side is present);
None: not yet marked."""


def derive_evidence(case: Case) -> Evidence:
    """Derive finding statuses from the structured fields and the answered questions of a case."""
    status: dict[str, Status] = {}
    sides: dict[str, set[Side]] = {}
    rank, get = _RANK, status.get

    def mark(finding: str, value: Status, side: Side | None = None) -> None:
        if rank[value] > rank[get(finding)]:
            status[finding] = value
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
    if case.drug_safety.pregnancy != "unknown":
        mark("pregnant", case.drug_safety.pregnancy)
    for table in (case.history, case.symptoms, case.red_flags):
        for key, value in table.items():
            mark(key, value)
    if status.get("exertional_leg_pain") == status.get("pain_relieved_by_sitting_or_flexion") == "present":
        mark("neurogenic_claudication", "present")  # brought on by walking, eased by sitting or flexion (Katz 2008)
    _observations(case, mark)
    _procedures(case, mark)
    _tempo(case, mark)
    for test in case.strength:
        mark(f"weak_{test.movement}", "present" if test.weak else "absent", test.side)
        if test.movement in KEY_MOVEMENTS:
            mark("severe_motor_deficit", "present" if test.severe else "absent", test.side)
        if test.movement == "ankle_dorsiflexion":
            mark("foot_drop", "present" if test.severe else "absent", test.side)
    peroneal = _peroneal_pattern(case)
    if peroneal is not None:
        mark("peroneal_pattern_foot_drop", peroneal)
    if any(t.weak for t in case.strength):
        mark("weakness", "present")
        weak = [t for t in case.strength if t.weak]
        mark("weakness_graded", "present" if all(t.grade is not None for t in weak) else "absent")
    for reflex in case.reflexes:
        reduced = reflex.result in ("reduced", "absent")
        mark(f"{reflex.reflex}_reflex_reduced", "present" if reduced else "absent", reflex.side)
        mark("brisk_reflexes", "present" if reflex.result == "brisk" else "absent", reflex.side)
    for provocation in case.provocative:
        positive = provocation.result == "positive"
        mark(f"{provocation.test}_positive", "present" if positive else "absent", provocation.side)
    if case.sensory_regions:
        mark("numbness", "present")
    if any(m.region in BELOW_KNEE for m in case.pain_regions):
        mark("pain_below_knee", "present")  # the sciatica definition's item, read from the body map
    if case.named_roots:
        mark("named_root", "present")
    if len(set(case.sides)) == 2:
        mark("bilateral_leg_symptoms", "present")
    elif case.sides and case.status("bilateral_leg_symptoms") != "unsure":
        mark("bilateral_leg_symptoms", "absent")  # one leg marked does not answer an "unsure" about the other
    return Evidence(status=status, sides={k: frozenset(v) for k, v in sides.items()})


def _peroneal_pattern(case: Case) -> Status | None:
    """Severe weakness of one leg only in the common peroneal territory, with inversion and hip abduction of that
    leg tested and not weak (Jeon 2013, Stewart 2008); None without a severe weakness or a test of both."""
    severe = [t for t in case.strength if t.severe]
    sides = {t.side for t in severe}
    if not severe or len(sides) != 1:
        return None
    side = sides.pop()
    same_leg = [t for t in case.strength if t.side == side]
    checks = [t for t in same_leg if t.movement in ("ankle_inversion", "hip_abduction")]
    if any(t.movement not in PERONEAL_MOVEMENTS for t in severe) or any(t.weak for t in checks):
        return "absent"
    return "present" if {t.movement for t in checks} == {"ankle_inversion", "hip_abduction"} else None


def _tempo(case: Case, mark: Callable[[str, Status], None]) -> None:
    """A deficit new within 14 days or progressing, versus one present longer and not getting worse."""
    if case.deficit_course == "progressing":
        mark("progressive_weakness", "present")
    elif case.deficit_course in ("stable", "improving"):
        mark("progressive_weakness", "absent")
    onsets = [case.onset_days[k] for k in DEFICIT_ONSET_KEYS if k in case.onset_days]
    weak = case.status("weakness") == "present" or any(t.weak for t in case.strength)
    if not onsets and weak and case.duration_days is not None and case.duration_days <= NEW_DEFICIT_DAYS:
        # a weakness with no onset of its own is no older than an episode of at most 14 days (never read the other
        # way round: a deficit found in a long episode may still be new)
        onsets = [case.duration_days]
    if case.deficit_course in ("new", "progressing") or any(d <= NEW_DEFICIT_DAYS for d in onsets):
        mark("new_deficit", "present")
        mark("deficit_longstanding", "absent")
    elif onsets or (_settled(case) and (case.duration_days or 0) > NEW_DEFICIT_DAYS):
        mark("new_deficit", "absent")  # every known onset is older than 14 days, or a stable course in a long episode
        mark("deficit_longstanding", "present")


def _settled(case: Case) -> bool:
    """A deficit stable or improving, or, with no course of its own, in an episode that is improving as a whole."""
    return case.deficit_course in ("stable", "improving") or (
        case.deficit_course == "unknown" and case.course == "improving"
    )


def _flag(value: float | None, test: bool) -> Status | None:
    return None if value is None else ("present" if test else "absent")


def _observations(case: Case, mark: Callable[[str, Status], None]) -> None:
    """Findings derived from measured vital signs and laboratory values."""
    obs = case.observations
    t, hr, sbp, pvr = obs.temperature_c, obs.heart_rate, obs.systolic_bp, obs.post_void_residual_ml
    derived: list[tuple[str, Status | None]] = [
        ("fever", _flag(t, t is not None and t >= FEVER_C)),
        ("tachycardia", _flag(hr, hr is not None and hr > HR_HIGH)),
        ("hypotension", _flag(sbp, sbp is not None and sbp <= SBP_LOW)),
        ("urinary_retention", _flag(pvr, pvr is not None and pvr >= PVR_RETENTION)),
    ]
    markers = [
        (obs.crp_mg_l, CRP_RAISED),
        (obs.esr_mm_h, ESR_RAISED),
        (obs.wbc_10e9_l, WBC_RAISED),
    ]
    measured = [value > limit for value, limit in markers if value is not None]
    if measured:
        derived.append(("raised_inflammatory_markers", "present" if any(measured) else "absent"))
    for finding, value in derived:
        if value is not None:
            mark(finding, value)


def _procedures(case: Case, mark: Callable[[str, Status], None]) -> None:
    """A spinal or neuraxial procedure in the window (or at an unknown time: counted as recent, to be safe), and
    whether the pain was there before every recent procedure (known only when each is dated and the episode's
    length is known; a pain whose own onset is no older than a procedure began after it)."""
    recent = [p.days_ago for p in case.procedures if p.days_ago is None or p.days_ago <= RECENT_PROCEDURE_DAYS]
    if not recent:
        if case.procedures:
            mark("recent_spinal_procedure", "absent")
        return
    mark("recent_spinal_procedure", "present")
    if case.duration_days is None or None in recent:
        return
    latest = max(d for d in recent if d is not None)
    onsets = [case.onset_days[k] for k in PAIN_ONSET_KEYS if k in case.onset_days]
    before = case.duration_days > latest and all(d > latest for d in onsets)
    mark("pain_predates_procedure", "present" if before else "absent")
