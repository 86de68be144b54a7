"""Render an Assessment as a clinical note (Markdown) or a plain-language patient handout."""

from __future__ import annotations

from nerveroot.assessment.drugs import PlanDrug
from nerveroot.assessment.result import Assessment, EvidenceItem, PlanItem
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.models import Cite

LEVEL_TITLE = {"emergency": "EMERGENCY", "urgent": "URGENT", "routine": "ROUTINE", "self_care": "SELF-CARE"}
PATIENT_LEVEL = {
    "emergency": "Go to an emergency department now (or call your local emergency number). Do not wait.",
    "urgent": "See a doctor within the next few days. Ring your GP practice today to arrange this.",
    "routine": "Book an appointment with your GP or a physiotherapist in the next week or two.",
    "self_care": "You can usually look after this yourself at first, with the advice below.",
}


class Citations:
    """Numbers sources in order of first use and prints the reference list."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.order: list[str] = []

    def mark(self, cites: list[Cite]) -> str:
        numbers = []
        for cite in cites:
            if cite.source not in self.order:
                self.order.append(cite.source)
            numbers.append(self.order.index(cite.source) + 1)
        return "".join(f"[{n}]" for n in sorted(set(numbers)))

    def references(self) -> list[str]:
        lines = []
        for n, sid in enumerate(self.order, 1):
            src = self.kb.sources[sid]
            link = src.url or (f"https://doi.org/{src.doi}" if src.doi else "")
            lines.append(f"{n}. {src.title}. {src.authors}, {src.year}." + (f" {link}" if link else ""))
        return lines


def _evidence(item: EvidenceItem) -> str:
    """'Reduced patellar reflex ×10', or 'Positive straight leg raise: absent ×0.29' for a finding known absent."""
    return f"{item.name}{': absent' if item.status == 'absent' else ''} ×{item.lr:g}"


def _drug_line(drug: PlanDrug, refs: Citations) -> str:
    parts = [f"**{drug.name}** ({drug.status.replace('_', ' ')})"]
    if drug.dose:
        parts.append(drug.dose)
    if drug.ceiling_mg_per_day:
        parts.append(f"ceiling for this patient {drug.ceiling_mg_per_day:g} {drug.dose_unit}/day")
    parts += [f"{n.factor.replace('_', ' ')}: {n.detail}" for n in drug.safety if n.factor_status == "present"]
    parts += drug.notes
    return " — ".join(parts) + f" {refs.mark(drug.sources)}"


def _items(items: list[PlanItem], refs: Citations) -> list[str]:
    """One line per distinct statement; treatments that share a guideline statement are listed together."""
    grouped: dict[str, list[PlanItem]] = {}
    for item in items:
        grouped.setdefault(item.detail, []).append(item)
    return [
        f"- {', '.join(i.name for i in group)}: {detail} {refs.mark([c for i in group for c in i.sources])}".rstrip()
        for detail, group in grouped.items()
    ]


ASK_FIRST = 6
"""Unasked red flags shown with their question in a report; the rest are named on one line."""
_ASK_ORDER = {"cauda_equina": 0, "progressive_deficit": 1, "infection": 2, "haematoma": 3, "vascular": 4, "cancer": 5}
"""Which unasked red flags to ask first: cauda equina, a progressing deficit, infection, bleeds, vessels, cancer."""


def clinical_note(a: Assessment, kb: KnowledgeBase) -> str:
    """A clinical note with numbered citations."""
    refs = Citations(kb)
    t = a.triage
    out = [
        f"# nerveroot assessment{f' — {a.case_id}' if a.case_id else ''}",
        "",
        f"## Triage: {LEVEL_TITLE[t.level]}",
        t.summary,
    ]
    out += [f"- {r.name}: {r.advice} {refs.mark(r.sources)}" for r in t.reasons]
    if t.not_assessed:
        # the first few with their question, those that could make it an emergency first; every other one named
        ordered = sorted(t.not_assessed, key=lambda n: (n.could_raise_to != "emergency", _ASK_ORDER.get(n.group, 9)))
        out += ["", "**Red flags not assessed (ask now):**"]
        out += [f"- {n.name} (could raise to {n.could_raise_to}): {n.question}" for n in ordered[:ASK_FIRST]]
        if rest := ordered[ASK_FIRST:]:
            out.append("- Also not assessed: " + "; ".join(f"{n.name} ({n.could_raise_to})" for n in rest) + ".")
    out += [
        "",
        "## Root level",
        a.level_summary.statement,
        "",
        "| Root | Probability | For | Against |",
        "|---|---|---|---|",
    ]
    for lv in a.levels:
        supporting = "; ".join(_evidence(e) for e in lv.supporting[:4]) or "–"
        opposing = "; ".join(_evidence(e) for e in lv.opposing[:4]) or "–"
        out.append(f"| {lv.label} | {lv.probability:.0%} | {supporting} | {opposing} |")
    if a.sides:
        out.append(f"\nSide: {', '.join(a.sides)}." + (" Findings fit more than one level." if a.multi_level else ""))
    out += ["", "## Differential (causes and mimics)"]
    for d in a.differential[:6]:
        out.append(
            f"- **{d.name}** ({', '.join(d.icd10)}) "
            + (f"must be ruled out (model estimate {d.probability:.0%})" if d.must_not_miss else f"{d.probability:.0%}")
            + (f": {'; '.join(d.why[:3])}" if d.why else "")
        )
    w = a.workup
    out += [
        "",
        "## Workup",
        f"Imaging now: **{'yes' if w.imaging_now else 'no'}** — {w.imaging_rule}. "
        f"{w.imaging_detail} {refs.mark(w.imaging_sources)}",
    ]
    out += [f"- {x.name} ({x.timing.replace('_', ' ')}): {x.why} {refs.mark(x.sources)}" for x in w.tests]
    out += ["", "## Plan"]
    if t.level == "emergency":
        out.append(
            "_Emergency first: the steps below are for nerve root pain once the suspected emergency has been "
            "excluded or treated._"
        )
    for step in a.plan.steps:
        if step.items:
            out += [f"### {step.title}", *_items(step.items, refs)]
    if a.plan.drugs:
        out += ["### Drug options (patient-specific daily ceilings)"]
        out += [f"- {_drug_line(d, refs)}" for d in a.plan.drugs]
    if a.plan.avoid:
        out += ["### Advised against for sciatica", *_items(a.plan.avoid, refs)]
    if a.instruments:
        out += ["", "## Instruments"]
        out += [f"- {name}: {value}" for name, value in a.instruments.items()]
    out += ["", "## Seek care at once if", *[f"- {s}" for s in a.plan.seek_care_now]]
    out += [
        "",
        f"_Knowledge base {a.kb_version} ({a.kb_content_hash}). {a.disclaimer}_",
        "",
        "## References",
        *refs.references(),
    ]
    return "\n".join(out) + "\n"


HELPS_SHOWN = 8


def _helps(a: Assessment, kb: KnowledgeBase) -> list[PlanItem]:
    """What the person can do: the plan's first-days steps (wherever the plan states the advice they rest on), then
    the first items of the first two stages."""
    treatments = kb.entities.get("treatments", {})
    offered = [i for step in a.plan.steps for i in step.items]
    own = [i for i in offered if i.id in treatments and getattr(treatments[i.id], "step", None) == "first_days"]
    rest = [i for step in a.plan.steps[:2] for i in step.items[:4] if i not in own]
    return [*own, *rest][:HELPS_SHOWN]


def patient_handout(a: Assessment, kb: KnowledgeBase) -> str:
    """Plain-language handout: what this probably is, what to do, and when to seek care now."""
    refs = Citations(kb)
    top = next((lv for lv in a.levels if lv.root in a.level_summary.leading[:1]), None)
    likely = a.differential[0] if a.differential else None
    emergency = a.triage.level == "emergency"
    out = ["# Your back and leg pain: what it means and what to do", ""]
    if emergency:  # the instruction comes first, and no self-care follows it
        out += ["## Do this now", PATIENT_LEVEL["emergency"]]
        out += [f"Because of: {'; '.join(r.name for r in a.triage.reasons if r.level == 'emergency')}.", ""]
    out += [
        "## When to seek care now",
        "You already have a warning sign: do not wait for more of these."
        if emergency
        else "Go to an emergency department straight away (or call your emergency number) if you notice any of these:",
        "- numbness or tingling between your legs, around your bottom or genitals;",
        "- new problems passing urine, leaking urine or losing control of your bowels;",
        "- new problems with sexual function;",
        "- pain, numbness or weakness in both legs;",
        "- weakness in a leg or foot that is getting worse, or a foot that slaps or drags;",
        "- fever or feeling very unwell together with back pain.",
        "",
    ]
    out += ["## What we think now", PATIENT_LEVEL[a.triage.level]]
    if a.triage.not_assessed:
        out.append("Some warning signs were not asked about yet; your clinician should check them with you.")
    if top is not None and top.probability >= 0.3:
        out.append(
            f"Your symptoms fit irritation of the {top.label} nerve root in the lower back "
            f"(about {top.probability:.0%} likely from the information given)."
        )
    elif likely is not None:
        out.append(f"Your symptoms may come from {likely.name.lower()} rather than a trapped nerve in the back.")
    if emergency:
        out += ["", f"_{a.disclaimer}_"]
        return "\n".join(out) + "\n"
    out += ["", "## What helps"]
    for item in _helps(a, kb):
        out.append(f"- {item.name} {refs.mark(item.sources)}")
    out += [
        "- Keep moving gently; long bed rest slows recovery.",
        "- Most nerve pain from the back settles over weeks to a few months.",
        "",
    ]
    options = [d for d in a.plan.drugs if d.status == "option" and d.dose and d.ceiling_mg_per_day][:3]
    if options:
        out += ["## Pain relief to discuss with your pharmacist or doctor"]
        out += [
            f"- {d.name}: {d.dose} (no more than {d.ceiling_mg_per_day:g} {d.dose_unit} a day for you)" for d in options
        ]
        out.append("")
    out += ["## References", *refs.references(), "", f"_{a.disclaimer}_"]
    return "\n".join(out) + "\n"
