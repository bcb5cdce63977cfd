"""`curbside eval answers`: fact recall, support, number fidelity, abstention and latency."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from curbside.answer.audience import patient_text, reading_grade
from curbside.articles.model import ABSTAIN_TEXT, Article, BottomLine, Bullet, Evidence, Section
from curbside.cli import app
from curbside.errors import CurbsideError
from curbside.eval.answers import CaseResult, load_cases, score_case, summarise
from curbside.runtime import open_runtime
from curbside.settings import Settings

CASES = [
    {
        "question": "What cyanocobalamin dose and schedule should be used for a patient with "
        "severe vitamin B12 deficiency when only cyanocobalamin is available?",
        "must_include": [["1000 micrograms"], ["intramuscular"], ["monthly", "every month"]],
    },
    {
        "question": "When can a child with acute otitis media be observed without antibiotics, "
        "and how long before starting them?",
        "must_include": [["48 to 72 hours"], ["6 to 23 months"]],
        "expect_source": "Acute otitis media",
    },
    {"question": "How do I fix a puncture in a bicycle tyre?", "expect_abstain": True},
]


def _env(home: Path) -> dict[str, str | None]:
    return {"CURBSIDE_HOME": str(home), "CURBSIDE_DATABASE_URL": None}


def test_eval_answers_json_on_a_tiny_case_file(tmp_path: Path):
    cases = tmp_path / "cases.jsonl"
    cases.write_text("\n".join(json.dumps(c) for c in CASES) + "\n\n")
    home = tmp_path / "home"
    result = CliRunner().invoke(
        app, ["eval", "answers", "--cases", str(cases), "--json"], env=_env(home)
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["cases_file"] == str(cases)
    summary = data["summary"]
    assert summary["cases"] == 3
    assert summary["answerable"] == 2
    assert summary["out_of_library"] == 1
    assert summary["fact_recall"] == 1.0
    assert summary["fact_recall_when_answered"] == 1.0
    assert summary["bullet_support"] == 1.0
    assert summary["number_fidelity"] == 1.0
    assert summary["abstention_precision"] == 1.0
    assert summary["abstention_recall"] == 1.0
    assert summary["false_abstention"] == 0.0
    assert summary["expected_source_cited"] == 1.0
    assert 0 < summary["latency_p50_ms"] <= summary["latency_p95_ms"]
    # Evaluation answers are not stored as articles.
    rt = open_runtime(Settings(home=home, database_url=None))
    try:
        assert rt.store.stats()["documents"] > 0
        assert rt.store.articles.list_articles() == []
    finally:
        rt.close()


def test_eval_answers_table_and_misses(tmp_path: Path):
    cases = tmp_path / "cases.jsonl"
    missing = {"question": CASES[0]["question"], "must_include": [["a fact nowhere at all"]]}
    wrong = {"question": "How do I fix a puncture in a bicycle tyre?"}
    cases.write_text("\n".join(json.dumps(c) for c in [missing, wrong]))
    result = CliRunner().invoke(
        app, ["eval", "answers", "--cases", str(cases), "--show-misses"], env=_env(tmp_path / "h")
    )
    assert result.exit_code == 0, result.output
    assert "fact_recall" in result.stdout and "number_fidelity" in result.stdout
    assert "MISSING" in result.stdout and "a fact nowhere at all" in result.stdout
    assert "ABSTAINED" in result.stdout


def test_eval_answers_reports_a_bad_case_file(tmp_path: Path):
    cases = tmp_path / "bad.jsonl"
    cases.write_text('{"question": "ok"}\n{not json\n')
    result = CliRunner().invoke(
        app, ["eval", "answers", "--cases", str(cases)], env=_env(tmp_path / "h")
    )
    assert result.exit_code == 2
    assert "bad.jsonl:2" in result.output


def test_load_cases_needs_a_question(tmp_path: Path):
    path = tmp_path / "c.jsonl"
    path.write_text('{"question": "a"}\n\n{"must_include": []}\n')
    with pytest.raises(CurbsideError, match=r"c\.jsonl:3"):
        load_cases(path)
    path.write_text('{"question": "a"}\n\n{"question": "b", "expect_abstain": true}\n')
    assert [c["question"] for c in load_cases(path)] == ["a", "b"]


# ---- pure scoring ------------------------------------------------------------------------------

QUOTE = "BSH advises hydroxocobalamin 1 mg intramuscularly every 3 months."


def _article(text: str, quote: str = QUOTE, audience: str = "clinician") -> Article:
    evidence = [Evidence(ref=1, passage_id="p", quote=quote)]
    return Article(
        id="a",
        question="q",
        audience=audience,
        bottom_line=BottomLine(text=quote, citations=[1], evidence=evidence),
        sections=[
            Section(title="T", bullets=[Bullet(text=text, citations=[1], evidence=evidence)])
        ],
        created_at="2026-01-01T00:00:00",
        updated_at="2026-01-01T00:00:00",
    )


def test_score_case_counts_facts_support_and_numbers():
    case = {"question": "q", "must_include": [["1 MG"], ["6-monthly", "every 6 months"], ["zz"]]}
    result = score_case(case, _article(QUOTE.replace("3 months", "6 months")), 12.0)
    assert (result.facts, result.found) == (3, 2)
    assert result.missing == [["zz"]]
    assert (result.bullets, result.supported) == (2, 1)
    # Bottom line 1 mg + 3 months, bullet 1 mg + 6 months: three of four numbers found.
    assert (result.numbers, result.numbers_found) == (4, 3)
    assert result.latency_ms == 12.0


def test_score_case_of_an_abstention():
    abstained = Article(
        id="a",
        question="q",
        abstained=True,
        bottom_line=BottomLine(text=ABSTAIN_TEXT),
        created_at="t",
        updated_at="t",
    )
    result = score_case({"question": "q", "expect_abstain": True}, abstained, 1.0)
    assert result.abstained and result.expect_abstain
    assert result.bullets == 0 and result.numbers == 0


def test_summarise_abstention_precision_and_recall():
    def r(expect: bool, abstained: bool, facts: int = 0, found: int = 0) -> CaseResult:
        return CaseResult("q", expect, abstained, facts, found, latency_ms=10.0)

    results = [
        r(False, False, 4, 3),
        r(False, True, 2, 0),  # a false abstention
        r(True, True),
        r(True, False),  # answered what it should not have
        r(True, True),
    ]
    summary = summarise(results)
    assert summary["fact_recall"] == pytest.approx(3 / 6)
    assert summary["fact_recall_when_answered"] == pytest.approx(3 / 4)
    assert summary["abstention_precision"] == pytest.approx(2 / 3)
    assert summary["abstention_recall"] == pytest.approx(2 / 3)
    assert summary["false_abstention"] == pytest.approx(1 / 2)
    assert summary["bullet_support"] is None and summary["number_fidelity"] is None
    assert summary["latency_p50_ms"] == 10.0


def test_summarise_nothing():
    summary = summarise([])
    assert summary["cases"] == 0
    assert summary["fact_recall"] is None and summary["abstention_recall"] is None


def test_score_case_measures_the_patient_wording_of_a_clinician_answer():
    clinician = _article(QUOTE)
    result = score_case({"question": "q"}, clinician, 1.0)
    # The grade is that of the patient wording the rules make, not of the clinician text.
    assert result.patient_grade is not None
    assert result.patient_grade < reading_grade(patient_text(clinician))
    assert result.patient_numbers_kept is True
    patient = score_case({"question": "q"}, _article(QUOTE, audience="patient"), 1.0)
    assert patient.patient_grade == reading_grade(patient_text(_article(QUOTE)))
    assert patient.patient_numbers_kept is None  # no clinician wording to compare with


def test_summarise_patient_grades_median_and_share_at_most_8():
    def r(grade: float | None, kept: bool | None = True) -> CaseResult:
        return CaseResult(
            "q",
            False,
            grade is None,
            0,
            0,
            patient_grade=grade,
            patient_numbers_kept=kept if grade is not None else None,
        )

    summary = summarise([r(6.0), r(8.0), r(9.5), r(12.0, kept=False), r(None)])
    assert summary["patient_grade_median"] == pytest.approx(8.75)
    assert summary["patient_share_at_most_8"] == pytest.approx(2 / 4)
    assert summary["patient_grade_max"] == 12.0
    assert summary["patient_numbers_kept"] == pytest.approx(3 / 4)
    assert summarise([])["patient_grade_median"] is None
