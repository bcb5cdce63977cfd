"""What a question asks: its intent, the entities it names, and the population it concerns.

Pure functions over the question text and the search vocabulary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..search.query import QueryPlan
from ..search.vocabulary import Vocabulary

INTENTS = (
    "dose",
    "threshold",
    "treatment",
    "diagnosis",
    "monitoring",
    "adverse",
    "contraindication",
    "prevention",
    "prognosis",
    "referral",
    "definition",
)

# Ordered: the first intent whose pattern matches is the main one; all matches are kept.
_INTENT_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "dose",
        re.compile(
            # "how long before starting" asks about timing, not a regimen's duration.
            # "how often should TSH be checked" asks about monitoring; "after 2 doses of
            # adrenaline" counts doses given.
            r"\b((?<!\d )dos(e|es|ing|ages?)|regimens?|schedules?|"
            r"how much|how often(?! (should|must|do|does|is|are) [^?]{0,50}\b(checked|measured|"
            r"tested|monitored|reviewed|repeated|seen)\b)|course length|"
            r"how long (should|must|do|does) \w+ (\w+ )?(treat|continue|take|give|last)\w*|"
            r"mg|micrograms?|mcg|units?/kg|titrat\w*|frequency|duration|loading)\b",
            re.I,
        ),
    ),
    (
        "threshold",
        re.compile(
            r"\b(targets?|goals?|thresholds?|cut-?offs?|at what (level|value|age|blood pressure|"
            r"bp|count|score|concentration|point|gestation|dose)|what (level|value|age)|"
            r"how (high|low)|"
            r"what counts as|counts? as (significant|severe|abnormal|high|low)|(is|be) (called|"
            r"considered|classed|defined as) (severe|significant|abnormal|high|low)|defined as|"
            r"correspond\w*|graded|grading|classif\w+|categori[sz]\w+)\b",
            re.I,
        ),
    ),
    (
        "monitoring",
        re.compile(
            r"\b(monitor\w*|follow[- ]?up|recheck|check(ed|ing)?|"
            r"how often should .* (measured|tested)|levels?)\b",
            re.I,
        ),
    ),
    (
        "contraindication",
        re.compile(
            r"\b(contraindicat\w*|interact\w*|avoid|safe (to|in|for)|"
            r"caution\w*|can .* (take|use|be given))\b",
            re.I,
        ),
    ),
    (
        "adverse",
        re.compile(
            r"\b(side[- ]effects?|adverse|toxicit\w*|harms?|risks? of|"
            r"complications?)\b",
            re.I,
        ),
    ),
    (
        "diagnosis",
        re.compile(
            r"\b(diagnos\w*|tests?|testing|investigat\w*|work[- ]?up|screen\w*|confirm\w*|"
            r"criteria|imaging|assess\w*|threshold|cut-?off)\b",
            re.I,
        ),
    ),
    (
        "prevention",
        re.compile(r"\b(prevent\w*|prophyla\w*|vaccin\w*|immunis\w*|immuniz\w*)\b", re.I),
    ),
    (
        "prognosis",
        re.compile(r"\b(prognos\w*|outcomes?|survival|mortality|life expectancy)\b", re.I),
    ),
    (
        "referral",
        re.compile(
            r"\b(refer(ral|red)?|admi(t|tted|ssion)|(in|to) hospital|specialist (advice|review)|"
            r"2-week[- ]wait|escalat\w*)\b",
            re.I,
        ),
    ),
    (
        "treatment",
        re.compile(
            r"\b(treat\w*|manag\w*|therap\w*|first[- ]line|drugs?|medications?|"
            r"antibiotics?|start\w*|initiat\w*|choice|prescrib\w*|give|use)\b",
            re.I,
        ),
    ),
    # Last: "What is the emergency treatment of …" asks for treatment, not a definition.
    ("definition", re.compile(r"^\s*(what (is|are)|define|definition of)\b", re.I)),
]

_POPULATIONS: list[tuple[str, re.Pattern[str]]] = [
    (
        "children",
        re.compile(
            r"\b(child(ren)?|kids?|infants?|bab(y|ies)|toddlers?|neonat\w*|"
            r"paediatric|pediatric|adolescents?|\d+[- ](month|week|day)s?[- ]old)\b",
            re.I,
        ),
    ),
    (
        "pregnancy",
        re.compile(
            # "a non-pregnant woman" is not a pregnancy question, nor "a lactate of 2.8".
            r"\b((?<!non-)(?<!non )(?<!not )pregnan\w*|"
            r"antenatal|postpartum|"
            r"trimester|gestation\w*|obstetric\w*|\d+[- ]weeks?['’]? (visit|gestation|pregnant)|"
            r"(at|by) \d+ weeks|booking (bloods|visit))\b",
            re.I,
        ),
    ),
    (
        "renal impairment",
        re.compile(
            # "kidney stones" or "renal colic" are conditions, not impaired kidney function.
            r"\b((renal|kidney) (impairment|failure|insufficiency|disease|function|dysfunction)"
            r"|egfr|creatinine clearance|dialysis|ckd)\b",
            re.I,
        ),
    ),
    (
        "older adults",
        re.compile(
            r"\b(elderly|older (adults?|people|patients)|frail|aged "
            r"(over|above) (65|70|75|80))\b",
            re.I,
        ),
    ),
]
# A breastfeeding mother is asked about as in pregnancy, unless the question is about her baby.
_LACTATION = re.compile(r"\b(breast-?feeding|lactating|lactation)\b", re.I)
_AGE = re.compile(r"\b(\d{1,3})[- ](month|year|week)s?[- ]old\b|\baged? (\d{1,3})\b", re.I)
_WEIGHT = re.compile(r"(?<![\d.])(\d{1,3}(?:\.\d+)?) ?kg\b", re.I)
CHILD_AGE_LIMIT = 18  # years
CHILD_WEIGHT_LIMIT = 40  # kg; a weight-based dose question under this is about a child


@dataclass(frozen=True)
class Entity:
    text: str
    type: str  # drug | condition | test | route | other


@dataclass
class Analysis:
    question: str
    intent: str
    intents: list[str]
    entities: list[Entity] = field(default_factory=list)
    populations: list[str] = field(default_factory=list)
    age: str | None = None
    weight_kg: float | None = None
    dosed: str | None = None  # what a dose question asks the dose of: "intravenous immunoglobulin"
    # A question of several asks: each answered ask's own analysis, in order (the composer
    # gives each its line of the bottom line).
    asks: list[Analysis] = field(default_factory=list)

    @property
    def topic_terms(self) -> list[str]:
        """Entities that carry the topic into a follow-up question."""
        return [e.text for e in self.entities if e.type in ("drug", "condition", "test")]


# "What dose of X is given …", "the dosing of X for …": X ends at the next verb or preposition.
_DOSED = re.compile(
    # "after 2 doses of IM adrenaline" counts doses given; it does not ask for one.
    r"(?<!\d )(?<!two )(?<!three )(?<!both )(?<!several )"
    r"\b(?:dose|doses|dosing|dosage|regimen|schedule) of ((?:[A-Za-z][\w-]*\s?){1,4}?)"
    r"(?=\s*(?:\b(?:is|are|should|for|in|to|and|or|when|with|after|before|given|used|"
    r"do|does|would|can|at|by|on|per)\b|[,?.;:]|$))",
    re.I,
)


def asks_for(question: str, intent: str) -> bool:
    """Whether the question's words ask for this intent (not merely fall back to it)."""
    return any(name == intent and p.search(question) for name, p in _INTENT_PATTERNS)


