"""Cut sections into passages of roughly 80-250 words. Pure functions.

A passage never crosses a section boundary and never splits a sentence (and so never a
dose): sentences are the unit, and a single sentence longer than the limit stays whole.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..models import Chunk, Section
from .sentences import sentence_spans

MIN_WORDS = 80
MAX_WORDS = 250
SECTION_GAP = "\n\n"


def document_text(sections: Sequence[Section]) -> str:
    """The canonical text of a document: its sections joined; passage offsets point into it."""
    return SECTION_GAP.join(s.text for s in sections)


def chunk_sections(
    sections: Sequence[Section], min_words: int = MIN_WORDS, max_words: int = MAX_WORDS
) -> list[Chunk]:
    chunks: list[Chunk] = []
    base = 0
    for section in sections:
        for start, end in _pack(section.text, min_words, max_words):
            chunks.append(
                Chunk(
                    section_path=section.path,
                    text=section.text[start:end],
                    char_start=base + start,
                    char_end=base + end,
                    page=section.page,
                )
            )
        base += len(section.text) + len(SECTION_GAP)
    return chunks


def _pack(text: str, min_words: int, max_words: int) -> list[tuple[int, int]]:
    """Greedy packing of sentence spans into spans of at most max_words words."""
    sentences = [(s, e, len(text[s:e].split())) for s, e in sentence_spans(text)]
    groups: list[list[tuple[int, int, int]]] = []
    current: list[tuple[int, int, int]] = []
    words = 0
    for sentence in sentences:
        if current and words + sentence[2] > max_words:
            groups.append(current)
            current, words = [], 0
        current.append(sentence)
        words += sentence[2]
    if current:
        groups.append(current)
    # A short tail reads better joined to the passage before it, if that stays near the limit.
    if len(groups) > 1:
        tail = sum(w for _, _, w in groups[-1])
        before = sum(w for _, _, w in groups[-2])
        if tail < min_words and tail + before <= max_words + min_words // 2:
            groups[-2].extend(groups.pop())
    return [(g[0][0], g[-1][1]) for g in groups]
