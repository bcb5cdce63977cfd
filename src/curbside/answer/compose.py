"""Compose: section titles, bottom line, numbered references and evidence. Pure functions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..articles.model import SUMMARY_NOTE, BottomLine, Bullet, Evidence, Reference, Section
from ..library.attribution import keys_for_span, source_for_key
from ..library.textutil import parse_year
from ..models import KINDS, SECTION_SEP, Document
from .analyse import Analysis
from .evidence import Candidate

# Canonical titles, in the order a regimen answer reads; the first matching rule names a
# section from its source heading, or failing that from the sentence itself.
CANONICAL: list[tuple[str, re.Pattern[str]]] = [
    (
        "Diagnosis and tests",
        re.compile(
            r"diagnos|assessment|investigat|testing|tests\b|"
            r"screening|work-?up|evaluation",
            re.I,
        ),
    ),
    (
        "Initial treatment",
        re.compile(
            r"initial|first[- ]line|loading|acute (treatment|"
            r"management)|treatment|management|therapy|dosing|"
            r"regimen|recommendations?$",
            re.I,
        ),
    ),
    ("Maintenance", re.compile(r"maintenance|long[- ]term|continuation|duration", re.I)),
    (
        "Special populations",
        re.compile(
            r"child|paediatric|pediatric|pregnan|breastfeed|renal|"
            r"kidney|older|elderly|hepatic|infant",
            re.I,
        ),
    ),
    (
        "Cautions and safety",
        re.compile(
            r"caution|contraindicat|safety|adverse|side effect|"
            r"interaction|warning|harm",
            re.I,
        ),
    ),
    ("Monitoring", re.compile(r"monitor|follow[- ]?up|review", re.I)),
    ("Pitfalls to avoid", re.compile(r"pitfall|avoid|mistake|do not", re.I)),
    ("Alternatives", re.compile(r"alternative|oral|second[- ]line|if .* unavailable", re.I)),
    ("Prevention", re.compile(r"prevent|prophyla|vaccin|immunis|immuniz", re.I)),
    ("When to refer", re.compile(r"refer|specialist|admission|admit|escalat", re.I)),
]
ORDER = [name for name, _ in CANONICAL] + ["Key recommendations"]
_SENTENCE_RULES: list[tuple[str, re.Pattern[str]]] = [
    (
        "Monitoring",
        re.compile(
            r"\b(monitor\w*|recheck|repeat (the )?(test|level|measure)|"
            r"check\w* (the )?(level|response|blood)|follow-up)\b",
            re.I,
        ),
    ),
    (
        "Cautions and safety",
        re.compile(
            r"\b(contraindicat\w*|caution|adverse|side effects?|"
            r"toxicity|interact\w*|should not|must not|"
            r"do not)\b",
            re.I,
        ),
    ),
    (
        "Diagnosis and tests",
        re.compile(
            r"\b(diagnos\w*|should be tested|testing|"
            r"measure\w*|screen\w*)\b",
            re.I,
        ),
    ),
    ("Maintenance", re.compile(r"\b(maintenance|lifelong|long-term|thereafter)\b", re.I)),
]


def _clean_heading(heading: str) -> str:
    heading = re.sub(r"\s*\((Level|Grade|Class)[^)]*\)\s*$", "", heading.strip(" :"))
    return heading[:1].upper() + heading[1:] if heading else heading


def _lower_first(heading: str) -> str:
    """ "With neurological involvement" reads on after a colon; "AAP" or "NICE" keep their case."""
    if len(heading) > 1 and heading[1].isupper():
        return heading
    return heading[:1].lower() + heading[1:]


# Headings that say nothing a reader can use as a title: a glossary line ("RCT = randomized
# controlled trial"), a container ("Summary statements"), a lead-in cut off before its list
# ("For people with first episode psychosis offer").
_CONTAINER = re.compile(
    r"^(summary statements?|summary of (the )?evidence|abbreviations?|definitions?|notes?|"
    r"statements?)$",
    re.I,
)
_LEAD_IN_END = frozenset(
    [
        "offer",
        "offers",
        "include",
        "includes",
        "including",
        "consider",
        "should",
        "must",
        "may",
        "are",
        "is",
        "the",
        "a",
        "an",
        "of",
        "for",
        "with",
        "to",
        "and",
        "or",
        "by",
        "in",
        "on",
        "as",
        "following",
        "be",
    ]
)


def _telling(heading: str) -> bool:
    words = heading.lower().split()
    return bool(words) and not (
        heading.lower().startswith(("the following", "question", "recommendation "))
        or "=" in heading
        or _CONTAINER.match(heading.strip(" .:"))
        or words[-1].strip(".,;:") in _LEAD_IN_END
    )


def section_title(candidate: Candidate) -> str:
    """A title that fits the evidence: the source's own heading where it is telling."""
    return _title(candidate.passage.section_path, candidate.text)


@lru_cache(maxsize=50_000)
def _title(section_path: str, text: str) -> str:
    parts = section_path.split(SECTION_SEP)[1:]
    headings = [_clean_heading(p) for p in parts if p.strip()]
    short = [h for h in headings if len(h.split()) <= 8 and _telling(h)]
    if short:
        specific = short[-1]
        for name, pattern in CANONICAL:
            if any(pattern.search(h) for h in short):
                if len(short) > 1 and specific.lower() != name.lower():
                    return f"{name}: {_lower_first(specific)}" if name != specific else name
                return name if pattern.search(specific) else f"{name}: {specific}"
        return specific
    for name, pattern in _SENTENCE_RULES:
        if pattern.search(text):
            return name
    return "Key recommendations"


