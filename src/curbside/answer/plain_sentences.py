"""Short sentences for the patient version (``plain.py``): a statement split at joints whose
halves say, alone, what they said together. Pure; every word and number is kept, in order.
"""

from __future__ import annotations

import re

from .words import any_word

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_SINGULAR_VERBS = (
    r"is|was|has|can|may|might|will|could|should|does|means|makes|gives|causes|needs|helps|"
    r"reduces|increases|lowers|raises|lasts|takes"
)
_PLURAL_VERBS = r"are|were|have|do"


def _joint(pattern: str, opening: str) -> tuple[re.Pattern[str], str]:
    """A joint where a statement may split (found in any case), and the words it becomes at
    the start of the new sentence."""
    return re.compile(pattern, re.I), opening


_JOINTS = [
    _joint(r";\s+", ""),
    _joint(r",?\s+because\s+(?!of\b)", "This is because "),
    _joint(r",\s+but\s+", "But "),
    # ", and the risk is higher with …": "and" joins two sentences when what follows it has
    # a subject of its own (a determiner or a pronoun first) and a verb.
    _joint(
        r",\s+and\s+(?=(?:the|this|these|those|it|they|its|their|there|some|most|many|"
        r"people|children|adults|women|men|treatment)\s+(?:\S+\s+){0,4}?"
        r"(?:is|are|was|were|can|could|may|might|must|should|will|would|has|have|does|do|"
        r"need|needs)\b)",
        "",
    ),
    _joint(r",\s+so\s+(?!that\b)", "So "),
    _joint(r",\s+(?:and\s+)?then\s+", "Then "),
    _joint(r",\s+followed\s+by\s+", "This is followed by "),
    _joint(r",\s+after\s+which\s+", "After that, "),
    # Only before a whole clause: "unless essential, or switching …" is elliptical, and
    # "But not if essential, or switching …" would say something else.
    _joint(
        r",?\s+unless\s+(?=\S+\s+\S+\s+\S+)(?![^.;]*,\s+(?:or|and)\b)",
        "But not if ",
    ),
    # "X can be stopped once symptoms improve if the cause was treated": the condition
    # becomes its own sentence, still said as a condition of what came before.
    _joint(
        r",?\s+(?<!even )(?<!only )(?<!as )(?<!and )(?<!or )if\s+(?=\S+\s+\S+\s+\S+)",
        "This applies if ",
    ),
    # "X is 6 mL/kg when the child is dehydrated": the condition, said as a condition of
    # what came before (not after words that "when" completes: "best when", "stop when").
    _joint(
        r",?\s+(?<!even )(?<!only )(?<!best )(?<!most )(?<!until )(?<!and )(?<!or )"
        r"(?<!effective )(?<!stop )(?<!start )(?<!likely )(?<!better )(?<!worse )when\s+"
        r"(?!\w+(?:ed|ing)\b)(?![^.;]*\bthan\b)(?=\S+\s+\S+\s+\S+)",
        "This applies when ",
    ),
    _joint(r",\s+defined\s+as\s+", "This means "),
    # "10 mg once a day, with a maximum of 20 mg daily": the ceiling, said on its own.
    _joint(r",\s+(?:with|up to|to)\s+a\s+maximum\s+of\s+", "The maximum is "),
    # Not before the sentence's own verb: in "People likely to witness an overdose, including
    # their families, have access to naloxone" the aside ends at a comma before "have".
    _joint(
        r",\s+including\s+(?![^.;]*,\s+(?:have|has|is|are|was|were|should|must|can|may|"
        r"need|needs|will|would|do|does)\b)",
        "This includes ",
    ),
    # A comma before "which" opens a clause about what came just before it: "This …".
    _joint(rf",\s+which\s+(?=(?:{_SINGULAR_VERBS})\b)", "This "),
    _joint(rf",\s+which\s+(?=(?:{_PLURAL_VERBS})\b)", "These "),
]
MIN_SIDE_WORDS = 2  # a joint splits only where both halves keep at least this many words
_OPENS_CONDITION = re.compile(r"^\s*(?:this applies|but not if)\b", re.I)


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _inside_brackets(text: str, at: int) -> bool:
    return text.count("(", 0, at) > text.count(")", 0, at)


# "For adults with X without Y, BSH advises Z": who the advice is for becomes a sentence of
# its own, said first, so the reader meets the condition before the dose.
_FOR_WHOM = re.compile(r"^(?:for|in)\s+(?P<whom>[^,;()]{12,200}?),\s+(?P<rest>.+)$", re.I | re.S)
_IN_WHOM = any_word(
    r"adults?|children|child|people|patients|women|men|infants|babies|those|anyone|"
    r"pregnan\w*|neonates|adolescents|older"
)
FOR_WHOM = "This is for"
# "If haemoglobin fails to rise, look for …": the condition, said first, as its own sentence.
_CONDITION = re.compile(
    r"^(?P<word>if|when)\s+(?P<what>[^,;()]{12,200}?),\s+(?P<rest>.+)$", re.I | re.S
)


