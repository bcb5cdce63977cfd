"""Arrange an answer the way a clinician reads it: for the population asked about, honouring
what the question rules out, sections in clinical order, titled by what they hold.

>>> only_available("What dose when only cyanocobalamin is available?")
'cyanocobalamin'
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..models import SECTION_SEP
from .analyse import Analysis, asks_for
from .compose import ORDER, section_title
from .evidence import Candidate

# ---- the population asked about -------------------------------------------------------------

# A question about "a 68-year-old man" is about an adult; a statement about "women with a
# prior caesarean" is not thereby an adults-only dose, so statements count only "adults".
_ADULT_WORDS = re.compile(r"\b(adults?|grown-ups?|men|women|man|woman)\b", re.I)
_ADULT_STATEMENT = re.compile(r"\badults?\b", re.I)
_CHILD_WORDS = re.compile(
    r"\b(child(ren)?|infants?|bab(y|ies)|neonates?|toddlers?|paediatric|pediatric|"
    r"adolescents?|young people under|months? of age|aged (\d+ (months?|weeks?)|under \d+)|"
    r"\d+ (months?|weeks?) to \d+ years?|aged \d+ to (1[0-7]|[1-9]) years)\b",
    re.I,
)
ADULT_AGE = 18  # years
_NOT_PREGNANT = re.compile(r"\bnon-?pregnant\b|\b(who are|are) not pregnant\b", re.I)


def asks_about_adults(analysis: Analysis) -> bool:
    """ "in an adult", "a 68-year-old man": a question about an adult, not a child."""
    if "children" in analysis.populations:
        return False
    if _ADULT_WORDS.search(analysis.question):
        return True
    age = re.match(r"(\d{1,3})[- ]years?[- ]old", analysis.age or "", re.I)
    return bool(age and int(age.group(1)) >= ADULT_AGE)


def _speaks_of(candidate: Candidate) -> tuple[bool, bool]:
    """Whether the statement (or the heading it sits under) names adults, and children."""
    heading = SECTION_SEP.join(candidate.passage.section_path.split(SECTION_SEP)[1:])
    where = f"{heading} {candidate.text}"
    return bool(_ADULT_STATEMENT.search(where)), bool(_CHILD_WORDS.search(where))


def fits_population(candidate: Candidate, analysis: Analysis) -> bool:
    """An adult question gets no children's doses, a child's question no adults' only, a
    child of a stated age no dose for another age band, a pregnancy question nothing said
    for women who are not pregnant.

    A statement that names both ("adults and children over 12 years") fits either."""
    adults, children = _speaks_of(candidate)
    if "pregnancy" in analysis.populations and _NOT_PREGNANT.search(candidate.text):
        return False
    if asks_about_adults(analysis):
        # An 84-year-old's target is the one "for adults aged 80 and over", not "under 80".
        return (adults or not children) and _in_age_band(candidate, analysis) is not False
    # "her first baby" in an obstetric question is not a question about a child.
    if "children" in analysis.populations and "pregnancy" not in analysis.populations:
        fits = _in_age_band(candidate, analysis)
        return (children or not adults) if fits is None else fits
    return True


def _in_age_band(candidate: Candidate, analysis: Analysis) -> bool | None:
    """Whether the age asked about falls in the band the statement or its heading is for;
    None when the question gives no age or the statement no band."""
    months = age_in_months(analysis.age)
    bands = age_bands(candidate.text) or heading_bands(candidate.passage.section_path)
    if months is None or not bands:
        return None
    return any(lo <= months < hi for lo, hi in bands)


_UNIT = {"week": 12 / 52, "month": 1.0, "year": 12.0}
_AGE_OF = re.compile(r"(\d{1,3})[- ](week|month|year)s?[- ]old|\baged? (\d{1,3})\b", re.I)
_N = r"(\d{1,2})"
_U = r"(weeks?|months?|years?)"
# Age bands as statements give them: "aged 6 months to 6 years", "6 to 12 years", "over 12
# years", "under 6 months", "16 or over". A band needs an age word before it, so a course
# length ("for 3 to 5 years") is never read as an age.
_BAND = re.compile(
    rf"\b(?:aged|age|children|child|infants?|babies|baby|adults?|people|from)\b[^.;,]{{0,20}}?"
    rf"(?:{_N} {_U}? ?to {_N} {_U}|(?:over|above|older than) {_N} {_U}|"
    rf"(?:under|below|younger than|less than) {_N} {_U}|"
    rf"{_N} {_U}? ?(?:or|and) (?:over|older|above)|"
    # "aged under 80", "aged over 65": after "aged" a bare number is years, not a dose.
    rf"(?<=aged )(?:(under|below|younger than)|(over|above|older than)) {_N}(?!\d|\.\d)"
    rf"(?!\s*(?:%|/)|\s*(?:mg|g|ml|mmol|kg|units?|micro\w*|mmhg)\b))",
    re.I,
)


def age_in_months(age: str | None) -> float | None:
    found = _AGE_OF.search(age or "")
    if not found:
        return None
    if found.group(1):
        return int(found.group(1)) * _UNIT[found.group(2).lower()]
    return int(found.group(3)) * 12.0


def _months(n: str, unit: str | None) -> float:
    return int(n) * _UNIT[(unit or "year").lower().rstrip("s")]


def age_bands(text: str) -> list[tuple[float, float]]:
    """The age bands a statement is for, in months: [(lo, hi), …]."""
    bands = []
    for m in _BAND.finditer(text):
        g = m.groups()
        if g[0]:  # "6 months to 6 years", "6 to 12 years"
            bands.append((_months(g[0], g[1] or g[3]), _months(g[2], g[3]) + 12))
        elif g[4]:
            bands.append((_months(g[4], g[5]), 12 * 200))
        elif g[6]:
            bands.append((0.0, _months(g[6], g[7])))
        elif g[8]:
            bands.append((_months(g[8], g[9]), 12 * 200))
        elif g[10]:  # "aged under 80"
            bands.append((0.0, _months(g[12], None)))
        elif g[11]:  # "aged over 65"
            bands.append((_months(g[12], None), 12 * 200))
    return bands


# A heading that is an age band: "Birth to 12 months", "6 months to 5 years", "Over 5 years".
_HEADING_BAND = re.compile(
    rf"^(?:(birth)|{_N}(?: {_U})?) to {_N} {_U}$|^(?:(over|above)|under|below) {_N} {_U}$", re.I
)


def heading_bands(section_path: str) -> list[tuple[float, float]]:
    """The age band the innermost heading names, in months."""
    heading = section_path.split(SECTION_SEP)[-1].strip()
    m = _HEADING_BAND.match(heading)
    if not m:
        return age_bands(heading)
    birth, lo, lo_unit, hi, hi_unit, over, n, unit = m.groups()
    if hi:
        start = 0.0 if birth else _months(lo, lo_unit or hi_unit)
        # "1 to 4 years" takes in 4-year-olds: the band ends when the last age named does.
        return [(start, _months(hi, hi_unit) + _months("1", hi_unit))]
    if over:
        return [(_months(n, unit), 12 * 200)]
    return [(0.0, _months(n, unit))]


def for_population(pool: list[Candidate], analysis: Analysis) -> list[Candidate]:
    """The statements for the population asked about; all of them if none fits."""
    kept = [c for c in pool if fits_population(c, analysis)]
    return kept or pool


# ---- what the question rules in or out ------------------------------------------------------

_ONLY = re.compile(
    r"\bonly ((?!(?:have|has|had|got|keep|stock|want)\b)[a-z][\w-]+"
    r"(?: (?!is\b|are\b)[a-z][\w-]+)?) (?:is |are )?"
    r"(?:available|in stock|on hand|stocked)\b"
    r"|\b([a-z][\w-]+) is the only (?:one |option |drug |product |preparation )?"
    r"(?:available|in stock|we have)\b",
    re.I,
)
_ALLERGY = re.compile(
    r"\b(?:allergic to|allergy to|intolerant of) ([a-z][\w-]+)|\b([a-z][\w-]+)[- ](?:allergy|"
    r"allergic|intoleran\w+)\b",
    re.I,
)


def only_available(question: str) -> str | None:
    found = _ONLY.search(question)
    return (found.group(1) or found.group(2)).lower() if found else None


@dataclass(frozen=True)
class Constraint:
    """What the question says must hold of the answer: "when only X is available", "penicillin
    allergy". A statement meets it, goes against it, or says nothing of it. (Pregnancy and
    age are the population's business: see ``fits_population`` and the evidence scoring.)"""

    only: str | None = None
    allergy: str | None = None

    @classmethod
    def of(cls, question: str) -> Constraint:
        allergy = _ALLERGY.search(question)
        return cls(
            only=only_available(question),
            allergy=(allergy.group(1) or allergy.group(2)).lower() if allergy else None,
        )

    def __bool__(self) -> bool:
        return bool(self.only or self.allergy)

    def meets(self, candidate: Candidate) -> bool:
        where = f"{candidate.passage.section_path} {candidate.text}".lower()
        if self.only and self.only in where:
            return True
        if self.allergy:
            drug = re.escape(self.allergy)
            return bool(re.search(rf"\b{drug}\S*[- ]allerg|allergic to {drug}", where))
        return False


