"""The project's own case files are well formed, and the NGC ones quote their sources exactly.

A fact is only a fair test when its words stand in the guideline the case names; the source
check reads ../shared/data and skips cleanly where it is absent.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from curbside.eval.answers import load_cases
from tests.conftest import shared_path

CASES = Path(__file__).resolve().parents[2] / "eval" / "cases"
FILES = sorted(CASES.glob("*.jsonl"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_case_has_a_question_and_facts_or_an_abstention(path: Path):
    cases = load_cases(path)
    assert cases
    for case in cases:
        assert case["question"].strip()
        if case.get("expect_abstain"):
            assert not case.get("must_include")
        else:
            facts = case["must_include"]
            assert facts and all(
                alts and all(isinstance(a, str) and a for a in alts) for alts in facts
            )


@pytest.mark.parametrize(
    "name",
    [
        "ngc.jsonl",
        "ngc_holdout.jsonl",
        "ngc_vignettes_dev.jsonl",
        "ngc_vignettes_holdout.jsonl",
        "ngc_vignettes_fresh_holdout.jsonl",
    ],
)
def test_ngc_facts_stand_verbatim_in_the_named_guideline(name: str):
    source = shared_path("ngc_guideline_summaries", "ngc_guideline_summaries.jsonl.gz")
    with gzip.open(source, "rt") as handle:
        texts = {
            r["ngc_id"]: (r.get("major_recommendations") or "").lower()
            for r in map(json.loads, handle)
        }
    for case in load_cases(CASES / name):
        if case.get("expect_abstain") or "expect_source" not in case:
            continue
        text = texts[case["expect_source"]]
        for alts in case["must_include"]:
            assert any(a.lower() in text for a in alts), (case["expect_source"], alts)


def _sources(case: dict) -> set[str]:
    source = case.get("expect_source")
    if not source:
        return set()
    return {source} if isinstance(source, str) else set(source)


def test_fresh_vignettes_name_guidelines_no_other_case_file_uses():
    # The fresh file is held out only if none of its guidelines was the target of a case
    # anybody could have tuned on, and it covers each guideline once.
    fresh = load_cases(CASES / "ngc_vignettes_fresh_holdout.jsonl")
    fresh_sources = [s for case in fresh for s in _sources(case)]
    assert len(fresh_sources) == len(fresh) == len(set(fresh_sources))
    for path in FILES:
        if path.name == "ngc_vignettes_fresh_holdout.jsonl":
            continue
        shared = set(fresh_sources) & {s for case in load_cases(path) for s in _sources(case)}
        assert not shared, (path.name, sorted(shared))
