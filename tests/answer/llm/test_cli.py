"""`curbside ask --engine llm` and `curbside eval answers --engine llm`, against a real
OpenAI-compatible HTTP server on 127.0.0.1 that copies its passages (fake_model.FakeEndpoint)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from curbside.cli import app

from .fake_model import FakeEndpoint, parrot_answer

GUIDE = """---
title: Vitamin B12 deficiency
publisher: Test Society
year: 2014
kind: guideline
---
# Vitamin B12 deficiency

## Treatment
Hydroxocobalamin 1 mg intramuscularly three times a week for two weeks is the usual start.

## Follow-up
Check the full blood count after 10 days of hydroxocobalamin treatment.
"""
QUESTION = "What hydroxocobalamin dose treats vitamin B12 deficiency?"


@pytest.fixture
def library(tmp_path: Path) -> dict[str, str | None]:
    env = {"CURBSIDE_HOME": str(tmp_path / "home"), "CURBSIDE_DATABASE_URL": None}
    (tmp_path / "b12.md").write_text(GUIDE)
    result = CliRunner().invoke(app, ["ingest", "-q", str(tmp_path / "b12.md")], env=env)
    assert result.exit_code == 0, result.output
    return env


@pytest.fixture
def endpoint():
    with FakeEndpoint(parrot_answer, delay=0) as running:
        yield running


def _llm_env(library, endpoint) -> dict[str, str | None]:
    return {**library, "CURBSIDE_LLM_BASE_URL": endpoint.url, "CURBSIDE_LLM_MODEL": "fake"}


def test_ask_with_the_llm_where_none_is_set_up_says_what_to_set(library):
    result = CliRunner().invoke(app, ["ask", QUESTION, "--engine", "llm"], env=library)
    assert result.exit_code == 2
    assert "CURBSIDE_LLM_BASE_URL" in result.output


def test_an_llm_default_without_an_endpoint_is_a_plain_error(library):
    env = {**library, "CURBSIDE_ENGINE": "llm"}
    result = CliRunner().invoke(app, ["ask", QUESTION], env=env)
    assert result.exit_code == 2
    assert "CURBSIDE_ENGINE=llm needs CURBSIDE_LLM_BASE_URL" in result.output
    assert "Traceback" not in result.output


def test_ask_with_the_llm_returns_its_article(library, endpoint):
    args = ["ask", QUESTION, "--engine", "llm", "--json"]
    result = CliRunner().invoke(app, args, env=_llm_env(library, endpoint))
    assert result.exit_code == 0, result.output
    article = json.loads(result.output)
    assert article["engine"] == "llm"
    assert article["metadata"]["llm"]["endpoint_host"] == endpoint.url.split("/")[2]
    assert "1 mg" in article["bottom_line"]["text"] + json.dumps(article["sections"])


def test_eval_answers_prints_both_engines_side_by_side(library, endpoint, tmp_path: Path):
    cases = tmp_path / "cases.jsonl"
    case = {"question": QUESTION, "must_include": [["1 mg"], ["10 days"]]}
    cases.write_text(json.dumps(case) + "\n")
    env = {**_llm_env(library, endpoint), "COLUMNS": "200"}
    args = ["eval", "answers", "--cases", str(cases), "--engine", "llm"]
    table = CliRunner().invoke(app, args, env=env)
    assert table.exit_code == 0, table.output
    assert "both engines" in table.output
    rows = [
        line
        for line in table.output.splitlines()
        if line.startswith("│") and line.strip("│ ").startswith(("extractive", "llm"))
    ]
    assert len(rows) == 2, table.output
    for column in ("fact recall", "bottom-line hit", "support", "number fidelity", "dropped"):
        assert column in table.output
    result = CliRunner().invoke(app, [*args, "--json"], env=env)
    summaries = json.loads(result.output)["summaries"]
    assert set(summaries) == {"extractive", "llm"}
    assert summaries["llm"]["served_by_llm"] == 1 and summaries["extractive"]["served_by_llm"] == 0
    assert summaries["llm"]["number_fidelity"] == 1.0 and summaries["llm"]["bullet_support"] == 1.0
    assert summaries["llm"]["fact_recall"] == summaries["extractive"]["fact_recall"] == 1.0
