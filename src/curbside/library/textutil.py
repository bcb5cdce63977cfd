"""Decoding and plain-text structure shared by the readers. Pure functions."""

from __future__ import annotations

import hashlib
import re

from ..errors import IngestError
from ..models import Section

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"  +")
_LINE_EDGES = re.compile(r" ?\n ?")
_BLANK_RUNS = re.compile(r"\n{3,}")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


def sha256(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def decode_text(raw: bytes, path: str) -> str:
    """UTF-8 text or a clear refusal naming the line of the first bad byte."""
    if b"\x00" in raw[:65536]:
        raise IngestError(path, "binary content, not a text document")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise IngestError(
            path, f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); convert it to UTF-8", line
        ) from None
    sample = text[:65536]
    if sample and len(_CONTROL.findall(sample)) > len(sample) * 0.01:
        raise IngestError(path, "binary content, not a text document")
    return text


def clean_inline(text: str) -> str:
    """Collapse runs of spaces and drop control characters, keeping line breaks."""
    # Whole-text C passes only: this runs over every byte ingested (str.translate with a
    # table walks the text character by character in Python-level lookups and cost more).
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ").replace("\xa0", " ")
    text = _CONTROL.sub("", text)
    text = _LINE_EDGES.sub("\n", _SPACES.sub(" ", text))
    return _BLANK_RUNS.sub("\n\n", text).strip()


def parse_year(value: object) -> int | None:
    if isinstance(value, int):
        return value if 1800 <= value <= 2100 else None
    if value is None:
        return None
    # "2000 Jul (reaffirmed 2014 Aug 9)": the latest year is when the text was last current.
    years = [int(y) for y in _YEAR.findall(str(value))]
    return max(years) if years else None


def looks_like_heading(block: str) -> bool:
    """A one-line block of a few words with no sentence ending: a heading in plain text."""
    if "\n" in block or len(block) > 120 or not block[:1].isalnum():
        return False
    if re.match(r"^\d+[.)]\s", block) and block.endswith("."):
        return False
    words = block.split()
    if not 1 <= len(words) <= 14:
        return False
    if block.endswith((":", "?")):
        return True
    return not block.endswith((".", ";", ",", "!", ")"))


def text_sections(text: str, title: str) -> list[Section]:
    """Sections of a plain text: heading-like lines start a new section under the title."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", clean_inline(text)) if b.strip()]
    if len(blocks) > 1 and blocks[0] == title:  # the title line is the title, not body text
        blocks = blocks[1:]
    sections: list[Section] = []
    path: tuple[str, ...] = (title,)
    body: list[str] = []

    def flush() -> None:
        if body:
            sections.append(Section(path=path, text="\n\n".join(body)))
            body.clear()

    for block in blocks:
        if looks_like_heading(block) and block != title:
            flush()
            path = (title, block.rstrip(":").strip())
        else:
            body.append(block)
    flush()
    if not sections and blocks:  # a short text that only looks like headings is still text
        sections.append(Section(path=(title,), text="\n\n".join(blocks)))
    return sections
