"""Typed records of the knowledge base: one pydantic model per kind of data file.

Every record rejects unknown keys, is frozen, and carries at least one source with a
locator. Where sources disagree, the record keeps each claim in ``conflicts``.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_]*$", description="Stable snake_case identifier.")]
RootId = Literal["l1", "l2", "l3", "l4", "l5", "s1"]
ROOT_IDS: tuple[RootId, ...] = ("l1", "l2", "l3", "l4", "l5", "s1")
Urgency = Literal["emergency", "urgent", "routine", "self_care"]
Stance = Literal[
    "recommended", "consider", "not_recommended", "insufficient_evidence", "investigational", "no_recommendation"
]
SourceKind = Literal[
    "guideline",
    "systematic_review",
    "trial",
    "cohort",
    "cross_sectional",
    "patient_information",
    "expert_answer",
    "textbook",
    "standard",
    "drug_label",
    "case_report",
    "code_set",
]


class Strict(BaseModel):
    """Base for every knowledge model: closed key set, immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Cite(Strict):
    """A pointer from a fact to a source record, with where in the source it stands."""

    source: Id = Field(description="Id of a record in sources.yaml.")
    locator: str = Field(min_length=1, description="Section, table, page or list item in the source.")


Cites = Annotated[list[Cite], Field(min_length=1, description="At least one source for this fact.")]


class Claim(Strict):
    """One source's position on a disputed point."""

    says: str = Field(min_length=1, description="What this source states, in our own words.")
    sources: Cites


class Conflict(Strict):
    """A recorded disagreement between sources, never resolved silently."""

    topic: str = Field(description="What is disputed, e.g. 'naproxen maximum daily dose'.")
    claims: list[Claim] = Field(min_length=2, description="Each side with its source.")
    guideline_position: str | None = Field(default=None, description="What the governing guideline says, if any.")
    note: str = Field(description="How nerveroot handles the conflict.")


class Record(Strict):
    """Fields shared by every entity."""

    KIND: ClassVar[str] = "record"

    id: Id
    name: str = Field(min_length=1, description="Preferred name.")
    synonyms: list[str] = Field(default_factory=list, description="Other names, abbreviations and lay terms.")
    description: str = Field(min_length=1, description="Plain description written for nerveroot.")
    sources: Cites
    conflicts: list[Conflict] = Field(default_factory=list, description="Disagreements between sources.")


class Source(Strict):
    """A document that facts are taken from (seed, guideline, study, label)."""

    KIND: ClassVar[str] = "source"

    id: Id
    title: str
    kind: SourceKind
    year: int = Field(ge=1900, le=2100)
    authors: str = Field(description="Authors or publishing organisation.")
    url: str | None = None
    doi: str | None = None
    seed_file: str | None = Field(default=None, description="File name in ../shared/seeds when the source is a seed.")
    notes: str | None = Field(default=None, description="Design, size, setting or caveats.")
    verified: bool = Field(default=True, description="False when the reference marks the figures [unverified].")


class DiscCompression(Strict):
    """A disc level and zone that compresses a root."""

    disc: Literal["L1-L2", "L2-L3", "L3-L4", "L4-L5", "L5-S1"]
    zone: Literal["paracentral", "central", "lateral_recess", "foraminal", "far_lateral"]
    relation: Literal["traversing", "exiting"]
    sources: Cites


class Root(Record):
    """A lumbosacral nerve root with its sensory, motor and reflex territory."""

    KIND: ClassVar[str] = "root"

    id: RootId
    level: str = Field(description="Display label such as 'L4'.")
    dermatome: str
    key_sensory_point: str = Field(description="ISNCSCI key sensory point.")
    key_muscles: list[str]
    movements: list[str]
    reflexes: list[str]
    pain_distribution: str
    sensory_regions: list[Id] = Field(description="Body-region ids of the dermatome (body_regions.yaml).")
    pain_regions: list[Id] = Field(description="Body-region ids where radicular pain from this root is felt.")
    compressed_by: list[DiscCompression]
    prior: float = Field(gt=0, lt=1, description="Share of lumbosacral radiculopathies at this root.")


