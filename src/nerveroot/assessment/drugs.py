"""Drug options for one patient: jurisdiction ceilings, patient cautions and guideline positions.

Pure functions over a Case and the knowledge base. For each drug the daily ceiling is the lowest of the
jurisdiction's recognised maximum and every caution ceiling that applies to the patient; every dose shown is
capped to that ceiling. Unknown safety factors are never read as absent: they produce a
"check before prescribing" note and keep the drug at "use_with_caution" or stricter.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from operator import itemgetter
from typing import Any, Literal, NamedTuple, get_args

import orjson
from pydantic import BaseModel, ConfigDict, Field

from nerveroot.assessment.case import Case, DrugSafety, Status
from nerveroot.assessment.construct import construct
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.models import (
    Caution,
    Cite,
    Conflict,
    DoseStatement,
    Drug,
    EgfrThreshold,
    MaxDose,
    Position,
    SafetyFactor,
)

Jurisdiction = Literal["UK", "US"]
Phase = Literal["acute", "chronic"] | None
"""The phase of the presentation; None when the duration is unknown (then advice for every phase applies)."""
INDIRECT = frozenset({"low_back_pain", "other_condition"})
"""Populations of a guideline position that are indirect for lumbar root pain (back pain alone, other conditions)."""
OptionStatus = Literal["option", "use_with_caution", "contraindicated", "advised_against_for_sciatica"]
NoteEffect = Literal["contraindicated", "avoid", "reduce_dose", "caution", "check_before_prescribing"]

CHRONIC_DAYS = 84
"""12 weeks: where NICE NG59 and ACP 2017 separate acute and subacute pain from chronic (persistent) pain."""
SEVERE_CKD_EGFR = 30
"""eGFR (mL/min/1.73m²) below which CKD is severe; `avoid`/`contraindicated` CKD cautions apply only then."""
CKD_EGFR = 60
"""eGFR below which CKD is present."""
EGFR_BANDS: tuple[int, ...] = get_args(EgfrThreshold)
"""The kidney-function thresholds cautions may name; a profile records which band the eGFR falls in."""
LOW_BODY_WEIGHT_KG = 50.0
OLDER_AGE = 65


def phase_of(case: Case) -> Phase:
    """'chronic' from `CHRONIC_DAYS`, 'acute' before, None when the duration is not recorded."""
    if case.duration_days is None:
        return None
    return "chronic" if case.duration_days >= CHRONIC_DAYS else "acute"


def in_phase(position: Position, phase: Phase) -> bool:
    """Whether a position speaks to this phase (every position does when the phase is unknown)."""
    return phase is None or position.phase in ("any", phase)


_JURISDICTION_MAXIMA: dict[Jurisdiction, tuple[str, ...]] = {"UK": ("UK", "label"), "US": ("US_Rx", "label")}
_FALLBACK_MAXIMA: dict[Jurisdiction, tuple[str, ...]] = {"UK": ("US_Rx", "US_OTC"), "US": ("US_OTC",)}
"""A drug with no maximum for the jurisdiction (not licensed in the UK) keeps the one recorded elsewhere, labelled."""
_JURISDICTION_SOURCES: dict[Jurisdiction, frozenset[str]] = {
    "UK": frozenset({"bnf", "nhs_medicines"}),
    "US": frozenset({"drug_labels_us", "fda_nsaid_labels", "us_otc_drug_facts"}),
}
_GROUP_ORDER: dict[OptionStatus, int] = {
    "option": 0,
    "use_with_caution": 0,
    "advised_against_for_sciatica": 1,
    "contraindicated": 2,
}
"""Offered drugs (option or use with care) first, then those advised against, then those unsuitable."""
_STANCE_RANK: dict[str, int] = {"recommended": 0, "consider": 1}
_INDIRECT_RANK = 2
"""A statement offering the drug for low back pain alone ranks after any direct one (recommended 2, consider 3)."""
_RANK_NONE = 5


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SafetyNote(Strict):
    """One patient factor that changes how the drug may be used."""

    factor: str = Field(description="Safety factor id, e.g. 'ckd' or 'age_65_plus'.")
    factor_status: Literal["present", "unknown"]
    effect: NoteEffect
    detail: str
    max_mg_per_day: float | None = Field(default=None, description="Ceiling this factor imposes, if any.")
    sources: list[Cite]


class CeilingBasis(Strict):
    """A limit that was considered for the patient's daily ceiling."""

    label: str = Field(description="e.g. 'UK maximum' or 'caution: ckd'.")
    mg_per_day: float
    limit: str | None = None
    sources: list[Cite]


class DoseLine(Strict):
    """A source's dose, capped to the patient's ceiling when it would exceed it."""

    text: str = Field(description="Dose to show; never implies more than the ceiling.")
    original: str = Field(description="The statement as recorded in drugs.yaml.")
    daily_max_mg: float | None = Field(description="Most the shown text allows in 24 hours, if it can be read.")
    capped: bool
    conflict: str | None = Field(default=None, description="Why the original was changed, when capped.")
    sources: list[Cite]


class _DrugView(Strict):
    """Fields shared by the full drug option and its care-plan form."""

    drug_id: str
    name: str
    drug_class: str
    route: str
    dose_unit: str
    jurisdiction: Jurisdiction
    status: OptionStatus
    ceiling_mg_per_day: float | None = Field(description="Lowest applicable daily maximum; None when none is recorded.")
    ceiling_basis: list[CeilingBasis]
    dose: str | None = Field(description="Dose to show; None when the drug is contraindicated.")
    safety: list[SafetyNote]
    positions: list[Position]
    notes: list[str]
    sources: list[Cite]