@dataclass
class DraftBullet:
    text: str
    sources: list[Candidate]


@dataclass
class Draft:
    bottom_line: list[DraftBullet] = field(default_factory=list)
    sections: list[tuple[str, list[DraftBullet]]] = field(default_factory=list)


class References:
    """Numbers references in order of first citation.

    A statement attributed to one of its document's listed sources (library/attribution.py)
    cites that source: the guideline, label or review it came from, with the summary that
    holds it kept as the place to read it in the library. Any other statement cites its
    document, as other libraries have one reference per document."""

    def __init__(self) -> None:
        self.numbers: dict[tuple[str, str | None], int] = {}
        self.documents: dict[tuple[str, str | None], Document] = {}

    def cite(self, document: Document, key: str | None = None) -> int:
        ident = (document.id, key)
        if ident not in self.numbers:
            self.numbers[ident] = len(self.numbers) + 1
            self.documents[ident] = document
        return self.numbers[ident]

    def evidence(self, sources: list[Candidate]) -> tuple[list[int], list[Evidence]]:
        cited: list[int] = []
        evidence = []
        for cand in sources:
            # A quote drawn from a statement with two sources is evidence for both.
            for key in source_keys(cand) or [None]:
                n = self.cite(cand.document, key)
                if n not in cited:
                    cited.append(n)
                evidence.append(
                    Evidence(
                        ref=n,
                        passage_id=cand.passage.id,
                        quote=cand.quote,
                        section_path=cand.passage.section_path,
                        document_id=cand.document.id,
                    )
                )
        return sorted(cited), evidence

    def listing(self) -> list[Reference]:
        out = []
        for ident, n in self.numbers.items():
            doc, key = self.documents[ident], ident[1]
            source = source_for_key(doc.meta, key) if key else None
            out.append(_attributed(n, doc, key, source) if source else _whole(n, doc))
        return out


def source_keys(cand: Candidate) -> list[str]:
    """The listed sources the candidate's statement came from; [] when it names none."""
    if not cand.document.meta.get("attribution"):
        return []
    start = cand.passage.char_start + cand.offset
    keys = keys_for_span(cand.document.meta, start, start + len(cand.quote))
    return [k for k in keys if source_for_key(cand.document.meta, k)]


def _whole(n: int, doc: Document) -> Reference:
    return Reference(
        n=n,
        document_id=doc.id,
        title=doc.title,
        publisher=doc.publisher,
        year=doc.year,
        url=doc.url,
        kind=doc.kind,
        demonstration=doc.demonstration,
        reviewed=doc.meta.get("reviewed"),
        sources=doc.meta.get("sources") or [],
    )


def _attributed(n: int, doc: Document, key: str, source: dict) -> Reference:
    kind = str(source.get("kind") or "").lower()
    year = source.get("year")
    return Reference(
        n=n,
        document_id=doc.id,
        title=str(source.get("title") or doc.title),
        publisher=str(source["publisher"]) if source.get("publisher") else None,
        year=parse_year(year) if year is not None else None,
        url=str(source["url"]) if source.get("url") else None,
        kind=kind if kind in KINDS else doc.kind,
        demonstration=doc.demonstration,
        reviewed=doc.meta.get("reviewed"),
        source_key=key,
        summary_title=doc.title,
        note=SUMMARY_NOTE
        if doc.demonstration
        else f"Summarised in the library document “{doc.title}”.",
    )


def number(draft: Draft) -> tuple[BottomLine, list[Section], list[Reference]]:
    refs = References()
    cited, evidence = refs.evidence([c for b in draft.bottom_line for c in b.sources])
    bottom = BottomLine(
        text=" ".join(b.text for b in draft.bottom_line), citations=cited, evidence=evidence
    )
    sections = []
    for title, bullets in draft.sections:
        rendered = []
        for bullet in bullets:
            cites, ev = refs.evidence(bullet.sources)
            rendered.append(Bullet(text=bullet.text, citations=cites, evidence=ev))
        if rendered:
            sections.append(Section(title=title, bullets=rendered))
    return bottom, sections, refs.listing()


# A regimen answer reads as a whole: after the first treatment step a prescriber needs what
# follows it. These are added from the answer's main document when the best-scoring pass
# left them out.
REGIMEN_PARTS = (
    "Maintenance",
    "Cautions and safety",
    "Monitoring",
    "Pitfalls to avoid",
    "Alternatives",
)
PART_FLOOR = 0.35  # relative to the best sentence: weaker than this is not worth adding


def complete_regimen(
    chosen: list[Candidate], found: list[Candidate], analysis: Analysis
) -> list[Candidate]:
    if analysis.intent not in ("dose", "treatment") or not chosen:
        return chosen
    main = chosen[0].document.id
    best = max(c.score for c in chosen)
    present = {section_title(c).split(":")[0] for c in chosen}
    taken = {(c.passage.id, c.offset) for c in chosen}
    added = []
    for part in REGIMEN_PARTS:
        if part in present:
            continue
        options = sorted(
            (
                c
                for c in found
                if c.document.id == main
                and (c.passage.id, c.offset) not in taken
                and section_title(c).split(":")[0] == part
                and c.score >= best * PART_FLOOR
            ),
            key=lambda c: (-c.score, c.rank, c.offset),
        )
        if options:
            added.append(options[0])
            taken.add((options[0].passage.id, options[0].offset))
    return chosen + added
