"""Over HTTP: related questions on a fresh install come from the library's topics; a stored
approved question is offered only under an answer on its concept; abstention pages list only
topics of the question's concept and name what the library lacks."""

from __future__ import annotations

import html
import re
import warnings
from collections.abc import Iterator

import pytest

from curbside.cli import load_bundled
from curbside.review import accounts, service
from curbside.review.accounts import OPERATOR
from curbside.runtime import open_runtime
from curbside.web import create_app

from ..review.conftest import PASSWORD
from .conftest import B12_QUESTION, web_settings

with warnings.catch_warnings():
    from starlette.exceptions import StarletteDeprecationWarning

    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

GOUT_QUESTION = "What colchicine dose treats an acute gout flare?"
LINK = re.compile(r'<a href="(/ask\?q=[^"]+)"[^>]*>([^<]+)</a>')


@pytest.fixture(scope="module")
def app(tmp_path_factory, cheap_argon2) -> Iterator:
    """A fresh install: the bundled library, no stored questions, one reviewer."""
    home = tmp_path_factory.mktemp("related-pages") / "home"
    rt = open_runtime(web_settings(home))
    try:
        load_bundled(rt, quiet=True)
        accounts.create_user(
            rt.store, OPERATOR, email="rev@example.org", name="Dr Rev", role="reviewer",
            password=PASSWORD,
        )  # fmt: skip
    finally:
        rt.close()
    with TestClient(create_app(web_settings(home))) as client:
        client.app.state.web.article_pages.revalidate_after = 0.0
        yield client.app


def _ask(client: TestClient, question: str) -> dict:
    response = client.post("/api/ask", json={"question": question})
    assert response.status_code == 200, response.text
    return response.json()


def _approve(app, article_id: str) -> None:
    store = app.state.web.rt.store
    reviewer = accounts.find_user(store, "rev@example.org")
    claimed = service.claim(
        store, reviewer, article_id, store.articles.get_article(article_id)["version"]
    )
    service.approve(store, reviewer, article_id, claimed.version)


def _related(page: str) -> list[tuple[str, str]]:
    if 'id="related-title"' not in page:
        return []
    part = page.split('id="related-title"')[1].split("</section>")[0]
    return [(html.unescape(href), html.unescape(text)) for href, text in LINK.findall(part)]


def test_a_fresh_install_offers_questions_built_from_the_library(app):
    client = TestClient(app)
    article = _ask(client, B12_QUESTION)
    assert article["related_questions"] == []  # nothing was asked before
    page = client.get(f"/a/{article['slug']}").text
    related = _related(page)
    texts = [text for _, text in related]
    assert "How is vitamin B12 deficiency diagnosed?" in texts
    assert "From the library’s topics" in page
    for href, text in related:  # a question to ask, not a stored article
        assert href.startswith("/ask?q=") and "vitamin B12 deficiency" in text
    # Following one fills the question box: no stored answer, the engine does not run.
    href = dict((t, h) for h, t in related)["How is vitamin B12 deficiency diagnosed?"]
    box = client.get(href)
    assert box.status_code == 200
    assert "How is vitamin B12 deficiency diagnosed?</textarea>" in box.text
    api = client.get(f"/api/articles/{article['id']}").json()
    assert "How is vitamin B12 deficiency diagnosed?" in api["library_questions"]


def test_an_approved_question_on_another_concept_is_not_offered(app):
    asker = TestClient(app)
    gout = _ask(asker, GOUT_QUESTION)
    _approve(app, gout["id"])
    pernicious = _ask(asker, "How often is hydroxocobalamin given for pernicious anaemia?")
    _approve(app, pernicious["id"])
    reader = TestClient(app)
    b12 = _ask(reader, "What hydroxocobalamin dose for vitamin B12 deficiency with neuropathy?")
    page = reader.get(f"/a/{b12['slug']}").text
    texts = [text for _, text in _related(page)]
    assert "How often is hydroxocobalamin given for pernicious anaemia?" in texts
    assert GOUT_QUESTION not in texts and "colchicine" not in page.split("Related questions")[1]
    # Under the gout answer it is the other way round.
    gout_page = reader.get(f"/a/{gout['slug']}").text
    gout_related = [text for _, text in _related(gout_page)]
    assert gout_related and all("gout" in t for t in gout_related)


def test_an_unapproved_question_is_not_offered_to_another_visitor(app):
    alice, bob = TestClient(app), TestClient(app)
    mine = _ask(
        alice, "hydroxocobalamin dose for vitamin B12 deficiency in a retired lighthouse keeper"
    )
    theirs = _ask(bob, "hydroxocobalamin dose for vitamin B12 deficiency after gastrectomy")
    body = app.state.web.rt.articles.get_article(theirs["id"])["body"]
    assert mine["question"] in body["related_questions"]  # related by concept …
    for text in (
        bob.get(f"/a/{theirs['slug']}").text,
        bob.get(f"/api/articles/{theirs['id']}").text,
    ):
        assert "lighthouse" not in text  # … but not approved, so not shown to Bob


def test_an_abstention_page_names_the_lacking_part_and_no_unrelated_topic(app):
    client = TestClient(app)
    externa = _ask(client, "How is otitis externa treated?")
    assert externa["abstained"] and externa["closest_topics"] == []
    page = client.get(f"/a/{externa['slug']}").text
    section = page.split('id="abstained-title"')[1].split("</section>")[0]
    assert "the library lacks: <strong>otitis externa</strong>" in section
    assert "otitis media" not in section.lower()  # shares a word, not the concept
    assert "Closest topics" not in section and "none is offered" in section

    children = _ask(client, "What colchicine dose treats a gout flare in children?")
    assert children["abstained"]
    page = client.get(f"/a/{children['slug']}").text
    section = page.split('id="abstained-title"')[1].split("</section>")[0]
    assert "<strong>evidence for children</strong>" in section
    topics = re.findall(r'<ul class="closest-topics">(.*?)</ul>', section, re.S)[0]
    assert "Gout: treating flares" in topics
    assert topics.count("<li>") == 1  # the gout document, and no other