class DrugOption(_DrugView):
    """One drug as it stands for this patient, with every source's dose and recorded disagreement."""

    doses: list[DoseLine]
    conflicts: list[Conflict]


class PlanDrug(_DrugView):
    """A drug option as the care plan shows it: the patient-specific dose and ceiling with the guidance and
    cautions behind it. Every dose statement and recorded disagreement stays in the knowledge base
    (`nerveroot kb show DRUG`), named here by topic."""

    conflict_topics: list[str]


# ---------------------------------------------------------------- dose text reading

_NUM = r"(\d+(?:\.\d+)?)"
_PER_DOSE = re.compile(rf"(?<![\d.])(?<!up to )(?<!more than ){_NUM}(?:\s*[–-]\s*{_NUM})?\s*mg\b")
_CAP = re.compile(rf"(no more than|up to)\s+{_NUM}\s*mg(\s+[a-z]+)?\s+(a day|in 24 hours|daily)")
_EVERY = re.compile(r"every\s+(\d+)(?:\s*[–-]\s*\d+)?\s*hours?")
_SCHEDULE_ASIDE = re.compile(rf"\s*\({_NUM}\s*mg\s+((?:once|twice|three times|four times)\s+(?:daily|a day))\)")
"""A schedule restated in brackets, "(600 mg four times daily)", that may add up to more than a lowered ceiling."""
_TIMES = (
    (re.compile(r"\bonce daily\b|\bonce a day\b|\bat bedtime\b|\bat night\b"), 1),
    (re.compile(r"\btwice daily\b|\btwice a day\b"), 2),
    (re.compile(r"\bthree times daily\b|\bthree times a day\b"), 3),
    (re.compile(r"\bfour times daily\b|\bfour times a day\b"), 4),
)


class ParsedDose(Strict):
    per_dose_low: float | None
    per_dose_high: float | None
    doses_per_day: int | None
    cap: float | None

    @property
    def daily_max(self) -> float | None:
        """Most the statement allows in 24 hours: an explicit cap, else dose × frequency."""
        if self.cap is not None:
            return self.cap
        if self.per_dose_high is not None and self.doses_per_day is not None:
            return self.per_dose_high * self.doses_per_day
        return None


