"""Readers for single-document files: Markdown with front matter, plain text, HTML and PDF.

Each reader takes the file's path and bytes and returns a ParsedDocument, or raises
IngestError with a reason a library editor can act on.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from pathlib import Path
from typing import Any

import yaml
from lxml import etree, html

from ..errors import IngestError
from ..models import KINDS, ParsedDocument, Section
from .attribution import declared_keys, document_attribution, mark_statements, take_boundaries
from .chunking import SECTION_GAP
from .textutil import clean_inline, decode_text, parse_year, sha256, text_sections

_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.S)
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|`)")


def _kind(value: Any, path: str) -> str:
    kind = str(value or "guideline").strip().lower()
    if kind not in KINDS:
        raise IngestError(path, f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    return kind


def _document(path: Path, title: str, sections: list[Section], digest: str, **fields: Any):
    sections = [s for s in sections if s.text.strip()]
    if not sections:
        raise IngestError(str(path), "empty: no text found")
    return ParsedDocument(
        key=fields.pop("key", None) or str(path.resolve()),
        title=title.strip() or path.stem,
        sections=sections,
        content_hash=digest,
        source_path=str(path),
        **fields,
    )


def read_markdown(path: Path, raw: bytes, key: str | None = None) -> ParsedDocument:
    text = decode_text(raw, str(path)).replace("\r\n", "\n")
    meta: dict[str, Any] = {}
    m = _FRONT_MATTER.match(text)
    if m:
        try:
            meta = yaml.safe_load(m.group(1)) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 2 if mark else None
            raise IngestError(str(path), f"front matter is not valid YAML: {exc}", line) from None
        if not isinstance(meta, dict):
            raise IngestError(str(path), "front matter must be a mapping of fields", 2)
        first_line = text.count("\n", 0, m.end()) + 1
        keys = declared_keys(meta.get("sources"), m.group(1), str(path))
        text = text[m.end() :]
    else:
        first_line, keys = 1, {}
    statement_keys: list[tuple[str, ...]] = []
    if keys:
        # A demonstration topic that names its sources' keys attributes every statement.
        strict = bool(meta.get("demonstration"))
        text, statement_keys = mark_statements(text, keys, first_line, str(path), strict)
    sections = _markdown_sections(text, str(meta.get("title") or ""), statement_keys)
    title = str(meta.get("title") or (sections[0].path[0] if sections else path.stem))
    sources = meta.get("sources") or []
    url = meta.get("url") or next((s.get("url") for s in sources if isinstance(s, dict)), None)
    extra = {k: v for k, v in meta.items() if k not in {"title", "publisher", "year", "url"}}
    if keys:
        extra["attribution"] = document_attribution(
            [s for s in sections if s.text.strip()], SECTION_GAP
        )
    return _document(
        path,
        title,
        sections,
        sha256(raw),
        key=key,
        publisher=meta.get("publisher"),
        year=parse_year(meta.get("year")),
        url=url,
        kind=_kind(meta.get("kind"), str(path)),
        meta=_jsonable(extra),
    )


def _jsonable(value: Any) -> Any:
    """YAML dates and the like become strings so that metadata stores as JSON."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def _markdown_sections(
    text: str, title: str, statement_keys: list[tuple[str, ...]] | None = None
) -> list[Section]:
    stack: list[tuple[int, str]] = []
    sections: list[Section] = []
    body: list[str] = []
    in_fence = False
    next_statement = 0

    def path() -> tuple[str, ...]:
        names = [name for _, name in stack]
        if title and (not names or names[0] != title) and (not stack or stack[0][0] > 1):
            names.insert(0, title)
        return tuple(names) or (title or "Document",)

    def flush() -> None:
        nonlocal next_statement
        chunk = clean_inline(_MD_EMPHASIS.sub("", _MD_LINK.sub(r"\1", "\n".join(body))))
        chunk = re.sub(r"<!--.*?-->", "", chunk, flags=re.S).strip()
        statements: tuple = ()
        if statement_keys:
            chunk, statements, next_statement = take_boundaries(
                chunk, statement_keys, next_statement
            )
        if chunk:
            sections.append(Section(path=path(), text=chunk, statements=statements))
        body.clear()

    for line in text.split("\n"):
        if line.strip().startswith("```"):
            in_fence = not in_fence
            continue
        heading = None if in_fence else _MD_HEADING.match(line)
        if heading:
            flush()
            level = len(heading.group(1))
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, _MD_EMPHASIS.sub("", heading.group(2)).strip()))
        else:
            body.append(line)
    flush()
    return sections


