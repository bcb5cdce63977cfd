"""What an asker may watch while the LLM writes: the statements of the reply so far, with
every number and number word hidden. The draft is not verified yet, so no dose, frequency or
threshold in it is shown before the verifier has checked it against its passage; the words
let the asker see the answer take shape, and the verified article replaces them."""

from __future__ import annotations

import json
import re

from ..verify import _QUANTITY, _WORD_NUMBER  # the verifier's own idea of what a number is

HIDDEN = "…"
# A "text" value in the half-written JSON, closed or still open at the end.
_TEXT = re.compile(r'"text"\s*:\s*"((?:[^"\\]|\\.)*)', re.S)
_DIGITS = re.compile(r"\d[\d,.]*")


def _decode(raw: str) -> str:
    raw = re.sub(r"\\u?[0-9a-fA-F]{0,3}$|\\$", "", raw)  # an escape cut off mid-way
    try:
        return json.loads(f'"{raw}"')
    except ValueError:
        return raw.replace('\\"', '"')


def hide_numbers(text: str) -> str:
    text = _QUANTITY.sub(HIDDEN, text)
    text = _WORD_NUMBER.sub(HIDDEN, text)
    return _DIGITS.sub(HIDDEN, text)


def draft_statements(reply_so_far: str) -> list[str]:
    """The statements a partial reply holds, numbers hidden, in the order written."""
    out = []
    for match in _TEXT.finditer(reply_so_far):
        text = " ".join(_decode(match.group(1)).split())
        if text:
            out.append(hide_numbers(text))
    return out
