"""Two app servers over one database: a review action on one clears the other's page cache
at once (the review generation is read on every request), not after a revalidation delay."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from curbside.review import service

from ..review.conftest import make_user
from .conftest import B12_QUESTION, TestClient, create_app, web_settings


@pytest.fixture
def servers(tmp_path: Path, database_url, cheap_argon2) -> Iterator[tuple[TestClient, TestClient]]:
    """Two apps over one database, each with its own home. The second trusts its cached
    pages for an hour, so only the review generation can tell it that one changed."""
    url = database_url or f"sqlite:///{tmp_path / 'shared.db'}"
    with (
        TestClient(create_app(web_settings(tmp_path / "one", url))) as one,
        TestClient(create_app(web_settings(tmp_path / "two", url))) as two,
    ):
        two.app.state.web.article_pages.revalidate_after = 3600
        yield one, two


def _approve(store, reviewer, article: dict) -> None:
    seen = store.articles.get_article(article["id"])["version"]
    claimed = service.claim(store, reviewer, article["id"], seen)
    service.approve(store, reviewer, article["id"], claimed.version)


def test_a_review_action_on_one_server_clears_the_page_cache_of_another(servers):
    one, two = servers
    article = one.post("/api/ask", json={"question": B12_QUESTION}).json()
    store = one.app.state.web.rt.store
    reviewer = make_user(store, "reviewer", "rev@example.org", "Dr Rev")
    claimed = service.claim(store, reviewer, article["id"], article["version"])
    service.approve(store, reviewer, article["id"], claimed.version)
    page = f"/a/{article['slug']}"
    before = two.get(page)  # approved, public, now in two's cache
    assert before.status_code == 200 and two.get(page).text == before.text
    cited = article["references"][0]["document_id"]
    service.mark_sources_changed(store, [cited], reason="superseded")
    # Readers keep the approved version, now said to have sources updated since: the
    # second server shows that at once, as the first does.
    after = two.get(page)
    assert after.status_code == 200 and after.text != before.text
    assert after.text == one.get(page).text


def test_a_review_action_elsewhere_rechecks_a_cached_page_without_rendering_it_again(servers):
    one, two = servers
    cache = two.app.state.web.article_pages
    store = one.app.state.web.rt.store
    reviewer = make_user(store, "reviewer", "rev@example.org", "Dr Rev")
    parent = one.post("/api/ask", json={"question": B12_QUESTION}).json()
    _approve(store, reviewer, parent)
    follow_up = one.post(
        "/api/ask",
        json={
            "question": "And how long should treatment continue?",
            "follow_up_of": parent["id"],
        },
    ).json()
    _approve(store, reviewer, follow_up)
    other = one.post("/api/ask", json={"question": "What dose of aspirin for pre-eclampsia?"})
    page = f"/a/{follow_up['slug']}"
    before = two.get(page)
    assert before.status_code == 200 and "Follow-up to" in before.text
    cached = cache.cached(follow_up["slug"], None)
    assert cached is not None

    # Another article's review action: the page is checked, found current, kept as it is.
    other = other.json()
    service.claim(store, reviewer, other["id"], other["version"])
    assert cache.cached(follow_up["slug"], None) is cached
    assert two.get(page).text == before.text

    # A change to the question the follow-up names: checked and rendered again at once.
    cited = parent["references"][0]["document_id"]
    service.mark_sources_changed(store, [cited], reason="superseded")
    if store.articles.get_article(follow_up["id"])["status"] != "approved":
        _approve(store, reviewer, follow_up)  # it cited the same document: approve again
    two.get(page)
    cached = cache.cached(follow_up["slug"], None)
    assert cached is not None
    seen = store.articles.get_article(parent["id"])["version"]
    service.claim(store, reviewer, parent["id"], seen)
    assert cache.cached(follow_up["slug"], None) is None
    assert two.get(page).status_code == 200
