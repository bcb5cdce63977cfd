"""The LLM engine on the web: the ask form's draft stream, the API's engine choice, the
no-JS path, what readers and reviewers are shown of dropped bullets. The model is a function
behind httpx.MockTransport (tests/answer/llm/fake_model.py); the app and its store are real."""

from __future__ import annotations

import json
import re

from ..answer.llm.fake_model import KEY, parrot_answer, transport
from ..review.conftest import QUESTION as REVIEW_QUESTION
from .conftest import B12_QUESTION
from .reviewing import ReviewSite

LLM = {"llm_base_url": "http://llm.test:8080/v1", "llm_model": "fake-model-1", "llm_api_key": KEY}
DIGIT = re.compile(r"\d")


def _client(make_client, write=parrot_answer, **settings):
    client = make_client(**{**LLM, **settings})
    client.app.state.web.asker.llm_transport = transport(write, pieces=40)
    return client


def _events(text: str) -> list[tuple[str, dict]]:
    events = []
    for block in text.split("\n\n"):
        kind = re.search(r"^event: (.*)$", block, re.M)
        data = re.search(r"^data: (.*)$", block, re.M)
        if kind and data:
            events.append((kind[1], json.loads(data[1])))
    return events


def wrong_number(body):
    reply = parrot_answer(body)
    first = reply["sections"][0]["bullets"][0]
    first["text"] = (
        DIGIT.sub("7", first["text"], count=1)
        if DIGIT.search(first["text"])
        else (first["text"].rstrip(".") + " for 7 days.")
    )
    return reply


def test_the_stream_shows_the_draft_without_numbers_then_the_verified_answer(make_client):
    client = _client(make_client, engine="llm")
    response = client.post("/ask/stream", data={"question": B12_QUESTION})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = _events(response.text)
    drafts = [data["statements"] for kind, data in events if kind == "draft"]
    assert len(drafts) >= 3, "the draft grows as the model writes"
    assert all(not DIGIT.search(s) for statements in drafts for s in statements)
    assert len(drafts[-1]) > len(drafts[0]) or len(drafts[-1][-1]) > len(drafts[0][-1])
    kind, data = events[-1]
    assert kind == "done" and data["location"].startswith("/a/")
    page = client.get(data["location"])
    assert page.status_code == 200
    article = client.get("/api/articles/" + data["location"].removeprefix("/a/")).json()
    assert article["engine"] == "llm"
    # The verified answer does show its numbers, each standing in its evidence.
    assert DIGIT.search(article["bottom_line"]["text"] + page.text)


def test_a_refused_question_ends_the_stream_with_the_reason(make_client):
    client = _client(make_client, engine="llm")
    response = client.post("/ask/stream", data={"question": "x" * 5000})
    [(kind, data)] = _events(response.text)
    assert kind == "refused" and "4,000" in data["message"]


def test_without_javascript_the_form_waits_for_the_verified_answer(make_client):
    client = _client(make_client, engine="llm")
    home = client.get("/").text
    assert 'data-stream="/ask/stream"' in home
    response = client.post("/ask", data={"question": B12_QUESTION}, follow_redirects=False)
    assert response.status_code == 303
    slug = response.headers["location"].removeprefix("/a/")
    assert client.get("/api/articles/" + slug).json()["engine"] == "llm"


def test_an_extractive_server_does_not_offer_the_stream(make_client):
    client = make_client()
    assert "data-stream" not in client.get("/").text


def test_the_api_asks_the_engine_named(make_client):
    client = _client(make_client)  # the server's default stays extractive
    default = client.post("/api/ask", json={"question": B12_QUESTION}).json()
    llm = client.post("/api/ask", json={"question": B12_QUESTION, "engine": "llm"}).json()
    assert default["engine"] == "extractive" and llm["engine"] == "llm"
    assert llm["id"] != default["id"]
    assert llm["metadata"]["llm"]["model"] == "fake-model-1"
    assert llm["metadata"]["llm"]["endpoint_host"] == "llm.test:8080"
    again = client.post("/api/ask", json={"question": B12_QUESTION, "engine": "llm"}).json()
    assert again["id"] == llm["id"], "an LLM answer is stored and found again like any other"
    assert KEY not in json.dumps(llm) and KEY not in client.get("/a/" + llm["slug"]).text


def test_the_api_refuses_the_llm_where_none_is_set_up(make_client):
    client = make_client()
    response = client.post("/api/ask", json={"question": B12_QUESTION, "engine": "llm"})
    assert response.status_code == 422
    assert "CURBSIDE_LLM_BASE_URL" in response.json()["error"]
    bad = client.post("/api/ask", json={"question": B12_QUESTION, "engine": "gpt"})
    assert bad.status_code == 422


def test_readers_get_the_reasons_and_reviewers_the_dropped_text(
    make_client, tmp_path, cheap_argon2
):
    client = _client(make_client, wrong_number)
    site = ReviewSite.build(client, tmp_path)
    asked = client.post(
        "/api/ask",
        json={"question": REVIEW_QUESTION, "engine": "llm"},
        headers=site.bearer("reader"),
    ).json()
    assert asked["engine"] == "llm", asked["metadata"].get("llm")
    [seen] = asked["metadata"]["dropped_bullets"]
    assert seen["text"] is None and seen["reason"] == "numbers not in its passages"
    reviewer = site.login("reviewer")
    page = reviewer.get(f"/review/{asked['id']}").text
    assert 'id="engine-report"' in page and "fake-model-1" in page
    stored = client.app.state.web.rt.store
    from curbside import articles

    full = articles.load(stored.articles, asked["id"]).metadata["dropped_bullets"][0]
    assert full["text"] and full["reason"].startswith("numbers not in its passages: ")
    assert full["reason"].split(": ")[1] in page.replace("&#39;", "'")
    assert "Dropped from this answer (1)" in page
