"""Optional rephrasing by an OpenAI-compatible chat endpoint, checked so it adds no citation and no number.

Off unless ``NERVEROOT_LLM_BASE_URL`` and ``NERVEROOT_LLM_MODEL`` are set (``NERVEROOT_LLM_API_KEY`` optional).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Protocol

import httpx

from nerveroot.qa.models import Answer

_MARK = re.compile(r"\[(\d+)\]")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_SENTENCES = re.compile(r"(?<=[.!?\]])\s+")
PROMPT = (
    "Rephrase the answer below in plain English for a patient, in at most three sentences. Keep every bracketed "
    "reference number such as [1] after the claim it supports. Do not add facts, numbers or references that are "
    "not in the evidence."
)


class ChatClient(Protocol):
    def complete(self, system: str, user: str) -> str: ...


@dataclass(frozen=True)
class HttpChatClient:
    """Minimal client for `POST {base_url}/chat/completions`."""

    base_url: str
    model: str
    api_key: str | None = None
    timeout: float = 30.0

    @classmethod
    def from_env(cls) -> HttpChatClient | None:
        base, model = os.environ.get("NERVEROOT_LLM_BASE_URL"), os.environ.get("NERVEROOT_LLM_MODEL")
        if not base or not model:
            return None
        return cls(base.rstrip("/"), model, os.environ.get("NERVEROOT_LLM_API_KEY"))

    def complete(self, system: str, user: str) -> str:
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        body = {"model": self.model, "temperature": 0, "messages": [
            {"role": "system", "content": system}, {"role": "user", "content": user}]}  # fmt: skip
        response = httpx.post(f"{self.base_url}/chat/completions", json=body, headers=headers, timeout=self.timeout)
        response.raise_for_status()
        return str(response.json()["choices"][0]["message"]["content"])


def _numbers(text: str) -> set[str]:
    return {n.lstrip("0") or "0" for n in _NUMBER.findall(_MARK.sub(" ", text.replace(",", "")))}


def check_rephrasing(draft: str, original: str, evidence: list[str]) -> str:
    """Keep only sentences of the draft that carry a citation, cite only numbers the original cites, and hold
    only numbers present in the evidence. Returns '' when nothing survives."""
    allowed_marks = set(_MARK.findall(original))
    allowed_numbers = _numbers(" ".join([original, *evidence]))
    kept = []
    for sentence in _SENTENCES.split(draft.strip()):
        marks = set(_MARK.findall(sentence))
        if not marks or not marks <= allowed_marks or not _numbers(sentence) <= allowed_numbers:
            continue
        kept.append(sentence)
    return " ".join(kept)


def rephrase(answer: Answer, client: ChatClient) -> Answer:
    """Let the client rephrase the direct answer; fall back to the original when the check strips everything."""
    if answer.abstained or not answer.answer:
        return answer
    evidence = [s.text for s in answer.statements()]
    user = f"Answer:\n{answer.answer}\n\nEvidence:\n" + "\n".join(f"- {e}" for e in evidence)
    try:
        draft = client.complete(PROMPT, user)
    except (httpx.HTTPError, KeyError, IndexError, TypeError, ValueError):
        return answer
    checked = check_rephrasing(draft, answer.answer, evidence)
    return answer.model_copy(update={"answer": checked, "rephrased": True}) if checked else answer
