"""Evidence selection: from retrieved passages to the statements worth showing.

Statements (sentences, a list's lead-in kept with its items) are scored for how much of the
question they cover (weighted by how rare each asked-for term is), for the context their
section gives them, for what the question's intent wants (signals.py: a dose question wants
doses, routes, frequencies, durations), and for the kind of source. Near-duplicates across
sources are dropped. Pure, given a tokenizer and an IDF table.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache

from ..library.sentences import statement_spans
from ..models import Document, Hit, Passage
from ..search.query import FUNCTION_WORDS, QueryPlan
from .analyse import Analysis
from .quotable import quotable
from .rewrite import tidy
from .signals import BOILERPLATE, META_LABEL, heading_factor, intent_features, population_factor

Tokenize = Callable[[str], list[str]]

KIND_WEIGHT = {
    "guideline": 1.0,
    "protocol": 1.0,
    "label": 0.95,
    "textbook": 0.9,
    "review": 0.85,
    "trial": 0.8,
    "consumer": 0.8,
}
MAX_BULLETS = 18
W_CONTEXT, W_COVERAGE, W_PRIOR, W_INTENT = 0.30, 0.30, 0.35, 0.20
DOC_PRIOR = 0.0
NOVELTY = 0.3
FOCUS = 1.15
CHOICE_BONUS = 0.5
OFF_TOPIC = 0.35
MAX_PER_PASSAGE = 6
RELATIVE_FLOOR = 0.45
DUPLICATE_JACCARD = 0.6
RARE_IDF = 6.0
LONG_WORDS = 100
# Under a heading of first steps, a treatment section's first statement counts 1 + this, its
# second 1 + this / 2, and so on, for treatment asks (fitted on bundled.jsonl: hyperkalaemia's
# calcium gluconate; for dose asks it displaced the severe-deficiency B12 regimen).
FIRST_STEP_BONUS = 0.4
FIRST_STEP_HEADING = re.compile(
    r"initial|first[- ]line|immediate|emergency|acute (treatment|management)|resuscitation", re.I
)
# An answer's main documents: those with its best statements. Another document must give
# more than one statement to be cited.
MAIN_DOCUMENTS = 2
# A word of the case description counts this much of a word of the ask itself (fitted on
# ngc_vignettes_dev.jsonl: 0.35 -> 0.1 took false abstention from 0.205 to 0.108).
BACKGROUND_WEIGHT = 0.1

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_AGE_WORD = re.compile(r"^\d+[- ](year|month|week|day)s?[- ]old$")


@dataclass
class Candidate:
    """One source sentence, ready to become a bullet."""

    text: str  # after meaning-preserving tidying
    quote: str  # the sentence exactly as it stands in the passage
    passage: Passage
    document: Document
    rank: int
    offset: int
    score: float = 0.0
    coverage: float = 0.0
    features: set[str] = field(default_factory=set)
    tokens: frozenset[str] = frozenset()
    numbers: frozenset[str] = frozenset()
    rare: frozenset[str] = frozenset()
    groups: dict[int, float] = field(default_factory=dict)
    ask: int = 0  # which ask of the question it was chosen for
    first_step: bool = False  # the first statement of a section of first treatment steps


@dataclass
class GroupWeights:
    """The question's term groups as token alternatives, each with its IDF."""

    groups: list[tuple[float, list[tuple[frozenset[str], float]]]]
    anchors: frozenset[int] = frozenset()
    sources: tuple[str, ...] = ()  # each group's words as the question has them
    # Each anchor's rarest word: "diabetes" for "type 2 diabetes", "eclampsia" for
    # "pre-eclampsia". A source about the general condition still speaks to the specific one.
    heads: dict[int, str] = field(default_factory=dict)
    idf: Callable[[str], float] | None = None

    def rare(self, tokens: frozenset[str]) -> frozenset[str]:
        """The words that carry a statement's content: drug names, findings, not grammar."""
        idf = self.idf
        return frozenset(t for t in tokens if idf(t) >= RARE_IDF) if idf else frozenset()

    @classmethod
    def build(
        cls,
        plan: QueryPlan,
        tokenize: Tokenize,
        idf: Callable[[str], float],
        topics: frozenset[str] = frozenset(),
        ignore: frozenset[str] = frozenset(),
        background: frozenset[str] = frozenset(),
    ):
        """``topics``: the drugs and conditions the question names (sources of plan groups);
        ``ignore``: sources that say nothing about the topic (a patient's name);
        ``background``: sources only the case description names, weighed less."""
        groups = []
        sources: list[str] = []
        anchors: set[int] = set()
        heads: dict[int, str] = {}
        for group in plan.groups:
            alts = []
            if (
                group.negated
                or _AGE_WORD.match(group.source)
                or group.source in ignore
                or group.source in FUNCTION_WORDS
            ):
                continue  # what the question rules out, and ages, are not what it asks about
            for term in group.terms:
                tokens = frozenset(tokenize(term.text))
                if len(group.terms) == 1:  # lab values and doses typed in the question
                    tokens = frozenset(t for t in tokens if not t.isdigit())
                if tokens:
                    alts.append((tokens, term.weight))
            if alts:
                weight = max(idf(t) for t in alts[0][0])
                if group.source in background and group.source not in topics:
                    weight *= BACKGROUND_WEIGHT
                if group.source in topics:
                    anchors.add(len(groups))
                    heads[len(groups)] = max(alts[0][0], key=lambda t: (idf(t), t))
                groups.append((weight, alts))
                sources.append(group.source)
        return cls(groups, frozenset(anchors), tuple(sources), heads, idf)

    def weighted_sources(self) -> list[tuple[float, str]]:
        return [(w, src) for (w, _), src in zip(self.groups, self.sources, strict=True)]

    def on_topic(self, tokens: frozenset[str] | set[str]) -> bool:
        """Whether the tokens name the question's drug or condition (``every``: all of those
        it names). True when the question names none."""
        if not self.anchors:
            return True
        covered = self.covered(tokens).keys()
        return any(i in covered or self.heads.get(i) in tokens for i in self.anchors)

    @property
    def total(self) -> float:
        return sum(w for w, _ in self.groups) or 1.0

    def covered(self, tokens: frozenset[str] | set[str]) -> dict[int, float]:
        """Which groups the tokens cover, with each group's weighted share."""
        out = {}
        for i, (weight, alts) in enumerate(self.groups):
            best = max((w for alt, w in alts if alt <= tokens), default=0.0)
            if best:
                out[i] = weight * best / self.total
        return out

    def coverage(self, tokens: frozenset[str] | set[str]) -> float:
        got = 0.0
        for weight, alts in self.groups:
            best = max((w for alt, w in alts if alt <= tokens), default=0.0)
            got += weight * best
        return got / self.total


