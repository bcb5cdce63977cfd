"""Answer engines. Each turns analysed question + chosen evidence into a Draft; the verifier
then has the last word whatever the engine. The extractive engine needs no language model;
the LLM engine (answer/llm/) returns a ``Written``: its draft, which engine's draft it is
(the extractive one when it fell back), and what the article's metadata should record."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from .analyse import Analysis
from .compose import Draft, DraftBullet, group_sections
from .evidence import Candidate

BOTTOM_LINE_MAX = 2
FIRST_STEPS = 3
_EMERGENCY = re.compile(r"\b(emergency|immediate|urgent|first steps?|resuscitat\w*)\b", re.I)
ASK_LINES = 3  # a bottom line answers at most this many asks; the sections hold the rest


@dataclass
class Written:
    """What an engine hands the verifier, when it has more to say than a draft."""

    draft: Draft
    engine: str  # whose draft this is: "llm", or "extractive" where the LLM engine fell back
    metadata: dict[str, Any] = field(default_factory=dict)  # merged into the article's
    dropped: list = field(default_factory=list)  # verify_draft.Dropped the engine already removed


class Engine(Protocol):
    name: str

    def write(
        self, analysis: Analysis, chosen: list[Candidate], asks: Sequence[str] = ()
    ) -> Draft | Written: ...


def run(
    engine: Engine, analysis: Analysis, chosen: list[Candidate], asks: Sequence[str]
) -> Written:
    """Any engine's output as a ``Written``."""
    out = engine.write(analysis, chosen, asks)
    return out if isinstance(out, Written) else Written(out, engine.name)


class ExtractiveEngine:
    """Bullets are source sentences, tidied only in ways that cannot change their meaning."""

    name = "extractive"

    def write(self, analysis: Analysis, chosen: list[Candidate], asks: Sequence[str] = ()) -> Draft:
        lead = _bottom_line(analysis, chosen)
        lead_ids = {id(c) for c in lead}
        rest = [c for c in chosen if id(c) not in lead_ids]
        sections = [
            (title, [DraftBullet(c.text, [c]) for c in cands])
            for title, cands in group_sections(rest, analysis)
        ]
        return Draft(bottom_line=[DraftBullet(c.text, [c]) for c in lead], sections=sections)


def _bottom_line(analysis: Analysis, chosen: list[Candidate]) -> list[Candidate]:
    """The sentences that answer most directly: the best, and one that adds what it lacks."""
    if not chosen:
        return []
    ranked = sorted(chosen, key=lambda c: (-c.score, c.rank, c.offset))
    if analysis.intent == "treatment" and _EMERGENCY.search(analysis.question):
        # "What is the emergency treatment …": the first steps, in the order the source gives
        # them, are the answer (protect the heart, then shift potassium, then remove it).
        main = ranked[0].document.id
        steps = [c for c in chosen if c.first_step and c.document.id == main]
        if len(steps) >= 2:
            return sorted(steps, key=lambda c: (c.passage.ord, c.offset))[:FIRST_STEPS]
    wanted = {"dose"} if analysis.intent == "dose" else set(analysis.intents)
    first = next((c for c in ranked if c.features & wanted), ranked[0])
    lead = [first]
    asks = sorted({c.ask for c in chosen})
    if len(asks) > 1:  # a question of several asks: the best statement for each, in order
        firsts = [next(c for c in ranked if c.ask == n) for n in asks[:ASK_LINES]]
        return [c for c in firsts if len(c.text.split()) <= 60] or firsts[:1]
    for cand in ranked:
        if len(lead) >= BOTTOM_LINE_MAX or cand is first:
            continue
        if len(cand.text.split()) > 45:
            continue
        adds = cand.features - first.features
        if cand.score >= first.score * 0.85 and (adds or cand.document.id != first.document.id):
            lead.append(cand)
    return lead