@lru_cache(maxsize=4096)
def parse_dose(text: str) -> ParsedDose:
    """Read '<a>[–<b>] mg <frequency>[, no more than X mg a day]' from a dose statement."""
    low = high = cap = None
    caps = list(_CAP.finditer(text))
    if caps:
        cap = min(float(m.group(2)) for m in caps)
    cap_spans = [m.span() for m in caps]
    for match in _PER_DOSE.finditer(text):
        if any(start <= match.start() < end for start, end in cap_spans):
            continue
        low = float(match.group(1))
        high = float(match.group(2) or match.group(1))
        break
    found: list[tuple[int, int]] = []
    every = _EVERY.search(text)
    if every:
        found.append((every.start(), 24 // int(every.group(1))))
    for pattern, count in _TIMES:
        times = pattern.search(text)
        if times:
            found.append((times.start(), count))
    per_day = min(found)[1] if found else None
    return ParsedDose(per_dose_low=low, per_dose_high=high, doses_per_day=per_day, cap=cap)


def _fmt(value: float) -> str:
    return f"{value:g}"


def _aside_daily(match: re.Match[str]) -> float:
    """The daily total of a bracketed schedule, its frequency read by the same patterns as any dose."""
    return float(match.group(1)) * next(count for pattern, count in _TIMES if pattern.search(match.group(2)))


def cap_dose_text(text: str, ceiling: float) -> str:
    """Rewrite a dose statement so that it allows at most `ceiling` mg in 24 hours. When even the lowest stated
    schedule exceeds it, the schedule is replaced by the ceiling alone."""
    parsed = parse_dose(text)
    if (
        parsed.per_dose_low is not None
        and parsed.doses_per_day
        and parsed.per_dose_low * parsed.doses_per_day > ceiling
    ):
        return f"no more than {_fmt(ceiling)} mg in 24 hours for this patient, once daily or divided"
    out = _CAP.sub(
        lambda m: f"{m.group(1)} {_fmt(min(float(m.group(2)), ceiling))} mg{m.group(3) or ''} {m.group(4)}", text
    )
    out = _SCHEDULE_ASIDE.sub(lambda m: m.group(0) if _aside_daily(m) <= ceiling else "", out)
    if parsed.per_dose_high is not None and parsed.per_dose_high > ceiling:
        low = min(parsed.per_dose_low or ceiling, ceiling)
        new = _fmt(ceiling) if low == ceiling else f"{_fmt(low)}–{_fmt(ceiling)}"
        out = _PER_DOSE.sub(f"{new} mg", out, count=1)
    after = parse_dose(out).daily_max
    if after is None or after > ceiling:
        out = f"{out.rstrip('. ')}; no more than {_fmt(ceiling)} mg in 24 hours"
    return out


# ---------------------------------------------------------------- patient factors


def _ckd(case: Case) -> Status:
    """CKD status from the eGFR and the CKD flag."""
    safety = case.drug_safety
    if safety.egfr is not None:
        return "present" if safety.egfr < CKD_EGFR or safety.ckd == "present" else "absent"
    return safety.ckd


_RECORDED = frozenset(DrugSafety.model_fields)


def factor_status(case: Case, factor: SafetyFactor) -> Status:
    """Whether a drug-safety factor is present, absent or unknown for this case."""
    safety = case.drug_safety
    if factor == "age_65_plus":
        return "unknown" if case.age is None else ("present" if case.age >= OLDER_AGE else "absent")
    if factor == "ckd":
        return _ckd(case)
    if factor == "pregnancy_third_trimester":
        if safety.pregnancy == "absent" or safety.trimester in (1, 2):
            return "absent"
        return "present" if safety.trimester == 3 else "unknown"
    if factor == "low_body_weight":
        if safety.weight_kg is None:
            return "unknown"
        return "present" if safety.weight_kg < LOW_BODY_WEIGHT_KG else "absent"
    if factor == "diabetes":
        return case.status("diabetes")
    if factor not in _RECORDED:  # a factor the case has no field for (looked up without raising)
        return "unknown"
    direct: Status | None = getattr(safety, factor)
    return direct if direct is not None else "unknown"


FACTORS: tuple[SafetyFactor, ...] = get_args(SafetyFactor)
_POSITION: dict[str, int] = {f: i for i, f in enumerate(FACTORS)}
_CODE: dict[Status, str] = {"present": "p", "absent": "a", "unknown": "u"}
_DECODE: dict[str, Status] = {v: k for k, v in _CODE.items()}
_PHASE_CODE: dict[Phase, str] = {"acute": "a", "chronic": "c", None: "u"}
_PHASE_DECODE: dict[str, Phase] = {v: k for k, v in _PHASE_CODE.items()}


@dataclass(frozen=True)
class SafetyProfile:
    """All a drug option depends on: the status of each safety factor (the age only as its band), the eGFR
    band and the phase (advice against a drug may hold for one phase only). Patients with the same profile get
    the same options, so this is the cache key."""

    statuses: tuple[Status, ...]
    egfr_band: int | None
    """How many of `EGFR_BANDS` the eGFR reaches (0: below the lowest); None when no eGFR is recorded."""
    phase: Phase = None

    @classmethod
    def of(cls, case: Case) -> SafetyProfile:
        egfr = case.drug_safety.egfr
        band = None if egfr is None else sum(egfr >= t for t in EGFR_BANDS)
        return cls(tuple(factor_status(case, f) for f in FACTORS), band, phase_of(case))

    def status(self, factor: SafetyFactor) -> Status:
        return self.statuses[_POSITION[factor]]

    def egfr_below(self, threshold: int) -> Status:
        """Whether the eGFR is below `threshold` (one of `EGFR_BANDS`); without an eGFR, 'absent' only when CKD
        is recorded absent (every threshold is at most the CKD threshold)."""
        if self.egfr_band is not None:
            return "present" if self.egfr_band <= EGFR_BANDS.index(threshold) else "absent"
        return "absent" if self.status("ckd") == "absent" else "unknown"

    @property
    def severe_ckd(self) -> Status:
        return self.egfr_below(SEVERE_CKD_EGFR)

    @property
    def key(self) -> str:
        """A short stable code, one letter per factor in `FACTORS` order (p/a/u), then the eGFR band as a digit
        (u when no eGFR is recorded), then the phase (a acute, c chronic, u unknown)."""
        band = "u" if self.egfr_band is None else str(self.egfr_band)
        return "".join(_CODE[s] for s in self.statuses) + band + _PHASE_CODE[self.phase]

    @classmethod
    def from_key(cls, key: str) -> SafetyProfile:
        """The profile a `key` names (without the phase letter: phase unknown); ValueError when it is not one."""
        bands = {"u", *(str(i) for i in range(len(EGFR_BANDS) + 1))}
        factors, band, phase = key[: len(FACTORS)], key[len(FACTORS) : len(FACTORS) + 1], key[len(FACTORS) + 1 :]
        if (
            any(c not in _DECODE for c in factors)
            or len(factors) != len(FACTORS)
            or band not in bands
            or (phase not in ("", *_PHASE_DECODE))
        ):
            raise ValueError(
                f"a profile key is {len(FACTORS)} letters from p, a, u, then an eGFR band 0-{len(EGFR_BANDS)} or u, "
                "then the phase a (acute), c (chronic) or u (unknown)"
            )
        return cls(tuple(_DECODE[c] for c in factors), None if band == "u" else int(band), _PHASE_DECODE.get(phase))


def _applies(profile: SafetyProfile, caution: Caution) -> tuple[Status, NoteEffect]:
    """Status of the caution's factor for this profile and the effect to apply (CKD severity handled here)."""
    effect: NoteEffect = caution.effect
    if caution.factor == "ckd" and caution.egfr_below is not None:
        return profile.egfr_below(caution.egfr_below), effect
    status = profile.status(caution.factor)
    if caution.factor == "ckd" and status == "present" and effect in ("avoid", "contraindicated"):
        if profile.severe_ckd == "absent":
            effect = "caution"
        elif profile.severe_ckd == "unknown":
            effect = "check_before_prescribing"
    return status, effect


# ---------------------------------------------------------------- ceilings and options


def jurisdiction_maxima(drug: Drug, jurisdiction: Jurisdiction) -> list[MaxDose]:
    """The recognised maxima that apply in a jurisdiction (UK: UK + label, else US; US: US_Rx + label, else US_OTC)."""
    chosen = [m for m in drug.max_daily if m.jurisdiction in _JURISDICTION_MAXIMA[jurisdiction]]
    if not chosen:
        chosen = [m for m in drug.max_daily if m.jurisdiction in _FALLBACK_MAXIMA[jurisdiction]]
    return chosen


def max_daily_dose(drug: Drug, jurisdiction: Jurisdiction = "UK") -> MaxDose | None:
    """The lowest recognised daily maximum for the jurisdiction, or None when none is recorded."""
    maxima = jurisdiction_maxima(drug, jurisdiction)
    return min(maxima, key=lambda m: m.mg_per_day) if maxima else None


def _is_seed(cites: list[Cite], kb: KnowledgeBase) -> bool:
    return all(kb.sources[c.source].seed_file is not None for c in cites if c.source in kb.sources)


def _primary_statement(drug: Drug, kb: KnowledgeBase, jurisdiction: Jurisdiction) -> DoseStatement:
    """The label/formulary statement for the jurisdiction, else any non-seed one, else the first."""
    preferred = _JURISDICTION_SOURCES[jurisdiction]
    non_seed = [d for d in drug.usual_doses if not _is_seed(d.sources, kb)]
    for statement in non_seed:
        if any(c.source in preferred for c in statement.sources):
            return statement
    return non_seed[0] if non_seed else drug.usual_doses[0]


def _dose_line(statement: DoseStatement, ceiling: float | None, unit: str) -> DoseLine:
    implied = parse_dose(statement.text).daily_max
    if ceiling is None or (implied is not None and implied <= ceiling):
        return DoseLine(
            text=statement.text, original=statement.text, daily_max_mg=implied, capped=False, sources=statement.sources
        )
    text = cap_dose_text(statement.text, ceiling)
    if implied is None:
        conflict = None
    else:
        conflict = (
            f"The stated schedule allows up to {_fmt(implied)} {unit} a day, above this patient's ceiling of "
            f"{_fmt(ceiling)} {unit}; shown capped."
        )
    return DoseLine(
        text=text,
        original=statement.text,
        daily_max_mg=parse_dose(text).daily_max,
        capped=True,
        conflict=conflict,
        sources=statement.sources,
    )


def _add(seen: dict[tuple[str, str], Cite], cites: Iterable[Cite]) -> dict[tuple[str, str], Cite]:
    """`seen` with each cite not yet in it (by source and locator), first occurrence first."""
    for cite in cites:
        seen.setdefault((cite.source, cite.locator), cite)
    return seen


@dataclass(frozen=True)
class _DrugParts:
    """What one drug's option takes from the knowledge base alone, built once per knowledge base, drug and
    jurisdiction: the shared pieces are immutable models, so options for different patients can share them."""

    basis: tuple[CeilingBasis, ...]
    ceilings: tuple[float, ...]
    """The daily maxima of `basis`."""
    primary: str
    against_bodies: dict[Phase, str | None]
    cautions: tuple[tuple[Caution, int | None, tuple[tuple[tuple[str, str], Cite], ...]], ...]
    """Each caution with the position in `FACTORS` of its factor (None for CKD: its severity is read by `_applies`)
    and its cites by (source, locator): those of its note and of any ceiling it sets."""
    notes: dict[tuple[int, Status, NoteEffect], _Applied]
    """Per caution, state and effect: what it adds to an option (`_safety_note`)."""
    outcomes: list[tuple[int, dict[str, _Applied | None]] | None]
    """Per caution other than CKD, the position of its factor and what it adds in each state (None when absent);
    None for a CKD caution (its effect depends on the eGFR band). Filled once the parts are made (`_outcomes`)."""
    doses: dict[float | None, tuple[tuple[DoseLine, ...], dict[tuple[str, str], Cite], str]]
    """Per ceiling: the capped dose lines, the cites of the drug, those lines and `basis` without repeats, and the
    dose shown (the primary statement's line)."""
    position_cites: tuple[tuple[tuple[str, str], Cite], ...]
    """The cites of the drug's sciatica positions by (source, locator), without repeats."""
    runs: list[_Run]
    """The cautions in runs of at most `RUN_CAUTIONS` consecutive ones (filled once the parts are made)."""


RUN_CAUTIONS = 4
"""Consecutive cautions whose joint outcome is kept per statuses of their factors: at most 3^4 states (times the eGFR
bands for a run with a CKD caution), so every state is kept, and a draft reads a few runs instead of every caution."""


class _Joint(NamedTuple):
    """What a run of consecutive cautions adds to a draft in one state of their factors, in caution order."""

    applied: tuple[_Applied, ...]
    caps: tuple[float, ...]
    cautions: tuple[dict[str, str], ...]
    check_first: tuple[str, ...]
    removes: bool


@dataclass(frozen=True)
class _Run:
    """Cautions `start` to `stop` of a drug: what their joint outcome reads and the outcomes made so far."""

    start: int
    stop: int
    reads: Callable[[tuple[Status, ...]], object]
    """The statuses of the run's factors, taken from a profile's statuses."""
    ckd: bool
    """Whether the run has a CKD caution (then the eGFR band matters too)."""
    joints: dict[object, _Joint]
    """Per state read (with the eGFR band for a CKD run), the run's joint outcome."""


_PARTS: dict[tuple[str, str, Jurisdiction], _DrugParts] = {}
_REMOVING = frozenset({"contraindicated", "avoid"})
"""Effects of a present caution that take the drug off the list for the patient."""


def _against(drug: Drug, phase: Phase) -> str | None:
    """The bodies advising against the drug for sciatica in this phase ('NICE NG59 (2020), chronic sciatica' when
    the advice is for one phase only), or None."""
    bodies = {
        p.body + (f", {p.phase} sciatica" if p.phase != "any" else "")
        for p in drug.sciatica_positions
        if p.stance == "not_recommended" and in_phase(p, phase) and p.population not in INDIRECT
    }  # a stance on back pain alone is indirect for root pain and does not advise against the drug here
    return ", ".join(sorted(bodies)) if bodies else None


def _parts(kb: KnowledgeBase, drug: Drug, jurisdiction: Jurisdiction) -> _DrugParts:
    key = (kb.content_hash, drug.id, jurisdiction)
    found = _PARTS.get(key)
    if found is None:
        basis = tuple(
            CeilingBasis(label=f"{m.jurisdiction} maximum", mg_per_day=m.mg_per_day, limit=m.limit, sources=m.sources)
            for m in jurisdiction_maxima(drug, jurisdiction)
        )
        phases: tuple[Phase, ...] = (None, "acute", "chronic")
        against = {phase: _against(drug, phase) for phase in phases}
        primary = _primary_statement(drug, kb, jurisdiction).text
        cautions = tuple(
            (c, None if c.factor == "ckd" else _POSITION[c.factor], tuple(_add({}, c.sources).items()))
            for c in drug.cautions
        )
        positions = tuple(_add({}, (c for p in drug.sciatica_positions for c in p.sources)).items())
        ceilings = tuple(b.mg_per_day for b in basis)
        found = _PARTS[key] = _DrugParts(basis, ceilings, primary, against, cautions, {}, [], {}, positions, [])
        found.outcomes.extend(_outcomes(found))
        for start in range(0, len(cautions), RUN_CAUTIONS):
            run = drug.cautions[start : start + RUN_CAUTIONS]
            reads = itemgetter(*(_POSITION[c.factor] for c in run))
            found.runs.append(_Run(start, start + len(run), reads, any(c.factor == "ckd" for c in run), {}))
    return found


def _outcomes(parts: _DrugParts) -> Iterable[tuple[int, dict[str, _Applied | None]] | None]:
    """`_DrugParts.outcomes`, built once per knowledge base, drug and jurisdiction."""
    for index, (caution, position, _) in enumerate(parts.cautions):
        if position is None:
            yield None
            continue
        by_state: dict[str, _Applied | None] = {"absent": None}
        for state in get_args(Status):
            if state != "absent":
                by_state[state] = _safety_note(parts, index, caution, state, caution.effect)
        yield position, by_state


class _Applied(NamedTuple):
    """What one caution in one state adds to a drug's option, built once per knowledge base and drug."""

    note: SafetyNote
    cap: CeilingBasis | None
    cites: tuple[tuple[tuple[str, str], Cite], ...]
    """The caution's cites by (source, locator)."""
    removes: bool
    """Present with an effect that takes the drug off the list (`_REMOVING`)."""
    caution: dict[str, str] | None
    """Present: its factor and effect as the brief lists them (`DrugBrief.cautions`); None when not recorded."""


def _safety_note(parts: _DrugParts, index: int, caution: Caution, state: Status, effect: NoteEffect) -> _Applied:
    """The note (and any ceiling) of one caution in one state, built and kept in `parts.notes` (once per knowledge
    base and drug)."""
    cites = parts.cautions[index][2]
    found: _Applied
    if state == "unknown":
        note = SafetyNote(
            factor=caution.factor,
            factor_status="unknown",
            effect="check_before_prescribing",
            detail=f"Not recorded; check before prescribing. If present: {caution.effect}. {caution.detail}",
            max_mg_per_day=caution.max_mg_per_day,
            sources=caution.sources,
        )
        found = _Applied(note, None, cites, False, None)
    else:
        note = SafetyNote(
            factor=caution.factor,
            factor_status="present",
            effect=effect,
            detail=caution.detail,
            max_mg_per_day=caution.max_mg_per_day,
            sources=caution.sources,
        )
        cap = None
        if caution.max_mg_per_day is not None:
            cap = CeilingBasis(
                label=f"caution: {caution.factor}", mg_per_day=caution.max_mg_per_day, sources=caution.sources
            )
        found = _Applied(note, cap, cites, effect in _REMOVING, {"factor": caution.factor, "effect": effect})
    parts.notes[(index, state, effect)] = found
    return found


def _joint(parts: _DrugParts, run: _Run, profile: SafetyProfile) -> _Joint:
    """What the cautions of `run` add for this profile (each caution's outcome built once, `_safety_note`)."""
    statuses = profile.statuses
    applied: list[_Applied] = []
    for index in range(run.start, run.stop):
        outcome = parts.outcomes[index]
        if outcome is not None:
            found = outcome[1][statuses[outcome[0]]]
            if found is None:
                continue
        else:
            caution = parts.cautions[index][0]
            factor_state, effect = _applies(profile, caution)
            if factor_state == "absent":
                continue
            found = parts.notes.get((index, factor_state, effect))
            if found is None:
                found = _safety_note(parts, index, caution, factor_state, effect)
        applied.append(found)
    return _Joint(
        tuple(applied),
        tuple(a.cap.mg_per_day for a in applied if a.cap is not None),
        tuple(a.caution for a in applied if a.caution is not None),
        tuple(a.note.factor for a in applied if a.caution is None),
        any(a.removes for a in applied),
    )


class _Draft:
    """What a drug's option comes to for one safety profile and phase: the cautions that apply (shared outcomes,
    `_Applied`) and what they make of the status, ceiling and dose (all the summary shows); the rest of the option
    is built from these when asked for."""

    __slots__ = (
        "against",
        "applied",
        "cautions",
        "ceiling",
        "check_first",
        "cited",
        "dose",
        "doses",
        "drug",
        "jurisdiction",
        "parts",
        "status",
    )

    def __init__(self, profile: SafetyProfile, kb: KnowledgeBase, drug: Drug, jurisdiction: Jurisdiction, phase: Phase):
        parts = self.parts = _parts(kb, drug, jurisdiction)
        self.drug, self.jurisdiction = drug, jurisdiction
        against = self.against = parts.against_bodies[phase]
        statuses, band = profile.statuses, profile.egfr_band
        applied: list[_Applied] = []
        caps: list[float] = []
        cautions: list[dict[str, str]] = []
        check_first: list[str] = []
        removing = False
        for run in parts.runs:
            key = (run.reads(statuses), band) if run.ckd else run.reads(statuses)
            joint = run.joints.get(key)
            if joint is None:
                joint = run.joints[key] = _joint(parts, run, profile)
            applied += joint.applied
            caps += joint.caps
            cautions += joint.cautions
            check_first += joint.check_first
            removing = removing or joint.removes
        self.applied, self.cautions, self.check_first = applied, cautions, check_first
        ceiling = self.ceiling = min([*parts.ceilings, *caps], default=None)
        status: OptionStatus
        if removing:
            status = "contraindicated"
        elif against is not None:
            status = "advised_against_for_sciatica"
        elif applied or not (parts.basis or caps):
            status = "use_with_caution"
        else:
            status = "option"
        self.status = status
        found_doses = parts.doses.get(ceiling)
        if found_doses is None:
            found_doses = parts.doses[ceiling] = _doses(parts, drug, ceiling)
        self.doses, self.cited, shown = found_doses
        self.dose = None if removing else shown

    def view(self) -> dict[str, Any]:
        """The fields a drug's full option and its plan form share (`_DrugView`)."""
        drug, parts, jurisdiction, ceiling, applied = (
            self.drug,
            self.parts,
            self.jurisdiction,
            self.ceiling,
            self.applied,
        )
        removing = [a.note for a in applied if a.removes]
        notes: list[str] = []
        if not parts.basis:
            notes.append(f"No recognised {jurisdiction} daily maximum is recorded; check the local formulary or label.")
        if removing:
            reasons = "; ".join(f"{n.factor} ({n.effect})" for n in removing)
            notes.append(f"Removed for this patient: {reasons}.")
        elif ceiling is None:
            notes.append("Labelling sets no fixed daily maximum; the prescriber titrates the dose.")
        if self.status == "advised_against_for_sciatica":
            notes.append(
                f"Advised against for sciatica ({self.against}); shown for information, not as a recommendation."
            )
        capped = (a.cites for a in applied if a.cap is not None)
        noted = (a.cites for a in applied)
        cites = dict(self.cited)  # the drug's, its dose lines' and fixed maxima's, then the caution ceilings', notes'
        cites.update(chain(*capped, *noted, parts.position_cites))  # an equal later cite keeps the first
        return {
            "drug_id": drug.id,
            "name": drug.name,
            "drug_class": drug.drug_class,
            "route": drug.route,
            "dose_unit": drug.dose_unit,
            "jurisdiction": jurisdiction,
            "status": self.status,
            "ceiling_mg_per_day": ceiling,
            "ceiling_basis": [*parts.basis, *(a.cap for a in applied if a.cap is not None)],
            "dose": self.dose,
            "safety": [a.note for a in applied],
            "positions": list(drug.sciatica_positions),
            "notes": notes,
            "sources": list(cites.values()),
        }


def _doses(
    parts: _DrugParts, drug: Drug, ceiling: float | None
) -> tuple[tuple[DoseLine, ...], dict[tuple[str, str], Cite], str]:
    """A drug's dose lines capped to one ceiling, the cites of the drug, those lines and its fixed maxima, and
    the dose shown (the primary statement's line)."""
    lines = tuple(_dose_line(s, ceiling, drug.dose_unit) for s in drug.usual_doses)
    cited = _add({}, drug.sources)
    for line in lines:
        _add(cited, line.sources)
    for b in parts.basis:
        _add(cited, b.sources)
    return lines, cited, next(line.text for line in lines if line.original == parts.primary)


def _full(view: dict[str, Any], doses: tuple[DoseLine, ...], drug: Drug) -> DrugOption:
    # every field is built from typed knowledge-base models: constructed without a second validation pass
    return construct(DrugOption, {**view, "doses": list(doses), "conflicts": list(drug.conflicts)})


def assess_drug(
    profile: SafetyProfile, kb: KnowledgeBase, drug: Drug, jurisdiction: Jurisdiction = "UK", phase: Phase = None
) -> DrugOption:
    """One drug for one safety profile and phase: status, ceiling with reasons, capped doses and sources."""
    draft = _Draft(profile, kb, drug, jurisdiction, phase)
    return _full(draft.view(), draft.doses, drug)


def support_rank(positions: list[Position], phase: Phase) -> int:
    """How well a drug is supported for this phase, as the care plan ranks treatments (lower is stronger): the
    lead statement on nerve root pain (NICE first) when it recommends (0) or considers (1) the drug, else the best
    statement doing so for low back pain only (2, 3), else none (5). A lead with no recommendation is not
    outranked by a general statement."""
    applicable = [p for p in positions if in_phase(p, phase)]
    direct = [p for p in applicable if p.population not in INDIRECT]
    lead = next((p for p in direct if p.body.startswith("NICE")), direct[0] if direct else None)
    if lead is not None and lead.stance in _STANCE_RANK:
        return _STANCE_RANK[lead.stance]
    indirect = [
        _STANCE_RANK[p.stance] + _INDIRECT_RANK
        for p in applicable
        if p.population in INDIRECT and p.stance in _STANCE_RANK
    ]
    return min(indirect, default=_RANK_NONE)


def drug_options(case: Case, kb: KnowledgeBase, jurisdiction: Jurisdiction = "UK") -> list[DrugOption]:
    """Every drug in the knowledge base assessed for this case, most usable first."""
    return profile_options(SafetyProfile.of(case), kb, jurisdiction)


def plan_drugs(case: Case, kb: KnowledgeBase, jurisdiction: Jurisdiction = "UK") -> list[PlanDrug]:
    """The drug options of `drug_options` in the shorter form a care plan carries."""
    return [option.plan for option in _profile(SafetyProfile.of(case), kb, jurisdiction)]


def plan_briefs(profile: SafetyProfile, kb: KnowledgeBase, jurisdiction: Jurisdiction = "UK") -> list[DrugBrief]:
    """The drug options of `plan_drugs` for one safety profile in the brief form the API summary shows."""
    return [option.brief for option in _profile(profile, kb, jurisdiction)]


def plan_brief_json(
    profile: SafetyProfile, kb: KnowledgeBase, jurisdiction: Jurisdiction = "UK"
) -> list[orjson.Fragment]:
    """The briefs of `plan_briefs` as JSON, each serialised once per option (a kept option's for every profile
    that shares it)."""
    return [option.brief_json() for option in _profile(profile, kb, jurisdiction)]


def profile_options(profile: SafetyProfile, kb: KnowledgeBase, jurisdiction: Jurisdiction = "UK") -> list[DrugOption]:
    """Every drug's full option for one safety profile (with its phase), most usable first."""
    return [option.full() for option in _profile(profile, kb, jurisdiction)]


@dataclass(frozen=True)
class _Reader:
    """What one drug's cached option and its rank read, built once per knowledge base."""

    drug: Drug
    reads: Callable[[tuple[Status, ...]], object]
    """The statuses of the drug's caution factors, taken from a profile's statuses."""
    ckd: bool
    """Whether it has a CKD caution (then the eGFR band matters)."""
    phased: bool
    """Whether the advice against it differs between the acute and chronic phase."""
    support: dict[Phase, int]
    """`support_rank` per phase."""
    kept: bool
    """Whether its options are kept (`KEPT_FACTORS`)."""


KEPT_FACTORS = 8
"""A drug whose cautions read more recorded safety factors than this (the NSAIDs 12, aspirin 10; every other drug at
most 6) has almost one option per patient: at three statuses a factor, over 19,000 profiles, more than
`OPTION_CACHE_SIZE`. Its options are built for each profile and not kept (keeping them only churned the cache)."""
_DERIVED = frozenset({"age_65_plus", "pregnancy_third_trimester", "low_body_weight", "diabetes"})
"""Safety factors read from the age, trimester, weight or findings of a case rather than a field of its own."""


def _recorded(drug: Drug) -> int:
    """How many distinct safety factors with a recorded status (`factor_status`) the drug's cautions read."""
    return len({c.factor for c in drug.cautions if c.factor in _RECORDED or c.factor in _DERIVED})


_READERS: dict[str, tuple[_Reader, ...]] = {}


def _no_reads(statuses: tuple[Status, ...]) -> tuple[()]:
    return ()


def _readers(kb: KnowledgeBase) -> tuple[_Reader, ...]:
    found = _READERS.get(kb.content_hash)
    if found is None:
        readers = []
        for drug in kb.all("drugs", Drug):
            positions = [_POSITION[c.factor] for c in drug.cautions]
            against = _parts(kb, drug, "UK").against_bodies
            readers.append(
                _Reader(
                    drug,
                    itemgetter(*positions) if positions else _no_reads,
                    any(c.factor == "ckd" for c in drug.cautions),
                    against["acute"] != against["chronic"],
                    {phase: support_rank(drug.sciatica_positions, phase) for phase in (None, "acute", "chronic")},
                    _recorded(drug) <= KEPT_FACTORS,
                )
            )
        found = _READERS[kb.content_hash] = tuple(readers)
    return found


@dataclass(frozen=True, slots=True)
class DrugBrief:
    """A drug option as the API summary shows it (orjson writes it as an object, fields in this order): the patient's
    status, dose and ceiling, the cautions present and the factors to check first (those not recorded); shared, like
    the option, by every profile that agrees on what the drug reads."""

    drug_id: str
    status: OptionStatus
    dose: str | None
    ceiling_mg_per_day: float | None
    cautions: list[dict[str, str]]
    """Per present caution, its factor and effect (shared, read-only)."""
    check_first: list[str]


class _Option:
    """One drug's option for every profile that agrees on what the drug reads: the brief, built at once, and the
    plan and full forms, built from the same draft when first asked for."""

    __slots__ = ("_draft", "_full", "_json", "_plan", "_view", "brief", "order")

    def __init__(self, draft: _Draft) -> None:
        self._draft = draft
        self._view: dict[str, Any] | None = None
        self._plan: PlanDrug | None = None
        self._full: DrugOption | None = None
        self._json: orjson.Fragment | None = None
        status, cautions = draft.status, draft.cautions
        self.brief = DrugBrief(draft.drug.id, status, draft.dose, draft.ceiling, cautions, draft.check_first)
        self.order = (_GROUP_ORDER[status], bool(cautions), status != "option", draft.drug.name)

    def brief_json(self) -> orjson.Fragment:
        """The brief as JSON (orjson writes a slotted dataclass several times slower than these bytes)."""
        if self._json is None:
            self._json = orjson.Fragment(orjson.dumps(self.brief))
        return self._json

    def view(self) -> dict[str, Any]:
        if self._view is None:
            self._view = self._draft.view()
        return self._view

    @property
    def plan(self) -> PlanDrug:
        """The care-plan form."""
        if self._plan is None:
            topics = [c.topic for c in self._draft.drug.conflicts]
            self._plan = construct(PlanDrug, {**self.view(), "conflict_topics": topics})
        return self._plan

    def full(self) -> DrugOption:
        """The full option (its lists its own, not the plan form's)."""
        if self._full is None:
            view = {name: list(value) if isinstance(value, list) else value for name, value in self.view().items()}
            self._full = _full(view, self._draft.doses, self._draft.drug)
        return self._full


def _rank(option: _Option, reader: _Reader, phase: Phase) -> tuple[int, int, bool, bool, str]:
    """The one order of drug options (engine, care plan, web summary, reports): offered before advised against
    before unsuitable; then by support for this phase; at the same support, a drug with none of this patient's
    cautions present before one with a present caution (bleeding, kidney, ...), then an option before one needing
    a check; then by name."""
    group, present, checked, name = option.order
    return group, reader.support[phase], present, checked, name


OPTION_CACHE_SIZE = 6144
"""One entry holds about 1.0 KB with its brief alone, 3.4 KB once its plan form is built and 4.5 KB with its full
form (tracemalloc), so the cache stays under ~30 MB: the options of the drugs with few caution factors (a few thousand
keys in all; the NSAIDs' and aspirin's are not kept, `KEPT_FACTORS`)."""
_OPTIONS: OrderedDict[tuple[object, ...], _Option] = OrderedDict()


def _option(profile: SafetyProfile, kb: KnowledgeBase, reader: _Reader, jurisdiction: Jurisdiction) -> _Option:
    """One drug's option for a profile and phase, cached on what it reads: the statuses of the drug's own caution
    factors (and the eGFR band when it has a CKD caution), and the phase only for a drug whose advice differs by
    phase. The least recently used of `OPTION_CACHE_SIZE` entries goes; a drug not kept is built afresh."""
    drug = reader.drug
    phase = profile.phase if reader.phased else None
    if not reader.kept:
        return _Option(_Draft(profile, kb, drug, jurisdiction, phase))
    key = (
        kb.content_hash,
        drug.id,
        jurisdiction,
        reader.reads(profile.statuses),
        profile.egfr_band if reader.ckd else None,
        phase,
    )
    found = _OPTIONS.get(key)
    if found is not None:
        _OPTIONS.move_to_end(key)
        return found
    found = _OPTIONS[key] = _Option(_Draft(profile, kb, drug, jurisdiction, phase))
    if len(_OPTIONS) > OPTION_CACHE_SIZE:
        _OPTIONS.popitem(last=False)
    return found


_FIRST = itemgetter(0)
PROFILE_CACHE_SIZE = 64
"""Ranked options for the most recent profiles. They hold references only, and 64 × the drugs touch fewer
entries than `OPTION_CACHE_SIZE`, so they never keep alive an option the option cache has dropped."""
_PROFILES: OrderedDict[tuple[str, SafetyProfile, str], tuple[_Option, ...]] = OrderedDict()


def _profile(profile: SafetyProfile, kb: KnowledgeBase, jurisdiction: Jurisdiction) -> tuple[_Option, ...]:
    """Every drug's option for one safety profile (with its phase), most usable first (shared between every
    profile that agrees on the factors a drug reads)."""
    key = (kb.content_hash, profile, jurisdiction)
    found = _PROFILES.get(key)
    if found is not None:
        _PROFILES.move_to_end(key)
        return found
    phase = profile.phase
    ranked = []
    for reader in _readers(kb):
        option = _option(profile, kb, reader, jurisdiction)
        ranked.append((_rank(option, reader, phase), option))
    ranked.sort(key=_FIRST)
    found = _PROFILES[key] = tuple(option for _, option in ranked)
    if len(_PROFILES) > PROFILE_CACHE_SIZE:
        _PROFILES.popitem(last=False)
    return found