def read_text(path: Path, raw: bytes, key: str | None = None) -> ParsedDocument:
    text = decode_text(raw, str(path))
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    title = first if 0 < len(first) <= 120 and not first.endswith(".") else path.stem
    return _document(path, title, text_sections(text, title), sha256(raw), key=key)


# ---- HTML ------------------------------------------------------------------------------
_DROP = (
    "script",
    "style",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "noscript",
    "iframe",
    "svg",
    "button",
    "template",
    "select",
)
_BOILERPLATE = re.compile(
    r"\b(nav|navbar|menu|breadcrumbs?|cookie|footer|sidebar|banner|skip-link|share|social)\b",
    re.I,
)
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BLOCKS = {"p", "li", "dd", "dt", "td", "th", "pre", "blockquote", "caption", "figcaption"}


def read_html(path: Path, raw: bytes, key: str | None = None) -> ParsedDocument:
    if b"\x00" in raw[:65536]:
        raise IngestError(str(path), "binary content, not an HTML document")
    try:
        root = html.fromstring(raw)
    except (etree.ParserError, ValueError) as exc:
        raise IngestError(str(path), f"not parseable as HTML: {exc}") from None
    page_title = (root.findtext(".//title") or "").strip()
    for el in list(root.iter(*_DROP)):
        el.drop_tree()
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None:
            continue
        marker = " ".join((el.get("class") or "", el.get("id") or "", el.get("role") or ""))
        if _BOILERPLATE.search(marker) or el.get("role") == "navigation":
            el.drop_tree()
    main = next(iter(root.xpath("//main|//article|//*[@role='main']")), None)
    container = main if main is not None else root
    h1 = next((h.text_content().strip() for h in container.iter("h1")), "")
    title = page_title or h1 or path.stem
    return _document(path, title, _html_sections(container, title), sha256(raw), key=key)


def _html_sections(container: Any, title: str) -> list[Section]:
    stack: list[tuple[int, str]] = []
    sections: list[Section] = []
    body: list[str] = []

    def flush() -> None:
        if body:
            names = tuple(n for _, n in stack if n != title)
            sections.append(Section(path=(title, *names), text="\n\n".join(body)))
            body.clear()

    for el in container.iter():
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _HEADINGS:
            flush()
            level = int(tag[1])
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, " ".join(el.text_content().split())))
        elif tag in _BLOCKS or (tag == "div" and (el.text or "").strip()):
            if any(
                d.tag in _BLOCKS or d.tag in _HEADINGS
                for d in el.iterdescendants()
                if isinstance(d.tag, str)
            ):
                continue
            text = " ".join(el.text_content().split())
            if text:
                body.append(f"- {text}" if tag == "li" else text)
    flush()
    return sections


# ---- PDF -------------------------------------------------------------------------------
def read_pdf(path: Path, raw: bytes, key: str | None = None) -> ParsedDocument:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if not raw.startswith(b"%PDF"):
        raise IngestError(str(path), "not a PDF file (no %PDF header)")
    # pypdf reports what it repairs through logging as well as warnings; the reason that
    # matters reaches the user as "path: reason", so keep its pathless notes off stderr.
    pypdf_log = logging.getLogger("pypdf")
    level = pypdf_log.level
    pypdf_log.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(raw), strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                raise IngestError(str(path), "encrypted PDF; supply an unprotected copy")
            pages = [page.extract_text() or "" for page in reader.pages]
            meta_title = (reader.metadata.title if reader.metadata else None) or ""
    except IngestError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise IngestError(str(path), f"corrupt PDF: {exc}") from None
    finally:
        pypdf_log.setLevel(level)
    title = meta_title.strip() or path.stem.replace("_", " ")
    sections = [
        Section(path=(title,), text=clean_inline(text), page=n)
        for n, text in enumerate(pages, start=1)
        if text.strip()
    ]
    if not sections:
        raise IngestError(str(path), "PDF has no extractable text (scanned images need OCR)")
    return _document(path, title, sections, sha256(raw), key=key)
