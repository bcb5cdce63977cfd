"""Two app servers over one database: a review action on one clears the other's page cache
at once (the review generation is read on every request), not after a revalidation delay."""

from __future__ import annotations

from pathlib import Path

from argon2 import PasswordHasher

from curbside.review import accounts, service
from curbside.review.accounts import OPERATOR

from .conftest import B12_QUESTION, TestClient, create_app, web_settings


def test_a_review_action_on_one_server_clears_the_page_cache_of_another(
    tmp_path: Path, database_url, monkeypatch
):
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024))
    url = database_url or f"sqlite:///{tmp_path / 'shared.db'}"
    with (
        TestClient(create_app(web_settings(tmp_path / "one", url))) as one,
        TestClient(create_app(web_settings(tmp_path / "two", url))) as two,
    ):
        # Only the review generation may tell the second server: its pages are otherwise
        # trusted for an hour.
        two.app.state.web.article_pages.revalidate_after = 3600
        article = one.post("/api/ask", json={"question": B12_QUESTION}).json()
        store = one.app.state.web.rt.store
        reviewer = accounts.create_user(
            store,
            OPERATOR,
            email="rev@example.org",
            name="Dr Rev",
            role="reviewer",
            password="a long enough password",
        )
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
