"""compose: section titles from the evidence, and references numbered by first citation."""

from __future__ import annotations

import pytest

from curbside.answer.compose import (
    Draft,
    DraftBullet,
    References,
    number,
    section_title,
)
from curbside.answer.evidence import Candidate
from curbside.articles.model import SUMMARY_NOTE
from curbside.models import SECTION_SEP, Document, Passage


def _doc(n: int, title: str = "") -> Document:
    return Document(
        id=f"doc{n}",
        key=f"key{n}",
        title=title or f"Guideline {n}",
        publisher=f"Publisher {n}",
        year=2000 + n,
        url=f"https://example.org/{n}",
        kind="guideline",
        source_path=f"/tmp/{n}.md",
        content_hash=f"hash{n}",
        version=1,
        superseded_by=None,
        status="current",
        ingested_at="2026-01-01T00:00:00",
        meta={"demonstration": True, "reviewed": False, "sources": [{"title": "S"}]},
    )


def _cand(
    text: str,
    path: tuple[str, ...] = (),
    doc: Document | None = None,
    score: float = 1.0,
    rank: int = 0,
    pid: str = "p1",
) -> Candidate:
    doc = doc or _doc(1)
    passage = Passage(
        id=pid,
        document_id=doc.id,
        ord=0,
        section_path=SECTION_SEP.join((doc.title, *path)),
        text=text,
        char_start=0,
        char_end=len(text),
    )
    return Candidate(
        text=text, quote=text, passage=passage, document=doc, rank=rank, offset=0, score=score
    )


@pytest.mark.parametrize(
    ("path", "title"),
    [
        (("Monitoring",), "Monitoring"),
        (("Pitfalls to avoid",), "Pitfalls to avoid"),
        (
            ("Initial treatment", "Without neurological involvement"),
            "Initial treatment: without neurological involvement",
        ),
        (("Initial treatment", "Pain relief"), "Initial treatment: pain relief"),
        (("Treatment", "Loading dose"), "Initial treatment: loading dose"),
        (("Recommendations (Grade A)",), "Initial treatment"),
        (("Diagnosis (Level B)",), "Diagnosis and tests"),
        (("Penicillin allergy",), "Penicillin allergy"),
        (("When to refer",), "When to refer"),
        (("Alternatives",), "Alternatives"),
    ],
)
def test_section_title_from_the_source_heading(path: tuple[str, ...], title: str):
    assert section_title(_cand("Give the drug as advised by the guideline.", path)) == title


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Monitor serum potassium during the first 48 hours.", "Monitoring"),
        ("Do not give folic acid alone.", "Cautions and safety"),
        ("The diagnosis is confirmed by serum testing.", "Diagnosis and tests"),
        ("Replacement is lifelong in pernicious anaemia.", "Maintenance"),
        ("Give hydroxocobalamin 1 mg.", "Key recommendations"),
    ],
)
def test_section_title_from_the_sentence_when_headings_say_nothing(text: str, title: str):
    long_heading = ("A heading far too long to be a useful section title for any reader",)
    assert section_title(_cand(text)) == title
    assert section_title(_cand(text, long_heading)) == title


@pytest.mark.parametrize(
    "heading",
    [
        "RCT = randomized controlled trial",
        "Summary Statements",
        "Abbreviations",
        "For people with first episode psychosis offer",
        "The drugs to consider include",
    ],
)
def test_a_heading_that_says_nothing_gives_way_to_the_sentence_s_topic(heading: str):
    text = "Monitor serum potassium during the first 48 hours."
    assert section_title(_cand(text, (heading,))) == "Monitoring"


@pytest.mark.parametrize("heading", ["AAP: who can be observed", "NICE regimens"])
def test_section_title_keeps_acronyms(heading: str):
    title = section_title(_cand("Observe the child.", ("Initial treatment", heading)))
    assert heading.split()[0] in title


# ---- References --------------------------------------------------------------------------------


def test_references_are_numbered_in_order_of_first_citation():
    refs = References()
    d1, d2, d3 = _doc(1), _doc(2), _doc(3)
    assert refs.cite(d2) == 1
    assert refs.cite(d1) == 2
    assert refs.cite(d2) == 1
    assert refs.cite(d3) == 3
    listing = refs.listing()
    assert [(r.n, r.document_id) for r in listing] == [(1, "doc2"), (2, "doc1"), (3, "doc3")]
    ref = listing[0]
    assert (ref.title, ref.publisher, ref.year, ref.url, ref.kind) == (
        "Guideline 2",
        "Publisher 2",
        2002,
        "https://example.org/2",
        "guideline",
    )
    assert ref.demonstration is True and ref.reviewed is False and ref.sources == [{"title": "S"}]


