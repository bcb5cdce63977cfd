"""The answer contract of PRODUCT.md holds over many questions: the project's case file, any
text a user might type, and the `curbside ask --json` output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from curbside.answer.pipeline import MAX_QUESTION_CHARS, answer
from curbside.answer.topics import topic_index
from curbside.articles.model import ABSTAIN_TEXT, Article
from curbside.cli import app
from curbside.errors import BadRequest, QuestionTooLong
from curbside.runtime import Runtime
from curbside.search.query import clean_query

from ..strategies import HOSTILE_PIECES
from .invariants import assert_contract, assert_contract_keys

CASES_FILE = Path(__file__).resolve().parents[2] / "eval" / "cases" / "bundled.jsonl"
CASES = [json.loads(line) for line in CASES_FILE.read_text().splitlines() if line.strip()]
# Every fourth case: ~60 questions across all topics, out-of-library ones included.
SAMPLE = CASES[::4]


def test_the_sample_covers_both_kinds_of_case():
    assert len(SAMPLE) >= 55
    assert any(c.get("expect_abstain") for c in SAMPLE)
    assert sum(not c.get("expect_abstain") for c in SAMPLE) >= 45


@pytest.mark.parametrize("case", SAMPLE, ids=[f"case{i * 4}" for i in range(len(SAMPLE))])
def test_contract_holds_over_the_bundled_case_file(library: Runtime, case: dict):
    article = answer(case["question"], library, fresh=True, persist=False)
    assert_contract(article, library.store)
    assert article.audience == "clinician"
    if article.abstained:  # closest topics only where they share the question's concept
        index = topic_index(library.retriever, library.store)
        about = {t.title for t in index.about(index.concepts(case["question"]))}
        assert set(article.closest_topics) <= about


def test_bundled_case_file_abstains_on_out_of_library_cases_in_the_sample(library: Runtime):
    outside = [c for c in SAMPLE if c.get("expect_abstain")]
    for case in outside:
        article = answer(case["question"], library, fresh=True, persist=False)
        assert article.abstained, case["question"]


# ---- any text a user might type --------------------------------------------------------------

_WORDS = [
    "B12", "vitamin", "hydroxocobalamin", "1 mg", "1.5 mg/kg", "48–72 hours", "dose",
    "in pregnancy", "children", "otitis", "media", "amoxicillin", "without", "what", "how",
]  # fmt: skip
_PIECES = HOSTILE_PIECES + _WORDS
QUESTION_TEXT = st.one_of(
    st.text(max_size=120),
    st.lists(st.sampled_from(_PIECES), max_size=30).map(" ".join),
    st.lists(st.sampled_from(_PIECES), max_size=30).map("".join),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=2100, max_size=3000),
    st.integers(min_value=500, max_value=4000).map(lambda n: ("B12 dose? " * n)[: n * 3]),
)


def _is_blank(question: str) -> bool:
    return not " ".join(clean_query(question).split())


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(question=QUESTION_TEXT)
@example(question="")
@example(question="   \n\t ")
@example(question="\x00\x01\u200b")
@example(question='title:"B12" AND (dose OR regimen) NOT body:* ~2 ^3')
@example(question="💊" * 50)
@example(question="What hydroxocobalamin dose?" + "\x1b[0m" * 20)
@example(question="a" * 10_000)
def test_any_question_text_answers_within_the_contract_or_is_refused_as_empty(
    library: Runtime, question: str
):
    try:
        article = answer(question, library, fresh=True, persist=False)
    except QuestionTooLong as exc:
        # Refused whole, never cut: only past the limit, and the message says by how much.
        assert len(question.strip()) > MAX_QUESTION_CHARS
        assert exc.length > MAX_QUESTION_CHARS and f"{MAX_QUESTION_CHARS:,}" in str(exc)
        return
    except BadRequest:
        assert _is_blank(question), f"refused a non-empty question: {question!r}"
        return
    assert not _is_blank(question), "an empty question was answered"
    assert_contract(article, library.store)
    assert article.bottom_line.text
    assert len(article.question) <= MAX_QUESTION_CHARS
    assert "\x00" not in article.question


@pytest.mark.parametrize("question", ["", "   ", "\n\t", "\x00\x1b", "\u200b\ufeff"])
def test_empty_questions_are_a_bad_request(library: Runtime, question: str):
    with pytest.raises(BadRequest):
        answer(question, library, fresh=True, persist=False)


def test_unknown_audience_is_a_bad_request(library: Runtime):
    with pytest.raises(BadRequest):
        answer("What dose of hydroxocobalamin?", library, audience="vet", persist=False)


# ---- the CLI's --json output -----------------------------------------------------------------


@pytest.fixture(scope="module")
def cli_home(tmp_path_factory) -> dict[str, str | None]:
    """A home the first `ask` fills with the bundled library, as on a new install."""
    home = tmp_path_factory.mktemp("cli-ask") / "home"
    return {"CURBSIDE_HOME": str(home), "CURBSIDE_DATABASE_URL": None}


def _ask_json(env: dict, *args: str) -> dict:
    result = CliRunner().invoke(app, ["ask", "--json", *args], env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("question", "audience", "abstains"),
    [
        (
            "When can a child with acute otitis media be observed without antibiotics, "
            "and how long before starting them?",
            "clinician",
            False,
        ),
        (
            "What cyanocobalamin dose and schedule should be used for severe vitamin B12 "
            "deficiency?",
            "patient",
            False,
        ),
        ("How do I fix a puncture in a bicycle tyre?", "clinician", True),
    ],
)
def test_ask_json_is_the_contract(cli_home, question: str, audience: str, abstains: bool):
    from curbside.runtime import open_runtime
    from curbside.settings import Settings

    data = _ask_json(cli_home, "--audience", audience, question)
    assert_contract_keys(data)
    article = Article.model_validate(data)
    assert article.abstained is abstains
    assert article.audience == audience
    assert article.question == question
    if abstains:
        assert data["sections"] == [] and data["bottom_line"]["text"] == ABSTAIN_TEXT
    else:
        assert data["sections"] and data["references"]
        assert all(isinstance(r["year"], int | None) for r in data["references"])
    rt = open_runtime(Settings(home=Path(cli_home["CURBSIDE_HOME"]), database_url=None))
    try:
        assert_contract(article, rt.store)
    finally:
        rt.close()


def test_ask_json_returns_the_stored_article_unless_fresh(cli_home):
    question = "What hydroxocobalamin regimen is used for pernicious anaemia?"
    first = _ask_json(cli_home, question)
    again = _ask_json(cli_home, "  WHAT hydroxocobalamin regimen is used, for pernicious anaemia ")
    assert again["id"] == first["id"]
    fresh = _ask_json(cli_home, "--fresh", question)
    assert fresh["id"] != first["id"]
    assert fresh["bottom_line"] == first["bottom_line"]
    assert fresh["sections"] == first["sections"]


def test_ask_empty_question_exits_2_with_a_message(cli_home):
    result = CliRunner().invoke(app, ["ask", "--json", "   "], env=cli_home)
    assert result.exit_code == 2
    assert "empty" in result.output


def test_ask_follow_up_of_missing_article_exits_2(cli_home):
    result = CliRunner().invoke(
        app, ["ask", "--json", "--follow-up", "nope", "And for children?"], env=cli_home
    )
    assert result.exit_code == 2
    assert "nope" in result.output


def test_ask_renders_for_the_terminal(cli_home):
    result = CliRunner().invoke(
        app, ["ask", "What hydroxocobalamin regimen is used for pernicious anaemia?"], env=cli_home
    )
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "What hydroxocobalamin regimen is used for pernicious anaemia?" in text
    assert "[1]" in text
    assert "Vitamin B12 deficiency" in text
