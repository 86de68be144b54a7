"""Pieces every card uses: one-line summaries, the guideline source, override reasons, the SMART link, and the
note of what was read from the record and what could not be read."""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from fhir.resources.R4B.resource import Resource

from nerveroot.assessment.case import Case
from nerveroot.ehr import codes
from nerveroot.ehr.cards import SUMMARY_MAX, Coding, Link
from nerveroot.ehr.cards import Source as CardSource
from nerveroot.ehr.config import EhrRuntime
from nerveroot.ehr.fetch import Gathered
from nerveroot.ehr.fhir_in import FhirIntake
from nerveroot.knowledge.base import KnowledgeBase
from nerveroot.knowledge.models import Cite

OVERRIDE_REASONS = (
    Coding(system=codes.OVERRIDE, code="already-addressed", display="Already assessed or acted on"),
    Coding(system=codes.OVERRIDE, code="not-applicable", display="Does not apply to this patient"),
    Coding(system=codes.OVERRIDE, code="patient-choice", display="Patient's informed choice"),
)
MRI_OVERRIDE_REASONS = (
    Coding(system=codes.OVERRIDE, code="red-flag-on-exam", display="Red flag found that is not recorded"),
    Coding(system=codes.OVERRIDE, code="intervention-planned", display="Injection or surgery is being considered"),
    Coding(system=codes.OVERRIDE, code="specialist-request", display="Requested by a spine specialist"),
    *OVERRIDE_REASONS[2:],
)
NOTE_ITEMS = 12


@dataclass
class HookData:
    """A hook call's patient data: the case, how it was read, and the resources by reference (for Medications)."""

    case: Case
    intake: FhirIntake
    gathered: Gathered
    library: dict[str, Resource] = field(default_factory=dict)
    patient_id: str | None = None


def new_id() -> str:
    return str(uuid.uuid4())


def clip(text: str, limit: int = SUMMARY_MAX) -> str:
    """One line under the summary limit, cut at a word with an ellipsis when too long."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def source_of(cites: list[Cite], kb: KnowledgeBase, fallback: str = "nice_ng59") -> CardSource:
    for cite in [*cites, Cite(source=fallback, locator="guideline")]:
        src = kb.sources.get(cite.source)
        if src is not None and src.url:
            return CardSource(label=clip(f"{src.title} ({src.year})", 120), url=src.url)
    return CardSource(label="nerveroot knowledge base")


def case_link(case: Case, runtime: EhrRuntime, data: HookData | None = None) -> Link:
    """A SMART launch link when the EHR can launch apps (the page then reads the record in context); the case
    rides along as appContext. Without a patient in context: the page with the case in the URL fragment."""
    encoded = base64.urlsafe_b64encode(case.model_dump_json(exclude_defaults=True).encode()).decode().rstrip("=")
    if data is not None and data.patient_id:
        context = json.dumps({"case": encoded}, separators=(",", ":"))
        return Link(
            label="Open this case in nerveroot",
            url=f"{runtime.settings.public_url}/smart/launch",
            type="smart",
            appContext=context,
        )
    return Link(
        label="Open this case in nerveroot", url=f"{runtime.settings.public_url}/#case={encoded}", type="absolute"
    )


def read_note(data: HookData) -> str:
    """Markdown: which resources were read (and as what), and which could not be read, with the reason."""
    intake, gathered = data.intake, data.gathered
    used = [f"{w}: {intake.reasons.get(w, 'read')}" for w in intake.used]
    unread = [f"{w}: {intake.reasons.get(w, 'not understood')}" for w in intake.ignored]
    unread += [f"{key}: {why}" for key, why in gathered.missing.items()]
    unread += gathered.warnings
    lines = ["", "**Read from the record**" + (":" if used else ": nothing")]
    lines += [f"- {u}" for u in used[:NOTE_ITEMS]] + (
        [f"- … and {len(used) - NOTE_ITEMS} more"] if len(used) > NOTE_ITEMS else []
    )
    if unread:
        lines += ["", "**Could not read** (left unknown, never taken as absent):"]
        lines += [f"- {u}" for u in unread[:NOTE_ITEMS]]
        lines += [f"- … and {len(unread) - NOTE_ITEMS} more"] if len(unread) > NOTE_ITEMS else []
    return "\n".join(lines)


def relative(reference: str | None) -> str | None:
    """`Type/id` of a reference (absolute URLs and history suffixes cut)."""
    if not reference:
        return None
    parts = reference.split("/_history/")[0].split("/")
    return "/".join(parts[-2:]) if len(parts) >= 2 else None


def json_of(resource: Resource) -> dict[str, Any]:
    data: dict[str, Any] = resource.model_dump(mode="json", exclude_none=True)
    return data