def test_evidence_cites_each_document_once_and_quotes_each_source():
    refs = References()
    d1, d2 = _doc(1), _doc(2)
    sources = [_cand("A one.", doc=d1, pid="a"), _cand("B two.", doc=d2, pid="b")]
    sources.append(_cand("A three.", doc=d1, pid="c"))
    cited, evidence = refs.evidence(sources)
    assert cited == [1, 2]
    assert [(e.ref, e.passage_id, e.quote, e.document_id) for e in evidence] == [
        (1, "a", "A one.", "doc1"),
        (2, "b", "B two.", "doc2"),
        (1, "c", "A three.", "doc1"),
    ]


def test_number_numbers_the_bottom_line_first_then_sections_in_order():
    d1, d2, d3 = _doc(1), _doc(2), _doc(3)
    c1 = _cand("From the third guideline.", doc=d3, pid="x3")
    c2 = _cand("From the first guideline.", doc=d1, pid="x1")
    c3 = _cand("From the second guideline.", doc=d2, pid="x2")
    draft = Draft(
        bottom_line=[DraftBullet(c1.text, [c1]), DraftBullet(c2.text, [c2])],
        sections=[
            ("Empty", []),
            ("Initial treatment", [DraftBullet(c3.text, [c3]), DraftBullet(c2.text, [c2, c3])]),
        ],
    )
    bottom, sections, references = number(draft)
    assert bottom.text == "From the third guideline. From the first guideline."
    assert bottom.citations == [1, 2]
    assert [s.title for s in sections] == ["Initial treatment"]
    assert [b.citations for b in sections[0].bullets] == [[3], [2, 3]]
    assert [(r.n, r.document_id) for r in references] == [(1, "doc3"), (2, "doc1"), (3, "doc2")]


def test_number_of_an_empty_draft():
    bottom, sections, references = number(Draft())
    assert bottom.text == "" and bottom.citations == [] and sections == [] and references == []


def _attributed_doc() -> Document:
    doc = _doc(7, "Topic summary")
    doc.meta = {
        "demonstration": True,
        "reviewed": False,
        "sources": [
            {
                "key": "nice",
                "title": "NICE guideline",
                "publisher": "NICE",
                "year": 2024,
                "url": "https://nice.example/ng1",
                "kind": "guideline",
            },
            {
                "key": "label",
                "title": "Product label",
                "publisher": "FDA",
                "year": "2023",
                "url": "https://fda.example/label",
                "kind": "label",
            },
        ],
        # Document-text offsets: passage "p1" below starts at 100.
        "attribution": [[100, 120, ["label", "nice"]], [121, 140, ["nice"]]],
    }
    return doc


def _at(doc: Document, text: str, start: int, pid: str = "p1") -> Candidate:
    cand = _cand(text, doc=doc, pid=pid)
    cand.passage.char_start = start
    return cand


def test_a_statement_cites_the_sources_it_names_not_its_summary():
    doc = _attributed_doc()
    refs = References()
    cited, evidence = refs.evidence([_at(doc, "Dose from label and NICE.", 100)])
    assert cited == [1, 2]  # in the order of the marker, listed in ascending order
    assert [(e.ref, e.document_id, e.passage_id) for e in evidence] == [
        (1, "doc7", "p1"),
        (2, "doc7", "p1"),
    ]
    cited, _ = refs.evidence([_at(doc, "NICE alone.", 125, pid="p2")])
    assert cited == [2]
    label, nice = refs.listing()
    assert (label.title, label.publisher, label.year, label.url, label.kind) == (
        "Product label",
        "FDA",
        2023,
        "https://fda.example/label",
        "label",
    )
    assert (label.document_id, label.source_key, label.summary_title) == (
        "doc7",
        "label",
        "Topic summary",
    )
    assert label.note == SUMMARY_NOTE and label.sources == [] and label.demonstration
    assert (nice.n, nice.source_key, nice.title) == (2, "nice", "NICE guideline")


def test_text_no_statement_attributes_and_other_documents_cite_the_document():
    doc, other = _attributed_doc(), _doc(8)
    refs = References()
    cited, _ = refs.evidence([_at(doc, "Between statements.", 140), _cand("Other.", doc=other)])
    assert cited == [1, 2]
    whole, plain = refs.listing()
    assert (whole.title, whole.source_key, whole.note) == ("Topic summary", None, None)
    assert (plain.document_id, plain.title, plain.sources) == (
        "doc8",
        "Guideline 8",
        [{"title": "S"}],
    )
