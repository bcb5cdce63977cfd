"""The bundled demonstration library: complete front matter, honest flags, clean ingest."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from curbside.cli import load_bundled
from curbside.library.bundled import bundled_paths
from curbside.models import KINDS

CASES = Path(__file__).resolve().parents[2] / "eval" / "cases" / "bundled.jsonl"
PATHS = bundled_paths()


def _front_matter(path: Path) -> tuple[dict, str]:
    text = path.read_text()
    match = re.match(r"\A---\n(.*?)\n---\n(.*)\Z", text, re.S)
    assert match, f"{path.name}: no front matter"
    return yaml.safe_load(match.group(1)), match.group(2)


def test_the_library_holds_at_least_45_topics():
    assert len(PATHS) >= 45


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_front_matter_names_its_sources_and_is_marked_unreviewed(path: Path):
    meta, body = _front_matter(path)
    assert meta["demonstration"] is True
    assert meta["reviewed"] is False
    assert "not clinically reviewed" in meta["notice"]
    assert meta["topic"] == path.stem
    assert meta["kind"] in KINDS
    assert meta["sources"], "a summary must name what it summarises"
    for source in meta["sources"]:
        for field in ("title", "publisher", "year", "url", "kind"):
            assert source.get(field), f"{path.name}: source without {field}: {source}"
        assert source["kind"] in KINDS
        assert str(source["url"]).startswith("https://")
    assert len(body.split()) >= 400
    assert body.lstrip().startswith("# ")


def test_most_topics_summarise_at_least_two_sources():
    counts = [len(_front_matter(p)[0]["sources"]) for p in PATHS]
    assert sum(c >= 2 for c in counts) >= 0.8 * len(counts)


def test_the_whole_library_ingests_without_error(runtime):
    report = load_bundled(runtime, quiet=True)
    assert report.failed == []
    assert report.new == len(PATHS)
    docs = runtime.store.list_documents(limit=500)
    assert all(d.demonstration and d.meta.get("reviewed") is False for d in docs)
    again = load_bundled(runtime, quiet=True)
    assert (again.unchanged, again.new, again.passages) == (len(PATHS), 0, 0)


def test_the_case_file_asks_three_questions_per_topic_and_25_outside_it():
    cases = [json.loads(line) for line in CASES.read_text().splitlines() if line.strip()]
    per_topic = Counter(c["topic"] for c in cases if not c.get("expect_abstain"))
    assert set(per_topic) == {p.stem for p in PATHS}
    assert min(per_topic.values()) >= 3
    assert sum(bool(c.get("expect_abstain")) for c in cases) >= 25


def test_every_fact_a_case_requires_stands_in_its_topic_document():
    texts = {p.stem: p.read_text().lower() for p in PATHS}
    for case in (json.loads(line) for line in CASES.read_text().splitlines() if line.strip()):
        for alternatives in case.get("must_include", []):
            assert any(a.lower() in texts[case["topic"]] for a in alternatives), (
                case["question"],
                alternatives,
            )
