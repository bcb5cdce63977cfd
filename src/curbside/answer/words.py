"""Regular expressions that find one of a list of words."""

from __future__ import annotations

import re


def any_word(alternatives: str) -> re.Pattern[str]:
    """One of the words or phrases ``alternatives`` lists (a regular expression's "a|b|c"),
    whole and in any case: ``any_word("advises?|advised")`` finds "Advises", not "advisedly"."""
    return re.compile(rf"\b(?:{alternatives})\b", re.I)
