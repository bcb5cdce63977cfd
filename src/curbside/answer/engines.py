"""Answer engines. Each turns analysed question + chosen evidence into a Draft; the verifier
then has the last word whatever the engine. The extractive engine needs no language model;
the LLM engine (answer/llm/) returns a ``Written``: its draft, which engine's draft it is
(the extractive one when it fell back), and what the article's metadata should record."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..search.vocabulary import Vocabulary
from .analyse import Analysis
from .arrange import Constraint, arrange, is_emergency, said_once
from .bottom_line import against, bottom_line, drug_namer
from .compose import Draft, DraftBullet
from .evidence import Candidate


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
    """Bullets are source sentences, tidied only in ways that cannot change their meaning.

    ``vocab``: the library's vocabulary, to tell which words name a drug (a question asked
    "when only X is available" puts other products' regimens in a caveat)."""

    name = "extractive"

    def __init__(self, vocab: Vocabulary | None = None):
        self.drugs = drug_namer(vocab)

    def write(self, analysis: Analysis, chosen: list[Candidate], asks: Sequence[str] = ()) -> Draft:
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
