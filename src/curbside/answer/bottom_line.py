"""The bottom line: for each ask, the statement that gives what was asked for.

A dose question gets a dose (not a strength such as "1 mg/mL"), a choice question the named
treatment, an emergency its first steps in the order the source gives them, a diagnosis
question the test, a threshold question the number. One to three sentences; each is a source
statement and is verified like any bullet.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import pairwise

from ..models import SECTION_SEP
from ..search.vocabulary import Vocabulary, surface_tokens
from .analyse import Analysis, asks_for
from .arrange import Constraint
from .evidence import Candidate
from .signals import DOSE

BOTTOM_LINE_MAX = 2
FIRST_STEPS = 3
ASK_LINES = 3  # a bottom line answers at most this many asks; the sections hold the rest
SECOND_SHARE = 0.85  # a second sentence must score this share of the first
LONG_LINE = 45  # words: a longer statement is a bullet, not a second bottom-line sentence
LONG_ASK_LINE = 60
# "1 mg/mL", "6.5 mmol/L": a strength or a concentration, not an amount to give.
_PER_VOLUME = re.compile(r"^\s*/\s*(m?l|dl)\b", re.I)
# A first-line or least-severe regimen is where a consultant starts.
_FIRST_LINE = re.compile(
    r"\b(first[- ]line|first[- ]choice|low[- ]severity|mild|uncomplicated)\b", re.I
)


def gives_dose(text: str) -> bool:
    return any(not _PER_VOLUME.match(text[m.end() :]) for m in DOSE.finditer(text))


def drug_namer(vocab: Vocabulary | None) -> Callable[[str], set[str]]:
    """The drug names a statement uses, as the library's vocabulary types them."""

    def drugs(text: str) -> set[str]:
        if vocab is None:
            return set()
        words = surface_tokens(text)
        found = {w for w in words if vocab.type_of(w) == "drug"}
        found |= {f"{a} {b}" for a, b in pairwise(words) if vocab.type_of(f"{a} {b}") == "drug"}
        return found

    return drugs


_HOW_LONG = re.compile(r"\bhow long\b|\bduration\b|\bcourse length\b|\buntil when\b", re.I)
_AMOUNT = re.compile(r"\bdos(e|es|ing|age)\b|\bhow much\b|\bregimen\b", re.I)
_HOW_OFTEN = re.compile(r"\bhow often\b|\bfrequency\b|\bhow many times\b", re.I)


def _answers(analysis: Analysis) -> Callable[[Candidate], bool]:
    """What a statement must give to answer the ask: "how long" a duration, "how often" a
    frequency, any other dose question an amount to give."""
    amount = analysis.intent != "dose" or _AMOUNT.search(analysis.question)
    if _HOW_LONG.search(analysis.question) and not amount:
        return lambda c: "duration" in c.features
    if _HOW_OFTEN.search(analysis.question) and not amount:
        return lambda c: "frequency" in c.features
    if analysis.intent == "dose":
        return lambda c: gives_dose(c.text)
    wanted = set(analysis.intents)
    return lambda c: bool(c.features & wanted)


def _population_first(analysis: Analysis) -> Callable[[Candidate], bool]:
    """Whether a statement names the population asked about outright."""
    if re.search(r"\badults?\b", analysis.question, re.I):
        return lambda c: bool(re.search(r"\badults?\b", c.text, re.I))
    if analysis.populations:
        words = re.compile(
            "|".join(re.escape(p.split()[0][:5]) for p in analysis.populations), re.I
        )
        return lambda c: bool(words.search(c.text))
    return lambda c: True


def lead_for(
    analysis: Analysis,
    cands: list[Candidate],
    constraint: Constraint,
    drugs: Callable[[str], set[str]],
    lines: int = BOTTOM_LINE_MAX,
    strict: bool = True,
) -> list[Candidate]:
    """One ask's bottom line: the best statement that answers it, and one that adds to it.

    ``strict``: look for a statement of the ask's kind even when the ask's words do not name
    one (a question of one ask); an ask among several is answered by its best statement."""
    ranked = sorted(cands, key=lambda c: (-c.score, c.rank, c.offset))
    if not ranked:
        return []
    allowed = [c for c in ranked if not against(constraint, c, drugs)] or ranked
    if constraint:
        allowed = [c for c in allowed if constraint.meets(c)] or allowed
    answers = _answers(analysis)
    first = allowed[0]
    if strict:
        first = next((c for c in allowed if answers(c)), first)
    if analysis.intent == "dose" or asks_for(analysis.question, "treatment"):
        # Among the near-best, the statement that names the treatment, for the population
        # asked about, where a consultant starts (first-line, least severe).
        named = _population_first(analysis)
        close = [c for c in allowed if c.score >= first.score * SECOND_SHARE and answers(c)]
        treats = analysis.intent == "treatment"
        close.sort(
            key=lambda c: (
                treats and not (gives_dose(c.text) or bool(drugs(c.text))),
                not named(c),
                not _starts(c),
            )
        )
        first = close[0] if close else first
    lead = [first]
    for cand in allowed:
        if len(lead) >= lines or cand is first or len(cand.text.split()) > LONG_LINE:
            continue
        adds = cand.features - first.features
        if cand.score >= first.score * SECOND_SHARE and (
            adds or cand.document.id != first.document.id
        ):
            lead.append(cand)
    return lead


def _starts(c: Candidate) -> bool:
    heading = c.passage.section_path.split(SECTION_SEP)[-1]
    return bool(_FIRST_LINE.search(f"{heading} {c.text}"))


def against(constraint: Constraint, c: Candidate, drugs: Callable[[str], set[str]]) -> bool:
    """When only one product is available, a regimen of another, or a preference for another
    over it, is the caveat, not the answer."""
    only = constraint.only
    if not only:
        return False
    others = _others(c.text, only, drugs)
    if only in c.text.lower():
        return bool(others) and "choice" in c.features
    return bool(others) and gives_dose(c.text)


def _others(text: str, only: str, drugs: Callable[[str], set[str]]) -> set[str]:
    return {d for d in drugs(text) if d != only and only not in d and d not in only}


def bottom_line(
    analysis: Analysis,
    chosen: list[Candidate],
    constraint: Constraint,
    drugs: Callable[[str], set[str]],
    emergency: bool,
) -> list[Candidate]:
    if not chosen:
        return []
    if emergency:
        main = max(chosen, key=lambda c: c.score).document.id
        steps = [c for c in chosen if c.first_step and c.document.id == main]
        return sorted(steps, key=lambda c: (c.passage.ord, c.offset))[:FIRST_STEPS]
    asks = sorted({c.ask for c in chosen})
    if len(asks) == 1:
        return lead_for(analysis, chosen, constraint, drugs)
    lines = []
    for n in asks[:ASK_LINES]:
        ask_analysis = analysis.asks[n] if n < len(analysis.asks) else analysis
        own = [c for c in chosen if c.ask == n and len(c.text.split()) <= LONG_ASK_LINE]
        picked = lead_for(ask_analysis, own, constraint, drugs, lines=1, strict=False)
        lines += [c for c in picked if c not in lines]
    return lines or lead_for(analysis, chosen, constraint, drugs, lines=1)
