"""Workup: whether to image now, by which guideline rule, and which other tests to do and when."""

from __future__ import annotations

from nerveroot.assessment.case import Case
from nerveroot.assessment.evidence import PERSISTENT_DAYS, Evidence
from nerveroot.assessment.kept import kept
from nerveroot.assessment.result import DifferentialItem, Triage, Workup, WorkupTest
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.models import Cite, Condition, Test

DEFICIT_FINDINGS = ("weakness", "patellar_reflex_reduced", "achilles_reflex_reduced", "medial_hamstring_reflex_reduced")
# Triage group → (rule, what to do, guideline citations)
IMAGING_BY_GROUP: dict[str, tuple[str, str, list[Cite]]] = {
    "cauda_equina": (
        "ACR 2021 variant 4 / GIRFT 2023: suspected cauda equina syndrome",
        "Emergency MRI of the lumbar spine, available around the clock.",
        [Cite(source="acr_2021", locator="variant 4"), Cite(source="girft_ces_2023", locator="imaging standard")],
    ),
    "progressive_deficit": (
        "ACR 2021: severe or progressive neurological deficit",
        "MRI of the lumbar spine without contrast, the same day or as soon as possible.",
        [Cite(source="acr_2021", locator="summary: severe or progressive deficit")],
    ),
    "infection": (
        "ACR 2021 variant 7: suspected infection",
        "MRI of the lumbar spine with and without contrast, with blood tests.",
        [Cite(source="acr_2021", locator="variant 7")],
    ),
    "cancer": (
        "ACR 2021 variant 7 / NICE CKS: suspected malignancy",
        "MRI of the spine; blood tests for myeloma and metastasis.",
        [
            Cite(source="acr_2021", locator="variant 7"),
            Cite(source="nice_cks_sciatica", locator="suspected metastases"),
        ],
    ),
    "fracture": (
        "ACR 2021 variant 6: trauma, osteoporosis or steroid use",
        "Radiograph or CT of the lumbar spine; MRI if there are neurological signs.",
        [Cite(source="acr_2021", locator="variant 6")],
    ),
    "haematoma": (
        "Suspected spinal epidural or iliopsoas haematoma (Kreppel 2003; ASRA 2018)",
        "Emergency MRI of the spine, or CT of the abdomen and pelvis when an iliopsoas or retroperitoneal bleed is "
        "suspected, with clotting tests.",
        [
            Cite(source="kreppel_2003", locator="diagnosis by MRI; time to surgery"),
            Cite(source="asra_2018", locator="new back pain, numbness or weakness after neuraxial block: urgent MRI"),
            Cite(source="femoral_neuropathy_review", locator="retroperitoneal or iliacus haematoma on anticoagulants"),
        ],
    ),
    "vascular": (
        "Suspected aortic or acute limb emergency (ESC 2014; ESVS 2020)",
        "CT angiography of the aorta, and of the leg arteries when a leg is cold, pale, pulseless or weak; when no "
        "arterial cause is likely, emergency MRI of the spine.",
        [
            Cite(source="esc_aortic_2014", locator="acute aortic syndrome: CT as first-line imaging"),
            Cite(source="esvs_ali_2020", locator="acute limb ischaemia: imaging by CT angiography"),
        ],
    ),
    "bone_stress": (
        "Suspected stress fracture of the femoral neck, pelvis or sacrum (Robertson 2017; Harris 2016)",
        "Radiograph of the pelvis and hip within days, and MRI of the pelvis and hip (or sacrum) if it is normal; "
        "no running or impact exercise meanwhile.",
        [
            Cite(source="robertson_2017_fnsf", locator="imaging: radiographs first, MRI second line"),
            Cite(source="harris_2016_sacral", locator="diagnostic tests: radiographs commonly negative, MRI or CT"),
        ],
    ),
    "neurological_deficit": (
        "ACR 2021: new or severe neurological deficit",
        "MRI of the lumbar spine within days, the same day if the weakness worsens or spreads.",
        [Cite(source="acr_2021", locator="summary: severe or progressive deficit")],
    ),
}
NO_IMAGING = (
    "NICE NG59 1.1.4 / ACR 2021 variant 1: no imaging without red flags",
    "Do not image routinely: no red flag, and imaging would not change early management. Reassess at 6 weeks.",
    [Cite(source="nice_ng59", locator="rec 1.1.4"), Cite(source="acr_2021", locator="variant 1")],
)
PERSISTENT = (
    "ACR 2021 variant 3 / NICE NG59 1.1.6: persistent symptoms after 6 weeks",
    "MRI without contrast if an injection or surgery would be considered, after 6 weeks of optimal care.",
    [Cite(source="acr_2021", locator="variant 3"), Cite(source="nice_ng59", locator="rec 1.1.6")],
)


