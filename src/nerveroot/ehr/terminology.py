"""The terminology layer: value sets and concept maps from ICD-10-CM, SNOMED CT, LOINC, RxNorm and ATC to nerveroot.

Loaded from `data/terminology.yaml` (versioned; every record names its source and locator) and validated here.
Pure lookups: a coding in, the nerveroot target(s) out. Nothing is fetched at run time.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from nerveroot.ehr import codes

Meaning = Literal["present", "absent", "unknown"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Cite(_Strict):
    source: str
    locator: str = Field(min_length=1)


class _Sourced(_Strict):
    sources: list[Cite] = Field(min_length=1)


class ConditionMap(_Sourced):
    id: str
    target: str
    icd10cm: list[str] = Field(default_factory=list)
    icd10cm_categories: list[str] = Field(default_factory=list)
    snomed: list[str] = Field(default_factory=list)
    when_resolved: Meaning
    refuted_means_absent: bool


class EpisodeSet(_Sourced):
    icd10cm_categories: list[str]
    snomed: list[str]
    onset_keys: dict[str, list[str]]


class ProcedureMap(_Sourced):
    kind: str
    cpt: list[str]


class ObservationMap(_Sourced):
    id: str
    target: str
    loinc: list[str]
    units: dict[str, float | Literal["fahrenheit"]] = Field(default_factory=dict)
    answers: dict[str, Meaning] = Field(default_factory=dict)
    range: tuple[float, float] | None = None
    round: bool = False
    verified: bool = True


class Fever(_Sourced):
    celsius: float


class DrugClass(_Sourced):
    id: str
    targets: list[str]
    atc_prefixes: list[str]
    ingredients: dict[str, str]
    long_term_days: int | None = None


class AtcIngredients(_Sourced):
    codes: dict[str, str]


class Product(_Strict):
    ingredient: str
    mg: float
    form: str


class OrderSet(_Sourced):
    cpt: list[str]
    loinc: list[str]
    snomed: list[str]
    emit: dict[str, dict[str, str]]


class RiskOutcomes(_Sourced):
    icd10cm: dict[str, str]
    titles: dict[str, str]


class IssueCode(_Strict):
    code: str
    display: str


class Terminology(_Strict):
    version: str
    sources: dict[str, dict[str, str]]
    conditions: list[ConditionMap]
    episode: EpisodeSet
    procedures: list[ProcedureMap]
    observations: list[ObservationMap]
    fever: Fever
    drug_classes: list[DrugClass]
    atc_ingredients: AtcIngredients
    rxnorm_products: dict[str, Product | list[Cite]]
    orders: dict[str, OrderSet]
    detected_issue_codes: dict[str, IssueCode | list[Cite]]
    risk_outcomes: RiskOutcomes

    @model_validator(mode="after")
    def _sources_known(self) -> Terminology:
        cites: list[Cite] = [c for group in self._sourced() for c in group.sources]
        for extra in (self.rxnorm_products.get("sources"), self.detected_issue_codes.get("sources")):
            if not isinstance(extra, list) or not extra:
                raise ValueError("rxnorm_products and detected_issue_codes need `sources`")
            cites += extra
        unknown = sorted({c.source for c in cites} - set(self.sources))
        if unknown:
            raise ValueError(f"unknown source id(s): {unknown}")
        return self

    def _sourced(self) -> list[_Sourced]:
        return [
            *self.conditions,
            self.episode,
            *self.procedures,
            *self.observations,
            self.fever,
            *self.drug_classes,
            self.atc_ingredients,
            *self.orders.values(),
            self.risk_outcomes,
        ]

    # ---------------------------------------------------------------- lookups

    def products(self) -> dict[str, Product]:
        return {k: v for k, v in self.rxnorm_products.items() if isinstance(v, Product)}

    def issue(self, kind: str) -> IssueCode:
        value = self.detected_issue_codes[kind]
        assert isinstance(value, IssueCode)
        return value

    def condition_maps(self, system: str | None, code: str | None) -> list[ConditionMap]:
        """Every concept map a Condition coding falls in (ICD-10-CM exact or by category; SNOMED CT exact)."""
        if not code:
            return []
        if system == codes.ICD10CM:
            return [m for m in self.conditions if icd_in(code, m.icd10cm, m.icd10cm_categories)]
        if system == codes.SNOMED:
            return [m for m in self.conditions if code in m.snomed]
        return []

    def is_episode(self, system: str | None, code: str | None) -> bool:
        if not code:
            return False
        if system == codes.ICD10CM:
            return icd_in(code, [], self.episode.icd10cm_categories)
        return system == codes.SNOMED and code in self.episode.snomed

    def onset_key(self, system: str | None, code: str | None) -> str | None:
        """The onset_days key an episode condition dates (leg_pain, back_pain), if any."""
        for key, listed in self.episode.onset_keys.items():
            if system == codes.ICD10CM and code and icd_in(code, [], [c for c in listed if not c.isdigit()]):
                return key
            if system == codes.SNOMED and code in listed:
                return key
        return None

    def procedure_kind(self, system: str | None, code: str | None) -> str | None:
        if system != codes.CPT or not code:
            return None
        return next((p.kind for p in self.procedures if code in p.cpt), None)

    def observation_map(self, system: str | None, code: str | None) -> ObservationMap | None:
        if system != codes.LOINC or not code:
            return None
        return next((m for m in self.observations if code in m.loinc), None)

    def drug(self, system: str | None, code: str | None) -> tuple[DrugClass | None, str | None]:
        """(class, knowledge-base drug id) of a medication coding; either may be None."""
        if not code:
            return None, None
        if system == codes.RXNORM:
            product = self.products().get(code)
            ingredient = product.ingredient if product else code
            for cls in self.drug_classes:
                if ingredient in cls.ingredients:
                    return cls, cls.ingredients[ingredient]
        if system == codes.ATC:
            name = self.atc_ingredients.codes.get(code)
            for cls in self.drug_classes:
                if any(code.startswith(p) for p in cls.atc_prefixes):
                    return cls, name
            return None, name
        return None, None

    def drug_class(self, class_id: str) -> DrugClass:
        return next(c for c in self.drug_classes if c.id == class_id)

    def ingredient_of(self, drug_id: str) -> str | None:
        """The RxNorm ingredient code of a knowledge-base drug id."""
        for cls in self.drug_classes:
            for rxcui, name in cls.ingredients.items():
                if name == drug_id:
                    return rxcui
        return None


def normal_icd(code: str) -> str:
    """ICD-10-CM code in the dotted form (M5416 → M54.16)."""
    code = code.strip().upper().rstrip("-")
    return code if "." in code or len(code) <= 3 else f"{code[:3]}.{code[3:]}"


def icd_in(code: str, exact: list[str], categories: list[str]) -> bool:
    """True when `code` is one of `exact` or at or below one of `categories` (N18 covers N18.4)."""
    dotted = normal_icd(code)
    return dotted in exact or any(dotted == c or dotted.startswith(c if "." in c else f"{c}.") for c in categories)


_SIDE_WORDS = {"left": "left", "right": "right", "both": "bilateral", "none": "unspecified"}


def billable_icd(code: str, sides: list[str], leaves: dict[str, list[dict[str, str]]]) -> tuple[str, str] | None:
    """A billable ICD-10-CM code for `code`: itself when it is a code, or, for a category whose billable codes
    differ only by laterality, the one for the affected side(s) (unspecified when not known); else None."""
    dotted = normal_icd(code)
    children = leaves.get(dotted)
    if children is None:
        return (dotted, "") if not code.endswith("-") else None
    words = [next((w for w in _SIDE_WORDS.values() if w in c["title"].lower()), None) for c in children]
    if None in words or len(children) > 5:
        return None
    want = _SIDE_WORDS["both" if len(set(sides)) == 2 else sides[0] if sides else "none"]
    return next(((c["code"], c["title"]) for c, w in zip(children, words, strict=True) if w == want), None)


@cache
def icd_leaves() -> dict[str, list[dict[str, str]]]:
    """Billable ICD-10-CM codes under each category the knowledge base names (data/icd10cm_leaves.yaml)."""
    text = resources.files("nerveroot.ehr").joinpath("data/icd10cm_leaves.yaml").read_text(encoding="utf-8")
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    categories: dict[str, list[dict[str, str]]] = data["categories"]
    return categories


@cache
def default_terminology() -> Terminology:
    """The shipped terminology, validated once."""
    text = resources.files("nerveroot.ehr").joinpath("data/terminology.yaml").read_text(encoding="utf-8")
    return Terminology.model_validate(yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
