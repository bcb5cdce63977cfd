"""Rewrites of a source sentence that cannot change its meaning. Pure functions.

Allowed: dropping a list marker (a lead-in and its items become one line) or a leading
connective, dropping a parenthetical cross-reference such as "(see Algorithm 1)" or a
bracketed citation number. Nothing else.
"""

from __future__ import annotations

import re

_LIST_MARKER = re.compile(r"^\s*(?:[-*•▪◦]|\d{1,2}[.)]|[a-z][.)])\s+")
_CONNECTIVE = re.compile(
    r"^(?:however|additionally|in addition|also|furthermore|moreover|therefore|thus|"
    r"similarly|likewise|accordingly|consequently|importantly|notably|finally|overall)\s*,\s*",
    re.I,
)
_CROSS_REFERENCE = re.compile(
    r"\s*\((?:see|refer to|as shown in|as described in)\b[^()]{0,120}\)\.?"
    r"|\s*\[(?:\d{1,3}(?:[,–-]\s*\d{1,3})*)\]",
    re.I,
)


_INNER_ITEM = re.compile(r"\s*\n\s*(?:[-*•▪◦]|\d{1,2}[.)]|[a-z][.)])\s+")


def _inline_list(sentence: str) -> str:
    """A lead-in and its list items as one line: "who: have …; prefer …"."""
    parts = _INNER_ITEM.split(sentence)
    if len(parts) == 1:
        return sentence
    text = parts[0].rstrip()
    for n, item in enumerate(parts[1:]):
        if text[-1:] in ":;,." or text.endswith((" and", " or")):
            text += " " + item.strip()
        else:
            text += (": " if n == 0 else "; ") + item.strip()
    return text


def tidy(sentence: str) -> str:
    text = " ".join(_inline_list(sentence).split())
    text = _LIST_MARKER.sub("", text)
    stripped = _CONNECTIVE.sub("", text)
    if stripped != text and stripped:
        text = stripped[0].upper() + stripped[1:]
    text = _CROSS_REFERENCE.sub("", text).strip()
    if text and text[-1] not in ".!?)\"'":
        text += "."
    return text
