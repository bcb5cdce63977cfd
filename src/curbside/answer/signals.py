"""What a sentence and its heading say, as signals for evidence scoring. Pure functions.

Features of the text (a dose, a route, a frequency, a duration, a stated preference, the
words of each intent), what its heading marks (a recommendation, or background and grading
keys), which special populations it speaks of, and text that is never evidence (boilerplate,
the field labels of an action-statement profile).
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..models import SECTION_SEP
from .analyse import Analysis
from .words import any_word

RECOMMENDATION_FACTOR, BACKGROUND_FACTOR = 1.15, 0.9

DOSE = re.compile(
    r"\b\d+(?:\.\d+)?\s*(?:mg|mcg|µg|micrograms?|g|units?|IU|mL|mmol|"
    r"mg/kg|ml/kg|MME|MED|morphine milligram equivalents?)\b",
    re.I,
)
ROUTE = re.compile(
    r"\b(intramuscular\w*|intravenous\w*|subcutaneous\w*|oral(ly)?|by mouth|"
    r"IM|IV|SC|PO|inhaled|topical\w*|intranasal\w*|rectal\w*)\b"
)
FREQUENCY = re.compile(
    r"\b(daily|once|twice|times (a|per) (day|week)|every \w+|weekly|"
    r"monthly|hourly|alternate days|at night|each|per day|a day|"
    r"three times|four times)\b",
    re.I,
)
DURATION = re.compile(
    r"\b(for (\w+ )?\d+|for (one|two|three|four|five|six|seven|ten|twelve) "
    r"|\d+ (days?|weeks?|months?|years?)|lifelong|until|long-term)\b",
    re.I,
)
INTENT_WORDS = {
    "threshold": re.compile(
        r"(\b(targets?|goals?|aim|thresholds?|above|below|less than|greater than|more than|"
        r"at least|or (more|higher|lower|greater|less)|under|over)\b|[<>≥≤]).{0,40}\d"
        r"|\d.{0,25}\b(or (more|higher|lower|greater|less|above|below))\b",
        re.I,
    ),
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
    "referral": re.compile(
        r"\b(refer\w*|admi(t|tted|ssion)|hospital|specialist|urgent\w*|2-week|escalat\w*|"
        r"same[- ]day)\b",
        re.I,
    ),
    "definition": re.compile(r"\b(is an?|are|defined|refers to|characteri[sz]ed)\b", re.I),
    "treatment": re.compile(
        r"\b(recommend\w*|first-line|prefer\w*|treat\w*|offer\w*|"
        r"should (be )?(given|used|started|considered)|start\w*|"
        r"initiat\w*|therapy)\b",
        re.I,
    ),
}
# Field labels of guideline "action statement profiles": commentary about a recommendation,
# not the recommendation itself.
META_LABEL = re.compile(
    r"^(value judgments?|benefits?|harms?|costs?|benefits?-harms? assessment|intentional "
    r"vagueness|role of patient preferences?|exclusions|policy level|aggregate evidence quality|"
    r"differences of opinion|note|key references|evidence quality|rec(ommendation)? strength|"
    r"quality of evidence|strength of recommendation|level of evidence)\b[^:]{0,40}:",
    re.I,
)
CHOICE = any_word(
    "prefers?|preferred|preferable|first[- ]choice|in preference|rather than|instead of"
)
BOILERPLATE = re.compile(
    r"original guideline|guideline availability|refer to the|see the .* field|"
    r"^definitions?:?$|^level [a-d]\b|^class [iv]+\b|^grade [a-d]\b|rating scheme|"
    r"strength of (the )?(evidence|recommendation)s? (is|are) (defined|presented)|"
    r"^(the )?following (recommendations|are)|at the end of the|"
    r"this (guideline|summary|document) (was|is|has)|quality of (the )?evidence \(|"
    # Editors' notes and scope statements say what a document is, not what to do.
    r"^note from\b|outside the scope of|^the (scope|aims?|objectives?|purpose) of th(is|ese)\b|"
    r"^(this|these) (guidelines?|guidance|documents?|summary|update|recommended practices?) "
    r"(covers?|provides?|address(es)?|focus(es)?|(is|are) intended|describes?|presents?|"
    r"updates?|contains?|aims?)\b",
    re.I,
)


# What a guideline's headings say about the sentences under them: the recommendations
# themselves, or the background, grading keys and housekeeping around them.
RECOMMENDATION_HEADING = re.compile(
    r"recommendations?\b(?! (strength|grading|rating))|statements?\b|conclusions?\b|"
    r"key (points|messages)|action statement",
    re.I,
)
BACKGROUND_HEADING = re.compile(
    r"introduction|background|burden|epidemiolog|current practice|useful resources|"
    r"discussion|rationale|research (needs|gaps)|abbreviations|definitions|"
    r"(strength|grading|rating|classification|levels?) of|rating scale|"
    r"levels? of (evidence|certainty)|footnotes|description",
    re.I,
)


@lru_cache(maxsize=50_000)
def heading_factor(section_path: str) -> float:
    heading = " ".join(section_path.split(SECTION_SEP)[1:][-2:])
    if BACKGROUND_HEADING.search(heading):
        return BACKGROUND_FACTOR
    if RECOMMENDATION_HEADING.search(heading):
        return RECOMMENDATION_FACTOR
    return 1.0


def intent_features(text: str, intents: list[str]) -> set[str]:
    return set(_features(text, tuple(intents)))


@lru_cache(maxsize=50_000)
def _features(text: str, intents: tuple[str, ...]) -> frozenset[str]:
    found = set()
    if DOSE.search(text):
        found.add("dose")
    if ROUTE.search(text):
        found.add("route")
    if FREQUENCY.search(text):
        found.add("frequency")
    if DURATION.search(text):
        found.add("duration")
    if CHOICE.search(text):
        found.add("choice")
    for intent in intents:
        pattern = INTENT_WORDS.get(intent)
        if pattern and pattern.search(text):
            found.add(intent)
    return frozenset(found)


@lru_cache(maxsize=50_000)
def _populations(text: str) -> tuple[tuple[str, bool], ...]:
    return tuple((name, bool(p.search(text))) for name, p in POPULATION_WORDS.items())


POPULATION_WORDS = {
    "children": re.compile(
        r"\b(child\w*|infant\w*|paediatric|pediatric|neonat\w*|"
        r"adolescen\w*|bab(y|ies)|months? of age|years? of age)\b",
        re.I,
    ),
    # "non-pregnant women" is a statement about women who are not pregnant.
    "pregnancy": re.compile(
        r"\b((?<!non-)(?<!non )(?<!not )pregnan\w*|breastfeed\w*|antenatal|trimester)\b", re.I
    ),
    "renal impairment": re.compile(r"\b(renal|kidney|egfr|creatinine clearance|dialysis)\b", re.I),
    "older adults": re.compile(r"\b(older|elderly|frail)\b", re.I),
}


def population_factor(text: str, section: str, analysis: Analysis) -> float:
    """Favour sentences about the population asked about; demote other special populations."""
    factor = 1.0
    for name, mentioned in _populations(f"{section} {text}"):
        if name in analysis.populations:
            factor *= 1.25 if mentioned else 0.9
        elif mentioned and name in ("children", "pregnancy"):
            factor *= 0.85
    return factor


# A guideline whose title names a special population answers questions about that population:
# "Intrapartum care" does not answer a Bell's palsy vignette, nor "Type 1 diabetes in adults"
# a 9-year-old's. Only the title counts; a question that says nothing of age or pregnancy fits
# every guideline.
_TITLE_POPULATIONS = {
    "pregnancy": re.compile(
        r"\b(pregnan\w*|intrapartum|antenatal|antepartum|postnatal|postpartum|peripartum|"
        r"obstetric\w*|gestation\w*|labou?r|birth|caesarean|cesarean|miscarriage|"
        r"ectopic|preterm|maternal|prenatal|perinatal)\b",
        re.I,
    ),
    "children": re.compile(
        r"\b(child\w*|paediatric|pediatric|infan\w*|neonat\w*|newborn\w*|adolescen\w*|"
        r"young people|babies|school-?age\w*)\b",
        re.I,
    ),
    "adults": re.compile(r"\b(adults?|older people|elderly)\b", re.I),
}
# The question side of pregnancy: what the question's population list misses in an obstetric
# case ("in labour", "after delivery", "G2P1").
_OBSTETRIC_QUESTION = re.compile(
    r"\b(in labou?r|labou?r ward|deliver(?:y|ed|ing)|gave birth|giving birth|birth|"
    r"caesarean|cesarean|c-section|postnatal|miscarr\w*|gravida|primigravid\w*|primip\w*|"
    r"multipar\w*|G\d+P\d+|rupture of membranes|(?:weeks?|wk)\s+(?:pregnant|gestation)|"
    r"IVF|breast-?fe\w*)\b",
    re.I,
)
# "ectopic" in an obstetric title is a pregnancy; in a case it may be a heartbeat.
_ECTOPIC_BEATS = re.compile(r"\bectopic(?! pregnan)", re.I)
_ADULT_QUESTION = re.compile(r"\b(adults?|(?:wo)?man|(?:wo)?men|gentleman|lady|Mr|Mrs|Ms)\b")
_YEARS = re.compile(r"\b(\d{1,3})\s*(?:-|\s)?(?:year|yr|yo\b|y/o)", re.I)
# "Type 1 diabetic, 38, with …", "… face drooping. 42, otherwise healthy": an age said alone
# between punctuation (a value has its name before it: "HR 120, BP 90/55").
_BARE_AGE = re.compile(r"(?:^|[.,;:]\s+)(\d{1,3})(?=,\s)")
# A title's population that the question contradicts scales its document's factor by this
# (set on ngc_vignettes_dev.jsonl: the source guideline ranked first 0.554 -> 0.566, fact
# recall unchanged; ngc.jsonl unchanged).
TITLE_MISMATCH = 0.5


def question_populations(analysis: Analysis) -> frozenset[str]:
    """Which of pregnancy, children and adults the question is plainly about, if any."""
    text = analysis.question
    found = set()
    obstetric = _OBSTETRIC_QUESTION.search(text) or _TITLE_POPULATIONS["pregnancy"].search(
        _ECTOPIC_BEATS.sub(" ", text)
    )
    if "pregnancy" in analysis.populations or obstetric:
        found.add("pregnancy")
    years = [int(y) for y in [*_YEARS.findall(text), *_BARE_AGE.findall(text)]]
    if "children" in analysis.populations:
        found.add("children")
    elif any(y >= 18 for y in years) or _ADULT_QUESTION.search(text):
        found.add("adults")
    return frozenset(found)


def title_population_fit(title: str, asked: frozenset[str]) -> float:
    """TITLE_MISMATCH when the title's population is one the question is plainly not about:
    an obstetric title unless the question is about pregnancy or birth, a children's title
    for an adult's question, an adults' title for a child's."""
    named = {name for name, p in _TITLE_POPULATIONS.items() if p.search(title)}
    if "pregnancy" in named:
        fits = "pregnancy" in asked
    elif "children" in named and "adults" not in named:
        fits = "adults" not in asked or "children" in asked
    elif "adults" in named:
        fits = "children" not in asked or "adults" in asked
    else:
        fits = True
    return 1.0 if fits else TITLE_MISMATCH
