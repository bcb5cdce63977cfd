"""Sentence splitting that never cuts inside a dose, a decimal or a common abbreviation."""

from __future__ import annotations

import re

# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = {
    "e.g",
    "i.e",
    "eg",
    "ie",
    "etc",
    "vs",
    "v",
    "approx",
    "dr",
    "mr",
    "mrs",
    "ms",
    "prof",
    "fig",
    "figs",
    "no",
    "nos",
    "vol",
    "ref",
    "refs",
    "st",
    "al",
    "b.d",
    "b.i.d",
    "t.d.s",
    "t.i.d",
    "q.d.s",
    "q.i.d",
    "o.d",
    "o.m",
    "o.n",
    "p.r.n",
    "p.o",
    "i.m",
    "i.v",
    "s.c",
    "q.d",
    "q.h",
    "h.s",
    "a.m",
    "p.m",
    "cf",
    "ca",
    "max",
    "min",
    "incl",
    "resp",
    "esp",
    "sr",
    "jr",
    "inc",
    "ltd",
    "co",
    "u.s",
    "u.k",
    "dept",
    "mg",
    "mcg",
    "ml",
    "kg",
    "hr",
    "hrs",
    "wk",
    "wks",
    "yr",
    "yrs",
    "mo",
    "mos",
    "tab",
    "tabs",
    "cap",
    "caps",
    "sig",
}

# A candidate boundary: terminal punctuation, optional closing quote or bracket, whitespace,
# then something that can start a sentence.
_BOUNDARY = re.compile(r"([.!?])([\"'”’)\]]*)(\s+)(?=[\"'“‘(\[]?[A-Z0-9•\-–])")
_BLOCK_BREAK = re.compile(r"\n\s*\n|\n(?=\s*(?:[-*•]|\d+[.)])\s)")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")


def split_blocks(text: str) -> list[tuple[int, int]]:
    """Paragraphs and list items as (start, end) spans, trimmed of surrounding space."""
    spans = []
    pos = 0
    for m in _BLOCK_BREAK.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    return [_trim(text, s, e) for s, e in spans if text[s:e].strip()]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _is_abbreviation(text: str, dot: int) -> bool:
    m = _WORD_BEFORE.search(text[max(0, dot - 12) : dot])
    if not m:
        return False
    word = m.group(1).lower().rstrip(".")
    if word in _ABBREVIATIONS:
        return True
    if len(word) == 1:
        # A single initial ("J. Smith") does not end a sentence; a unit ("mmol/L.") does.
        before = text[dot - len(m.group(1)) - 1 : dot - len(m.group(1))]
        return before != "/"
    # Dotted abbreviations ("b.d.") do not end sentences.
    return "." in word and len(word) <= 6


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence (start, end) offsets in ``text``; blocks first, then punctuation."""
    spans: list[tuple[int, int]] = []
    for b_start, b_end in split_blocks(text):
        block = text[b_start:b_end]
        pos = 0
        for m in _BOUNDARY.finditer(block):
            if m.group(1) == "." and _is_abbreviation(block, m.start(1)):
                continue
            if block[pos : m.start(1)].strip().isdigit():  # a list number: "1. Give ..."
                continue
            end = m.end(2)
            if block[pos:end].strip():
                spans.append(_trim(text, b_start + pos, b_start + end))
            pos = m.end(3)
        if block[pos:].strip():
            spans.append(_trim(text, b_start + pos, b_end))
    return spans


_LIST_ITEM = re.compile(r"(?:[-*•▪◦]|\d{1,2}[.)]|[a-z][.)])\s")
_OPEN_END = re.compile(r"[\w,:;–-]$")
_LEADS_IN = re.compile(
    r"(:|\b(who|whom|which|that|with|without|if|when|where|for|of|to|by|from|include|"
    r"includes|including|following|are|is|be|should|than|and|or))$",
    re.I,
)


def _column(text: str, offset: int) -> int:
    return offset - text.rfind("\n", 0, offset) - 1


def _continues(text: str, previous: tuple[int, int], next_start: int, first: bool) -> bool:
    """Whether the list goes on after ``previous``: not after a full stop, and across a blank
    line only from the lead-in or after an item that says more is coming ("…;", "… and")."""
    before = text[previous[0] : previous[1]].rstrip()
    if before.endswith((".", "!", "?")):
        return False
    if "\n\n" not in text[previous[1] : next_start].replace(" ", ""):
        return True
    return first or before.endswith((";", ",", ":")) or before.endswith((" and", " or"))


def statement_spans(text: str, max_words: int = 90) -> list[tuple[int, int]]:
    """Sentences, with a list's lead-in kept together with its items.

    "Offer X to patients who" followed by "- have a goal of …" and "- prefer X …" is one
    statement: its lead-in alone says nothing and its items alone lose their subject.
    Lists longer than ``max_words`` stay split.
    """
    spans = sentence_spans(text)
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(spans):
        start, end = spans[i]
        j = i + 1
        item = bool(_LIST_ITEM.match(text, start))
        if len(text[start:end].split()) >= 4 and _OPEN_END.search(text[start:end]):
            # An item leads in only to items nested under it, or to the items after it when it
            # stops mid-clause ("- adults who", "- include:"), as flattened nested lists do.
            while (
                j < len(spans)
                and _LIST_ITEM.match(text, spans[j][0])
                and _continues(text, spans[j - 1], spans[j][0], first=j == i + 1)
                and (
                    not item
                    or _LEADS_IN.search(text[start:end])
                    or _column(text, spans[j][0]) > _column(text, start)
                )
            ):
                j += 1
            if j > i + 1 and len(text[start : spans[j - 1][1]].split()) <= max_words:
                out.append((start, spans[j - 1][1]))
                i = j
                continue
        out.append((start, end))
        i += 1
    return out


def split_sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]