class BodyRegion(Record):
    """A region of the body map shared by the engine and the web page."""

    KIND: ClassVar[str] = "body_region"

    view: Literal["front", "back", "both"]
    area: Literal["back", "buttock", "groin", "thigh", "knee", "leg", "ankle", "foot", "perineum"]


class Accuracy(Strict):
    """Diagnostic accuracy of a finding for one target, from one study."""

    target: str = Field(description="Root id, 'radiculopathy', 'midlumbar', 'low_lumbar' or a condition id.")
    sensitivity: float | None = Field(default=None, ge=0, le=1)
    specificity: float | None = Field(default=None, ge=0, le=1)
    lr_positive: float | None = Field(default=None, gt=0, description="Published LR+; infinite values are capped.")
    lr_negative: float | None = Field(default=None, gt=0)
    lr_positive_infinite: bool = Field(default=False, description="Study reported no false positives (LR+ = ∞).")
    level_specific: bool = Field(
        default=False,
        description="A positive finding's ratio for this one root against every other root. It makes the root the "
        "one the positive finding points to; the finding's negative ratios are unchanged.",
    )
    note: str | None = None
    sources: Cites

    @model_validator(mode="after")
    def _level_specific_is_a_positive_root_figure(self) -> Accuracy:
        if self.level_specific and (
            self.target not in ROOT_IDS or not (self.lr_positive or self.lr_positive_infinite) or self.lr_negative
        ):
            raise ValueError("a level-specific figure is an LR+ (or no false positives) for one root, with no LR-")
        return self


class RootLink(Strict):
    """A root that a finding points to, with the source that assigns it."""

    root: RootId
    weight: Literal["primary", "secondary"] = "primary"
    sources: Cites


FindingCategory = Literal[
    "symptom",
    "sign",
    "reflex",
    "strength",
    "sensory",
    "provocative",
    "red_flag",
    "history",
    "function",
    "pain_region",
    "named_root",
]


class Finding(Record):
    """An item of the vocabulary the engine reasons over."""

    KIND: ClassVar[str] = "finding"

    category: FindingCategory
    lay_terms: list[str] = Field(default_factory=list, description="Words patients use for this finding.")
    roots: list[RootLink] = Field(default_factory=list, description="Roots this finding localises to.")
    accuracy: list[Accuracy] = Field(default_factory=list)
    red_flag: Id | None = Field(default=None, description="Red-flag record this finding belongs to.")


