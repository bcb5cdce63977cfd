"""What an evidence quote adds to its bullet: the sentences around it in the source, which of
its numbers the bullet states, and whether the bullet shortened it.

A bullet is usually its source sentence tidied, so a quote alone repeats the bullet. A reader
checking it wants what the bullet cannot show: the sentence before and after (from the same
passage, or the neighbouring passage of the same document section when the sentence opens or
closes its passage), the section it stands in, and the numbers the bullet took from it.

``surrounding``, ``matched_numbers`` and ``shortened`` are pure; ``attach`` reads the passages
from the store, once per article, and fills the ``Evidence`` fields in place.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from ..articles.model import Article, Evidence
from ..library.sentences import statement_spans
from ..models import Passage
from .verify import quantity_spans

# A neighbour longer than this is cut at a word boundary (a reader wants the thread of the
# text, not a second full passage).
CONTEXT_CHARS = 320
# A bullet that leaves out at least this many of its sentence's content words shortened it:
# the page then says the quote is the full source sentence.
SHORTENED_WORDS = 3
_WORD = re.compile(r"[a-z][a-z0-9'-]+")


def surrounding(
    text: str, start: int, end: int, before: Passage | None = None, after: Passage | None = None
) -> tuple[str, str]:
    """The statements just before and after ``text[start:end]``; at the edge of the passage,
    the nearest statement of the neighbouring passage (``before``/``after``), if given."""
    spans = _spans(text)
    earlier = [s for s in spans if s[1] <= start]
    later = [s for s in spans if s[0] >= end]
    if earlier:
        previous = text[earlier[-1][0] : earlier[-1][1]]
    else:
        previous = _last_statement(before.text) if before else ""
    if later:
        following = text[later[0][0] : later[0][1]]
    else:
        following = _first_statement(after.text) if after else ""
    return _clip_start(previous), _clip_end(following)


@lru_cache(maxsize=4096)
def _spans(text: str) -> tuple[tuple[int, int], ...]:
    """Cached: the quotes of one answer share passages, and answers share documents."""
    return tuple(statement_spans(text))


def _first_statement(text: str) -> str:
    spans = _spans(text)
    return text[spans[0][0] : spans[0][1]] if spans else ""


def _last_statement(text: str) -> str:
    spans = _spans(text)
    return text[spans[-1][0] : spans[-1][1]] if spans else ""


def _clip_end(text: str) -> str:
    text = text.strip()
    if len(text) <= CONTEXT_CHARS:
        return text
    return text[:CONTEXT_CHARS].rsplit(" ", 1)[0] + " …"


def _clip_start(text: str) -> str:
    text = text.strip()
    if len(text) <= CONTEXT_CHARS:
        return text
    return "… " + text[-CONTEXT_CHARS:].split(" ", 1)[-1]


def matched_numbers(bullet_text: str, quote: str) -> list[str]:
    """The numbers of the quote that the bullet states (by value: "1 mg" in the bullet marks
    "1 mg" and "1 mg/mL" alike), in the quote's order, each once."""
    return _matched(_values(bullet_text), quote)


def _values(text: str) -> set:
    # Digits only, as marks are: a bullet is its quote reworded, so "three" stays "three".
    return {q.value for _, _, q in quantity_spans(text)}


def _matched(values: set, quote: str) -> list[str]:
    out = [f"{q.value:f}" for _, _, q in quantity_spans(quote) if q.value in values]
    return list(dict.fromkeys(out))


def _content_words(text: str) -> set[str]:
    return {w[:6] for w in _WORD.findall(text.lower()) if len(w) > 2}


def shortened(bullet_text: str, quote: str) -> bool:
    """Whether the bullet leaves out part of what the quote says."""
    return _left_out(_content_words(bullet_text), quote)


def _left_out(said: set[str], quote: str) -> bool:
    return len(_content_words(quote) - said) >= SHORTENED_WORDS


def mark(text: str, evidence: Iterable[Evidence]) -> None:
    """Which numbers of each quote the text states, and whether the text shortens it: set
    again whenever the text changes (a reviewer's edit)."""
    values = _values(text)
    said = _content_words(text)
    for e in evidence:
        e.numbers = _matched(values, e.quote)
        e.shortened = _left_out(said, e.quote)


def attach(article: Article, store) -> None:
    """Fill in every evidence quote's neighbours and number marks from the stored passages
    (each cited document's passages read once: a quote's own passage and its neighbours)."""
    groups = [(article.bottom_line.text, article.bottom_line.evidence)] + [
        (b.text, b.evidence) for b in article.all_bullets()
    ]
    documents: dict[str, dict[str, Passage]] = {}
    for text, items in groups:
        mark(text, items)
        for e in items:
            if e.document_id not in documents:
                passages = store.document_passages(e.document_id) if e.document_id else []
                documents[e.document_id] = {p.id: p for p in passages}
            passages_by_id = documents[e.document_id]
            passage = passages_by_id.get(e.passage_id)
            start = passage.text.find(e.quote) if passage else -1
            if passage is None or start < 0:
                continue
            before, after = _neighbours(passage, list(passages_by_id.values()))
            e.context_before, e.context_after = surrounding(
                passage.text, start, start + len(e.quote), before, after
            )


def _neighbours(passage: Passage, passages: list[Passage]) -> tuple[Passage | None, Passage | None]:
    """The passages just before and after this one, if they stand in the same section."""
    by_ord = {p.ord: p for p in passages if p.section_path == passage.section_path}
    return by_ord.get(passage.ord - 1), by_ord.get(passage.ord + 1)
