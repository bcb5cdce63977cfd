"""Patient wording and red-flag notices. Pure functions.

The patient version is the same evidence in plainer words: glossary substitutions that are
exact, bullets that need statistical training left out, and a frame that sends the reader to
their clinician. Numbers never change between the two versions.
"""

from __future__ import annotations

import re

from ..articles.model import PATIENT_DISCLAIMER, Article, Section

# Each substitution must mean exactly the same thing in any sentence it can match.
GLOSSARY: list[tuple[str, str]] = [
    (r"\bintramuscularly\b", "into a muscle"),
    (r"\bintramuscular injections?\b", "injection into a muscle"),
    (r"\bby intramuscular injection\b", "as an injection into a muscle"),
    (r"\bintravenously\b", "into a vein (through a drip)"),
    (r"\bsubcutaneously\b", "under the skin"),
    (r"\bsubcutaneous injection\b", "injection under the skin"),
    (r"\borally\b", "by mouth"),
    (r"\bPO\b", "by mouth"),
    (r"\b(mg|micrograms|mcg|units|mL|g) IM\b", r"\1 into a muscle"),
    (r"\b(mg|micrograms|mcg|units|mL|g) IV\b", r"\1 into a vein"),
    (r"\bb\.d\.|\bbd\b|\bb\.i\.d\.|\bbid\b", "twice a day"),
    (r"\bt\.d\.s\.|\btds\b|\bt\.i\.d\.|\btid\b", "three times a day"),
    (r"\bq\.d\.s\.|\bqds\b|\bq\.i\.d\.|\bqid\b", "four times a day"),
    (r"\bo\.d\.|\bonce daily\b", "once a day"),
    (r"\bp\.r\.n\.|\bprn\b", "when needed"),
    (r"\bnocte\b", "at night"),
    (r"\bhypokalaemia\b|\bhypokalemia\b", "low blood potassium"),
    (r"\bhyperkalaemia\b|\bhyperkalemia\b", "high blood potassium"),
    (r"\bhypoglycaemia\b|\bhypoglycemia\b", "low blood sugar"),
    # Only plain "hypertension" is high blood pressure; pulmonary or portal is another thing.
    (
        r"(?<!pulmonary )(?<!portal )(?<!intracranial )(?<!ocular )\bhypertension\b",
        "high blood pressure",
    ),
    (r"\bpyrexia\b", "fever"),
    (r"\banalgesia\b", "pain relief"),
    (r"\bantipyretics?\b", "fever medicine"),
    (r"\brenal\b", "kidney"),
    (r"\bhepatic\b", "liver"),
    (r"\bcardiac\b", "heart"),
    (r"\bgastrointestinal\b", "stomach and gut"),
    (r"\bparaesthesiae?\b|\bparesthesias?\b", "pins and needles"),
    (r"\bdyspnoea\b|\bdyspnea\b", "shortness of breath"),
    (r"\boedema\b|\bedema\b", "swelling"),
    (r"\bpruritus\b", "itching"),
    (r"\bemesis\b", "vomiting"),
    (r"\bmyocardial infarction\b", "heart attack"),
    (r"\bcerebrovascular accident\b", "stroke"),
]
_GLOSSARY = [(re.compile(p, re.I), plain) for p, plain in GLOSSARY]
_STATISTICAL = re.compile(
    r"\b(confidence interval|95% CI|CI\b|p\s*[<=>]\s*0?\.\d|hazard ratio|odds ratio|"
    r"relative risk|risk ratio|number needed to treat|NNT|NNH|heterogeneity|meta-analys\w*|"
    r"I2|sensitivity of|specificity of|positive predictive|negative predictive|"
    r"likelihood ratio|absolute risk reduction|grade of evidence|level of evidence|"
    r"statistically significant)\b",
    re.I,
)
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
    for pattern, plain in _GLOSSARY:
        text = pattern.sub(plain, text)
    return text[:1].upper() + text[1:] if text else text


def glossary_words() -> set[str]:
    """Stems introduced by the glossary, which the verifier must not hold against a bullet."""
    words = set()
    for _, plain in GLOSSARY:
        words |= {w[:6] for w in re.findall(r"[a-z][a-z0-9'-]+", plain.lower()) if len(w) > 2}
    return words


def needs_statistics(text: str) -> bool:
    return bool(_STATISTICAL.search(text))


def for_patients(article: Article) -> Article:
    """The same article in patient wording; every number is left exactly as it was."""
    sections = []
    for section in article.sections:
        bullets = [
            # A copy keeps every mark on the bullet (a reviewer's addition, its support).
            b.model_copy(update={"text": plain_words(b.text)})
            for b in section.bullets
            if not needs_statistics(b.text)
        ]
        if bullets:
            sections.append(Section(title=plain_words(section.title), bullets=bullets))
    bottom = article.bottom_line.model_copy(update={"text": plain_words(article.bottom_line.text)})
    dropped = sum(len(s.bullets) for s in article.sections) - sum(len(s.bullets) for s in sections)
    meta = dict(article.metadata, statistical_bullets_left_out=dropped)
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


def _syllables(word: str) -> int:
    word = word.lower()
    groups = re.findall(r"[aeiouy]+", word)
    count = len(groups) - (1 if word.endswith("e") and len(groups) > 1 else 0)
    return max(1, count)


def reading_grade(text: str) -> float:
    """Flesch–Kincaid grade level."""
    sentences = max(1, len(re.findall(r"[.!?](\s|$)", text)))
    words = re.findall(r"[A-Za-z]+", text)
    if not words:
        return 0.0
    syllables = sum(_syllables(w) for w in words)
    return round(0.39 * len(words) / sentences + 11.8 * syllables / len(words) - 15.59, 1)