class Icd10(Strict):
    code: str = Field(pattern=r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?-?$")
    title: str
    verified: bool = True


class Feature(Strict):
    """A finding that makes a condition more or less likely."""

    finding: Id
    when: Literal["present", "absent"] = "present"
    lr: float = Field(gt=0, le=50, description="Likelihood ratio when the finding has this status.")
    lr_basis: Literal["published", "estimated"] = Field(
        description="'published' when a cited study reports the ratio; 'estimated' when nerveroot calibrated it "
        "from the qualitative statement in the cited source."
    )
    why: str
    sources: Cites


class Condition(Record):
    """A cause, type of compression, red-flag disease or mimic."""

    KIND: ClassVar[str] = "condition"

    role: Literal["cause", "type", "risk_factor", "mimic", "serious"]
    icd10: list[Icd10] = Field(min_length=1)
    distinguishing_features: list[str] = Field(min_length=1)
    typical_age: str
    setting: str
    prior: float = Field(default=0.01, gt=0, lt=1, description="Prior among people presenting with leg pain.")
    features: list[Feature] = Field(default_factory=list)
    roots: list[RootId] = Field(default_factory=list, description="Roots typically involved, if radicular.")
    regions: list[Id] = Field(default_factory=list, description="Body-region ids where symptoms typically sit.")
    numb_regions: list[Id] = Field(
        default_factory=list,
        description="Body-region ids where it makes the skin numb or tingle (a condition scored by region); "
        "empty: it hurts without sensory loss.",
    )
    mimics_roots: list[RootId] = Field(
        default_factory=list,
        description="For a peripheral mimic: roots whose motor, reflex and sensory findings it reproduces.",
    )
    workup_tests: list[Id] = Field(default_factory=list, description="Test ids that confirm or exclude it.")


class Indication(Strict):
    """When a guideline or source says a test is indicated (or not)."""

    when: str
    stance: Stance
    sources: Cites


class Test(Record):
    """An examination, provocative, laboratory, electrodiagnostic or imaging test."""

    KIND: ClassVar[str] = "test"

    category: Literal["physical", "provocative", "laboratory", "electrodiagnostic", "imaging"]
    answers: str = Field(description="The clinical question this test answers.")
    indications: list[Indication] = Field(default_factory=list)
    findings: list[Id] = Field(default_factory=list, description="Finding ids this test produces.")


Population = Literal["low_back_pain_and_sciatica", "sciatica", "spinal_stenosis", "low_back_pain", "other_condition"]
Phase = Literal["any", "acute", "chronic"]


class Position(Strict):
    """A guideline body's stance on a treatment or drug, for the population and phase it addresses."""

    body: str = Field(description="e.g. 'NICE NG59 (2020)'.")
    stance: Stance
    detail: str
    sources: Cites
    population: Population = Field(
        default="low_back_pain_and_sciatica",
        description="Who the statement addresses: 'low_back_pain' alone is indirect for nerve root pain; "
        "'spinal_stenosis' means neurogenic claudication with central canal stenosis.",
    )
    phase: Phase = Field(default="any", description="'acute' under 12 weeks, 'chronic' from 12 weeks.")


class Treatment(Record):
    """A non-drug therapy, supplement, regenerative treatment, injection or surgery."""

    KIND: ClassVar[str] = "treatment"

    category: Literal[
        "physical_therapy",
        "exercise",
        "mind_body",
        "education",
        "self_care",
        "supplement",
        "regenerative",
        "injection",
        "surgery",
    ]
    positions: list[Position] = Field(default_factory=list, description="Guideline stances, if any exist.")
    seed_dose: str | None = Field(
        default=None, description="Dose as the seeds state it, for supplements and injectables."
    )
    step: Literal["first_days", "two_to_six_weeks", "after_six_weeks", "specialist", "not_routine"] = "not_routine"


SafetyFactor = Literal[
    "age_65_plus",
    "ckd",
    "liver_disease",
    "gi_bleed_or_ulcer",
    "anticoagulant",
    "heart_failure",
    "pregnancy",
    "pregnancy_third_trimester",
    "nsaid_sensitive_asthma",
    "cardiovascular_disease",
    "hypertension",
    "alcohol_use",
    "low_body_weight",
    "respiratory_disease",
    "opioid_use_disorder",
    "elderly_falls",
    "diabetes",
    "breastfeeding",
]


class DoseStatement(Strict):
    """A usual dose as one source states it."""

    text: str = Field(description="e.g. '400-800 mg every 6-8 hours'.")
    sources: Cites


class MaxDose(Strict):
    """A recognised maximum daily dose in one jurisdiction or setting."""

    jurisdiction: Literal["US_OTC", "US_Rx", "UK", "label", "seed"]
    mg_per_day: float = Field(gt=0)
    limit: str | None = Field(default=None, description="Time limit or condition, e.g. 'up to 10 days'.")
    sources: Cites


EgfrThreshold = Literal[15, 25, 30, 60]
"""The kidney-function bands labels and the BNF use to set doses (mL/min/1.73m² or mL/min)."""


class Caution(Strict):
    """How a patient factor changes use of a drug."""

    factor: SafetyFactor
    effect: Literal["contraindicated", "avoid", "reduce_dose", "caution"]
    max_mg_per_day: float | None = Field(default=None, gt=0, description="Lower ceiling that applies, if any.")
    egfr_below: EgfrThreshold | None = Field(
        default=None,
        description="For a 'ckd' caution: applies only when eGFR (or the label's creatinine clearance) is below this, "
        "in mL/min; without it the caution applies to any chronic kidney disease (eGFR below 60).",
    )
    detail: str
    sources: Cites


class Drug(Record):
    """A medicine named in the seeds or guidelines."""

    KIND: ClassVar[str] = "drug"

    drug_class: str
    route: Literal["oral", "iv", "sc", "im", "epidural", "topical", "implant"] = "oral"
    usual_doses: list[DoseStatement] = Field(min_length=1)
    max_daily: list[MaxDose] = Field(default_factory=list, description="Recognised maxima; the lowest applies.")
    timing: str
    adverse_common: list[str]
    adverse_serious: list[str] = Field(default_factory=list)
    cautions: list[Caution] = Field(default_factory=list)
    sciatica_positions: list[Position] = Field(min_length=1)
    dose_unit: Literal["mg", "microgram", "g", "IU", "mL", "cells"] = "mg"


class RedFlag(Record):
    """A warning sign with the urgency it implies."""

    KIND: ClassVar[str] = "red_flag"

    group: Literal[
        "cauda_equina",
        "infection",
        "cancer",
        "fracture",
        "progressive_deficit",
        "inflammatory",
        "vascular",
        "haematoma",
    ]
    urgency: Urgency
    question: str = Field(description="The question to ask when nobody has asked it.")
    findings: list[Id] = Field(min_length=1, description="Finding ids that raise this flag.")
    action: str = Field(description="What to do when present.")


class Prevention(Record):
    """Advice that lowers the chance of a first episode or a recurrence."""

    KIND: ClassVar[str] = "prevention"


class Faq(Record):
    """A common question with an answer written anew for nerveroot."""

    KIND: ClassVar[str] = "faq"

    question: str
    answer: str


class InstrumentItem(Strict):
    id: Id
    topic: str = Field(description="What the item is about; never the copyrighted wording.")
    min: int
    max: int
    subscale: list[str] = Field(default_factory=list)


class Band(Strict):
    low: float
    high: float
    label: str


class Instrument(Record):
    """A validated questionnaire: structure and scoring only."""

    KIND: ClassVar[str] = "instrument"

    version: str
    items: list[InstrumentItem] = Field(min_length=1)
    scoring: str
    bands: list[Band] = Field(default_factory=list)
    mcid: float | None = None
    licence: str


Predicate = str | dict[str, Any]
"""A rule condition: a finding id, or {all: [...]}, {any: [...]}, {not: ...}, {unless: ...}, {unasked: [...]},
{unsure: [...]} (any item asked and answered unsure), {mentioned: [groups]} (a red-flag mention to confirm),
{onsets_over: [[items], days]} (every present item began more than `days` ago), {onsets_within: [[items], days]} (a
present item began at most `days` ago),
{pain_in: [regions]} (pain marked on the body map in one of these regions),
{procedure_within: days} (a spinal procedure done at most `days` ago; unknown when one is undated),
{reported: finding} (true only when known present, so an unasked finding never makes the rule a reason to ask),
{age_at_least: n},
{duration_at_least: days}, {duration_under: days}, {course: value}, {trigger: value}, {pain_at_least: n}."""


class TriageRule(Record):
    """A declarative triage rule evaluated with three-valued (Kleene) logic."""

    KIND: ClassVar[str] = "triage_rule"

    level: Urgency
    group: Literal[
        "cauda_equina",
        "infection",
        "cancer",
        "fracture",
        "progressive_deficit",
        "neurological_deficit",
        "bone_stress",
        "duration",
        "pain",
        "mimic",
        "assessment_gap",
        "vascular",
        "haematoma",
    ]
    when: Predicate = Field(description="Condition tree over finding ids and case facts.")
    suspects: list[Id] = Field(
        default_factory=list, description="Must-not-miss condition ids this rule raises (ranked first when it fires)."
    )
    rationale: str = Field(description="Plain statement of why this rule sets this level.")
    advice: str = Field(description="What to do now, for the report.")


class LocaliserDefault(Record):
    """Default accuracy of a kind of finding for its root when no root-specific ratio is published."""

    KIND: ClassVar[str] = "localiser_default"

    category: FindingCategory
    lr_positive: float = Field(gt=0, le=20)
    lr_negative: float = Field(gt=0, le=1)
    basis: str = Field(description="How the ratios were derived from the cited figures.")


ENTITY_MODELS: dict[str, type[Record]] = {
    "roots": Root,
    "body_regions": BodyRegion,
    "findings": Finding,
    "conditions": Condition,
    "tests": Test,
    "treatments": Treatment,
    "drugs": Drug,
    "red_flags": RedFlag,
    "prevention": Prevention,
    "faqs": Faq,
    "instruments": Instrument,
    "triage_rules": TriageRule,
    "localiser": LocaliserDefault,
}
"""Data file stem → record model. ``sources.yaml`` is loaded separately."""
