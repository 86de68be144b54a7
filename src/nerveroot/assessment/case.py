"""The Case: one presentation, as structured findings. Unknown is never read as absent."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

Status = Literal["present", "absent", "unknown", "unsure"]
"""'unsure': asked, and the person is not sure. A key missing from a table: not asked. Both are unassessed for the
rules (Kleene unknown); 'unsure' is reported as "asked, unsure"."""
Side = Literal["left", "right"]
Movement = Literal[
    "hip_flexion",
    "hip_adduction",
    "hip_abduction",
    "hip_extension",
    "knee_extension",
    "knee_flexion",
    "ankle_dorsiflexion",
    "great_toe_extension",
    "ankle_plantarflexion",
    "ankle_eversion",
    "ankle_inversion",
]
ReflexName = Literal["patellar", "achilles", "medial_hamstring"]
ReflexResult = Literal["normal", "reduced", "absent", "brisk"]
ProvocativeTest = Literal[
    "slr",
    "crossed_slr",
    "femoral_stretch",
    "crossed_femoral_stretch",
    "slump",
    "slump_knee_bend",
    "valsalva",
    "kemp",
    "bowstring",
    "bragard",
    "pelvic_compression",
    "hip_internal_rotation",
    "trochanter_tenderness",
    "sij_provocation",
]
RED_FLAG_KEYS: tuple[str, ...] = (
    "saddle_anaesthesia",
    "bladder_dysfunction",
    "bowel_dysfunction",
    "sexual_dysfunction",
    "bilateral_leg_symptoms",
    "progressive_weakness",
    "fever",
    "unexplained_weight_loss",
    "night_pain",
    "major_trauma",
    "sudden_severe_central_pain",
    "thoracic_pain",
    "structural_deformity",
    "gait_disturbance",
    "unable_to_walk",
    "cold_or_pulseless_leg",
    "abdominal_or_flank_pain",
    "reduced_anal_tone",
    "hypotension",
    "collapse_or_syncope",
    "tearing_pain",
    "raised_inflammatory_markers",
    "aortic_aneurysm_sign",
)
HISTORY_KEYS: tuple[str, ...] = (
    "cancer_history",
    "immunosuppression",
    "iv_drug_use",
    "recent_infection",
    "minor_trauma",
    "osteoporosis",
    "long_term_steroids",
    "diabetes",
    "previous_spine_surgery",
    "peripheral_vascular_disease",
    "pelvic_or_hip_surgery",
    "smoker",
    "recent_spinal_procedure",
    "anticoagulant_use",
    "bleeding_disorder",
    "antiplatelet_use",
    "bacteraemia",
    "endurance_training",
    "vte_risk",
    "repeat_presentation",
)
SYMPTOM_KEYS: tuple[str, ...] = (
    "back_pain",
    "leg_pain_worse_than_back",
    "paresthesia",
    "allodynia",
    "numbness",
    "weakness",
    "neurogenic_claudication",
    "exertional_leg_pain",
    "pain_relieved_by_sitting_or_flexion",
    "calf_pain_relieved_by_standing_still",
    "pain_on_standing_alone",
    "pain_worse_with_cough_sneeze",
    "pain_lying_on_side",
    "groin_pain_on_walking",
    "knee_locking_or_giving_way",
    "abrupt_severe_thigh_pain",
    "thigh_wasting",
    "stocking_distribution_numbness",
    "pain_sitting_buttock",
    "piriformis_provocation_pain",
    "fibular_head_sign",
    "fibular_pressure_risk",
    "hop_test_pain",
    "activity_avoidance",
    "pain_below_knee",
    "rash",
    "radiating_leg_pain",
    "severe_pain",
    "hip_pain",
    "leg_swelling",
    "tachycardia",
    "hip_held_flexed",
    "sensory_level",
    "sepsis_warning_sign",
)
TEMPO_KEYS: tuple[str, ...] = ("weakness", "numbness", "leg_pain")
"""Extra keys of Case.onset_days beside the red-flag, history and symptom keys."""
DeficitCourse = Literal["new", "progressing", "stable", "improving", "unknown"]
ProcedureKind = Literal[
    "epidural_injection", "spinal_injection_other", "spinal_surgery", "lumbar_puncture", "spinal_anaesthesia"
]
MentionGroup = Literal[
    "cauda_equina", "infection", "cancer", "fracture", "progressive_deficit", "vascular", "haematoma", "unspecified"
]
ODI_SECTIONS = 10
STARTBACK_ITEMS = 9


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RegionMark(Strict):
    """A body-map region on one side, or with its side not stated (region ids come from body_regions.yaml)."""

    region: str = Field(description="Body-region id, e.g. 'medial_leg'.")
    side: Side | None = Field(description="Null when the note names the region but not the leg ('groin pain').")


class NamedRoot(Strict):
    """A root the note names as the affected one ("L5 distribution", "pain in the S1 dermatome", "L4 radic")."""

    root: Literal["l1", "l2", "l3", "l4", "l5", "s1"]
    side: Side | None = None


class StrengthTest(Strict):
    """One muscle test: an MRC grade, or an ungraded sign ("weak quads", "foot drop"); exactly one of the two."""

    movement: Movement
    side: Side | None = Field(description="Null when the note does not say which leg ('TA 3/5', 'foot drop').")
    grade: int | None = Field(default=None, ge=0, le=5, description="MRC grade 0-5.")
    described: Literal["weak", "severe"] | None = Field(
        default=None, description="Ungraded sign: 'weak' counts as grade 4 or less, 'severe' as 3 or less."
    )

    @model_validator(mode="after")
    def _grade_or_described(self) -> StrengthTest:
        if (self.grade is None) == (self.described is None):
            raise ValueError("give exactly one of 'grade' (MRC 0-5) or 'described' ('weak' or 'severe')")
        return self

    @property
    def weak(self) -> bool:
        """Grade 4 or less, or an ungraded weakness."""
        return self.described is not None or (self.grade is not None and self.grade <= 4)

    @property
    def severe(self) -> bool:
        """Grade 3 or less, or an ungraded severe weakness (foot drop, severe motor deficit)."""
        return self.described == "severe" or (self.grade is not None and self.grade <= 3)


class ReflexTest(Strict):
    reflex: ReflexName
    side: Side | None = Field(description="Null when the note does not say which leg ('AJ absent').")
    result: ReflexResult


class ProvocativeResult(Strict):
    test: ProvocativeTest
    side: Side | None = Field(default=None, description="Leg tested (for crossed tests, the leg raised).")
    result: Literal["positive", "negative"]
    angle: int | None = Field(default=None, ge=0, le=120, description="SLR angle in degrees at which pain appears.")


class Observations(Strict):
    """Measured vital signs and laboratory values (all optional)."""

    temperature_c: float | None = Field(default=None, ge=25, le=45, description="Body temperature in °C.")
    heart_rate: int | None = Field(default=None, ge=20, le=250, description="Beats per minute.")
    systolic_bp: int | None = Field(default=None, ge=40, le=300, description="Systolic blood pressure, mmHg.")
    crp_mg_l: float | None = Field(default=None, ge=0, le=700, description="C-reactive protein, mg/L.")
    esr_mm_h: int | None = Field(default=None, ge=0, le=200, description="Erythrocyte sedimentation rate, mm/h.")
    wbc_10e9_l: float | None = Field(default=None, ge=0, le=500, description="White cell count, ×10⁹/L.")
    post_void_residual_ml: int | None = Field(
        default=None, ge=0, le=5000, description="Bladder volume after voiding (bladder scan), mL."
    )


class Procedure(Strict):
    """A spinal or neuraxial procedure; days_ago null means the timing is not known (counted as recent)."""

    kind: ProcedureKind
    days_ago: int | None = Field(default=None, ge=0, le=36500)


class Mention(Strict):
    """A red-flag mention the intake could not resolve: kept, shown, and confirmed by a clinician."""

    group: MentionGroup
    text: str = Field(min_length=1, max_length=200, description="The source words.")


class DrugSafety(Strict):
    """Patient factors that change which drugs are safe and at what ceiling."""

    egfr: int | None = Field(default=None, ge=0, le=200, description="eGFR in mL/min/1.73m².")
    ckd: Status = "unknown"
    liver_disease: Status = "unknown"
    gi_bleed_or_ulcer: Status = "unknown"
    anticoagulant: Status = "unknown"
    heart_failure: Status = "unknown"
    cardiovascular_disease: Status = "unknown"
    hypertension: Status = "unknown"
    pregnancy: Status = "unknown"
    trimester: Literal[1, 2, 3] | None = None
    breastfeeding: Status = "unknown"
    nsaid_sensitive_asthma: Status = "unknown"
    alcohol_use: Status = "unknown"
    weight_kg: float | None = Field(default=None, gt=0, le=400)
    current_drugs: list[str] = Field(default_factory=list, description="Drug ids already taken.")

    @model_validator(mode="after")
    def _trimester_needs_pregnancy(self) -> DrugSafety:
        if self.trimester is not None and self.pregnancy != "present":
            raise ValueError("trimester is given but pregnancy is not 'present'")
        return self


OdiAnswers = Annotated[
    list[int | None],
    Field(
        min_length=ODI_SECTIONS,
        max_length=ODI_SECTIONS,
        description="Ten ODI v2.1a section scores 0-5, null if unanswered.",
    ),
]
StartBackAnswers = Annotated[
    list[int],
    Field(
        min_length=STARTBACK_ITEMS,
        max_length=STARTBACK_ITEMS,
        description="Items 1-8 as 0 (disagree) or 1 (agree); item 9 bothersomeness 0-4.",
    ),
]


class Case(Strict):
    """A presentation of leg or back pain, as structured findings."""

    id: str | None = Field(default=None, description="Caller's reference; never a patient identifier.")
    age: int | None = Field(default=None, ge=16, le=120, description="Age in years (adults only); null if unknown.")
    sex: Literal["female", "male", "other", "unknown"] = "unknown"
    onset: Literal["sudden", "gradual", "unknown"] = "unknown"
    duration_days: int | None = Field(default=None, ge=0, le=36500)
    trigger: Literal["running", "lifting", "twisting", "fall", "none", "other", "unknown"] = "unknown"
    course: Literal["improving", "stable", "worsening", "unknown"] = "unknown"
    sides: list[Side] = Field(default_factory=list, description="Leg(s) with symptoms.")
    pain_regions: list[RegionMark] = Field(default_factory=list)
    sensory_regions: list[RegionMark] = Field(default_factory=list, description="Numbness or tingling.")
    named_roots: list[NamedRoot] = Field(
        default_factory=list, description="Roots or dermatomes the note names as affected (e.g. 'L5 distribution')."
    )
    strength: list[StrengthTest] = Field(default_factory=list)
    reflexes: list[ReflexTest] = Field(default_factory=list)
    provocative: list[ProvocativeResult] = Field(default_factory=list)
    red_flags: dict[str, Status] = Field(default_factory=dict, description=f"Keys: {', '.join(RED_FLAG_KEYS)}.")
    history: dict[str, Status] = Field(default_factory=dict, description=f"Keys: {', '.join(HISTORY_KEYS)}.")
    symptoms: dict[str, Status] = Field(default_factory=dict, description=f"Keys: {', '.join(SYMPTOM_KEYS)}.")
    pain_score: int | None = Field(default=None, ge=0, le=10, description="Worst leg pain, NRS 0-10.")
    drug_safety: DrugSafety = Field(default_factory=DrugSafety)
    odi: OdiAnswers | None = None
    startback: StartBackAnswers | None = None
    onset_days: dict[str, int] = Field(
        default_factory=dict,
        description="Days since a finding began, keyed by a red-flag, history or symptom key or by "
        f"{', '.join(TEMPO_KEYS)}.",
    )
    deficit_course: DeficitCourse = Field(default="unknown", description="Course of a neurological deficit.")
    observations: Observations = Field(default_factory=Observations)
    procedures: list[Procedure] = Field(default_factory=list)
    to_confirm: list[Mention] = Field(
        default_factory=list, description="Red-flag mentions not understood; each keeps the triage at least urgent."
    )

    @field_validator("onset_days")
    @classmethod
    def _onset_keys(cls, value: dict[str, int]) -> dict[str, int]:
        allowed = (*RED_FLAG_KEYS, *HISTORY_KEYS, *SYMPTOM_KEYS, *TEMPO_KEYS)
        unknown = sorted(set(value) - set(allowed))
        if unknown:
            raise ValueError(f"unknown key(s) {unknown}; allowed: {', '.join(allowed)}")
        bad = sorted(k for k, v in value.items() if not 0 <= v <= 36500)
        if bad:
            raise ValueError(f"days must be 0-36500 for {bad}")
        return value

    @field_validator("red_flags", "history", "symptoms")
    @classmethod
    def _known_keys(cls, value: dict[str, Status], info: ValidationInfo) -> dict[str, Status]:
        allowed = {"red_flags": RED_FLAG_KEYS, "history": HISTORY_KEYS, "symptoms": SYMPTOM_KEYS}[info.field_name or ""]
        unknown = sorted(set(value) - set(allowed))
        if unknown:
            raise ValueError(f"unknown key(s) {unknown}; allowed: {', '.join(allowed)}")
        return value

    @field_validator("odi")
    @classmethod
    def _odi_range(cls, value: list[int | None] | None) -> list[int | None] | None:
        for i, answer in enumerate(value or []):
            if answer is not None and not 0 <= answer <= 5:
                raise ValueError(f"ODI section {i + 1} must be 0-5 or null, got {answer}")
        return value

    @field_validator("startback")
    @classmethod
    def _startback_range(cls, value: list[int] | None) -> list[int] | None:
        for i, answer in enumerate(value or []):
            top = 4 if i == STARTBACK_ITEMS - 1 else 1
            if not 0 <= answer <= top:
                raise ValueError(f"STarT Back item {i + 1} must be 0-{top}, got {answer}")
        return value

    def status(self, key: str) -> Status:
        """Status of a red-flag, history or symptom key; 'unknown' when nobody asked."""
        for table in (self.red_flags, self.history, self.symptoms):
            if key in table:
                return table[key]
        return "unknown"
