"""Typed CDS Hooks models: discovery, request, response (cards) and feedback.

Field names and rules follow CDS Hooks 1.0 (https://cds-hooks.hl7.org/1.0/); the card ``uuid`` and
``overrideReasons`` and the feedback body come from CDS Hooks 2.0, which 1.0 clients may ignore.
Optional attributes are omitted rather than sent as null (``to_json``), as the specification requires.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

Indicator = Literal["info", "warning", "critical"]
SUMMARY_MAX = 139
"""Card summaries must be shorter than 140 characters."""


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def to_json(self) -> dict[str, Any]:
        """The JSON object with unset optional attributes left out."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class Open(Model):
    """Client-sent objects: unknown attributes (e.g. `extension`) are kept, never rejected."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)


class Coding(Model):
    system: str | None = None
    code: str
    display: str | None = None


class ServiceDescriptor(Model):
    hook: str
    id: str = Field(pattern=r"^[A-Za-z0-9._-]+$")
    title: str | None = None
    description: str
    prefetch: dict[str, str] | None = None


class Discovery(Model):
    services: list[ServiceDescriptor]


class FhirAuthorization(Open):
    access_token: str
    token_type: Literal["Bearer"]
    expires_in: int
    scope: str
    subject: str


class CdsRequest(Open):
    """A hook call. `prefetch` values are FHIR resources (or searchset Bundles) or null when the client found none."""

    hook: str
    hookInstance: str = Field(min_length=1)
    fhirServer: str | None = None
    fhirAuthorization: FhirAuthorization | None = None
    context: dict[str, Any]
    prefetch: dict[str, dict[str, Any] | None] | None = None

    @model_validator(mode="after")
    def _server_with_token(self) -> CdsRequest:
        if self.fhirAuthorization is not None and not self.fhirServer:
            raise ValueError("fhirServer is required when fhirAuthorization is given")
        return self


class Source(Model):
    label: str = Field(min_length=1)
    url: str | None = None
    icon: str | None = None
    topic: Coding | None = None


class Action(Model):
    type: Literal["create", "update", "delete"]
    description: str
    resource: dict[str, Any] | None = None
    resourceId: str | None = None

    @model_validator(mode="after")
    def _target(self) -> Action:
        if self.type in ("create", "update") and self.resource is None:
            raise ValueError(f"a {self.type} action needs a resource")
        if self.type == "delete" and self.resourceId is None and self.resource is None:
            raise ValueError("a delete action needs resourceId")
        return self


class Suggestion(Model):
    label: str
    uuid: str | None = None
    isRecommended: bool | None = None
    actions: list[Action] | None = None


class Link(Model):
    label: str
    url: str
    type: Literal["absolute", "smart"]
    appContext: str | None = None
    autolaunchable: bool | None = None

    @model_validator(mode="after")
    def _app_context_only_for_smart(self) -> Link:
        if self.appContext is not None and self.type != "smart":
            raise ValueError("appContext is only valid on smart links")
        return self


class Card(Model):
    uuid: str | None = None
    summary: str = Field(min_length=1, max_length=SUMMARY_MAX)
    detail: str | None = None
    indicator: Indicator
    source: Source
    suggestions: list[Suggestion] | None = None
    selectionBehavior: Literal["at-most-one", "any"] | None = None
    overrideReasons: list[Coding] | None = None
    links: list[Link] | None = None
    _kind: str = PrivateAttr(default="")
    """What the card is about, in nerveroot's words and never the patient's (for the issued-card log)."""

    def kind(self, value: str) -> Card:
        self._kind = value
        return self

    @model_validator(mode="after")
    def _rules(self) -> Card:
        if self.suggestions and self.selectionBehavior is None:
            raise ValueError("selectionBehavior is required when suggestions are present")
        if any(not reason.display for reason in self.overrideReasons or []):
            raise ValueError("every override reason needs a display")
        if self.selectionBehavior == "at-most-one" and sum(bool(s.isRecommended) for s in self.suggestions or []) > 1:
            raise ValueError("at most one suggestion may be recommended when selectionBehavior is at-most-one")
        return self


class CdsResponse(Model):
    cards: list[Card]
    systemActions: list[Action] | None = None


class AcceptedSuggestion(Open):
    id: str


class OverrideReason(Open):
    reason: Coding | None = None
    userComment: str | None = None


class FeedbackItem(Open):
    card: str = Field(min_length=1)
    outcome: Literal["accepted", "overridden"]
    acceptedSuggestions: list[AcceptedSuggestion] | None = None
    overrideReason: OverrideReason | None = None
    outcomeTimestamp: str

    @model_validator(mode="after")
    def _accepted_names_suggestions(self) -> FeedbackItem:
        if self.outcome == "accepted" and not self.acceptedSuggestions:
            raise ValueError("acceptedSuggestions is required for an accepted outcome")
        return self


class FeedbackRequest(Open):
    feedback: list[FeedbackItem] = Field(min_length=1)
