"""More short sentences for the patient version, after ``plain_sentences.py``'s joints. Pure.

Each rule splits a sentence in two where both halves say, alone, what they said together,
keeping every word and number in its order; each refuses to split where a negation or a
restriction stands before the joint, inside brackets, or where what follows is not what the
rule takes it for:

* **whom a regimen is for, with a list**: "NICE advises X for adults with A, B or C" is "NICE
  advises X. This is for adults with A, B or C." (``plain_sentences`` leaves every
  comma alone, so it keeps this one whole); and "offer X to adults with Y" says the same
  with "to";
* **a concession**: "X, although Y" and "X, whereas Y" are "X. But Y.";
* **what a speaker says, after "and"**: "X advises A, and says that B" is "X advises A. B.";
* **a second instruction** (``split_second_instruction``, on the reader's wording): "Your care
  team should check A and considering B" (a speaker's "advises checking A and considering
  B" once its first verb became "should check") is "… should check A. Your care team should
  consider B."; and "should avoid A, and check B" is "… should avoid A. Your care team should
  check B."
"""

from __future__ import annotations

import re

from .plain_sentences import FOR_WHOM, MIN_SIDE_WORDS, capitalise
from .words import any_word

_PEOPLE = (
    r"(?:all\s+|most\s+|any\s+|some\s+|pregnant\s+|older\s+|young\s+)?"
    r"(?:adults?|children|people|patients|women|men|infants|babies|adolescents|those|anyone)\b"
)
# "advises X for adults …", and "offer X to adults …" (the one taking "to" gives something).
_GIVING_VERB = any_word(
    r"advises?|advised|recommends?|recommended|suggests?|suggested|offers?|offered|"
    r"offering|should offer|should give|should start|gives?|giving"
)
_OFFERED_TO = any_word(r"offers?|offered|offering|gives?|giving|give")
_WHOM = re.compile(rf"\s+(?P<word>for|in|to)\s+(?={_PEOPLE})", re.I)
# As in plain_sentences: a negation or a restriction before "for" ("not advised for", "only
# for", "reserves X for") makes the first half, alone, say something else.
_RESTRICTED = any_word(
    r"not|no|never|only|against|avoid\w*|reserves?|reserved|limits?|limited|restricts?|"
    r"restricted|except|unless|rather than|instead|without"
)
# Words that tie what follows to the advice rather than to whom it is for ("for adults as
# soon as possible after X"): then the sentence stays whole.
_TIED_TO_ADVICE = re.compile(
    r"[;:]|\b(?:as soon as|after|before|within|until|during|while|when|whenever|then|"
    r"immediately|right away|so that|unless|if|followed by|to (?!be\b)\w+|and \w+ing|"
    r"or (?:below|above|more|less|under|over))\b|,\s+\w+ing\b|,\s+(?:with|for|to|as|at|"
    r"given|taken|but|which|so|plus)\b",
    re.I,
)
# A list of conditions: items separated by commas, the last joined by "and" or "or".
_LIST_END = re.compile(r",?\s+(?:and|or)\s+\S+[^,]*$", re.I)
MIN_ADVICE_WORDS = 5  # the advice left on its own says something whole


def _inside_brackets(text: str, at: int) -> bool:
    return text.count("(", 0, at) > text.count(")", 0, at)


# After a comma, a second "in children" or a second dose ("100 mL/kg for children who were
# shocked, or 50 mL/kg in children who were not") is a second piece of advice, not more of
# whom the first is for.
_SECOND_ADVICE = re.compile(
    rf",\s+(?:(?:and|or)\s+)?(?:\d|[^,]*?\s(?:for|in|to)\s+{_PEOPLE})", re.I
)
_NEGATION = any_word(r"not|no|never|none|nor")


def _is_list_of_whom(right: str) -> bool:
    """Whom the advice is for, as a whole: no word that ties part of it to the advice, no
    negation (which a reader could take for the advice's), and any comma one of a list's."""
    if _TIED_TO_ADVICE.search(right) or _NEGATION.search(right):
        return False
    if "," not in right:
        return True
    return bool(_LIST_END.search(right)) and not _SECOND_ADVICE.search(right)


def split_whom_with_list(sentence: str) -> list[str]:
    """ "X is advised for adults with A, B or C" → "X is advised." + "This is for …"."""
    if sentence.startswith(FOR_WHOM):
        return [sentence]
    verb = _GIVING_VERB.search(sentence)
    if verb is None or re.match(r"\s*that\b", sentence[verb.end() :]):
        return [sentence]
    for found in _WHOM.finditer(sentence, verb.end()):
        left, right = sentence[: found.start()], sentence[found.end() :]
        if found.group("word").lower() == "to" and not _OFFERED_TO.search(left[verb.start() :]):
            continue  # "to adults" completes "offer" or "give", not "advises"
        if _inside_brackets(sentence, found.start()) or _RESTRICTED.search(left):
            return [sentence]
        if len(left.split()) < MIN_ADVICE_WORDS or len(right.split()) < MIN_SIDE_WORDS + 1:
            continue
        if not _is_list_of_whom(right.rstrip(".")):
            return [sentence]
        return [left.rstrip(" ,") + ".", f"{FOR_WHOM} {right}"]
    return [sentence]


