"""A question's parts: the case it describes and the asks it makes.

Clinicians ask in vignettes: "A 68-year-old on furosemide, eGFR 35, has a hot swollen big toe.
Should I start colchicine now, and at what dose?" The case (age, setting, kidney function,
drugs) is context for choosing and filtering evidence; the asks ("should I start colchicine
now", "at what dose") are what the evidence must answer, each on its own.

>>> [a.text for a in split_question("A man of 70 has gout. What dose of colchicine? "
...     "And should I stop his diuretic?").asks]
['What dose of colchicine?', 'should I stop his diuretic?']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_ASKS = 4

# Sentence ends: ".", "?" or "!" before a space and a capital, digit or quote. Abbreviations
# such as "e.g." and "vs." and decimals ("2.5 mg") never end a sentence.
_SENTENCE_END = re.compile(
    r"(?<!\be\.g)(?<!\bi\.e)(?<!\bvs)(?<!\bDr)(?<!\bSt)([.?!])\s+(?=[\"'A-Z0-9])"
)
_ASK_START = re.compile(
    r"^\s*(what|which|how|when|where|who|whom|why|should|shall|would|could|can|may|must|is|"
    r"are|was|were|do|does|did|will|has|have|any|tell me|please|advise|recommend|"
    r"at what|in what|for how|up to|from what|if|and|or|also)\b",
    re.I,
)
# ", and what dose", "; how long", " or should I …": a new ask inside one sentence. The word
# after the joint must open a question, so "with and without aura" is not split.
_JOINT = re.compile(
    r"(?:,\s*(?:and|or|but)\s+|;\s*(?:and\s+|or\s+)?|\s+and\s+(?=(?:if|when)\b[^?]*,\s*"
    r"(?:what|which|how|should)\b)|,\s*(?:and\s+)?(?=if\b[^?]*,\s*(?:what|which|how|should)\b)|"
    r"\?\s*)"
    r"(?=(?:if\b|what\b|which\b|how\b|when\b|should\b|is\b|are\b|do\b|does\b|can\b|"
    r"at what\b|for how\b|who\b|whom\b|would\b|must\b|will\b))",
    re.I,
)


@dataclass(frozen=True)
class Ask:
    """One question inside the question."""

    text: str


@dataclass(frozen=True)
class Parts:
    question: str
    case: str = ""
    asks: list[Ask] = field(default_factory=list)

    @property
    def is_vignette(self) -> bool:
        return bool(self.case)


def split_question(question: str) -> Parts:
    """Split into the case description (sentences that ask nothing) and one to four asks."""
    sentences = _sentences(question)
    case = [s for s in sentences if not _asks(s)]
    asking = [s for s in sentences if _asks(s)]
    if not asking:  # a bare topic ("colchicine dose gout") or a request without "?"
        return Parts(question, "", [Ask(question.strip())])
    texts: list[str] = []
    for sentence in asking:
        texts.extend(_split_joints(sentence))
    texts = _merge_overflow([t for t in texts if t.strip()])
    return Parts(question, " ".join(case), [Ask(text) for text in texts])


def _sentences(text: str) -> list[str]:
    out, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        out.append(text[start : m.end(1)].strip())
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return [s for s in out if s]


def _asks(sentence: str) -> bool:
    return sentence.rstrip().endswith("?") or bool(_ASK_START.match(sentence))


def _split_joints(sentence: str) -> list[str]:
    pieces, start = [], 0
    for m in _JOINT.finditer(sentence):
        piece = sentence[start : m.start()].strip(" ,;")
        if len(_words(piece)) >= 2:
            pieces.append(_close(piece))
            start = m.end()
    pieces.append(sentence[start:].strip(" ,;"))
    # A piece too short to stand alone goes back with its neighbour.
    merged: list[str] = []
    for piece in pieces:
        if merged and len(_words(piece)) < 2:
            merged[-1] = f"{merged[-1].rstrip('?')} {piece}"
        elif piece:
            merged.append(piece)
    return merged


def _close(piece: str) -> str:
    return piece if piece.endswith("?") else piece + "?"


def _merge_overflow(texts: list[str]) -> list[str]:
    if len(texts) <= MAX_ASKS:
        return texts
    return [*texts[: MAX_ASKS - 1], " ".join(texts[MAX_ASKS - 1 :])]


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z0-9]+", text)
