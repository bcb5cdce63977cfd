"""`curbside eval retrieval --beir DIR`: on a tiny BEIR folder written by the test."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from curbside.cli import app

CORPUS = [
    ("d1", "Vitamin B12 deficiency", "Hydroxocobalamin injections treat pernicious anaemia."),
    ("d2", "Acute otitis media", "Amoxicillin is the first choice for ear infections in children."),
    ("d3", "Gout flares", "Colchicine or an NSAID treats an acute gout flare."),
    ("d4", "Asthma", "Inhaled corticosteroids control persistent asthma symptoms."),
    ("d5", "Hypothyroidism", "Levothyroxine replaces thyroid hormone; TSH guides the dose."),
]
QUERIES = [
    ("q1", "hydroxocobalamin for pernicious anaemia"),
    ("q2", "amoxicillin for ear infection in children"),
    ("q3", "a query without relevance judgements"),
]
QRELS = [("q1", "d1", 1), ("q2", "d2", 2)]


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


def _run(tmp_path: Path, *args: str):
    env = {"CURBSIDE_HOME": str(tmp_path / "home"), "CURBSIDE_DATABASE_URL": None}
    return CliRunner().invoke(app, ["eval", "retrieval", *args], env=env)


def test_eval_retrieval_json(tmp_path: Path, beir: Path):
    result = _run(tmp_path, "--beir", str(beir), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["dataset"] == "tiny"
    assert data["queries"] == 2  # q3 has no judgements
    assert data["passages"] == 5
    assert data["ingest_failures"] == 0
    assert set(data["systems"]) == {"curbside", "bm25s (reference)"}
    for metrics in data["systems"].values():
        assert set(metrics) == {"recall@10", "recall@100", "ndcg@10", "mrr@10", "qps"}
        assert metrics["recall@10"] == 1.0
        assert metrics["recall@100"] == 1.0
        assert metrics["mrr@10"] == 1.0
        assert metrics["ndcg@10"] == pytest.approx(1.0)
        assert metrics["qps"] > 0
    # The evaluation runs in a temporary library, not in the user's home.
    assert not (tmp_path / "home").exists()


def test_eval_retrieval_limit_and_no_reference(tmp_path: Path, beir: Path):
    result = _run(tmp_path, "--beir", str(beir), "--json", "--limit", "1", "--no-reference")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["queries"] == 1
    assert set(data["systems"]) == {"curbside"}


def test_eval_retrieval_table(tmp_path: Path, beir: Path):
    result = _run(tmp_path, "--beir", str(beir), "--no-reference")
    assert result.exit_code == 0, result.output
    assert "curbside" in result.stdout and "nDCG@10" in result.stdout


def test_eval_retrieval_on_a_folder_that_is_not_beir(tmp_path: Path):
    (tmp_path / "empty").mkdir()
    result = _run(tmp_path, "--beir", str(tmp_path / "empty"), "--json")
    assert result.exit_code == 1
    assert "qrels/test.tsv" in result.output


def test_eval_retrieval_without_bm25s_runs_curbside_and_says_how_to_install_it(
    tmp_path: Path, beir: Path, monkeypatch
):
    # None in sys.modules makes `import bm25s` raise ImportError, as on an install without
    # the development extras.
    monkeypatch.setitem(sys.modules, "bm25s", None)
    result = _run(tmp_path, "--beir", str(beir), "--json")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output and "ModuleNotFoundError" not in result.output
    data = json.loads(result.stdout)
    assert set(data["systems"]) == {"curbside"}
    assert data["systems"]["curbside"]["recall@10"] == 1.0
    assert "pip install bm25s==0.3.16 PyStemmer" in data["reference_skipped"]
    assert "pip install bm25s==0.3.16 PyStemmer" in result.stderr
    table = _run(tmp_path, "--beir", str(beir))
    assert table.exit_code == 0, table.output
    assert "reference BM25 was skipped" in table.stderr and "curbside" in table.stdout