def _intent_score(features: set[str], analysis: Analysis) -> float:
    if analysis.intent == "dose":
        regimen = len(features & {"dose", "route", "frequency", "duration"}) / 4
        # Which drug to prefer is part of any regimen answer, with or without a dose in it.
        bonus = (0.25 if "dose" in features else 0.0) + (
            CHOICE_BONUS if "choice" in features else 0.0
        )
        return min(1.0, regimen + bonus)
    hits = len(features & set(analysis.intents))
    return min(1.0, hits / max(1, min(2, len(analysis.intents))))


@lru_cache(maxsize=20_000)
def statements(passage_text: str, section_path: str) -> tuple[tuple[int, str, str, int], ...]:
    """The statements of a passage worth quoting: (offset, quote, tidied text, words).
    Questions, headings, table cells and sentences that lost a number or a comparator in
    extraction are never candidates (quotable.py).

    Cached: the asks of one question, and the questions of a session, share passages."""
    out = []
    for start, end in statement_spans(passage_text):
        quote = passage_text[start:end]
        text = tidy(quote)
        words = len(text.split())
        if words < 5 or text.startswith("(") or BOILERPLATE.search(text):
            continue
        if quotable(text, section_path) is not None:
            continue
        out.append((start, quote, text, words))
    return tuple(out)


def candidates(
    hits: list[Hit], analysis: Analysis, weights: GroupWeights, tokenize: Tokenize
) -> list[Candidate]:
    """Every usable sentence of the retrieved passages, scored."""
    if not hits:
        return []
    top = max(h.score for h in hits) or 1.0
    # A document that several strong passages come from is more likely the right source.
    doc_strength: dict[str, float] = {}
    for hit in hits:
        doc_strength[hit.document.id] = doc_strength.get(hit.document.id, 0.0) + hit.score
    best_doc = max(doc_strength.values()) or 1.0  # re-ranked hits may all score 0
    out: list[Candidate] = []
    for rank, hit in enumerate(hits):
        passage, document = hit.passage, hit.document
        context = set(tokenize(f"{document.title} {passage.section_path}"))
        prior = (1 - DOC_PRIOR) * hit.score / top + DOC_PRIOR * doc_strength[document.id] / best_doc
        kind = KIND_WEIGHT.get(document.kind, 0.8)
        first_steps = analysis.intent == "treatment" and bool(
            FIRST_STEP_HEADING.search(passage.section_path)
        )
        for position, (start, quote, text, words) in enumerate(
            statements(passage.text, passage.section_path)
        ):
            tokens = frozenset(tokenize(text))
            coverage = weights.coverage(tokens)
            in_context = weights.coverage(tokens | context)
            features = intent_features(text, analysis.intents)
            score = kind * (
                W_CONTEXT * in_context
                + W_COVERAGE * coverage
                + W_PRIOR * prior
                + W_INTENT * _intent_score(features, analysis)
            )
            score *= population_factor(text, passage.section_path, analysis)
            score *= heading_factor(passage.section_path)
            if first_steps:  # a treatment section states its first step first
                score *= 1 + FIRST_STEP_BONUS / (1 + position)
            if words > LONG_WORDS:
                score *= 0.8
            if META_LABEL.search(text):
                score *= 0.4
            if not weights.on_topic(tokens | context):
                score *= OFF_TOPIC  # a regimen for another condition is not evidence here
            out.append(
                Candidate(
                    text=text,
                    quote=quote,
                    passage=passage,
                    document=document,
                    rank=rank,
                    offset=start,
                    score=score,
                    coverage=coverage,
                    features=features,
                    tokens=tokens,
                    numbers=frozenset(_NUMBER.findall(text)),
                    rare=weights.rare(tokens),
                    groups=weights.covered(tokens),
                    first_step=first_steps and position == 0,
                )
            )
    return out


