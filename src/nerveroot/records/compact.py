"""Stored assessments in compact form: the exact Assessment JSON, Zstandard-compressed against a shared dictionary.

Most of a full assessment (drug options with their citations, plan text, safety notes) is the same for every
patient assessed with one knowledge base. The dictionary is the full form of a reference assessment (a case with
no findings) for that knowledge base, stored once in `assessment_dictionaries` under its SHA-256 digest; each row
then keeps only what differs (about 1-7 KB instead of 190 KB). A row without a dictionary (rows converted by the
0004 migration, imports without a knowledge base) is compressed on its own. Dictionaries are never changed or
deleted while a row names them, so every row reads back exactly as written; `pack` checks that before returning.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson
import zstandard

if TYPE_CHECKING:
    from nerveroot.knowledge.base import KnowledgeBase

LEVEL = 9
"""Zstandard level: 9 keeps a row near 4 KB at about 1 ms; 19 saves a further 5% at 15 ms."""
_KEEP = 8
"""Dictionaries kept in memory (one per knowledge-base version in use)."""


@dataclass(frozen=True)
class Dictionary:
    digest: str
    raw: bytes
    zstd: zstandard.ZstdCompressionDict


def dictionary(raw: bytes) -> Dictionary:
    """A dictionary from its raw bytes (content-addressed: its digest is its name)."""
    data = zstandard.ZstdCompressionDict(raw, dict_type=zstandard.DICT_TYPE_RAWCONTENT)
    data.precompute_compress(level=LEVEL)
    return Dictionary(hashlib.sha256(raw).hexdigest(), raw, data)


_reference: dict[str, Dictionary] = {}
_by_digest: dict[str, Dictionary] = {}


def reference(kb: KnowledgeBase) -> Dictionary:
    """The dictionary for `kb`: the full JSON of an assessment of an empty Case (no patient data in it)."""
    found = _reference.get(kb.content_hash)
    if found is None:
        from nerveroot.assessment.assess import assess
        from nerveroot.assessment.case import Case

        found = remember(dictionary(orjson.dumps(assess(Case(), kb).model_dump(mode="json"))))
        if len(_reference) >= _KEEP:
            _reference.clear()
        _reference[kb.content_hash] = found
    return found


def remember(found: Dictionary) -> Dictionary:
    """Keep a dictionary in memory by digest (it never changes, so the copy is always right)."""
    if len(_by_digest) >= _KEEP:
        _by_digest.clear()
    _by_digest[found.digest] = found
    return found


def known(digest: str) -> Dictionary | None:
    return _by_digest.get(digest)


def pack(data: dict[str, Any], with_dictionary: Dictionary | None) -> bytes:
    """Compressed JSON of `data`; ValueError if it would not read back as the same data (nothing is stored then)."""
    raw = orjson.dumps(data)
    if with_dictionary is None:
        body = zstandard.ZstdCompressor(level=LEVEL, write_checksum=True).compress(raw)
    else:
        body = zstandard.ZstdCompressor(level=LEVEL, dict_data=with_dictionary.zstd, write_checksum=True).compress(raw)
    if unpack(body, with_dictionary) != data:
        raise ValueError("the assessment does not survive JSON encoding; nothing was stored")
    return body


def unpack(body: bytes, with_dictionary: Dictionary | None) -> dict[str, Any]:
    if with_dictionary is None:
        raw = zstandard.ZstdDecompressor().decompress(body)
    else:
        raw = zstandard.ZstdDecompressor(dict_data=with_dictionary.zstd).decompress(body)
    data: dict[str, Any] = orjson.loads(raw)
    return data


def pack_raw(raw: bytes) -> bytes:
    """A dictionary's own bytes, compressed for storage."""
    return zstandard.ZstdCompressor(level=LEVEL, write_checksum=True).compress(raw)


def unpack_raw(body: bytes) -> bytes:
    return zstandard.ZstdDecompressor().decompress(body)