GENERIC_GROUPS = frozenset({"progressive_deficit", "neurological_deficit"})
"""Groups that say how bad a deficit is, not what causes it: a cause's own imaging goes first at the same level."""


def imaging_decision(case: Case, evidence: Evidence, triage: Triage) -> tuple[bool, tuple[str, str, list[Cite]]]:
    urgent = [r for r in triage.reasons if r.group in IMAGING_BY_GROUP and r.level in ("emergency", "urgent")]
    if urgent:
        top = [r for r in urgent if r.level == urgent[0].level]
        chosen = next((r for r in top if r.group not in GENERIC_GROUPS), urgent[0])
        return True, IMAGING_BY_GROUP[chosen.group]
    persistent = case.duration_days is not None and case.duration_days >= PERSISTENT_DAYS
    troubling = any(evidence.get(f) == "present" for f in DEFICIT_FINDINGS) or (case.pain_score or 0) >= 7
    if persistent and case.course != "improving" and troubling:
        return True, PERSISTENT
    return False, NO_IMAGING


WORKUPS_LIMIT = 1024
"""Workups kept (`workup`); past this the store starts again."""
_WORKUPS: dict[tuple[object, ...], tuple[list[DifferentialItem], Workup]] = {}


def workup(case: Case, evidence: Evidence, triage: Triage, ranked: list[DifferentialItem], kb: KnowledgeBase) -> Workup:
    """Imaging decision plus the tests that would confirm or exclude the leading conditions; kept per all it reads:
    the imaging decision (by its rule, one of this module's), the differential (by identity, held while kept) and
    whether the triage is urgent. Shared read-only."""
    imaging_now, imaging = imaging_decision(case, evidence, triage)
    urgent = triage.level in ("emergency", "urgent")
    key = (kb.content_hash, imaging_now, imaging[0], id(ranked), urgent)
    return kept(_WORKUPS, WORKUPS_LIMIT, key, lambda: (ranked, _workup(imaging_now, imaging, urgent, ranked, kb)))[1]


def _workup(
    imaging_now: bool,
    imaging: tuple[str, str, list[Cite]],
    urgent: bool,
    ranked: list[DifferentialItem],
    kb: KnowledgeBase,
) -> Workup:
    rule, detail, cites = imaging
    tests: dict[str, WorkupTest] = {}
    for item in ranked[:5]:
        if item.probability < 0.05:
            continue
        condition = kb.get("conditions", item.id, Condition)
        for tid in condition.workup_tests:
            if tid in tests:
                continue
            test = kb.get("tests", tid, Test)
            why = f"To confirm or exclude {condition.name} ({item.probability:.0%}): {test.answers}"
            timing = "urgent" if urgent and condition.role == "serious" else "if_persisting"
            tests[tid] = WorkupTest.built(
                id=tid, name=test.name, timing=timing, why=why, sources=[*test.sources[:1], *condition.sources[:1]]
            )
    return Workup.built(
        imaging_now=imaging_now,
        imaging_rule=rule,
        imaging_detail=detail,
        imaging_sources=list(cites),
        tests=list(tests.values()),
    )
