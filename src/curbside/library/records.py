"""Readers for files that hold many documents: JSONL with a field map, and XML sets
(PubMed PubmedArticleSet, MedQuAD Document, MedlinePlus health-topics).

They yield a ParsedDocument per record, or an IngestError for a record that cannot be used,
so that one bad line never stops the rest of the file.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import etree, html

from ..errors import IngestError
from ..models import KINDS, ParsedDocument, Section
from .textutil import clean_inline, parse_year, sha256, text_sections

Item = ParsedDocument | IngestError
TARGETS = ("id", "title", "text", "publisher", "year", "url", "kind")


@dataclass
class FieldMap:
    """Which record fields fill which document fields; ``text`` may join fields with '+'."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    kind: str | None = None

    @classmethod
    def parse(cls, spec: str | None, kind: str | None = None) -> FieldMap:
        mapping: dict[str, list[str]] = {}
        for part in (spec or "").split(","):
            if not part.strip():
                continue
            target, sep, source = part.partition("=")
            target = target.strip()
            if not sep or target not in TARGETS or not source.strip():
                raise ValueError(
                    f"bad --map entry {part!r}: use target=field with target one of "
                    f"{', '.join(TARGETS)}"
                )
            mapping[target] = [s.strip() for s in source.split("+") if s.strip()]
        if kind and kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")
        return cls(mapping, kind)

    def sources(self, target: str, defaults: tuple[str, ...]) -> list[str]:
        return self.fields.get(target) or list(defaults)


def _lookup(record: dict[str, Any], dotted: str) -> Any:
    if dotted in record:
        return record[dotted]
    value: Any = record
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _first(record: dict[str, Any], names: list[str]) -> Any:
    for name in names:
        value = _lookup(record, name)
        if value not in (None, ""):
            return value
    return None


def _open_lines(path: Path) -> Iterator[bytes]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as handle:
        yield from handle


def read_jsonl(path: Path, fmap: FieldMap, max_bytes: int) -> Iterator[Item]:
    for number, line in jsonl_lines(path):
        if isinstance(line, IngestError):
            yield line
        else:
            yield jsonl_record(path, number, line, fmap, max_bytes)


def jsonl_lines(path: Path) -> Iterator[tuple[int, bytes | IngestError]]:
    """Non-blank lines with their numbers; a read failure ends the file with an error."""
    try:
        for number, line in enumerate(_open_lines(path), start=1):
            if line.strip():
                yield number, line
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        yield 0, IngestError(str(path), f"cannot read: {exc}")


def jsonl_record(path: Path, number: int, line: bytes, fmap: FieldMap, max_bytes: int) -> Item:
    """One JSONL line as a document, or the reason it cannot be one."""
    if len(line) > max_bytes:
        return IngestError(str(path), f"record of {len(line):,} bytes is too large", number)
    try:
        record = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return IngestError(str(path), f"invalid JSON: {exc}", number)
    if not isinstance(record, dict):
        return IngestError(str(path), "each line must be a JSON object", number)
    text_fields = fmap.sources("text", ("text", "body", "contents", "abstract"))
    try:
        return _record_document(path, number, record, fmap, text_fields)
    except IngestError as exc:
        return IngestError(str(path), exc.reason, number)
    except (TypeError, ValueError) as exc:
        return IngestError(str(path), f"unusable record: {exc}", number)


def _record_document(
    path: Path, number: int, record: dict[str, Any], fmap: FieldMap, text_fields: list[str]
) -> ParsedDocument:
    rid = _first(record, fmap.sources("id", ("_id", "id", "doc_id", "ngc_id", "pmid")))
    title = str(_first(record, fmap.sources("title", ("title", "name"))) or "").strip()
    parts = [(name, _lookup(record, name)) for name in text_fields]
    parts = [(n, v if isinstance(v, str) else json.dumps(v)) for n, v in parts if v]
    if not parts:
        raise IngestError(str(path), f"no text in field {'+'.join(text_fields)!r}")
    title = title or untitled(path.stem, rid or number)
    sections: list[Section] = []
    for name, text in parts:
        found = text_sections(text, title)
        if len(parts) > 1:  # each joined field is its own section
            found = [Section(path=(title, name, *s.path[1:]), text=s.text) for s in found]
        sections.extend(found)
    if not sections:
        raise IngestError(str(path), "empty: no text found")
    kind = fmap.kind or str(_first(record, fmap.sources("kind", ("kind",))) or "guideline")
    if kind not in KINDS:
        raise IngestError(str(path), f"unknown kind {kind!r}")
    return ParsedDocument(
        key=f"{_resolved(path)}#{rid if rid is not None else number}",
        title=title,
        sections=sections,
        content_hash=sha256(json.dumps([title, parts], sort_keys=True)),
        source_path=f"{path}:{number}",
        publisher=_str(_first(record, fmap.sources("publisher", ("publisher", "source")))),
        year=parse_year(_first(record, fmap.sources("year", ("year", "date")))),
        url=_str(_first(record, fmap.sources("url", ("url", "link")))),
        kind=kind,
    )


