"""`curbside search --json`: the shape scripts rely on."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from curbside.cli import app

GUIDE = """---
title: Vitamin B12 deficiency
publisher: Test Society
year: 2014
kind: guideline
---
# Vitamin B12 deficiency

## Treatment
Hydroxocobalamin 1 mg intramuscularly three times a week for two weeks.

## Follow-up
Check the full blood count after 10 days.
"""


def _env(tmp_path: Path) -> dict[str, str | None]:
    return {"CURBSIDE_HOME": str(tmp_path / "home"), "CURBSIDE_DATABASE_URL": None}


def _loaded(tmp_path: Path) -> CliRunner:
    (tmp_path / "b12.md").write_text(GUIDE)
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", "-q", str(tmp_path / "b12.md")], env=_env(tmp_path))
    assert result.exit_code == 0, result.output
    return runner


def test_search_json_has_query_corrections_timing_and_ranked_hits(tmp_path: Path):
    runner = _loaded(tmp_path)
    result = runner.invoke(app, ["search", "--json", "-k", "5", "B12 IM dose"], env=_env(tmp_path))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"query", "corrections", "missing_concepts", "took_ms", "hits"}
    assert data["query"] == "B12 IM dose" and data["corrections"] == {}
    assert isinstance(data["took_ms"], float)
    assert 1 <= len(data["hits"]) <= 5
    top = data["hits"][0]
    assert set(top) == {
        "rank",
        "score",
        "passage_id",
        "document_id",
        "title",
        "publisher",
        "year",
        "kind",
        "section",
        "text",
        "link",
    }
    assert top["link"] == f"/library/{top['document_id']}#{top['passage_id']}"  # as /api/search
    assert (top["rank"], top["title"], top["publisher"], top["year"], top["kind"]) == (
        1,
        "Vitamin B12 deficiency",
        "Test Society",
        2014,
        "guideline",
    )
    assert top["section"] == "Vitamin B12 deficiency › Treatment"
    assert top["text"].startswith("Hydroxocobalamin 1 mg intramuscularly")
    assert top["passage_id"].startswith(top["document_id"] + "-")
    assert [h["rank"] for h in data["hits"]] == list(range(1, len(data["hits"]) + 1))
    scores = [h["score"] for h in data["hits"]]
    assert scores == sorted(scores, reverse=True)


def test_search_json_reports_a_spelling_correction(tmp_path: Path):
    runner = _loaded(tmp_path)
    result = runner.invoke(app, ["search", "--json", "hydroxocobalamn"], env=_env(tmp_path))
    data = json.loads(result.stdout)
    assert data["corrections"] == {"hydroxocobalamn": "hydroxocobalamin"}
    assert data["hits"][0]["section"].endswith("Treatment")


def test_search_json_with_no_match_is_an_empty_list(tmp_path: Path):
    runner = _loaded(tmp_path)
    result = runner.invoke(app, ["search", "--json", '" ) ( AND'], env=_env(tmp_path))
    assert result.exit_code == 0
    assert json.loads(result.stdout)["hits"] == []


def test_search_text_output_names_the_document_and_section(tmp_path: Path):
    runner = _loaded(tmp_path)
    result = runner.invoke(app, ["search", "hydroxocobalamin"], env=_env(tmp_path))
    assert result.exit_code == 0
    assert "1. Vitamin B12 deficiency" in result.stdout
    assert "Vitamin B12 deficiency › Treatment" in result.stdout


def test_search_rejects_k_out_of_range(tmp_path: Path):
    runner = CliRunner()
    result = runner.invoke(app, ["search", "-k", "0", "x"], env=_env(tmp_path))
    assert result.exit_code == 2


HEPATITIS_B = """---
title: Hepatitis B vaccination
publisher: Test Society
year: 2020
kind: guideline
---
# Hepatitis B vaccination

## Schedule
Give hepatitis B vaccine at 0, 1 and 6 months; hepatitis B treatment is for specialists.
"""


def test_search_says_when_the_library_lacks_the_concept_asked_for(tmp_path: Path):
    (tmp_path / "hepb.md").write_text(HEPATITIS_B)
    runner = CliRunner()
    loaded = runner.invoke(app, ["ingest", "-q", str(tmp_path / "hepb.md")], env=_env(tmp_path))
    assert loaded.exit_code == 0, loaded.output
    lacking = runner.invoke(app, ["search", "hepatitis C treatment"], env=_env(tmp_path))
    assert lacking.exit_code == 0, lacking.output
    assert "does not mention hepatitis c" in lacking.output
    shaped = runner.invoke(app, ["search", "hepatitis C treatment", "--json"], env=_env(tmp_path))
    assert json.loads(shaped.output)["missing_concepts"] == ["hepatitis c"]
    named = runner.invoke(app, ["search", "hepatitis B treatment", "--json"], env=_env(tmp_path))
    assert json.loads(named.output)["missing_concepts"] == []
