"""Local store of user documents made citable: `nerveroot ingest`.

Documents live as one JSON file each under ``$NERVEROOT_HOME/documents`` (default: the user data directory,
``$XDG_DATA_HOME/nerveroot`` or ``~/.local/share/nerveroot``). Every write is atomic: temp file, then rename.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from nerveroot.errors import NerverootError
from nerveroot.knowledge.models import Cite
from nerveroot.qa.corpus import Statement, slug
from nerveroot.qa.sources import SourceInfo

SUFFIXES = frozenset({".txt", ".md", ".markdown", ".html", ".htm", ".pdf"})
PASSAGE_WORDS = 120
MAX_FILE_BYTES = 25 * 1024 * 1024
MAX_PDF_PAGES = 1000
MAX_TEXT_CHARS = 5_000_000
"""Ingest limits: a file, a PDF's pages and the text extracted (a small PDF can inflate to far more text)."""


class IngestError(NerverootError):
    """A document cannot be ingested or removed."""

    code = "E301"


class Document(BaseModel):
    """An ingested document: metadata and its passages."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^doc_[a-z0-9_]+$")
    title: str
    path: str = Field(description="Where the file was ingested from.")
    year: int
    added: str = Field(description="ISO date-time of ingestion (UTC).")
    sha256: str
    passages: list[str] = Field(min_length=1)

    def source(self) -> SourceInfo:
        return SourceInfo(self.id, self.title, "user document", self.year, Path(self.path).as_uri(), "user_document")

    def statements(self) -> list[Statement]:
        return [
            Statement(
                id=f"doc:{self.id}:passage:{i}",
                kind="documents",
                record_id=self.id,
                field="passage",
                title=f"{self.title} — passage {i}",
                text=text,
                index_text=f"{self.title} {text}",
                cites=(Cite(source=self.id, locator=f"passage {i}"),),
                theme="Your documents",
            )
            for i, text in enumerate(self.passages, 1)
        ]


def home() -> Path:
    """The data directory: $NERVEROOT_HOME, else $XDG_DATA_HOME/nerveroot, else ~/.local/share/nerveroot."""
    if env := os.environ.get("NERVEROOT_HOME"):
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "nerveroot"


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.title = ""
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        self._in_title = tag == "title"
        if tag in ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "tr", "section", "article"):
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif not self._skip:
            self.parts.append(data)


def read_text(path: Path) -> tuple[str, str]:
    """(title, plain text) of a text, Markdown, HTML or PDF file."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise IngestError(f"{path.name}: unsupported file type {suffix or '(none)'}; use {', '.join(sorted(SUFFIXES))}")
    if suffix == ".pdf":
        return _read_pdf(path)
    raw = path.read_text(encoding="utf-8", errors="replace")
    if len(raw) > MAX_TEXT_CHARS:
        raise IngestError(f"{path.name}: more than {MAX_TEXT_CHARS:,} characters of text; split the document")
    if suffix in (".html", ".htm"):
        parser = _Text()
        parser.feed(raw)
        return parser.title.strip(), "".join(parser.parts)
    heading = re.search(r"^#\s+(.+)$", raw, re.MULTILINE) if suffix in (".md", ".markdown") else None
    return (heading[1].strip() if heading else ""), raw


