"""`curbside eval abstention`: labelled examples from a tiny BEIR folder written by the test
(each query answerable as is, unanswerable with its gold document removed) and case files."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from curbside.cli import app
from curbside.eval.abstention import (
    DEVELOPMENT,
    HELD_OUT,
    case_file_split,
    collect,
    decision_signals,
    split_of,
    summarise,
)
from curbside.search.embedding import load_embedder

from ..conftest import shared_path

CORPUS = [
    ("d1", "Vitamin B12 deficiency", "Hydroxocobalamin 1 mg injections treat pernicious anaemia."),
    ("d2", "Acute otitis media", "Amoxicillin for five days treats ear infections in children."),
    ("d3", "Gout flares", "Colchicine 500 micrograms twice daily treats an acute gout flare."),
    ("d4", "Asthma", "Inhaled corticosteroids control persistent asthma symptoms in adults."),
    ("d5", "Hypothyroidism", "Levothyroxine replaces thyroid hormone; TSH guides the dose."),
    ("d6", "Scabies", "Permethrin cream applied to the whole body treats scabies."),
    ("d7", "Head lice", "Dimeticone lotion applied twice a week apart treats head lice."),
    ("d8", "Threadworm", "Mebendazole 100 mg as a single dose treats threadworm."),
]
QUERIES = [
    ("q1", "What dose of hydroxocobalamin treats pernicious anaemia?"),
    ("q2", "How long is amoxicillin given for ear infections in children?"),
    ("q3", "What colchicine dose treats an acute gout flare?"),
    ("q4", "What controls persistent asthma symptoms in adults?"),
    ("q5", "What guides the levothyroxine dose in hypothyroidism?"),
    ("q6", "How is permethrin cream applied for scabies?"),
    ("q7", "How often is dimeticone lotion applied for head lice?"),
    ("q8", "What mebendazole dose treats threadworm?"),
    ("q9", "A query without relevance judgements"),
]
QRELS = [(f"q{i}", f"d{i}", 1) for i in range(1, 9)]


@pytest.fixture
def beir(tmp_path: Path) -> Path:
    folder = tmp_path / "tiny"
    (folder / "qrels").mkdir(parents=True)
    (folder / "corpus.jsonl").write_text(
        "".join(json.dumps({"_id": i, "title": t, "text": x}) + "\n" for i, t, x in CORPUS)
    )
    (folder / "queries.jsonl").write_text(
        "".join(json.dumps({"_id": i, "text": t}) + "\n" for i, t in QUERIES)
    )
    (folder / "qrels" / "test.tsv").write_text(
        "query-id\tcorpus-id\tscore\n" + "".join(f"{q}\t{d}\t{s}\n" for q, d, s in QRELS)
    )
    return folder


def _env(tmp_path: Path) -> dict[str, str | None]:
    return {
        "CURBSIDE_HOME": str(tmp_path / "home"),
        "CURBSIDE_DATABASE_URL": None,
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }


def _run(tmp_path: Path, *args: str):
    return CliRunner().invoke(app, ["eval", "abstention", *args], env=_env(tmp_path))


def test_split_is_a_stable_half_by_query_id():
    # Fixed here so that a change of hash or salt, which would leak tuned-on questions into
    # the held-out part, cannot pass unnoticed.
    assert [split_of(f"q{i}") for i in range(1, 5)] == [DEVELOPMENT, HELD_OUT] * 2
    shares = sum(split_of(str(i)) == DEVELOPMENT for i in range(4000)) / 4000
    assert 0.47 < shares < 0.53


def test_case_files_split_by_name():
    assert case_file_split(Path("eval/cases/ngc_holdout.jsonl")) == HELD_OUT
    assert case_file_split(Path("eval/cases/off_domain_HOLDOUT.jsonl")) == HELD_OUT
    assert case_file_split(Path("eval/cases/ngc.jsonl")) == DEVELOPMENT


def test_decision_signals_prefer_answerability_and_fall_back_to_evidence_strength():
    old = SimpleNamespace(metadata={"evidence_strength": 0.42})
    assert decision_signals(old) == ("evidence_strength", 0.42, {"evidence_strength": 0.42})
    new = SimpleNamespace(
        metadata={
            "evidence_strength": 0.42,
            "answerability": 0.9,
            "decision_features": {"coverage": 0.8, "concept_match": 1},
        }
    )
    assert decision_signals(new) == ("answerability", 0.9, {"coverage": 0.8, "concept_match": 1.0})
    assert decision_signals(SimpleNamespace(metadata={}))[1] == 0.0


def test_each_query_gives_an_answerable_and_an_unanswerable_example(beir: Path):
    collected = collect([beir], [])
    examples = collected.examples
    assert len(examples) == 16  # q9 has no gold documents
    assert collected.untitled == {"tiny": (0, 8)}
    by_query: dict[str, list] = {}
    for ex in examples:
        by_query.setdefault(ex.qid, []).append(ex)
    for qid, pair in by_query.items():
        assert sorted(ex.label for ex in pair) == ["answerable", "unanswerable"]
        assert {ex.split for ex in pair} == {split_of(qid)}  # both halves of a query together
        # The decision's own features, the same names for every example.
        assert pair[0].features and set(pair[0].features) == set(pair[1].features)
    summary = summarise(collected)
    dev, held_out = summary["sets"]["tiny"][DEVELOPMENT], summary["sets"]["tiny"][HELD_OUT]
    assert (dev["answerable"], dev["unanswerable"]) == (4, 4)
    assert (held_out["answerable"], held_out["unanswerable"]) == (4, 4)
    # Each question's words stand only in its own document here: without it, nothing covers
    # the question as well.
    for pair in by_query.values():
        answerable = next(ex for ex in pair if ex.answerable)
        unanswerable = next(ex for ex in pair if not ex.answerable)
        assert unanswerable.score <= answerable.score


def test_untitled_documents_are_counted(beir: Path):
    rows = [json.loads(line) for line in (beir / "corpus.jsonl").read_text().splitlines()]
    rows[0]["title"] = rows[1]["title"] = ""
    (beir / "corpus.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert collect([beir], [], limit=1).untitled == {"tiny": (2, 8)}


def test_limit_takes_the_first_questions_of_each_set(beir: Path):
    examples = collect([beir], [], limit=3).examples
    assert sorted({ex.qid for ex in examples}) == ["q1", "q2", "q3"]


def test_cli_prints_both_splits_and_fits(tmp_path: Path, beir: Path):
    model_path = tmp_path / "model.json"
    result = _run(tmp_path, "--beir", str(beir), "--fit", str(model_path))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Abstention" in out and "tiny" in out
    assert "dev" in out and "held-out" in out and "AUROC" in out
    assert "Fitted model, held-out AUROC" in out
    assert "false abstention ≤ 10% on dev" in out
    assert "abstention recall 1.0 on dev case files: n/a" in out  # no case files given
    assert "…" not in out  # nothing truncated
    model = json.loads(model_path.read_text())
    assert model["features"] and model["features"] == sorted(model["features"])
    assert model["fitted_on"] == {"tiny": 8}  # development examples only
    assert len(model["mean"]) == len(model["scale"]) == len(model["coef"])
    assert len(model["coef"]) == len(model["features"])
    assert not (tmp_path / "home").exists()  # no case files: the user's library is not opened
    if load_embedder() is not None:  # the titles' vectors are kept for the next run
        assert list((tmp_path / "cache" / "curbside").glob("eval-titles-*.npz"))


def test_cli_json_with_a_case_file_over_the_configured_library(tmp_path: Path, beir: Path):
    guide = tmp_path / "b12.md"
    guide.write_text(
        "---\ntitle: Vitamin B12 deficiency\nkind: guideline\n---\n# Vitamin B12 deficiency\n\n"
        "## Treatment\nHydroxocobalamin 1 mg intramuscularly three times a week for two weeks.\n"
    )
    ingested = CliRunner().invoke(app, ["ingest", "-q", str(guide)], env=_env(tmp_path))
    assert ingested.exit_code == 0, ingested.output
    cases = tmp_path / "offdomain_holdout.jsonl"
    cases.write_text(
        json.dumps(
            {"question": "How do I reverse a linked list in Python?", "expect_abstain": True}
        )
        + "\n"
        + json.dumps({"question": "What dose of hydroxocobalamin for B12 deficiency?"})
        + "\n"
    )
    result = _run(tmp_path, "--beir", str(beir), "--cases", str(cases), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["score"] in ("answerability", "evidence_strength")
    assert set(data["sets"]) == {"tiny", "offdomain_holdout", "all"}
    held_out = data["sets"]["offdomain_holdout"][HELD_OUT]
    assert (held_out["answerable"], held_out["unanswerable"]) == (1, 1)
    assert data["sets"]["offdomain_holdout"][DEVELOPMENT]["answerable"] == 0
    assert data["fit"] is None
    all_ = data["sets"]["all"][HELD_OUT]
    assert 0.0 <= all_["auroc"] <= 1.0


def test_cli_needs_something_to_measure(tmp_path: Path):
    result = _run(tmp_path)
    assert result.exit_code == 2
    assert "--beir" in result.output


@pytest.mark.slow
def test_on_the_shared_beir_sets(tmp_path: Path):
    # PubMedQA: its records have no titles, so nothing is embedded up front (MedQuAD's 12,000
    # titles take minutes).
    folder = shared_path("beir", "pubmedqa")
    result = _run(tmp_path, "--beir", str(folder), "--limit", "6", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["untitled_documents"]["pubmedqa"][0] == data["untitled_documents"]["pubmedqa"][1]
    assert data["removed_documents_cited"].get("pubmedqa", 0) == 0
    parts = data["sets"]["pubmedqa"]
    assert sum(parts[s]["answerable"] for s in (DEVELOPMENT, HELD_OUT)) == 6
    assert sum(parts[s]["unanswerable"] for s in (DEVELOPMENT, HELD_OUT)) == 6
