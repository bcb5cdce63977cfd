"""The JSON API: the article contract, the read endpoints, and errors as JSON."""

from __future__ import annotations

import pytest

from curbside.articles.model import Article
from curbside.web.service import NOT_PUBLISHED
from tests.answer.invariants import assert_contract, assert_contract_keys

from .conftest import ABSTAIN_QUESTION, B12_QUESTION


def test_ask_returns_the_article_contract_with_every_invariant(bundled_client, b12_article):
    assert_contract_keys(b12_article)
    article = Article.model_validate(b12_article)
    assert not article.abstained
    assert article.sections and article.references
    store = bundled_client.app.state.web.rt.store
    assert_contract(article, store)
    for bullet in article.all_bullets():
        for ev in bullet.evidence:
            assert ev.section_path and ev.document_id


def test_ask_again_returns_the_stored_article(bundled_client, b12_article):
    again = bundled_client.post("/api/ask", json={"question": B12_QUESTION.upper()})
    assert again.status_code == 200
    assert again.json()["id"] == b12_article["id"]


def test_abstained_answer_has_no_sections_and_lists_closest_topics(bundled_client):
    response = bundled_client.post("/api/ask", json={"question": ABSTAIN_QUESTION})
    assert response.status_code == 200
    data = response.json()
    assert data["abstained"] is True
    assert data["sections"] == [] and data["references"] == []
    assert data["closest_topics"]


def test_patient_audience_keeps_every_number(bundled_client, b12_article):
    response = bundled_client.post(
        "/api/ask", json={"question": B12_QUESTION, "audience": "patient"}
    )
    assert response.status_code == 200
    patient = response.json()
    assert patient["audience"] == "patient"
    assert patient["disclaimer"] != b12_article["disclaimer"]
    clinician_text = b12_article["bottom_line"]["text"]
    assert patient["bottom_line"]["text"] != clinician_text
    assert (
        "1000 micrograms" in clinician_text and "1000 micrograms" in patient["bottom_line"]["text"]
    )


def test_follow_up_carries_the_topic_of_the_question_before(bundled_client, b12_article):
    response = bundled_client.post(
        "/api/ask",
        json={
            "question": "How long should maintenance continue?",
            "follow_up_of": b12_article["id"],
        },
    )
    assert response.status_code == 200
    data = response.json()
    assert data["follow_up_of"] == b12_article["id"]
    assert data["thread_id"] == b12_article["thread_id"]
    assert not data["abstained"]
    assert any("B12" in (r["summary_title"] or r["title"]) for r in data["references"])


def test_follow_up_of_an_unknown_article_is_404(bundled_client):
    response = bundled_client.post(
        "/api/ask", json={"question": "and in children?", "follow_up_of": "nope"}
    )
    assert response.status_code == 404
    # The words an answer the caller may not see gets too: neither tells which it is.
    assert response.json() == {"error": NOT_PUBLISHED, "status": 404}


def test_get_article_by_id_and_by_slug(bundled_client, b12_article):
    for key in (b12_article["id"], b12_article["slug"]):
        response = bundled_client.get(f"/api/articles/{key}")
        assert response.status_code == 200
        assert response.json()["id"] == b12_article["id"]
    missing = bundled_client.get("/api/articles/does-not-exist")
    assert missing.status_code == 404
    assert missing.json()["status"] == 404


def test_search_returns_ranked_passages_with_links(bundled_client):
    response = bundled_client.get("/api/search", params={"q": "hydroxocobalamin dose", "k": 3})
    assert response.status_code == 200
    data = response.json()
    assert 1 <= len(data["hits"]) <= 3
    first = data["hits"][0]
    assert first["rank"] == 1
    assert first["link"] == f"/library/{first['document_id']}#{first['passage_id']}"
    assert "B12" in first["title"]


def test_search_reports_spelling_corrections(bundled_client):
    data = bundled_client.get("/api/search", params={"q": "hydroxocobalamn"}).json()
    assert data["corrections"] == {"hydroxocobalamn": "hydroxocobalamin"}


@pytest.mark.parametrize(
    "params", [{}, {"q": ""}, {"q": "b12", "k": 0}, {"q": "b12", "k": 1000}, {"q": "b12", "k": "x"}]
)
def test_bad_search_requests_are_422_json(bundled_client, params):
    response = bundled_client.get("/api/search", params=params)
    assert response.status_code == 422
    body = response.json()
    assert body["status"] == 422 and body["error"]


def test_get_document_with_its_passages(bundled_client, b12_article):
    doc_id = b12_article["references"][0]["document_id"]
    response = bundled_client.get(f"/api/documents/{doc_id}")
    assert response.status_code == 200
    data = response.json()
    assert data["id"] == doc_id and data["status"] == "current" and data["version"] == 1
    assert data["demonstration"] is True and data["sources"]
    passage_ids = {p["id"] for p in data["passages"]}
    for bullet in (b for s in b12_article["sections"] for b in s["bullets"]):
        for ev in bullet["evidence"]:
            if ev["document_id"] == doc_id:
                assert ev["passage_id"] in passage_ids
    assert bundled_client.get("/api/documents/nope").status_code == 404
    # Each statement of a passage names the keys of the sources it came from; an answer's
    # reference to a source is backed by a quote from a statement that names it.
    keys = {s["key"] for s in data["sources"]}
    statements = {p["id"]: (p["text"], p["statements"]) for p in data["passages"]}
    assert all(
        st["sources"] and set(st["sources"]) <= keys for _, sts in statements.values() for st in sts
    )
    refs = {r["n"]: r for r in b12_article["references"]}
    for bullet in (b for s in b12_article["sections"] for b in s["bullets"]):
        for ev in bullet["evidence"]:
            text, sts = statements[ev["passage_id"]]
            at = text.index(ev["quote"])
            named = {
                k
                for st in sts
                if st["start"] < at + len(ev["quote"]) and at < st["end"]
                for k in st["sources"]
            }
            assert refs[ev["ref"]]["source_key"] in named
            assert refs[ev["ref"]]["note"].startswith("Summarised in the Curbside demonstration")


def test_unknown_api_path_and_wrong_method_are_json(bundled_client):
    missing = bundled_client.get("/api/nothing-here")
    assert missing.status_code == 404 and missing.json()["status"] == 404
    wrong = bundled_client.get("/api/ask")
    assert wrong.status_code == 405 and wrong.json()["status"] == 405


def test_openapi_schema_documents_every_endpoint(bundled_client):
    spec = bundled_client.get("/openapi.json").json()
    assert {
        "/api/ask",
        "/api/articles/{article_id}",
        "/api/search",
        "/api/documents/{document_id}",
    } <= set(spec["paths"])
    assert "Article" in spec["components"]["schemas"]
    docs = bundled_client.get("/docs")
    assert docs.status_code == 200
    assert "POST /api/ask" in docs.text and "AskRequest" in docs.text
    assert "cdn" not in docs.text.lower()
