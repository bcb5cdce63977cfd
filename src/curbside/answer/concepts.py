"""Conditions as whole concepts: "otitis externa" is not "otitis media", "hepatitis C" is not
"hepatitis B", however many words they share.

A condition named by a head word and a qualifier ("otitis" + "externa", "hepatitis" + "C",
"type 1" + "diabetes") is a concept of its own. The library either names that concept, and
then only documents that name it may answer, or it does not, and the question is about
something the library lacks. Word overlap alone cannot tell these apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from ..models import Hit
from ..search.base import Retriever
from ..search.vocabulary import medical_shaped, surface_tokens

# How many passages naming the head word are read to find the whole concept.
CONCEPT_HITS = 60
# Passages that must name a concept for a document without it in a heading to be about it.
MENTIONS = 2
# Heads that are ordinary words but take a distinguishing qualifier.
_HEADS = frozenset({"diabetes", "hepatitis", "otitis", "vitamin", "herpes", "influenza"})
# A qualifier distinguishes a subtype: a letter ("hepatitis C"), or a Latin adjective
# ("externa", "media", "vulgaris"). Ordinary English words after a condition ("treatment")
# do not.
_QUALIFIER = re.compile(r"^([a-e]|[a-z]+(?:a|ae|is|um|ex|us))$")
_NOT_QUALIFIER = frozenset(
    {
        "diagnosis",
        "prognosis",
        "this",
        "is",
        "us",
        "was",
        "has",
        "his",
        "thus",
        "plus",
        "via",
        "area",
        "data",
        "extra",
        "idea",
        "china",
        "india",
        "africa",
        "ca",
        "versus",
        "status",
        "analysis",
        "basis",
        "emesis",
        "a",
        "umbilicus",
        "focus",
        "bonus",
        "virus",
        "sepsis",
    }
)
_TYPE = re.compile(r"\btype\s+([12])\s+(diabetes)\b", re.I)


@dataclass(frozen=True)
class Concept:
    phrase: str  # "otitis externa"
    head: str  # "otitis"


def qualified_conditions(question: str) -> list[Concept]:
    """The head-and-qualifier condition names in a question."""
    tokens = surface_tokens(question)
    found = [Concept(f"type {m.group(1)} diabetes", "diabetes") for m in _TYPE.finditer(question)]
    for head, qualifier in pairwise(tokens):
        if (head in _HEADS or medical_shaped(head)) and _is_qualifier(qualifier):
            found.append(Concept(f"{head} {qualifier}", head))
    return list(dict.fromkeys(found))


def _is_qualifier(word: str) -> bool:
    return (
        word.isalpha()
        and word not in _NOT_QUALIFIER
        and not medical_shaped(word)
        and bool(_QUALIFIER.match(word))
    )


@dataclass
class ConceptCheck:
    """Which of the question's concepts the library lacks, and which documents name the rest."""

    missing: list[str]
    documents: set[str] | None  # None: no concept constrains the documents


def named_conditions(question: str, lexicon) -> list[Concept]:
    """The vocabulary's conditions of several words that the question names ("sickle cell"):
    the library must name them whole, not only their words apart."""
    said = f" {' '.join(surface_tokens(question))} "
    return [
        Concept(name, name.split()[-1])
        for name, kind in lexicon.items()
        if kind == "condition" and " " in name and f" {name} " in said
    ]


def check_concepts(question: str, retriever: Retriever) -> ConceptCheck:
    concepts = qualified_conditions(question) + named_conditions(
        question, retriever.lexical.vocab.lexicon
    )
    if not concepts:
        return ConceptCheck([], None)
    missing: list[str] = []
    documents: set[str] = set()
    for concept in concepts:
        named = _documents_naming(concept.phrase, retriever)
        if named:
            documents |= named
        elif retriever.lexical.mentions(concept.head):
            missing.append(concept.phrase)  # the library knows the head, not this concept
    return ConceptCheck(missing, documents or None)


def _documents_naming(phrase: str, retriever: Retriever) -> set[str]:
    """Documents about the concept: named in their title or a heading, or in several of
    their passages. One passing mention ("otorrhoea not caused by otitis externa" in an
    otitis media guideline) does not make a document about it."""
    wanted = retriever.lexical.tokenize(phrase)
    if not wanted:
        return set()
    mentions: dict[str, int] = {}
    about: set[str] = set()
    for hit in retriever.search(phrase, k=CONCEPT_HITS).hits:
        heading = retriever.lexical.tokenize(f"{hit.document.title} {hit.passage.section_path}")
        if _contains(heading, wanted):
            about.add(hit.document.id)
        if _contains(retriever.lexical.tokenize(hit.passage.text), wanted):
            mentions[hit.document.id] = mentions.get(hit.document.id, 0) + 1
    return about | {doc for doc, n in mentions.items() if n >= MENTIONS}


def _contains(tokens: list[str], wanted: list[str]) -> bool:
    size = len(wanted)
    return any(tokens[i : i + size] == wanted for i in range(len(tokens) - size + 1))


def on_concept(hits: list[Hit], check: ConceptCheck) -> list[Hit]:
    """Only passages of documents that name the question's concept."""
    if check.documents is None:
        return hits
    return [h for h in hits if h.document.id in check.documents]
