"""Evidence selection: from retrieved passages to the sentences worth showing.

Sentences are scored for how much of the question they cover (weighted by how rare each
asked-for term is), for the context their section gives them, for what the question's intent
wants (a dose question wants doses, routes, frequencies, durations), and for the kind of
source. Near-duplicates across sources are dropped. Pure, given a tokenizer and an IDF table.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..library.sentences import sentence_spans
from ..models import Document, Hit, Passage
from ..search.query import QueryPlan
from .analyse import Analysis
from .rewrite import tidy

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
MAX_BULLETS = 14
MAX_PER_PASSAGE = 4
RELATIVE_FLOOR = 0.55
DUPLICATE_JACCARD = 0.6

_DOSE = re.compile(
    r"\b\d+(?:\.\d+)?\s*(?:mg|mcg|µg|micrograms?|g|units?|IU|mL|mmol|"
    r"mg/kg|ml/kg)\b",
    re.I,
)
_ROUTE = re.compile(
    r"\b(intramuscular\w*|intravenous\w*|subcutaneous\w*|oral(ly)?|by mouth|"
    r"IM|IV|SC|PO|inhaled|topical\w*|intranasal\w*|rectal\w*)\b"
)
_FREQUENCY = re.compile(
    r"\b(daily|once|twice|times (a|per) (day|week)|every \w+|weekly|"
    r"monthly|hourly|alternate days|at night|each|per day|a day|"
    r"three times|four times)\b",
    re.I,
)
_DURATION = re.compile(
    r"\b(for (\w+ )?\d+|for (one|two|three|four|five|six|seven|ten|twelve) "
    r"|\d+ (days?|weeks?|months?|years?)|lifelong|until|long-term)\b",
    re.I,
)
_INTENT_WORDS = {
    "monitoring": re.compile(
        r"\b(monitor\w*|check\w*|measur\w*|repeat\w*|review\w*|"
        r"follow-up|levels?|recheck\w*|every \d+)\b",
        re.I,
    ),
    "diagnosis": re.compile(
        r"\b(diagnos\w*|test\w*|measur\w*|serum|confirm\w*|screen\w*|"
        r"assess\w*|imaging|biopsy|criteria|threshold|investigat\w*)\b",
        re.I,
    ),
    "adverse": re.compile(
        r"\b(adverse|side effects?|harms?|risks?|toxicity|bleeding|"
        r"complications?)\b",
        re.I,
    ),
    "contraindication": re.compile(
        r"\b(contraindicat\w*|avoid\w*|do not|should not|caution\w*|"
        r"interact\w*|not recommended|must not)\b",
        re.I,
    ),
    "prevention": re.compile(
        r"\b(prevent\w*|prophyla\w*|vaccin\w*|screen\w*|immunis\w*|"
        r"immuniz\w*|reduce the risk)\b",
        re.I,
    ),
    "prognosis": re.compile(r"\b(prognos\w*|mortality|survival|outcomes?|risk of)\b", re.I),
    "definition": re.compile(r"\b(is an?|are|defined|refers to|characteri[sz]ed)\b", re.I),
    "treatment": re.compile(
        r"\b(recommend\w*|first-line|prefer\w*|treat\w*|offer\w*|"
        r"should (be )?(given|used|started|considered)|start\w*|"
        r"initiat\w*|therapy)\b",
        re.I,
    ),
}
_BOILERPLATE = re.compile(
    r"original guideline|guideline availability|refer to the|see the .* field|"
    r"^definitions?:?$|^level [a-d]\b|^class [iv]+\b|^grade [a-d]\b|rating scheme|"
    r"strength of (the )?(evidence|recommendation)s? (is|are) (defined|presented)|"
    r"^(the )?following (recommendations|are)|at the end of the|"
    r"this (guideline|summary|document) (was|is|has)|quality of (the )?evidence \(",
    re.I,
)


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


@dataclass
class GroupWeights:
    """The question's term groups as token alternatives, each with its IDF."""

    groups: list[tuple[float, list[tuple[frozenset[str], float]]]]

    @classmethod
    def build(cls, plan: QueryPlan, tokenize: Tokenize, idf: Callable[[str], float]):
        groups = []
        for group in plan.groups:
            alts = []
            for term in group.terms:
                tokens = frozenset(tokenize(term.text))
                if tokens:
                    alts.append((tokens, term.weight))
            if alts:
                weight = max(idf(t) for t in alts[0][0])
                groups.append((weight, alts))
        return cls(groups)

    @property
    def total(self) -> float:
        return sum(w for w, _ in self.groups) or 1.0

    def coverage(self, tokens: frozenset[str] | set[str]) -> float:
        got = 0.0
        for weight, alts in self.groups:
            best = max((w for alt, w in alts if alt <= tokens), default=0.0)
            got += weight * best
        return got / self.total


