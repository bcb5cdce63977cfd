"""The bundled topics attribute every statement to one of their listed sources, and answers
cite those sources, never the demonstration summary itself (issue 11, item 2)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from curbside.answer.pipeline import answer
from curbside.articles.model import SUMMARY_NOTE
from curbside.cli import load_bundled
from curbside.library.attribution import KEY
from curbside.library.bundled import bundled_paths
from curbside.library.readers import read_markdown
from tests.answer.invariants import assert_contract

from .test_b12_answer import QUESTION as B12_QUESTION

CASES = Path(__file__).resolve().parents[2] / "eval" / "cases" / "bundled.jsonl"
PATHS = bundled_paths()
MARKER = re.compile(r"\S \[@[a-z0-9-]+(?:; @[a-z0-9-]+)*\]$")


def _split(path: Path) -> tuple[dict, list[tuple[int, str]]]:
    text = path.read_text()
    match = re.match(r"\A---\n(.*?)\n---\n", text, re.S)
    assert match, f"{path.name}: no front matter"
    first = match.group(0).count("\n") + 1
    body = text[match.end() :].split("\n")
    statements = [
        (first + i, line)
        for i, line in enumerate(body)
        if line.strip() and not line.lstrip().startswith(("#", "<!--"))
    ]
    return yaml.safe_load(match.group(1)), statements


# Fails for a topic until it is attributed: three branches attribute the 45 topics. Prose
# lines count too: ingest insists only on list items (the topics' format), but an unmarked
# sentence would be cited as the summary itself.
@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_every_bundled_statement_names_a_listed_source(path: Path):
    meta, statements = _split(path)
    keys = [source.get("key") for source in meta["sources"]]
    assert all(keys), f"{path.name}: every source needs a key: {keys}"
    assert all(KEY.match(k) for k in keys) and len(set(keys)) == len(keys), keys
    for number, line in statements:
        assert MARKER.search(line), f"{path.name}:{number}: no [@key] marker at the end"
        cited = re.findall(r"@([a-z0-9-]+)", line[line.rindex(" [@") :])
        assert set(cited) <= set(keys), f"{path.name}:{number}: unknown key in {cited}"
    document = read_markdown(path, path.read_bytes())  # the ingest check agrees
    assert len(document.meta["attribution"]) == len(statements)


SOURCES_OF_B12 = {
    "bsh2014": "British Society for Haematology",
    "ng239": "National Institute for Health and Care Excellence",
    "bnf": "National Institute for Health and Care Excellence / BNF",
    "label-uk": "Medscape UK",
    "label-us": "US Food and Drug Administration / National Library of Medicine",
    "afp2017": "American Family Physician",
}


def test_the_b12_answer_cites_its_real_sources_never_the_summary(runtime):
    load_bundled(runtime, quiet=True)
    article = answer(B12_QUESTION, runtime, fresh=True, persist=False)
    assert_contract(article, runtime.store)  # each quote cites the sources its statement names
    refs = article.references
    assert [r.n for r in refs] == list(range(1, len(refs) + 1))
    assert {r.source_key for r in refs} == set(SOURCES_OF_B12)
    summary = runtime.store.get_document(refs[0].document_id)
    assert summary.title == "Vitamin B12 deficiency: diagnosis and treatment"
    for ref in refs:
        assert ref.publisher == SOURCES_OF_B12[ref.source_key]
        assert ref.title != summary.title and ref.publisher != summary.publisher
        assert ref.document_id == summary.id and ref.summary_title == summary.title
        assert ref.note == SUMMARY_NOTE and ref.demonstration and ref.sources == []
    by_key = {r.source_key: r for r in refs}
    assert (by_key["bsh2014"].year, by_key["bsh2014"].kind) == (2014, "guideline")
    assert (by_key["label-us"].kind, by_key["afp2017"].kind) == ("label", "review")
    # A bullet that names its sources cites them: "BSH and the BNF advise …" cites both.
    both = [b for b in article.all_bullets() if b.text.startswith("For adults") and "BSH" in b.text]
    assert both
    for bullet in both:
        assert {refs[n - 1].source_key for n in bullet.citations} == {"bsh2014", "bnf"}
    for bullet in article.all_bullets():
        if "US FDA" in bullet.text:
            assert {refs[n - 1].source_key for n in bullet.citations} == {"label-us"}


def _cases_of_attributed_topics() -> list[dict]:
    attributed = {p.stem for p in PATHS if all(s.get("key") for s in _split(p)[0]["sources"])}
    cases = [json.loads(line) for line in CASES.read_text().splitlines() if line.strip()]
    return [c for c in cases if c.get("topic") in attributed and not c.get("expect_abstain")]


def test_answers_from_attributed_topics_never_cite_a_summary_itself(runtime):
    cases = _cases_of_attributed_topics()
    assert len({c["topic"] for c in cases}) >= 16  # this branch's topics at least
    load_bundled(runtime, quiet=True)
    checked = 0
    for case in cases:
        article = answer(case["question"], runtime, fresh=True, persist=False)
        if article.abstained:
            continue
        assert_contract(article, runtime.store)
        for ref in article.references:
            document = runtime.store.get_document(ref.document_id)
            if document.meta.get("attribution"):
                assert ref.source_key, f"{case['question']}: [{ref.n}] cites {ref.title}"
                assert ref.title != document.title
                checked += 1
    assert checked >= 2 * len(cases)
