"""When to abstain. Pure functions over the question, the evidence strength and a way to ask
whether the library mentions a word.

Two signals, calibrated on the project's case files (eval/cases): the best document must
cover enough of the question's weighted terms, and the question must not name a condition or
drug that the library never mentions (an answer "around" the topic would mislead).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from ..search.vocabulary import Vocabulary, surface_tokens
from .analyse import Analysis
from .evidence import Candidate
from .signals import POPULATION_WORDS

MIN_COVERAGE = 0.5
# Populations for whom an adult's regimen is no answer. Older adults and renal impairment
# are usually covered by the general recommendation with its own cautions.
GAP_POPULATIONS = ("pregnancy", "children")
# Word endings that mark a disease or a drug name.
_MEDICAL_SUFFIX = re.compile(
    r"(itis|osis|iasis|aemia|emia|oma|pathy|algia|mab|glutide|tide|gliflozin|vir|tril|sartan|"
    r"olol|statin|mycin|cillin|azole|tinib|parin|xaban|gatran|dipine|prazole|oxacin|cycline|"
    r"setron|triptan|lukast|ciclib|platin|taxel|rubicin|ketamine)$"
)


def unknown_topics(
    question: str,
    vocab: Vocabulary,
    library_mentions: Callable[[str], bool],
    corrected: Mapping[str, str] | None = None,
) -> list[str]:
    """Conditions or drugs the question names that the library never mentions.

    ``corrected``: words the search corrected to the library's own spelling
    ("phaeochromocytoma"); those are known, only spelt differently.
    """
    found: list[str] = []
    tokens = surface_tokens(question)
    # "sacubitril-valsartan": each drug of a combination is a name of its own.
    tokens += [part for t in tokens if "-" in t for part in t.split("-") if part]
    for size in (3, 2, 1):
        for i in range(len(tokens) - size + 1):
            phrase = " ".join(tokens[i : i + size])
            if phrase in vocab.lexicon and not library_mentions(phrase):
                found.append(phrase)
    for token in tokens:
        word = token.strip("'’")
        if (
            word.isalpha()
            and len(word) >= 6
            and _MEDICAL_SUFFIX.search(word)
            and word not in vocab.expansions
            and not library_mentions(word)
        ):
            found.append(word)
    return [word for word in dict.fromkeys(found) if word not in (corrected or {})]


def abstain_reason(coverage: float, unknown: list[str]) -> str | None:
    if unknown:
        return f"The library does not mention {', '.join(unknown[:3])}."
    if coverage < MIN_COVERAGE:
        return "No document in the library covers enough of this question."
    return None


def population_gap(analysis: Analysis, chosen: list[Candidate]) -> str | None:
    """A question about a special population needs evidence about that population.

    An adult regimen is not an answer to "and in pregnancy?": if no chosen statement (or its
    section) speaks of the population asked about, say so instead of answering around it.
    """
    for population in analysis.populations:
        if population not in GAP_POPULATIONS:
            continue
        pattern = POPULATION_WORDS.get(population)
        if (
            pattern
            and chosen
            and not any(pattern.search(f"{c.passage.section_path} {c.text}") for c in chosen)
        ):
            return f"The library holds no evidence on this topic for {population}."
    return None


def dose_gap(
    analysis: Analysis, chosen: list[Candidate], tokenize: Callable[[str], list[str]]
) -> str | None:
    """A dose question about one treatment is not answered by another treatment's doses.

    "What dose of intravenous immunoglobulin …" over a library that doses only paracetamol
    must abstain: every word of what was asked about has to stand in some chosen statement.
    """
    if not analysis.dosed or not chosen:
        return None
    routes = {t for e in analysis.entities if e.type == "route" for t in tokenize(e.text)}
    wanted = set(tokenize(analysis.dosed)) - routes
    said: set[str] = set()
    for cand in chosen:
        said.update(cand.tokens)
    if wanted and not wanted <= said:
        return f"The library holds no dosing evidence for {analysis.dosed}."
    return None