# "NICE advises X for women with Y": the advice, then whom it is for, as two sentences, in
# the same order (so numbers keep theirs). Only after a verb of advice and with no negation
# or restriction before it ("is not advised for", "reserves X for", "only for" keep their
# "for": alone, the first half would say something else).
_ADVICE_VERB = any_word(
    "advises?|advised|recommends?|recommended|suggests?|suggested|offers?|should offer|"
    "should give|should start"
)
_TRAILING_WHOM = re.compile(
    r"\s+(?:for|in)\s+(?=(?:all\s+|most\s+|any\s+|some\s+|pregnant\s+|older\s+|young\s+)?"
    r"(?:adults?|children|people|patients|women|men|infants|babies|adolescents|those|anyone)\b)",
    re.I,
)
_RESTRICTED = any_word(
    r"not|no|never|only|against|avoid\w*|reserves?|reserved|limits?|limited|restricts?|"
    r"restricted|except|unless|rather than|instead"
)
_WHEN_TO_ACT = re.compile(
    r"[,;:]|\b(?:as soon as|after|before|within|until|during|while|when|then|immediately|"
    r"right away|so that|to (?!be\b)\w+|and \w+ing|or (?:below|above|more|less|under|over))\b",
    re.I,
)
MIN_ADVICE_WORDS = 5  # the advice left on its own says something whole


def _split_trailing_whom(sentence: str) -> list[str]:
    verb = _ADVICE_VERB.search(sentence)
    if verb is None or re.match(r"\s*that\b", sentence[verb.end() :]):
        return [sentence]  # "advises that, in people …, X may …": a clause, not a regimen
    for found in _TRAILING_WHOM.finditer(sentence, verb.end()):
        left, right = sentence[: found.start()], sentence[found.end() :]
        if _inside_brackets(sentence, found.start()) or _RESTRICTED.search(left):
            return [sentence]
        if len(left.split()) < MIN_ADVICE_WORDS or len(right.split()) < MIN_SIDE_WORDS + 1:
            continue
        if _WHEN_TO_ACT.search(right):  # "… for adults as soon as possible after X": the
            return [sentence]  # timing is the advice's, not whom it is for
        return [left.rstrip(" ,") + ".", f"{FOR_WHOM} {right}"]
    return [sentence]


def split_sentences(text: str) -> list[str]:
    """The sentences of a statement, each split at its safe joints; every word is kept."""
    out: list[str] = []
    for sentence in _SENTENCE_END.split(text.strip()):
        for part in _split_for_whom(sentence):
            for piece in _split_trailing_whom(part):
                out.extend(_split_at_joints(piece))
    return [s for s in out if s]


def _split_for_whom(sentence: str) -> list[str]:
    condition = _CONDITION.match(sentence)
    if condition and len(condition.group("rest").split()) >= MIN_SIDE_WORDS + 1:
        word = condition.group("word").lower()
        return [f"This applies {word} {condition.group('what')}.", capitalise(condition["rest"])]
    found = _FOR_WHOM.match(sentence)
    if not found or len(found.group("rest").split()) < MIN_SIDE_WORDS:
        return [sentence]
    whom = found.group("whom")
    # "In adults …" is about people; "In the UK, …" or "In pregnancy, …" is not a "for".
    if sentence[:2].lower() == "in" and not _IN_WHOM.match(whom):
        return [sentence]
    return [f"{FOR_WHOM} {whom}.", capitalise(found.group("rest"))]


def _split_at_joints(sentence: str, in_condition: bool = False) -> list[str]:
    """``in_condition``: the sentence is a condition already ("This applies when X"), so it
    is not split at a condition of its own ("This applies. This applies if …")."""
    in_condition = in_condition or bool(_OPENS_CONDITION.match(sentence))
    for pattern, opening in _JOINTS:
        condition = opening.startswith(("This applies", "But not if"))
        if condition and in_condition:
            continue
        for match in pattern.finditer(sentence):
            left, right = sentence[: match.start()], sentence[match.end() :]
            if _inside_brackets(sentence, match.start()):
                continue
            if len(left.split()) < MIN_SIDE_WORDS or len(right.split()) < MIN_SIDE_WORDS:
                continue
            after = _split_at_joints(right, condition)
            # The opening goes on after the split, so it is never split at itself.
            after[0] = opening + after[0] if opening else capitalise(after[0])
            return _split_at_joints(left.rstrip(" ,") + ".", in_condition) + after
    return [sentence]
