"""Plain domain types shared by the library, search and answer layers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

KINDS = ("guideline", "review", "trial", "label", "consumer", "textbook", "protocol")
SECTION_SEP = " › "


def passage_id(document_id: str, ord: int) -> str:
    """A passage's id: its document version's id and its position in it."""
    return f"{document_id}-{ord}"


@dataclass(frozen=True)
class Section:
    """A run of text under one heading path, as a reader found it."""

    path: tuple[str, ...]
    text: str
    page: int | None = None
    # Attributed statements (Markdown with source keys): (start, end, source keys) in text.
    statements: tuple[tuple[int, int, tuple[str, ...]], ...] = ()


@dataclass
class ParsedDocument:
    """What a reader makes of one input, before chunking."""

    key: str  # stable identity across versions: a file path or a record id
    title: str
    sections: list[Section]
    content_hash: str
    source_path: str
    publisher: str | None = None
    year: int | None = None
    url: str | None = None
    kind: str = "guideline"
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Chunk:
    """A passage before it has an id: text under one section path with its offsets."""

    section_path: tuple[str, ...]
    text: str
    char_start: int
    char_end: int
    page: int | None = None


@dataclass
class Document:
    id: str
    key: str
    title: str
    publisher: str | None
    year: int | None
    url: str | None
    kind: str
    source_path: str
    content_hash: str
    version: int
    superseded_by: str | None
    status: str
    ingested_at: str
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def demonstration(self) -> bool:
        return bool(self.meta.get("demonstration"))


@dataclass
class Passage:
    id: str
    document_id: str
    ord: int
    section_path: str
    text: str
    char_start: int
    char_end: int
    page: int | None = None
    retired: bool = False


@dataclass
class Hit:
    """One search result: a passage, its document and its score."""

    passage: Passage
    document: Document
    score: float
