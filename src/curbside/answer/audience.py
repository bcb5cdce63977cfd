"""Patient wording and red-flag notices. Pure functions.

The patient version is the same evidence in plainer words (``plain.py``: glossary, short
sentences, the reader addressed), the bullets meant for clinicians only left out, and a frame
that sends the reader to their clinician. Every patient bullet keeps its clinician bullet's
evidence and citations, and numbers never change between the two versions.
"""

from __future__ import annotations

import re

from ..articles.model import PATIENT_DISCLAIMER, Article, Section
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
    bottom, sections, references = _renumbered(bottom, sections, article.references)
    return article.model_copy(
        update={
            "audience": "patient",
            "sections": sections,
            "references": references,
            "bottom_line": bottom,
            "frame": None if article.abstained else PATIENT_FRAME,
            "disclaimer": PATIENT_DISCLAIMER,
            "metadata": meta,
        }
    )


def _renumbered(bottom, sections, references):
    """References cited by what is left, numbered again in order of first citation (as the
    contract wants); each bullet still cites the same sources, under their new numbers."""
    order: list[int] = []
    for unit in [bottom] + [b for s in sections for b in s.bullets]:
        order += [n for n in unit.citations if n not in order]
    new = {old: i for i, old in enumerate(order, start=1)}

    def cite(unit):
        evidence = [e.model_copy(update={"ref": new[e.ref]}) for e in unit.evidence]
        return unit.model_copy(
            update={"citations": [new[n] for n in unit.citations], "evidence": evidence}
        )

    by_number = {r.n: r for r in references}
    kept = [by_number[old].model_copy(update={"n": new[old]}) for old in order if old in by_number]
    sections = [s.model_copy(update={"bullets": [cite(b) for b in s.bullets]}) for s in sections]
    return cite(bottom), sections, kept


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
