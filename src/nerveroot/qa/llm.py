"""Optional rephrasing by an OpenAI-compatible chat endpoint: it may rephrase or select, never add.

The model sees the direct answer and the statements of the answer, each under an evidence id (E0 is the direct
answer), and must end every sentence with the ids it rests on, e.g. ``{E0,E2}``. A draft is used only when every
sentence cites known ids and each number, drug, nerve root and negation it states appears in those statements;
otherwise the deterministic answer stands. Off unless ``NERVEROOT_LLM_BASE_URL`` and ``NERVEROOT_LLM_MODEL`` are
set (``NERVEROOT_LLM_API_KEY`` optional).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

import httpx

from nerveroot.qa.models import Answer

_MARK = re.compile(r"\[(\d+)\]")
_IDS = re.compile(r"\{\s*(E\d+(?:\s*,\s*E\d+)*)\s*\}\s*$")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_ROOT = re.compile(r"\b([LS][1-5])\b", re.IGNORECASE)
_NEGATION = re.compile(r"\b(not|no|never|avoid\w*|against|don't|do not|cannot|can't|without|none|unlikely)\b", re.I)
_SENTENCES = re.compile(r"(?<=[.!?}])\s+(?=[A-Z])")
PROMPT = (
    "Rephrase the answer for a patient in at most three short sentences, using only the evidence given. End every "
    "sentence with the evidence ids it rests on in braces, for example {E0,E2}. Do not add facts, numbers, "
    "medicines or nerve roots that the cited evidence does not state, and keep every 'not' or 'avoid'."
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


@dataclass(frozen=True)
class Evidence:
    """One citable item the model may use: its text, reference numbers and the statement it comes from."""

    text: str
    citations: tuple[int, ...]
    statement_ids: tuple[str, ...]


def evidence_of(answer: Answer) -> list[Evidence]:
    """E0 is the direct answer; E1… the statements of the sections, in order."""
    lead = Evidence(
        _MARK.sub("", answer.answer).strip(),
        tuple(int(n) for n in dict.fromkeys(_MARK.findall(answer.answer))),
        tuple(answer.answer_statement_ids),
    )
    rest = [Evidence(s.text, tuple(s.citations), (s.statement_id,)) for s in answer.statements()]
    return [lead, *rest]


def _numbers(text: str) -> set[str]:
    return {n.lstrip("0") or "0" for n in _NUMBER.findall(_MARK.sub(" ", text.replace(",", "")))}


def _mentions(text: str, names: Iterable[str]) -> set[str]:
    lowered = f" {text.lower()} "
    return {n for n in names if re.search(rf"(?<![a-z]){re.escape(n)}(?![a-z])", lowered)}


def check_sentences(draft: str, evidence: list[Evidence], drug_names: frozenset[str]) -> list[tuple[str, set[int]]]:
    """The draft's sentences with the evidence ids each cites, or [] when any sentence fails a check.

    A sentence fails when it cites no id or an unknown one, or states a number, drug, nerve root or negation
    that its cited evidence does not hold, or drops a negation its evidence states."""
    out: list[tuple[str, set[int]]] = []
    for sentence in _SENTENCES.split(draft.strip()):
        tagged = _IDS.search(sentence)
        if not tagged:
            return []
        ids = {int(i.strip()[1:]) for i in tagged[1].split(",")}
        if not ids or max(ids) >= len(evidence):
            return []
        text = sentence[: tagged.start()].strip()
        source = " ".join(evidence[i].text for i in ids)
        if not _numbers(text) <= _numbers(source):
            return []
        if not _mentions(text, drug_names) <= _mentions(source, drug_names):
            return []
        if not {r.upper() for r in _ROOT.findall(text)} <= {r.upper() for r in _ROOT.findall(source)}:
            return []
        if bool(_NEGATION.search(text)) != bool(_NEGATION.search(source)):
            return []
        out.append((text, ids))
    return out


def rephrase(answer: Answer, client: ChatClient, drug_names: frozenset[str] = frozenset()) -> Answer:
    """Let the client rephrase the direct answer; keep the deterministic answer unless every sentence passes."""
    if answer.abstained or not answer.answer:
        return answer
    evidence = evidence_of(answer)
    user = "Answer (E0):\n" + evidence[0].text + "\n\nEvidence:\n"
    user += "\n".join(f"E{i}: {e.text}" for i, e in enumerate(evidence) if i)
    try:
        draft = client.complete(PROMPT, user)
    except (httpx.HTTPError, KeyError, IndexError, TypeError, ValueError):
        return answer
    checked = check_sentences(draft, evidence, drug_names)
    if not checked:
        return answer
    parts = []
    for text, ids in checked:
        marks = dict.fromkeys(n for i in sorted(ids) for n in evidence[i].citations)
        parts.append(f"{text} {''.join(f'[{n}]' for n in marks)}".strip())
    statement_ids = dict.fromkeys(sid for _, ids in checked for i in sorted(ids) for sid in evidence[i].statement_ids)
    return answer.model_copy(
        update={"answer": " ".join(parts), "rephrased": True, "answer_statement_ids": list(statement_ids)}
    )


__all__ = ["PROMPT", "ChatClient", "Evidence", "HttpChatClient", "check_sentences", "evidence_of", "rephrase"]