@lru_cache(maxsize=64)
def _resolved(path: Path) -> str:
    """The file's absolute path, resolved once per file rather than once per record."""
    return str(path.resolve())


def _str(value: Any) -> str | None:
    return None if value in (None, "") else str(value).strip()


# ---- XML -------------------------------------------------------------------------------
def read_xml(path: Path, raw: bytes) -> Iterator[Item]:
    try:
        root = etree.fromstring(
            raw, parser=etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        )
    except etree.XMLSyntaxError as exc:
        yield IngestError(str(path), f"invalid XML: {exc.msg}", exc.lineno)
        return
    tag = etree.QName(root).localname
    if tag == "PubmedArticleSet":
        yield from _pubmed(path, root)
    elif tag == "Document" and root.find("QAPairs") is not None:
        yield from _medquad(path, root, raw)
    elif tag == "health-topics":
        yield from _medlineplus(path, root)
    else:
        yield IngestError(str(path), f"unsupported XML root <{tag}>", root.sourceline)


def _text(el: Any) -> str:
    return " ".join("".join(el.itertext()).split()) if el is not None else ""


def _pubmed(path: Path, root: Any) -> Iterator[Item]:
    for article in root.iter("PubmedArticle"):
        pmid = _text(article.find(".//PMID"))
        title = _text(article.find(".//ArticleTitle")) or f"PubMed {pmid}"
        sections = []
        for part in article.iterfind(".//Abstract/AbstractText"):
            label = part.get("Label")
            text = _text(part)
            if text:
                sections.append(
                    Section(path=(title, label.title()) if label else (title,), text=text)
                )
        if not sections:
            yield IngestError(str(path), f"PMID {pmid}: no abstract text", article.sourceline)
            continue
        types = {_text(t).lower() for t in article.iterfind(".//PublicationType")}
        kind = "review"
        if "practice guideline" in types or "guideline" in types:
            kind = "guideline"
        elif any("trial" in t for t in types):
            kind = "trial"
        year = parse_year(
            _text(article.find(".//PubDate/Year")) or _text(article.find(".//PubDate/MedlineDate"))
        )
        yield ParsedDocument(
            key=f"pubmed:{pmid}",
            title=title,
            sections=sections,
            content_hash=sha256(etree.tostring(article)),
            source_path=f"{path}:{article.sourceline}",
            publisher=_text(article.find(".//Journal/Title")) or None,
            year=year,
            url=f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/",
            kind=kind,
        )


def _medquad(path: Path, root: Any, raw: bytes) -> Iterator[Item]:
    focus = _text(root.find("Focus")) or path.stem
    sections = []
    for pair in root.iterfind("QAPairs/QAPair"):
        question = _text(pair.find("Question"))
        answer = (
            clean_inline("".join(pair.find("Answer").itertext()))
            if pair.find("Answer") is not None
            else ""
        )
        if answer:
            sections.append(Section(path=(focus, question or "Answer"), text=answer))
    if not sections:
        yield IngestError(str(path), "empty: no answers in this MedQuAD document")
        return
    yield ParsedDocument(
        key=f"medquad:{root.get('source')}:{root.get('id')}",
        title=focus,
        sections=sections,
        content_hash=sha256(raw),
        source_path=str(path),
        publisher=root.get("source"),
        url=root.get("url"),
        kind="consumer",
    )


def _medlineplus(path: Path, root: Any) -> Iterator[Item]:
    for topic in root.iter("health-topic"):
        title = topic.get("title") or ""
        summary = topic.findtext("full-summary") or ""
        text = ""
        if summary.strip():
            fragment = html.fromstring(f"<div>{summary}</div>")
            blocks = [" ".join(el.text_content().split()) for el in fragment.iter("p", "li")]
            text = "\n\n".join(b for b in blocks if b) or " ".join(fragment.text_content().split())
        if not text:
            yield IngestError(str(path), f"health topic {title!r} has no summary", topic.sourceline)
            continue
        yield ParsedDocument(
            key=f"medlineplus:{topic.get('id') or title}",
            title=title,
            sections=[Section(path=(title,), text=text)],
            content_hash=sha256(etree.tostring(topic)),
            source_path=f"{path}:{topic.sourceline}",
            publisher="MedlinePlus (U.S. National Library of Medicine)",
            year=parse_year(topic.get("date-created")),
            url=topic.get("url"),
            kind="consumer",
        )


_UNTITLED = re.compile(r"^\S+ #\S+$")


def untitled(stem: str, record: object) -> str:
    """The title a record without one gets: its file and record number ("corpus #17")."""
    return f"{stem} #{record}"


def has_title(title: str) -> bool:
    """Whether a document's title is its own, not the stand-in ``untitled`` gave it."""
    return not _UNTITLED.match(title)