def intent_features(text: str, intents: list[str]) -> set[str]:
    found = set()
    if _DOSE.search(text):
        found.add("dose")
    if _ROUTE.search(text):
        found.add("route")
    if _FREQUENCY.search(text):
        found.add("frequency")
    if _DURATION.search(text):
        found.add("duration")
    for intent in intents:
        pattern = _INTENT_WORDS.get(intent)
        if pattern and pattern.search(text):
            found.add(intent)
    return found


def _intent_score(features: set[str], analysis: Analysis) -> float:
    if analysis.intent == "dose":
        regimen = len(features & {"dose", "route", "frequency", "duration"}) / 4
        return min(1.0, regimen + (0.25 if "dose" in features else 0.0))
    hits = len(features & set(analysis.intents))
    return min(1.0, hits / max(1, min(2, len(analysis.intents))))


def candidates(
    hits: list[Hit], analysis: Analysis, weights: GroupWeights, tokenize: Tokenize
) -> list[Candidate]:
    """Every usable sentence of the retrieved passages, scored."""
    if not hits:
        return []
    top = max(h.score for h in hits) or 1.0
    out: list[Candidate] = []
    for rank, hit in enumerate(hits):
        passage, document = hit.passage, hit.document
        context = set(tokenize(f"{document.title} {passage.section_path}"))
        prior = hit.score / top
        kind = KIND_WEIGHT.get(document.kind, 0.8)
        for start, end in sentence_spans(passage.text):
            quote = passage.text[start:end]
            text = tidy(quote)
            words = len(text.split())
            if words < 5 or _BOILERPLATE.search(text):
                continue
            tokens = frozenset(tokenize(text))
            coverage = weights.coverage(tokens)
            in_context = weights.coverage(tokens | context)
            features = intent_features(text, analysis.intents)
            score = kind * (
                0.30 * in_context
                + 0.30 * coverage
                + 0.20 * prior
                + 0.20 * _intent_score(features, analysis)
            )
            score *= _population_factor(text, passage.section_path, analysis)
            if words > 70:
                score *= 0.8
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
                )
            )
    return out


_POPULATION_WORDS = {
    "children": re.compile(
        r"\b(child\w*|infant\w*|paediatric|pediatric|neonat\w*|"
        r"adolescen\w*|bab(y|ies)|months? of age|years? of age)\b",
        re.I,
    ),
    "pregnancy": re.compile(r"\b(pregnan\w*|breastfeed\w*|antenatal|trimester)\b", re.I),
    "renal impairment": re.compile(r"\b(renal|kidney|egfr|creatinine clearance|dialysis)\b", re.I),
    "older adults": re.compile(r"\b(older|elderly|frail)\b", re.I),
}


def _population_factor(text: str, section: str, analysis: Analysis) -> float:
    """Favour sentences about the population asked about; demote other special populations."""
    factor = 1.0
    both = f"{section} {text}"
    for name, pattern in _POPULATION_WORDS.items():
        mentioned = bool(pattern.search(both))
        if name in analysis.populations:
            factor *= 1.25 if mentioned else 0.9
        elif mentioned and name in ("children", "pregnancy"):
            factor *= 0.85
    return factor


def select(found: list[Candidate], limit: int = MAX_BULLETS) -> list[Candidate]:
    """The best distinct sentences: strong enough, not near-copies of one already chosen."""
    ranked = sorted(found, key=lambda c: (-c.score, c.rank, c.passage.id, c.offset))
    if not ranked:
        return []
    floor = ranked[0].score * RELATIVE_FLOOR
    chosen: list[Candidate] = []
    per_passage: dict[str, int] = {}
    for cand in ranked:
        if cand.score < floor or len(chosen) >= limit:
            break
        if per_passage.get(cand.passage.id, 0) >= MAX_PER_PASSAGE:
            continue
        if any(_jaccard(cand.tokens, c.tokens) >= DUPLICATE_JACCARD for c in chosen):
            continue
        chosen.append(cand)
        per_passage[cand.passage.id] = per_passage.get(cand.passage.id, 0) + 1
    return chosen


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0