def _read_pdf(path: Path) -> tuple[str, str]:
    """(title, text) of a PDF; a malformed, encrypted or oversized one is an IngestError naming the file."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            raise IngestError(f"{path.name}: the PDF is encrypted; export an unprotected copy")
        if len(reader.pages) > MAX_PDF_PAGES:
            raise IngestError(f"{path.name}: more than {MAX_PDF_PAGES} pages; split the document")
        title = str(reader.metadata.title or "") if reader.metadata else ""
        parts: list[str] = []
        size = 0
        for page in reader.pages:
            text = page.extract_text() or ""
            size += len(text)
            if size > MAX_TEXT_CHARS:
                raise IngestError(f"{path.name}: more than {MAX_TEXT_CHARS:,} characters of text; split the document")
            parts.append(text)
    except IngestError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OSError) as exc:
        raise IngestError(f"{path.name}: not a readable PDF ({type(exc).__name__})") from exc
    return title, "\n\n".join(parts)


def passages(text: str, words: int = PASSAGE_WORDS) -> list[str]:
    """Paragraphs merged or split to about `words` words each (one pass: linear in the text's length)."""
    out: list[str] = []
    current: list[str] = []
    for para in re.split(r"\n\s*\n", text):
        tokens = re.sub(r"[#*_>`]+", " ", para).split()
        start = 0
        while start < len(tokens):
            room = words - len(current)
            current += tokens[start : start + room]
            start += room
            if len(current) >= words:
                out.append(" ".join(current))
                current = []
        if len(current) > words // 2:
            out.append(" ".join(current))
            current = []
    if current:
        out.append(" ".join(current))
    return out


_Stamp = tuple[int, int, int]
_READ: dict[str, dict[str, tuple[_Stamp, Document]]] = {}
"""Documents already parsed in this process, per folder and file name, with the (inode, size, mtime) they were
read at. A document file is written once (atomically, by rename) and never changed in place, so an unchanged
stamp is an unchanged document: listing, adding and /api/ask parse only files that are new since the last look."""

_LISTED: dict[str, tuple[_Stamp, float, list[Document]]] = {}
"""The last listing per folder: the folder's (inode, size, mtime) and the time it was taken."""
SETTLED_SECONDS = 1.0
"""A folder's mtime moves on every file added, renamed or removed, but only in clock ticks: a listing is reused
only if it was taken this long after the folder's last change, so a change in the same tick is never missed."""


def _read(path: str, known: dict[str, tuple[_Stamp, Document]]) -> Document | None:
    """The document in `path` (parsed once per version of the file); None if there is none."""
    try:
        info = os.stat(path)
        stamp = (info.st_ino, info.st_size, info.st_mtime_ns)
        name = os.path.basename(path)
        seen = known.get(name)
        if seen is not None and seen[0] == stamp:
            return seen[1]
        with open(path, "rb") as handle:
            doc = Document.model_validate_json(handle.read())
    except FileNotFoundError:
        return None
    known[name] = (stamp, doc)
    return doc


class DocumentStore:
    """The user's ingested documents: `<id>.json` each, and `sha256/<digest>` naming the document with that
    content, so adding one reads no other document (its cost does not grow with the number stored)."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = (root or home()) / "documents"
        self._digests = self.root / "sha256"
        self._known = _READ.setdefault(str(self.root), {})

    def list(self) -> list[Document]:
        """Every stored document, by file name. Unchanged folder since a listing taken safely after its last
        change: that listing (one stat); otherwise each file is parsed only when new or replaced (see `_READ`)."""
        folder = str(self.root)
        try:
            info = os.stat(folder)
        except (FileNotFoundError, NotADirectoryError):
            return []
        stamp = (info.st_ino, info.st_size, info.st_mtime_ns)
        listed = _LISTED.get(folder)
        if listed is not None and listed[0] == stamp and listed[1] - info.st_mtime > SETTLED_SECONDS:
            return list(listed[2])
        taken = time.time()
        with os.scandir(folder) as found:
            names = sorted(e.name for e in found if e.name.endswith(".json") and not e.name.startswith("."))
        for gone in set(self._known).difference(names):
            self._known.pop(gone, None)
        docs = [doc for doc in (_read(os.path.join(folder, n), self._known) for n in names) if doc is not None]
        _LISTED[folder] = (stamp, taken, docs)
        return list(docs)

    def _with_digest(self, digest: str) -> Document | None:
        """The stored document with this content, if any (a marker left by an interrupted add or a removal that
        no longer names a document with this digest counts as none)."""
        self._index_digests()
        try:
            doc_id = (self._digests / digest).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        doc = _read(str(self.root / f"{doc_id}.json"), self._known) if re.fullmatch(r"doc_[a-z0-9_]+", doc_id) else None
        return doc if doc is not None and doc.sha256 == digest else None

    def _index_digests(self) -> None:
        """Documents stored before the digest markers existed get theirs, all at once (one rename)."""
        if self._digests.is_dir() or not self.root.is_dir():
            return
        staging = Path(tempfile.mkdtemp(dir=self.root, prefix=".tmp_sha256_"))
        for doc in self.list():
            (staging / doc.sha256).write_text(doc.id, encoding="utf-8")
        try:
            staging.rename(self._digests)
        except OSError:  # another process indexed them first
            shutil.rmtree(staging, ignore_errors=True)

    def add(self, path: Path) -> Document:
        """Ingest one file; ingesting the same content twice returns the existing document."""
        if not path.is_file():
            raise IngestError(f"{path}: no such file")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise IngestError(f"{path.name}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; split the document")
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if (same := self._with_digest(digest)) is not None:
            return same
        title, text = read_text(path)
        parts = passages(text)
        if not parts:
            raise IngestError(f"{path.name}: no text could be extracted")
        base = f"doc_{slug(path.stem)}"
        doc_id, n = base, 2
        while (self.root / f"{doc_id}.json").exists():
            doc_id, n = f"{base}_{n}", n + 1
        mtime = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)
        doc = Document(
            id=doc_id,
            title=title or path.stem,
            path=str(path.resolve()),
            year=mtime.year,
            added=dt.datetime.now(tz=dt.UTC).isoformat(timespec="seconds"),
            sha256=digest,
            passages=parts,
        )
        target = self.root / f"{doc_id}.json"
        self._write(target, doc.model_dump_json(indent=1))
        info = target.stat()
        self._known[target.name] = ((info.st_ino, info.st_size, info.st_mtime_ns), doc)
        self._write(self._digests / digest, doc_id)
        return doc

    def remove(self, doc_id: str) -> None:
        target = self.root / f"{doc_id}.json"
        if not re.fullmatch(r"doc_[a-z0-9_]+", doc_id) or not target.is_file():
            raise IngestError(f"no ingested document with id {doc_id!r}")
        doc = _read(str(target), self._known)
        target.unlink()
        if doc is not None:
            (self._digests / doc.sha256).unlink(missing_ok=True)

    def _write(self, target: Path, text: str) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp_", suffix=target.suffix)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def fingerprint(self) -> str:
        """Changes whenever a document is added or removed (cache key for the index)."""
        return json.dumps(sorted((d.id, d.sha256) for d in self.list()))
