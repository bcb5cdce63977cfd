"""The verifier: the last word on every bullet, whichever engine wrote it.

A bullet survives only if every number in it, with its unit, stands in one of its evidence
quotes (unit equivalence only where it is exact: 1000 micrograms = 1 mg), and enough of the
rest of its words are found there too. Nothing is ever corrected; a failing bullet is dropped
and counted. Pure functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

SUPPORT_MIN = 0.75

_WORD_NUMBERS = {
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "fifteen": "15",
    "twenty": "20",
    "thirty": "30",
    "forty": "40",
    "fifty": "50",
    "hundred": "100",
    "once": "1",
    "twice": "2",
    "thrice": "3",
    "single": "1",
    "half": "0.5",
    "thirteen": "13",
    "fourteen": "14",
    "sixteen": "16",
    "seventeen": "17",
    "eighteen": "18",
    "nineteen": "19",
    "sixty": "60",
    "seventy": "70",
    "eighty": "80",
    "ninety": "90",
    "thousand": "1000",
    # Prescription frequencies are numbers too: "bd" says 2 as surely as "twice" does.
    "bd": "2",
    "bid": "2",
    "tds": "3",
    "tid": "3",
    "qds": "4",
    "qid": "4",
    "b.d.": "2",
    "b.i.d.": "2",
    "t.d.s.": "3",
    "t.i.d.": "3",
    "q.d.s.": "4",
    "q.i.d.": "4",
}
_UNITS = {
    "mcg": "mcg",
    "µg": "mcg",
    "μg": "mcg",
    "ug": "mcg",
    "microgram": "mcg",
    "micrograms": "mcg",
    "mg": "mg",
    "milligram": "mg",
    "milligrams": "mg",
    "g": "g",
    "gram": "g",
    "grams": "g",
    "kg": "kg",
    "ml": "ml",
    "millilitre": "ml",
    "millilitres": "ml",
    "milliliter": "ml",
    "milliliters": "ml",
    "l": "l",
    "litre": "l",
    "litres": "l",
    "liter": "l",
    "liters": "l",
    "mmol": "mmol",
    "mol": "mol",
    "meq": "meq",
    "iu": "iu",
    "units": "unit",
    "unit": "unit",
    "%": "%",
    "percent": "%",
    "mmhg": "mmhg",
    "mm": "mm",
    "cm": "cm",
    "h": "hour",
    "hr": "hour",
    "hrs": "hour",
    "hour": "hour",
    "hours": "hour",
    "min": "minute",
    "mins": "minute",
    "minute": "minute",
    "minutes": "minute",
    "day": "day",
    "days": "day",
    "week": "week",
    "weeks": "week",
    "wk": "week",
    "wks": "week",
    "month": "month",
    "months": "month",
    "year": "year",
    "years": "year",
    "yr": "year",
    "yrs": "year",
    "times": "times",
    "doses": "dose",
    "dose": "dose",
    "ng": "ng",
    "nmol": "nmol",
    "pmol": "pmol",
}
# Exact conversions only: value in the first unit times factor equals the second.
_CONVERSIONS = {
    ("mg", "mcg"): Decimal(1000),
    ("mcg", "mg"): Decimal("0.001"),
    ("g", "mg"): Decimal(1000),
    ("mg", "g"): Decimal("0.001"),
    ("l", "ml"): Decimal(1000),
    ("ml", "l"): Decimal("0.001"),
}

# "1,000", "1.5", and ".5" (a bare leading point must never slip past as "5").
_NUMBER = r"(?:(?<![\w.])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)|(?<![\w.\d])(\.\d+))"
# A compound unit ("mg/kg", "mL/min/1.73") never swallows the sentence's full stop.
_QUANTITY = re.compile(_NUMBER + r"(?:\s*(%|µg|μg|[a-zA-Z]+)((?:/[a-zA-Z0-9²]+(?:\.\d+)?)*))?")
_WORD_NUMBER = re.compile(
    r"(?<![\w.])("
    + "|".join(re.escape(w) for w in sorted(_WORD_NUMBERS, key=len, reverse=True))
    + r")(?![\w])(?:\s+([a-zA-Z]+))?",
    re.I,
)
_WORD = re.compile(r"[a-z][a-z0-9'-]+")
_STOP = frozenset(
    [
        "the",
        "and",
        "for",
        "with",
        "that",
        "this",
        "from",
        "are",
        "was",
        "were",
        "been",
        "have",
        "has",
        "had",
        "not",
        "but",
        "can",
        "may",
        "should",
        "will",
        "would",
        "its",
        "their",
        "there",
        "these",
        "those",
        "such",
        "than",
        "then",
        "them",
        "they",
        "into",
        "onto",
        "per",
        "each",
        "any",
        "all",
        "also",
        "only",
        "more",
        "most",
        "less",
        "other",
        "some",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "what",
        "how",
    ]
)


@dataclass(frozen=True)
class Quantity:
    value: Decimal
    unit: str | None

    def __str__(self) -> str:
        return f"{self.value:f}{' ' + self.unit if self.unit else ''}"


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "")).normalize()
    except InvalidOperation:
        return None


def quantities(text: str) -> list[Quantity]:
    """Every number in the text with the unit that follows it, if any."""
    found: list[Quantity] = []
    for m in _QUANTITY.finditer(text):
        value = _decimal(m.group(1) or "0" + m.group(2))
        if value is None:
            continue
        unit = _UNITS.get((m.group(3) or "").lower())
        if unit and m.group(4):  # "mg/kg" is not "mg"
            unit += m.group(4).lower()
        found.append(Quantity(value, unit))
    for m in _WORD_NUMBER.finditer(text):
        value = _decimal(_WORD_NUMBERS[m.group(1).lower()])
        unit = _UNITS.get((m.group(2) or "").lower())
        if value is not None:
            found.append(Quantity(value, unit))
    return found


def quantity_spans(text: str) -> list[tuple[int, int, Quantity]]:
    """Where each number written in digits stands in the text, with its unit: for showing
    which numbers of a quote a bullet took (words such as "twice" are not marked)."""
    found = []
    for m in _QUANTITY.finditer(text):
        value = _decimal(m.group(1) or "0" + m.group(2))
        if value is None:
            continue
        unit = _UNITS.get((m.group(3) or "").lower())
        # The span ends where the unit does: a following word that is no unit is not marked.
        end = m.end() if unit else m.end(1) if m.group(1) else m.end(2)
        found.append((m.start(), end, Quantity(value, unit)))
    return found


def _equivalents(q: Quantity) -> set[tuple[Decimal, str | None]]:
    out = {(q.value, q.unit)}
    base, _, per = (q.unit or "").partition("/")
    suffix = "/" + per if per else ""
    for (a, b), factor in _CONVERSIONS.items():
        if base == a:
            out.add(((q.value * factor).normalize(), b + suffix))
    return out


def unsupported_numbers(text: str, quotes: list[str]) -> list[str]:
    """Numbers in ``text`` that no quote carries, with an equivalent unit where one is given."""
    source = [q for quote in quotes for q in quantities(quote)]
    values = {q.value for q in source}
    pairs: set[tuple[Decimal, str | None]] = set()
    for q in source:
        if q.unit:
            pairs |= _equivalents(q)
    missing = []
    for q in quantities(text):
        if q.unit and q.unit not in ("times", "dose"):
            if (q.value, q.unit) not in pairs:
                missing.append(str(q))
        elif q.value not in values:
            missing.append(str(q))
    return missing


def _stems(text: str) -> set[str]:
    return {w[:6] for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 2}


def support(text: str, quotes: list[str], ignore: set[str] | None = None) -> float:
    """Share of the text's content words that stand in its quotes (1.0 for a pure extract)."""
    words = _stems(text) - (ignore or set())
    if not words:
        return 1.0
    source = set().union(*(_stems(q) for q in quotes)) if quotes else set()
    return len(words & source) / len(words)


@dataclass
class Verdict:
    ok: bool
    missing_numbers: list[str]
    support: float


def check(text: str, quotes: list[str], ignore: set[str] | None = None) -> Verdict:
    missing = unsupported_numbers(text, quotes)
    score = support(text, quotes, ignore)
    return Verdict(
        ok=not missing and score >= SUPPORT_MIN and bool(quotes),
        missing_numbers=missing,
        support=score,
    )