# ", although it may …": a whole clause after it (a subject, then a verb within a few words).
_CONCESSION = re.compile(
    r",\s+(?:although|whereas)\s+(?=(?:\S+\s+){0,5}?(?:is|are|was|were|can|could|may|might|"
    r"must|should|will|would|has|have|had|does|do|did)\b)",
    re.I,
)


def _safe_halves(pattern: re.Pattern[str], sentence: str) -> tuple[str, str] | None:
    """The two sides of the first joint outside brackets with enough words on each side."""
    for found in pattern.finditer(sentence):
        left, right = sentence[: found.start()], sentence[found.end() :]
        if _inside_brackets(sentence, found.start()):
            continue
        if len(left.split()) < MIN_SIDE_WORDS + 1 or len(right.split()) < MIN_SIDE_WORDS + 1:
            continue
        return left, right
    return None


def split_concession(sentence: str) -> list[str]:
    """ "X, although Y may Z" → "X." + "But Y may Z"."""
    halves = _safe_halves(_CONCESSION, sentence)
    return [halves[0] + ".", "But " + halves[1]] if halves else [sentence]


# "X no longer advises steroids, and says that allergy medicines are not …": what it says,
# said on its own (as ``plain.without_speaker`` says "NICE says that S": S).
_AND_SAYS_THAT = re.compile(
    r",\s+and\s+(?:also\s+)?(?:says|states|notes|advises|recommends)\s+that\s+", re.I
)


def split_says_that(sentence: str) -> list[str]:
    """ "X advises A, and says that B" → "X advises A." + "B"."""
    halves = _safe_halves(_AND_SAYS_THAT, sentence)
    return [halves[0] + ".", capitalise(halves[1])] if halves else [sentence]


_CONDITION_NEXT = re.compile(r"^(?:This applies|But not if)\b")


def split_clauses(sentences: list[str]) -> list[str]:
    """The sentences split by every rule of this module, in order; every word is kept.

    A sentence that the next one makes conditional ("This applies if …") keeps whom it is
    for: said between them, it would part the advice from its condition."""
    out = []
    for i, sentence in enumerate(sentences):
        conditional = i + 1 < len(sentences) and _CONDITION_NEXT.match(sentences[i + 1])
        for said in split_says_that(sentence):
            for part in [said] if conditional else split_whom_with_list(said):
                out.extend(split_concession(part))
    return out


# ---- a second instruction, once the first was said to the reader -----------------------------
# The verbs a speaker's advice names ("advises checking A and considering B"), as the reader's
# wording says them; only these, so a noun in -ing ("and vomiting") is never taken for one.
_SECOND_VERBS = {
    "offering": "offer",
    "considering": "consider",
    "giving": "give",
    "continuing": "continue",
    "using": "use",
    "starting": "start",
    "stopping": "stop",
    "checking": "check",
    "testing": "test",
    "treating": "treat",
    "measuring": "measure",
    "increasing": "increase",
    "reducing": "reduce",
    "taking": "take",
    "adding": "add",
    "avoiding": "avoid",
    "switching": "switch",
    "repeating": "repeat",
    "referring": "refer",
    "moving": "move",
    "reviewing": "review",
    "keeping": "keep",
    "restarting": "restart",
    "assessing": "assess",
}
_SHOULD = re.compile(r"^(?P<who>Your care team should|You should)\s+(?!not\b)", re.I)
# Only a gerund with an object of its own ("and considering a higher dose", "and considering
# them"): "offering counselling and testing for HIV" offers the testing.
_AND_SECOND = re.compile(
    rf",?\s+and\s+(?P<verb>{'|'.join(_SECOND_VERBS)})\b(?=\s+(?:a|an|the|them|it|this|these|"
    r"those|their|its|another|other|either|both|any|all)\b)",
    re.I,
)


# After a comma, "and" with a verb the reader's wording has just used ("should avoid X, and
# check Y") is a second instruction too; verbs that are also nouns ("and use", "and review")
# are left out.
_BASE_VERBS = sorted(set(_SECOND_VERBS.values()) - {"use", "test", "review", "move", "increase"})
_COMMA_AND_VERB = re.compile(rf",\s+and\s+(?P<verb>{'|'.join(_BASE_VERBS)})\b(?=\s)", re.I)


def split_second_instruction(sentence: str) -> list[str]:
    """ "Your care team should check A and considering B" → "Your care team should check A."
    + "Your care team should consider B". A gerund after "and" in a sentence whose verb is
    "should V" can only be a second piece of advice, said as the first was. A negation
    after "and" ("and not using") is left as it is: whether "not" covers the first verb too
    is not for a rule to decide."""
    should = _SHOULD.match(sentence)
    if should is None:
        return [sentence]
    joints = [*_AND_SECOND.finditer(sentence, should.end())]
    joints += _COMMA_AND_VERB.finditer(sentence, should.end())
    for found in sorted(joints, key=lambda m: m.start()):
        left, right = sentence[: found.start()], sentence[found.end() :]
        if _inside_brackets(sentence, found.start()) or len(right.split()) < MIN_SIDE_WORDS:
            continue
        said = found.group("verb").lower()
        verb = _SECOND_VERBS.get(said, said)
        return [left + ".", *split_second_instruction(f"{should['who']} {verb}{right}")]
    return [sentence]


__all__ = ["capitalise", "split_clauses", "split_second_instruction"]