# ---- sections in clinical order -------------------------------------------------------------

EMERGENCY_QUESTION = re.compile(
    r"\b(emergency|immediate\w*|urgent\w*|first steps?|resuscitat\w*|life[- ]threatening)\b", re.I
)
# "How should severe hyperkalaemia be treated?": the whole treatment, not one detail of it.
# Asked of an emergency condition, the first steps are the answer.
GENERAL_TREATMENT = re.compile(
    r"^\s*(how (should|do|does|would|to|can) (i |we |you )?(treat|manage)\b|"
    r"how (should|is|are|would) [^,;?]{1,60} (be )?(treated|managed)\s*\??\s*$|"
    r"what is the (\w+ )?(treatment|management) (of|for)\b[^,;]*$)",
    re.I,
)
EMERGENCY_CONDITION = re.compile(r"\b(severe|acute|emergency|life[- ]threatening)\b", re.I)
# A dose or treatment answer reads: what to give first, then what follows it, then how to
# check it, what to watch for, and what else there is; how it was diagnosed comes last.
REGIMEN_ORDER = [
    "Initial treatment",
    "Maintenance",
    "Special populations",
    "Monitoring",
    "Cautions and safety",
    "Pitfalls to avoid",
    "Alternatives",
    "Prevention",
    "When to refer",
    "Key recommendations",
    "Diagnosis and tests",
]
CAVEAT = "Caveat: alternatives to {only}"
# "With neurological involvement" only reads as a title after the heading it qualifies.
_QUALIFIER = re.compile(r"^(with|without|when|if|in|for|after|before|during|where)\b", re.I)