# "wants to try for a baby" is a woman planning a pregnancy, not a question about a child.
_WANTED_BABY = re.compile(
    r"\b(?:try(?:ing)?|tries|want(?:s|ing)?|plan(?:s|ning)?|hop(?:e|es|ing)|ha(?:ve|ving))\s+"
    r"(?:for\s+|to\s+have\s+)?(?:a|another)\s+baby\b",
    re.I,
)
# A question that opens on an infant is about the infant: "4-month-old …; mum has stopped
# breastfeeding" asks nothing about a breastfeeding mother.
_INFANT_FIRST = re.compile(
    r"^\W*(?:(?:a|an|my|our|this)\s+)?(?:\d+[- ](?:month|week|day)s?[- ]old|"
    r"(?:new-?born|baby|infant|neonate)s?)\b",
    re.I,
)


def _populations(question: str) -> list[str]:
    text = _WANTED_BABY.sub(" ", question)
    nursing = bool(_LACTATION.search(text)) and not _INFANT_FIRST.search(text)
    return [
        name
        for name, pattern in _POPULATIONS
        if pattern.search(text) or (name == "pregnancy" and nursing)
    ]


def analyse(question: str, plan: QueryPlan, vocab: Vocabulary) -> Analysis:
    intents = [name for name, pattern in _INTENT_PATTERNS if pattern.search(question)]
    main = intents[0] if intents else "treatment"
    entities = []
    for group in plan.groups:
        kind = vocab.type_of(group.source)
        if kind is None:
            kind = next((vocab.type_of(t.text) for t in group.terms if vocab.type_of(t.text)), None)
        if kind in ("drug", "condition", "test", "route"):
            entities.append(Entity(group.source, kind))
    populations = _populations(question)
    age = _AGE.search(question)
    weight = _WEIGHT.search(question)
    years = int(age.group(1)) if age and age.group(1) and age.group(2).lower() == "year" else None
    young = (years is not None and years < CHILD_AGE_LIMIT) or (
        weight is not None and float(weight.group(1)) < CHILD_WEIGHT_LIMIT
    )
    if young and "children" not in populations:
        populations.insert(0, "children")
    if years is not None and years >= 65 and "older adults" not in populations:
        populations.append("older adults")
    return Analysis(
        question=question,
        intent=main,
        intents=intents or [main],
        entities=entities,
        populations=populations,
        age=age.group(0) if age else None,
        weight_kg=float(weight.group(1)) if weight else None,
        dosed=_dosed(question),
    )


# "the dose of the drug", "dose of medication": no particular treatment named.
_NO_TREATMENT = {"it", "this", "that", "drug", "drugs", "medication", "medicine", "treatment"}


def _dosed(question: str) -> str | None:
    found = _DOSED.search(question)
    subject = found.group(1).strip() if found else ""
    if not subject or subject.lower().split()[-1] in _NO_TREATMENT:
        return None
    return subject
