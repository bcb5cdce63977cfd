"""Chromium: the patient wording's own review banner, on a real `curbside serve`."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from curbside.review import accounts
from curbside.review.accounts import OPERATOR
from curbside.runtime import open_runtime
from curbside.web.testing import ServerProcess

from ..review.conftest import PASSWORD, make_user
from .conftest import B12_QUESTION, CHROMIUM, web_settings

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[ServerProcess]:
    home = tmp_path_factory.mktemp("patient-browser") / "home"
    with ServerProcess(home, env={"CURBSIDE_ASK_RATE_LIMIT": "1000"}) as running:
        yield running


def _reviewer_token(server: ServerProcess, email: str, name: str) -> str:
    """A reviewer's API token (the reviewer signs in with the review tests' PASSWORD)."""
    rt = open_runtime(web_settings(server.home))
    try:
        user = make_user(rt.store, "reviewer", email, name)
        return accounts.issue_token(rt.store, OPERATOR, user.id)[1]
    finally:
        rt.close()


def _act(server: ServerProcess, token: str, article: dict, action: str, version: int) -> dict:
    """A review action on the article through the API, as the token's reviewer."""
    response = httpx.post(
        f"{server.url}/api/articles/{article['id']}/{action}",
        json={"seen_version": version},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_patient_banner_stays_pending_until_the_patient_wording_is_approved(browser, server):
    asked = httpx.post(server.url + "/api/ask", json={"question": B12_QUESTION}, timeout=60)
    article = asked.json()
    token = _reviewer_token(server, "banner@example.org", "Dr Banner")

    claimed = _act(server, token, article, "claim", article["version"])
    approved = _act(server, token, article, "approve", claimed["version"])
    page = browser.new_page(base_url=server.url)
    try:
        page.goto(f"/a/{article['slug']}")
        assert "Reviewed by Dr Banner" in page.locator(".banner").first.inner_text()
        page.locator("[data-audience-switch=patient]").click()
        page.wait_for_selector("#answer[data-audience=patient]")
        banner = page.locator(".answer-header .banner").first
        assert "Patient wording pending review" in banner.inner_text()
        assert "Reviewed by" not in page.locator(".answer-header").inner_text()
        assert page.locator("#answer").get_attribute("data-article") == article["id"]

        _act(server, token, article, "approve-patient", approved["version"])
        page.goto(f"/a/{article['slug']}?audience=patient")
        header = page.locator(".answer-header").inner_text()
        assert "Reviewed by Dr Banner" in header and "pending review" not in header
    finally:
        page.close()


def test_a_reviewer_rejects_the_patient_wording_in_the_browser_and_reviewed_by_goes(
    browser, server
):
    question = "What hydroxocobalamin regimen treats pernicious anaemia?"
    article = httpx.post(server.url + "/api/ask", json={"question": question}, timeout=60).json()
    token = _reviewer_token(server, "rejecter@example.org", "Dr Rejecter")
    version = article["version"]
    for action in ("claim", "approve", "approve-patient"):
        version = _act(server, token, article, action, version)["version"]
    page = browser.new_page(base_url=server.url)
    try:
        page.goto(f"/a/{article['slug']}?audience=patient")
        assert "Reviewed by Dr Rejecter" in page.locator(".answer-header").inner_text()
        page.goto("/login")
        page.fill("input[name=email]", "rejecter@example.org")
        page.fill("input[name=password]", PASSWORD)
        page.locator("form[action='/login'] button[type=submit]").click()
        page.wait_for_load_state()
        page.goto(f"/review/{article['id']}/patient")
        page.fill("#reason-reject-patient", "Too hard to follow")
        page.locator("[data-action=reject-patient]").click()
        page.wait_for_selector("#patient-rejected")
        assert "Too hard to follow" in page.locator("#patient-rejected").inner_text()
        page.goto(f"/a/{article['slug']}?audience=patient")
        header = page.locator(".answer-header").inner_text()
        assert "Patient wording pending review" in header and "Reviewed by" not in header
    finally:
        page.close()
