"""Answer engines. Each turns analysed question + chosen evidence into a Draft; the verifier
then has the last word whatever the engine. The extractive engine needs no language model."""

from __future__ import annotations

from typing import Protocol

from ..search.vocabulary import Vocabulary
from .analyse import Analysis
from .arrange import Constraint, arrange, is_emergency, said_once
from .bottom_line import against, bottom_line, drug_namer
from .compose import Draft, DraftBullet
from .evidence import Candidate


class Engine(Protocol):
    name: str

    def write(self, analysis: Analysis, chosen: list[Candidate]) -> Draft: ...


class ExtractiveEngine:
    """Bullets are source sentences, tidied only in ways that cannot change their meaning.

    ``vocab``: the library's vocabulary, to tell which words name a drug (a question asked
    "when only X is available" puts other products' regimens in a caveat)."""

    name = "extractive"

    def __init__(self, vocab: Vocabulary | None = None):
        self.drugs = drug_namer(vocab)

    def write(self, analysis: Analysis, chosen: list[Candidate]) -> Draft:
        constraint = Constraint.of(analysis.question)
        emergency = is_emergency(analysis, chosen)
        lead = bottom_line(analysis, chosen, constraint, self.drugs, emergency)
        rest = [c for c in chosen if all(c is not d for d in lead)]
        sections = arrange(
            rest, analysis, constraint, lambda c: against(constraint, c, self.drugs), emergency
        )
        return Draft(
            bottom_line=[DraftBullet(c.text, [c]) for c in lead],
            sections=[
                (
                    s.title,
                    [
                        DraftBullet(text, [c])
                        for text, c in zip(
                            said_once([c.text for c in s.candidates]), s.candidates, strict=True
                        )
                    ],
                )
                for s in sections
            ],
        )
