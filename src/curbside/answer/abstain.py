"""When to abstain. Pure functions over the question, the evidence strength and a way to ask
whether the library mentions a word.

The findings that rule an answer out whatever the evidence scores; decide.py weighs them
with the rest. A question must not name a condition or drug that the library never mentions
(an answer "around" the topic would mislead), and a special population or a dosed treatment
must stand in the chosen evidence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from rapidfuzz.distance import Levenshtein

from ..search.vocabulary import Vocabulary, medical_shaped, surface_tokens
from .analyse import Analysis
from .evidence import Candidate
from .signals import POPULATION_WORDS

# Populations for whom an adult's regimen is no answer. Older adults and renal impairment
# are usually covered by the general recommendation with its own cautions.
GAP_POPULATIONS = ("pregnancy", "children")
# A capitalised word inside a sentence is a name: of a drug brand ("Zepbound", "Arexvy") unless
# a title or a possessive says it is a person's ("Mrs Patel", "Ana's").
_CAPITALISED = re.compile(
    r"(?<![.?!:]\s)(?<!^)(?<!Mr\s)(?<!Ms\s)(?<!Dr\s)(?<!Mr\.\s)(?<!Ms\.\s)(?<!Dr\.\s)"
    r"(?<!Mrs\s)(?<!Mrs\.\s)(?<!Miss\s)(?<!patient\s)(?<!named\s)(?<!called\s)"
    r"\b([A-Z][a-z]{3,})\b(?!['’]s\b)"
    r"(?!\s+(?:is|was|has|had|takes|took|presents|complains|says|asks|reports|develops|"
    r"developed|wants|needs)\b)(?!,)"
)
# Where a brand name stands: after "take", "on", "of", "start" …, or before "dose", "tablets".
_DRUG_SLOT = re.compile(
    r"\b(take|taking|took|on|of|with|prescrib\w*|start\w*|stop\w*|switch\w*|try|trying|use|"
    r"using|given|give|about|is|are|does|can)\s+[A-Z][a-z]{3,}\b|"
    r"\b[A-Z][a-z]{3,}\s+(\w+\s+){0,2}(dose|doses|dosing|tablets?|injections?|pills?|mg|"
    r"safe|patch|cream|inhaler|capsules?)\b"
)
# The patient is an animal: a human guideline library holds nothing for them.
_ANIMAL = re.compile(
    r"\b(?:(?:my|our|his|her|their|the|a)\s+(?:pet\s+)?(?:dog|cat|puppy|kitten|horse|pony|"
    r"rabbit|hamster|guinea pig|parrot|ferret|chicken|hen|cow|goat|sheep|pig)s?|"
    r"(?:in|for)\s+(?:dogs|cats|horses|cattle|livestock|pets)|veterinar\w*|(?:the|my)\s+vet|"
    r"(?:dogs|cats|horses|puppies|kittens)\s+(?:with|who|that))\b"
    # A person bitten or scratched by an animal, or allergic to one, is a human patient.
    r"(?!\s+(?:bite|bites|bit|scratch\w*|allerg\w*|hair|dander|milk))",
    re.I,
)


def unfamiliar_words(
    question: str,
    library_mentions: Callable[[str], bool],
    looks_technical: Callable[[str], bool],
    corrected: Mapping[str, str] | None = None,
) -> list[str]:
    """Technical-looking words the library never uses: "xanomeline", "graphql". A hint, not a
    verdict (a vignette may say "pericolic"), so the decision weighs it with the evidence. A
    one-letter slip the search corrected ("hydroxocobalamn") is known."""
    found = []
    tokens = surface_tokens(question)
    tokens += [part for t in tokens if "-" in t for part in t.split("-")]
    for word in dict.fromkeys(tokens):
        fix = (corrected or {}).get(word)
        if fix and Levenshtein.distance(word, fix) <= 1:
            continue
        if (
            word.isalpha()
            and looks_technical(word)
            and not any(library_mentions(form) for form in related_forms(word))
        ):
            found.append(word)
    return found


# An adjective of a condition the library names in its noun form: "tachycardic" (tachycardia),
# "pleuritic" (pleuritis), "headachy" (headache), "thrombolyse" (thrombolysis).
_SUFFIX_FORMS = (
    ("itic", ("isy",)),
    ("ic", ("ia", "is", "y", "a", "e")),
    ("y", ("e", "")),
    ("e", ("is",)),
)
# A prefix on a word the library holds: "reorientation", "pericolic", "euvolaemic".
_PREFIXES = ("re", "peri", "para", "hyper", "hypo", "eu", "non", "pre", "post", "sub", "intra")
_MIN_STEM = 4


def related_forms(word: str) -> list[str]:
    """The word and the forms of it the library may use instead: its US spelling
    ("haemosiderin", "hemosiderin"), the noun of its adjective, the word without a prefix."""
    word = word.lower()
    spellings = list(dict.fromkeys([word, word.replace("ae", "e").replace("oe", "e")]))
    forms = list(spellings)
    for spelling in spellings:
        bases = [spelling] + [
            spelling[len(p) :]
            for p in _PREFIXES
            if spelling.startswith(p) and len(spelling) - len(p) > _MIN_STEM
        ]
        for base in bases:
            forms.append(base)
            for ending, replacements in _SUFFIX_FORMS:
                if base.endswith(ending) and len(base) - len(ending) > _MIN_STEM:
                    forms += [base[: -len(ending)] + r for r in replacements]
    return list(dict.fromkeys(forms))


def out_of_scope(question: str) -> str | None:
    if _ANIMAL.search(question):
        return "Veterinary questions are outside this library."
    return None


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
        if medical_shaped(word) and word not in vocab.expansions and not library_mentions(word):
            found.append(word)
    for match in _CAPITALISED.finditer(question):
        word = match.group(1).lower()
        if not _DRUG_SLOT.search(question[max(0, match.start() - 30) : match.end() + 30]):
            continue  # a capitalised word where no drug stands is more likely a person's name
        if word not in vocab.expansions and not library_mentions(word):
            found.append(word)
    return [word for word in dict.fromkeys(found) if word not in (corrected or {})]


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