@dataclass
class Section:
    title: str
    category: str
    candidates: list[Candidate]


def _category(title: str) -> str:
    base = title.split(":")[0]
    return base if base in ORDER else "Key recommendations"


def display_title(candidate: Candidate) -> str:
    """The section's own heading, without a repeated category prefix: "Intramuscular
    adrenaline: UK doses", "Initial treatment without neurological involvement"."""
    title = section_title(candidate)
    category, _, specific = title.partition(": ")
    if not specific:
        return title
    if _QUALIFIER.match(specific):
        parent = _parent_heading(candidate) or category
        return f"{parent} {specific[:1].lower()}{specific[1:]}"
    return specific[:1].upper() + specific[1:]


def _parent_heading(candidate: Candidate) -> str | None:
    parts = [p.strip() for p in candidate.passage.section_path.split(SECTION_SEP)[1:] if p.strip()]
    if len(parts) < 2:
        return None
    parent = re.sub(r"\s*\((Level|Grade|Class)[^)]*\)\s*$", "", parts[-2]).split(":")[0]
    return parent if len(parent.split()) <= 4 else None


def arrange(
    chosen: list[Candidate],
    analysis: Analysis,
    constraint: Constraint,
    is_caveat: Callable[[Candidate], bool],
    emergency: bool,
) -> list[Section]:
    """Group the statements into titled sections and put the sections in clinical order;
    statements the question rules out (``is_caveat``) come last, in a caveat of their own."""
    caveat = [c for c in chosen if is_caveat(c)]
    caveat_ids = {id(c) for c in caveat}
    sections: dict[str, Section] = {}
    for cand in chosen:
        if id(cand) in caveat_ids:
            continue
        title = display_title(cand)
        section = sections.setdefault(title, Section(title, _category(section_title(cand)), []))
        section.candidates.append(cand)
    ordered = _order(list(sections.values()), analysis, constraint, emergency)
    if caveat:
        ordered.append(Section(CAVEAT.format(only=constraint.only), "Alternatives", caveat))
    for section in ordered:
        section.candidates.sort(key=lambda c: (c.rank, c.passage.ord, c.offset))
    return ordered