def select(found: list[Candidate], limit: int | None = None) -> list[Candidate]:
    """The best distinct sentences: strong enough, not near-copies of one already chosen."""
    ranked = sorted(found, key=lambda c: (-c.score, c.rank, c.passage.id, c.offset))
    if not ranked:
        return []
    if FOCUS != 1.0:
        ranked = _focus(ranked)
    floor = ranked[0].score * RELATIVE_FLOOR
    limit = limit or MAX_BULLETS
    pool = [c for c in ranked if c.score >= floor]
    chosen: list[Candidate] = []
    per_passage: dict[str, int] = {}
    covered: set[int] = set()
    # Greedy: each pick is the best sentence plus a bonus for parts of the question that no
    # chosen sentence answers yet, so a two-part question gets both parts answered.
    while pool and len(chosen) < limit:
        best = max(
            pool,
            key=lambda c: (
                c.score + NOVELTY * sum(w for g, w in c.groups.items() if g not in covered),
                -c.rank,
                -c.offset,
            ),
        )
        pool.remove(best)
        if per_passage.get(best.passage.id, 0) >= MAX_PER_PASSAGE:
            continue
        if any(_duplicate(best, c) for c in chosen):
            continue
        chosen.append(best)
        covered.update(best.groups)
        per_passage[best.passage.id] = per_passage.get(best.passage.id, 0) + 1
    return _without_strays(chosen)


def _without_strays(chosen: list[Candidate]) -> list[Candidate]:
    """Leave out a lone statement from a document that is not among the answer's main ones:
    one sentence that happens to share the question's words ("first-line treatment" in a
    lymphoma guideline) is rarely about the question."""
    best: dict[str, float] = {}
    count: dict[str, int] = {}
    for cand in chosen:
        best[cand.document.id] = max(best.get(cand.document.id, 0.0), cand.score)
        count[cand.document.id] = count.get(cand.document.id, 0) + 1
    main = set(sorted(best, key=lambda d: -best[d])[:MAIN_DOCUMENTS])
    return [c for c in chosen if c.document.id in main or count[c.document.id] > 1]


def _focus(ranked: list[Candidate]) -> list[Candidate]:
    """Lift the main document: the one whose three best sentences score highest together.

    A consult answer reads best from one source, with others adding what it lacks.
    """
    tops: dict[str, list[float]] = {}
    for cand in ranked:
        scores = tops.setdefault(cand.document.id, [])
        if len(scores) < 3:
            scores.append(cand.score)
    main = max(tops, key=lambda d: (sum(tops[d]), d))
    lifted = [replace(c, score=c.score * FOCUS) if c.document.id == main else c for c in ranked]
    return sorted(lifted, key=lambda c: (-c.score, c.rank, c.passage.id, c.offset))


def _duplicate(a: Candidate, b: Candidate) -> bool:
    """Near-copies say the same thing; statements that differ in a number or in a rare word
    (the same template for disulfiram and for topiramate) do not."""
    return (
        a.numbers == b.numbers
        and a.rare == b.rare
        and _jaccard(a.tokens, b.tokens) >= DUPLICATE_JACCARD
    )


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def merge_chosen(per_ask: list[list[Candidate]], limit: int = MAX_BULLETS) -> list[Candidate]:
    """One list from each ask's choice, taken in turn so that every ask keeps its best
    statements; a statement chosen for two asks appears once, for the first."""
    merged: list[Candidate] = []
    taken: set[tuple[str, int]] = set()
    queues = [list(chosen) for chosen in per_ask]
    while any(queues) and len(merged) < limit:
        for number, queue in enumerate(queues):
            while queue:
                cand = queue.pop(0)
                if (cand.passage.id, cand.offset) not in taken:
                    taken.add((cand.passage.id, cand.offset))
                    merged.append(replace(cand, ask=number))
                    break
            if len(merged) >= limit:
                break
    return merged
