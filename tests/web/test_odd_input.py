"""Whatever a visitor sends, the answer is a proper answer or a clear 4xx, never a 500."""

from __future__ import annotations

import pytest

ODD_QUESTIONS = [
    "",
    "   \n\t ",
    "x" * 100_000,
    "b12 " * 25_000,  # 100 KB of words
    "💊💉🩺 B12 dose? 🤔",
    "B12\x00 dose\x07 for\x1b[31m adults\u202e\ufeff",
    "\x00\x01\x02",
    "<script>alert(1)</script> hydroxocobalamin dose",
    "'; DROP TABLE articles; --",
    'AND OR NOT ( ) " * ~ ^ : [ ] { }',
    "\ud7ff\U0010ffff",
]


@pytest.mark.parametrize("question", ODD_QUESTIONS)
def test_api_ask_with_odd_questions_never_fails_with_500(bundled_client, question):
    response = bundled_client.post("/api/ask", json={"question": question})
    assert response.status_code in (200, 422), response.text[:300]
    body = response.json()
    if response.status_code == 422:
        assert body["status"] == 422 and body["error"]
    else:
        assert body["abstained"] or body["sections"]


@pytest.mark.parametrize("question", ODD_QUESTIONS)
def test_form_ask_with_odd_questions_never_fails_with_500(bundled_client, question):
    response = bundled_client.post("/ask", data={"question": question}, follow_redirects=False)
    assert response.status_code in (303, 422), response.text[:300]
    if response.status_code == 303:
        page = bundled_client.get(response.headers["location"])
        assert page.status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"question": None},
        {"question": 42},
        {"question": ["b12"]},
        {"question": "b12", "audience": "vet"},
        {"question": "b12", "extra": 1},
        {"question": "b12", "follow_up_of": "x" * 500},
    ],
)
def test_api_ask_with_malformed_bodies_is_422(bundled_client, body):
    response = bundled_client.post("/api/ask", json=body)
    assert response.status_code == 422
    assert response.json()["status"] == 422


def test_api_ask_with_broken_json_is_422(bundled_client):
    response = bundled_client.post(
        "/api/ask", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422


def test_empty_question_is_refused_with_a_clear_message(bundled_client):
    response = bundled_client.post("/api/ask", json={"question": "  "})
    assert response.status_code == 422
    assert response.json()["error"] == "The question is empty: type a question, then ask."
    page = bundled_client.post("/ask", data={"question": " "})
    assert page.status_code == 422
    assert "The question is empty" in page.text
    assert 'name="question"' in page.text  # the box is there to try again


@pytest.mark.parametrize(
    "path",
    [
        "/a/%00",
        "/a/" + "x" * 5000,
        "/a/💊",
        "/library/%00",
        "/library/💊",
        "/api/articles/%00",
        "/api/documents/" + "y" * 5000,
    ],
)
def test_odd_paths_are_404(bundled_client, path):
    assert bundled_client.get(path).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/search?q=%00%01",
        "/search?q=" + "z" * 1000,
        "/search?q=💊🩺",
        "/search?q=AND+OR+(",
        "/library?q=%25_%00",
        "/library?q=💊",
        "/api/search?q=%00",
        "/api/search?q=" + "%F0%9F%92%8A" * 10,
        "/ask?q=%00",
        "/a/anything?audience=vet",
        "/library?page=0",
        "/search?q=" + "z" * 2000,
    ],
)
def test_odd_queries_are_answered_or_422(bundled_client, url):
    assert bundled_client.get(url).status_code in (200, 404, 422)