def _order(
    sections: list[Section], analysis: Analysis, constraint: Constraint, emergency: bool
) -> list[Section]:
    if not sections:
        return sections
    best = {s.title: max(c.score for c in s.candidates) for s in sections}
    if analysis.intent not in ("dose", "treatment"):
        return sorted(sections, key=lambda s: (-best[s.title], s.title))
    documents = _document_rank(sections)

    def source_place(s: Section) -> tuple[int, int, int]:
        first = min(s.candidates, key=lambda c: (documents[c.document.id], c.passage.ord, c.offset))
        return documents[first.document.id], first.passage.ord, first.offset

    if emergency:  # the immediate steps as the source gives them, then what follows
        return sorted(sections, key=lambda s: (_rank(s.category), source_place(s)))

    def named(s: Section) -> bool:
        """A section its own heading puts under the constraint ("when only X is available")."""
        return bool(constraint.only and constraint.only in s.title.lower())

    def meets(s: Section) -> bool:
        return bool(constraint) and any(constraint.meets(c) for c in s.candidates)

    return sorted(
        sections, key=lambda s: (not named(s), _rank(s.category), not meets(s), source_place(s))
    )


def _rank(category: str) -> int:
    return REGIMEN_ORDER.index(category) if category in REGIMEN_ORDER else len(REGIMEN_ORDER)


def _document_rank(sections: list[Section]) -> dict[str, int]:
    """Documents in the order of their best statement: the main source's sections lead."""
    best: dict[str, float] = {}
    for s in sections:
        for c in s.candidates:
            best[c.document.id] = max(best.get(c.document.id, 0.0), c.score)
    return {doc: n for n, doc in enumerate(sorted(best, key=lambda d: -best[d]))}


def _asks_treatment(analysis: Analysis) -> bool:
    return analysis.intent == "treatment" and asks_for(analysis.question, "treatment")


def is_emergency(analysis: Analysis, chosen: list[Candidate]) -> bool:
    """An emergency asks for first steps: the question says so, or its main source is about
    emergency treatment and gives them."""
    if not _asks_treatment(analysis) or not chosen:
        return False
    main = max(chosen, key=lambda c: c.score).document
    steps = sum(1 for c in chosen if c.first_step and c.document.id == main.id)
    if steps < 2:
        return False
    return _asks_first_steps(analysis.question, main.title)


def _asks_first_steps(question: str, title: str) -> bool:
    if EMERGENCY_QUESTION.search(question):
        return True
    emergency = EMERGENCY_CONDITION.search(question) or EMERGENCY_CONDITION.search(title)
    return bool(emergency and GENERAL_TREATMENT.search(question))


# A lead-in such as "For adults with vitamin B12 deficiency and neurological involvement," said
# by several bullets in a row is said once: the later bullets keep only what differs. Only a
# clause without numbers is ever left out, so no dose can lose its qualifier.
_LEAD = re.compile(r"^((?:For|In|When|If|During|After|Before)\b[^,\d;:]{3,140}),\s+(?=\S)")


def said_once(texts: list[str]) -> list[str]:
    out, previous = [], None
    for text in texts:
        found = _LEAD.match(text)
        lead = found.group(1).lower() if found else None
        if lead is not None and lead == previous:
            rest = text[found.end() :]
            out.append(rest[:1].upper() + rest[1:])
        else:
            out.append(text)
        previous = lead
    return out


def with_first_steps(
    chosen: list[Candidate], pool: list[Candidate], analysis: Analysis
) -> list[Candidate]:
    """An emergency answer gives every first step of its main source (protect the heart,
    shift potassium, remove it), even a step whose sentence scored below the others."""
    if not _asks_treatment(analysis) or not chosen:
        return chosen
    main = max(chosen, key=lambda c: c.score).document
    if not _asks_first_steps(analysis.question, main.title):
        return chosen
    taken = {(c.passage.id, c.offset) for c in chosen}
    steps = [
        c
        for c in pool
        if c.first_step and c.document.id == main.id and (c.passage.id, c.offset) not in taken
    ]
    return chosen + steps
