"""From the text a user typed to a query plan: corrected words grouped with their synonyms.

Pure: the spelling checker is passed in, so the plan can be tested without an index.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .vocabulary import Vocabulary, medical_shaped, surface_tokens

MAX_QUERY_CHARS = 4000
MAX_GROUPS = 48
# Words that carry no topic in a question; the index's own stopword list covers the rest.
QUESTION_WORDS = frozenset(
    [
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "how",
        "when",
        "where",
        "why",
        "should",
        "would",
        "could",
        "can",
        "does",
        "do",
        "did",
        "done",
        "i",
        "we",
        "you",
        "my",
        "our",
        "your",
        "me",
        "us",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "best",
        "recommended",
        "recommend",
        "about",
        "regarding",
        "please",
        "tell",
        "give",
        "use",
        "used",
        "using",
        "need",
        "needs",
        "any",
        "some",
        # auxiliaries and quantity words: how a question is put, not what it is about
        "what's",
        "what’s",
        "have",
        "has",
        "had",
        "may",
        "might",
        "must",
        "will",
    ]
)
# Everyday words that say how something is asked rather than what about. They still help
# ranking a little, but how much of a question a source "covers" is measured without them:
# otherwise "from", "way" and "make" let a screening guideline cover a baking question.
FUNCTION_WORDS = QUESTION_WORDS | frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "another",
        "as",
        "at",
        "away",
        "because",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "came",
        "come",
        "comes",
        "during",
        "each",
        "else",
        "even",
        "ever",
        "every",
        "few",
        "for",
        "from",
        "further",
        "get",
        "gets",
        "getting",
        "go",
        "goes",
        "going",
        "got",
        "here",
        "him",
        "her",
        "his",
        "into",
        "it",
        "its",
        "itself",
        "just",
        "least",
        "less",
        "let",
        "like",
        "make",
        "makes",
        "making",
        "more",
        "most",
        "must",
        "never",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "one",
        "only",
        "other",
        "others",
        "out",
        "over",
        "own",
        "per",
        "same",
        "she",
        "so",
        "something",
        "still",
        "such",
        "take",
        "takes",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "thing",
        "things",
        "this",
        "those",
        "though",
        "through",
        "thus",
        "to",
        "too",
        "under",
        "until",
        "up",
        "upon",
        "very",
        "way",
        "ways",
        "well",
        "what's",
        "whether",
        "while",
        "with",
        "within",
        "without",
        "yet",
        # how a colleague weighs an option aloud ("is it worth adding …?", "okay to try …?"):
        # the drug after them is the subject
        "worth",
        "worthwhile",
        "add",
        "adding",
        "okay",
        "besides",
        "think",
        "thinking",
        "apart",
        "aside",
        "ok",
        "try",
        "trying",
        "bother",
        # pronouns, time and filler words of a spoken case description
        "he",
        "it's",
        # contractions: grammar however a case is typed
        "he's",
        "she's",
        "they're",
        "we're",
        "you're",
        "i'm",
        "i've",
        "we've",
        "they've",
        "he'd",
        "she'd",
        "they'd",
        "we'd",
        "i'd",
        "you'd",
        "hasn't",
        "haven't",
        "hadn't",
        "isn't",
        "aren't",
        "wasn't",
        "weren't",
        "doesn't",
        "don't",
        "didn't",
        "can't",
        "couldn't",
        "won't",
        "wouldn't",
        "shouldn't",
        "mustn't",
        "there's",
        "that's",
        "who's",
        "let's",
        "s",
        "yesterday",
        "today",
        "tonight",
        "tomorrow",
        "ago",
        "soon",
        "next",
        "good",
        "enough",
        "better",
        "usual",
        "usually",
        "typical",
        "typically",
        "really",
        "quite",
        "already",
        "someone",
        "somebody",
        "anyone",
        "okay",
        "ok",
        "much",
        "many",
    ]
)
# The same words typed with a typographic apostrophe ("hasn’t").
FUNCTION_WORDS |= frozenset(w.replace("'", "’") for w in FUNCTION_WORDS if "'" in w)
# A capitalised word inside a sentence names something (a brand, a person): never "corrected".
_NAME_WORD = re.compile(r"(?<![.?!:]\s)(?<!^)\b([A-Z][a-z]{3,})\b")
_LETTERED = frozenset({"hepatitis", "vitamin", "type", "group", "influenza"})
_ABBREV_TOKEN = re.compile(r"\b[A-Za-z][A-Za-z0-9]{1,6}\b")
# "without diabetes or kidney disease": the words a negation cue governs, up to the next
# clause. "with and without X" asks about both, so it is no negation; "besides the diuretic"
# asks for what is not the diuretic.
_NEGATION = re.compile(
    r"(?<!with and )(?<!with or )\b(?:without|no|excluding|except|other than|besides|apart from|"
    r"aside from)\b"
    r"((?:(?!\b(?:and|but|who|which|that|what|when|how|should)\b)[^,.;:?!])*)",
    re.I,
)


def negated_tokens(text: str) -> set[str]:
    return {t for m in _NEGATION.finditer(text) for t in surface_tokens(m.group(1))}


@dataclass(frozen=True)
class Term:
    text: str
    weight: float


@dataclass(frozen=True)
class Group:
    """What one span of the question asks for: the typed words and their equivalents."""

    source: str
    terms: tuple[Term, ...]
    negated: bool = False  # "without diabetes": searched for only faintly, never required


@dataclass
class QueryPlan:
    text: str
    groups: list[Group] = field(default_factory=list)
    corrections: dict[str, str] = field(default_factory=dict)

    @property
    def expansions(self) -> list[str]:
        return [t.text for g in self.groups for t in g.terms[1:]]


Speller = Callable[[str], str | None]


def clean_query(text: str) -> str:
    """Any user text becomes plain words: no operator or control character survives."""
    text = text[:MAX_QUERY_CHARS]
    return "".join(ch if ch.isprintable() else " " for ch in text)


def plan_query(text: str, vocab: Vocabulary, speller: Speller | None = None) -> QueryPlan:
    text = clean_query(text)
    plan = QueryPlan(text=text)
    abbreviations = {
        m.group(0).lower(): vocab.abbreviations[m.group(0)]
        for m in _ABBREV_TOKEN.finditer(text)
        if m.group(0) in vocab.abbreviations
    }
    tokens = surface_tokens(text)
    names = {m.lower() for m in _NAME_WORD.findall(text)}
    if speller:
        for i, token in enumerate(tokens):
            if _correctable(token, vocab, abbreviations) and token not in names:
                fixed = speller(token)
                if fixed and fixed != token:
                    plan.corrections[token] = fixed
                    tokens[i] = fixed
    negated = negated_tokens(text)
    seen: set[str] = set()
    i = 0
    while i < len(tokens) and len(plan.groups) < MAX_GROUPS:
        span, group = _match(tokens, i, vocab, abbreviations)
        if group is None and i and _subtype_letter(tokens[i], tokens[i - 1]):
            group = Group(source=tokens[i], terms=(Term(tokens[i], 1.0),))  # "hepatitis c"
        i += span
        if group and group.source not in seen:
            seen.add(group.source)
            if all(t in negated for t in group.source.split()):
                group = Group(group.source, group.terms, negated=True)
            plan.groups.append(group)
    return plan


def _subtype_letter(token: str, before: str) -> bool:
    """The letter of "hepatitis C" or "vitamin D" names the concept; alone, it is noise."""
    return len(token) == 1 and token in "abcde" and (medical_shaped(before) or before in _LETTERED)


def _correctable(token: str, vocab: Vocabulary, abbreviations: dict[str, str]) -> bool:
    """A drug- or disease-shaped word the library lacks is an unknown topic to report, not a
    misspelling of whatever library word is closest ("hypophosphatasia")."""
    return (
        len(token) >= 5
        and not medical_shaped(token)
        and token.isalpha()
        and token not in QUESTION_WORDS
        and token not in abbreviations
        and token not in vocab.expansions
    )


def _match(
    tokens: list[str], start: int, vocab: Vocabulary, abbreviations: dict[str, str]
) -> tuple[int, Group | None]:
    for size in range(min(vocab.max_phrase, len(tokens) - start), 0, -1):
        phrase = " ".join(tokens[start : start + size])
        related = dict(vocab.lookup(phrase))
        if size == 1 and phrase in abbreviations:
            full = abbreviations[phrase]
            related.setdefault(full, 1.0)
            for other, weight in vocab.lookup(full).items():
                related.setdefault(other, weight)
        if related or size == 1:
            if (
                size == 1
                and not related
                and (phrase in QUESTION_WORDS or (len(phrase) < 2 and not phrase.isdigit()))
            ):
                return 1, None
            terms = [Term(phrase, 1.0)] + [
                Term(other, w)
                for other, w in sorted(related.items(), key=lambda kv: -kv[1])
                if other != phrase
            ]
            return size, Group(source=phrase, terms=tuple(terms))
    return 1, None
