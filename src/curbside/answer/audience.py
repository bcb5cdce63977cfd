"""Patient wording and red-flag notices. Pure functions.

The patient version is the same evidence in plainer words (``plain.py``: glossary, short
sentences, the reader addressed), the bullets meant for clinicians only left out, and a frame
that sends the reader to their clinician. Every patient bullet keeps its clinician bullet's
evidence and citations, and numbers never change between the two versions.
"""

from __future__ import annotations

import re

from .article import PATIENT_DISCLAIMER, Article, Section
from .plain import Rewriter, clinician_only

PATIENT_FRAME = (
    "This is what the guidelines in this library say about your question, in plain words. "
    "Your own care may differ: talk to your doctor, nurse or pharmacist about what is right "
    "for you."
)

RED_FLAGS: list[tuple[str, re.Pattern[str]]] = [
    ("chest pain", re.compile(r"\bchest (pain|tightness|pressure)\b", re.I)),
    (
        "stroke",
        re.compile(
            r"\b(stroke|face droop\w*|slurred speech|sudden weakness|"
            r"one[- ]sided weakness|FAST test)\b",
            re.I,
        ),
    ),
    (
        "suicidal thoughts",
        re.compile(
            r"\b(suicid\w*|kill (myself|himself|herself)|"
            r"self[- ]harm|end (my|his|her) life)\b",
            re.I,
        ),
    ),
    ("overdose", re.compile(r"\b(overdos\w*|poison\w*|took too many)\b", re.I)),
    (
        "anaphylaxis",
        re.compile(
            r"\b(anaphyla\w*|throat (swelling|closing)|"
            r"swollen (tongue|lips|throat))\b",
            re.I,
        ),
    ),
    (
        "severe bleeding",
        re.compile(
            r"\b(severe|heavy|uncontrolled|massive) (bleed\w*|"
            r"haemorrhage|hemorrhage)|vomiting blood|"
            r"coughing up blood\b",
            re.I,
        ),
    ),
    (
        "difficulty breathing",
        re.compile(
            r"\b(can'?t breathe|cannot breathe|struggling to "
            r"breathe|severe (shortness of breath|breathlessness))\b",
            re.I,
        ),
    ),
    ("sepsis", re.compile(r"\b(sepsis|septic shock)\b", re.I)),
]


def emergency_notice(question: str) -> str | None:
    found = [name for name, pattern in RED_FLAGS if pattern.search(question)]
    if not found:
        return None
    return (
        f"If this is happening now ({', '.join(found)}), treat it as an emergency: call your "
        "local emergency number (999, 911 or 112) or go to the nearest emergency department. "
        "Do not wait for an answer here."
    )


def plain_words(text: str) -> str:
    """A title or a short text in plain words (no explanations, no new sentences)."""
    return Rewriter().title(text)


def needs_statistics(text: str) -> bool:
    return clinician_only(text) == "statistics"


def for_patients(article: Article) -> Article:
    """The same article in patient wording; every number is left exactly as it was.

    ``metadata["left_out_for_patients"]`` counts the bullets left out, by the rule that
    left each out (``plain.CLINICIAN_ONLY``).
    """
    rewrite = Rewriter()
    # The bottom line answers the question: it is kept, in plain words, whatever it says.
    bottom = article.bottom_line.model_copy(
        update={"text": rewrite.statement(article.bottom_line.text)}
    )
    sections = []
    left_out: dict[str, int] = {}
    for section in article.sections:
        bullets = []
        for bullet in section.bullets:
            rule = clinician_only(bullet.text)
            if rule is not None:
                left_out[rule] = left_out.get(rule, 0) + 1
                continue
            # A copy keeps every mark on the bullet (its evidence, citations, a reviewer's
            # addition, its support).
            bullets.append(bullet.model_copy(update={"text": rewrite.statement(bullet.text)}))
        if bullets:
            sections.append(Section(title=rewrite.title(section.title), bullets=bullets))
    meta = dict(article.metadata, left_out_for_patients=left_out)
    meta["statistical_bullets_left_out"] = left_out.get("statistics", 0)
    return article.model_copy(
        update={
            "audience": "patient",
            "sections": sections,
            "bottom_line": bottom,
            "frame": None if article.abstained else PATIENT_FRAME,
            "disclaimer": PATIENT_DISCLAIMER,
            "metadata": meta,
        }
    )


def patient_text(article: Article) -> str:
    """What the reading grade is measured on: the bottom line and every bullet, as read."""
    parts = [article.bottom_line.text] + [b.text for b in article.all_bullets()]
    return " ".join(p if p.rstrip().endswith((".", "!", "?")) else f"{p}." for p in parts if p)


def reading_grade(text: str) -> float:
    """Flesch–Kincaid grade level, as textstat computes it (CMU dictionary syllables)."""
    if not re.search(r"[A-Za-z]", text):
        return 0.0
    import textstat  # loads the CMU dictionary (about 2 s) on first use: only where measured

    return round(float(textstat.flesch_kincaid_grade(text)), 1)
