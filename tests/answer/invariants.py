"""The PRODUCT.md answer contract as assertions, shared by the answer tests."""

from __future__ import annotations

from curbside.answer.verify import unsupported_numbers
from curbside.articles.model import ABSTAIN_TEXT, Article
from curbside.library.attribution import keys_for_span, source_for_key
from curbside.store.sql import SQLStore

# The keys PRODUCT.md lists for `curbside ask --json`, level by level.
CONTRACT_KEYS = {
    "id",
    "question",
    "audience",
    "status",
    "abstained",
    "engine",
    "version",
    "bottom_line",
    "sections",
    "references",
    "related_questions",
    "created_at",
    "updated_at",
}
BOTTOM_LINE_KEYS = {"text", "citations", "evidence"}
SECTION_KEYS = {"title", "bullets"}
BULLET_KEYS = {"text", "citations", "evidence"}
EVIDENCE_KEYS = {"ref", "passage_id", "quote"}
REFERENCE_KEYS = {"n", "document_id", "title", "publisher", "year", "url", "kind"}


def assert_contract_keys(data: dict) -> None:
    """Every key of the PRODUCT.md contract is present in a JSON article."""
    assert set(data) >= CONTRACT_KEYS, CONTRACT_KEYS - set(data)
    assert data["audience"] in ("clinician", "patient")
    assert data["engine"] in ("extractive", "llm")
    assert set(data["bottom_line"]) >= BOTTOM_LINE_KEYS
    for ev in data["bottom_line"]["evidence"]:
        assert set(ev) >= EVIDENCE_KEYS
    for section in data["sections"]:
        assert set(section) >= SECTION_KEYS
        for bullet in section["bullets"]:
            assert set(bullet) >= BULLET_KEYS
            for ev in bullet["evidence"]:
                assert set(ev) >= EVIDENCE_KEYS
    for ref in data["references"]:
        assert set(ref) >= REFERENCE_KEYS


def assert_contract(article: Article, store: SQLStore, engine: str = "extractive") -> None:
    """Every invariant PRODUCT.md states for an answer, checked against the real store."""
    assert article.status == "submitted"
    assert article.version == 1
    assert article.engine == engine
    assert article.id and article.created_at and article.updated_at

    if article.abstained:
        assert article.sections == []
        assert article.references == []
        assert article.bottom_line.text == ABSTAIN_TEXT
        assert article.bottom_line.citations == []
        return

    refs = {r.n: r for r in article.references}
    assert [r.n for r in article.references] == list(range(1, len(refs) + 1))
    # One reference per document, or per listed source of a document that attributes.
    assert len({(r.document_id, r.source_key) for r in article.references}) == len(refs)

    units = [article.bottom_line] if article.bottom_line.text else []
    units += article.all_bullets()
    assert units, "an answer that did not abstain says something"
    for section in article.sections:
        assert section.title.strip()
        assert section.bullets

    # References are numbered in order of first citation, and every reference is cited.
    first_seen: list[int] = []
    for unit in units:
        for n in unit.citations:
            assert n in refs, f"citation [{n}] resolves to no reference"
            if n not in first_seen:
                first_seen.append(n)
    assert first_seen == list(range(1, len(refs) + 1))

    passages = store.get_passages([e.passage_id for u in units for e in u.evidence])
    for unit in units:
        assert unit.text.strip()
        assert unit.citations, unit.text
        assert unit.evidence, f"no evidence for: {unit.text}"
        for ev in unit.evidence:
            assert ev.ref in unit.citations
            assert ev.passage_id in passages, f"passage {ev.passage_id} is not in the store"
            passage, document = passages[ev.passage_id]
            assert document.id == refs[ev.ref].document_id, "quote from an uncited document"
            assert ev.quote and ev.quote in passage.text, "quote not found in its passage"
            assert_attributed(ev.quote, passage, document, refs[ev.ref])
        # Every cited reference is backed by evidence from that document.
        assert set(unit.citations) == {ev.ref for ev in unit.evidence}
        missing = unsupported_numbers(unit.text, [ev.quote for ev in unit.evidence])
        assert missing == [], f"numbers {missing} not in the evidence of: {unit.text}"


def assert_attributed(quote: str, passage, document, ref) -> None:
    """A quote cites the sources its statement names: the listed source of an attributed
    reference, or the whole document only when the statement names no source."""
    start = passage.char_start + passage.text.index(quote)
    keys = keys_for_span(document.meta, start, start + len(quote))
    if ref.source_key is None:
        assert not keys, f"quote attributed to {keys} cites the whole document: {quote}"
        return
    assert ref.source_key in keys, f"[{ref.n}] {ref.source_key} is not the source of: {quote}"
    source = source_for_key(document.meta, ref.source_key)
    assert source is not None
    assert (ref.title, ref.url) == (source.get("title"), source.get("url"))
    assert ref.summary_title == document.title
