"""Ingest: files and folders in, documents and passages stored and indexed.

Each document is its own transaction, so a failure (or a kill -9) loses at most the document
being written; a bad file is reported as ``path: reason`` and the rest carries on.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import IngestError
from ..models import SECTION_SEP, ParsedDocument, passage_id
from .chunking import chunk_sections
from .readers import read_html, read_markdown, read_pdf, read_text
from .records import FieldMap, read_jsonl, read_xml

SUFFIXES = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".jsonl": "jsonl",
    ".jsonl.gz": "jsonl",
    ".ndjson": "jsonl",
    ".xml": "xml",
}
SYNC_EVERY_PASSAGES = 5_000


@dataclass
class IngestReport:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    passages: int = 0
    failed: list[IngestError] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def documents(self) -> int:
        return self.new + self.updated + self.unchanged


def _suffix(path: Path) -> str:
    name = path.name.lower()
    return ".jsonl.gz" if name.endswith(".jsonl.gz") else path.suffix.lower()


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[IngestError]]:
    """Every readable file under the given paths, recursively, in a stable order."""
    files: list[Path] = []
    errors: list[IngestError] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            files.extend(p for p in found if _suffix(p) in SUFFIXES)
        elif path.is_file():
            if _suffix(path) in SUFFIXES:
                files.append(path)
            else:
                errors.append(IngestError(str(path), f"unsupported file type {path.suffix!r}"))
        else:
            errors.append(IngestError(str(path), "no such file or folder"))
    return files, errors


def read_file(
    path: Path, fmap: FieldMap, max_bytes: int, key: str | None = None
) -> Iterator[ParsedDocument | IngestError]:
    kind = SUFFIXES[_suffix(path)]
    if kind == "jsonl":
        yield from read_jsonl(path, fmap, max_bytes)
        return
    size = path.stat().st_size
    if size > max_bytes:
        yield IngestError(
            str(path),
            f"too large: {size / 1e6:.1f} MB exceeds the "
            f"{max_bytes / 1e6:.0f} MB limit for one document",
        )
        return
    raw = path.read_bytes()
    if not raw.strip():
        yield IngestError(str(path), "empty file")
        return
    if kind == "xml":
        yield from read_xml(path, raw)
        return
    reader = {"markdown": read_markdown, "text": read_text, "html": read_html, "pdf": read_pdf}
    yield reader[kind](path, raw, key=key)


def _parsed(path: Path, fmap: FieldMap, max_bytes: int, key: str | None):
    """(document or error, its chunks) for each document in one file."""
    for item in read_file(path, fmap, max_bytes, key=key):
        yield item, (chunk_sections(item.sections) if not isinstance(item, IngestError) else [])


Progress = Callable[[int, int], None]  # (documents done, passages done)


def ingest(
    paths: Iterable[Path],
    store,
    retriever,
    fmap: FieldMap | None = None,
    max_bytes: int = 20_000_000,
    key_for: Callable[[Path], str | None] | None = None,
    on_file: Callable[[Path, int], None] | None = None,
    on_document: Progress | None = None,
    on_change: Callable[[Any, str, str], None] | None = None,
) -> IngestReport:
    """Read, chunk, store and index everything under ``paths``.

    ``on_change(connection, old_document_id, status)`` runs inside the transaction in which
    a changed document replaces its previous version (editorial review sends the answers
    citing it back to review, committed with the change or not at all).
    """
    started = time.perf_counter()
    report = IngestReport()
    fmap = fmap or FieldMap()
    files, report.failed = discover(paths)
    since_sync = 0
    known: dict[str, tuple[str, str, str]] = {}
    for number, path in enumerate(files):
        if on_file:
            on_file(path, number)
        try:
            key = key_for(path) if key_for else None
            for item, chunks in _parsed(path, fmap, max_bytes, key):
                if isinstance(item, IngestError):
                    report.failed.append(item)
                    continue
                if not chunks:
                    report.failed.append(IngestError(item.source_path, "empty: no text found"))
                    continue
                doc, outcome = store.replace_document(item, chunks, on_replaced=on_change)
                setattr(report, outcome, getattr(report, outcome) + 1)
                if outcome != "unchanged":
                    report.passages += len(chunks)
                    since_sync += len(chunks)
                    for i, c in enumerate(chunks):
                        known[passage_id(doc.id, i)] = (
                            doc.title,
                            SECTION_SEP.join(c.section_path),
                            c.text,
                        )
                if since_sync >= SYNC_EVERY_PASSAGES:
                    retriever.sync(commit=False, known=known)
                    known.clear()
                    since_sync = 0
                if on_document:
                    on_document(report.documents, report.passages)
        except IngestError as exc:
            report.failed.append(exc)
        except (OSError, MemoryError, RecursionError) as exc:
            report.failed.append(IngestError(str(path), f"cannot read: {exc}"))
    retriever.sync(commit=True, known=known)
    report.seconds = time.perf_counter() - started
    return report
