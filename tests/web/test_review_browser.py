"""Browser test of editorial review: Debian's Chromium against a real `curbside serve`.

The reviewer is created with `curbside users add`, as an operator would, in the server's
own CURBSIDE_HOME; the question is asked over the API; the rest happens in the browser.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator

import httpx
import pytest

from curbside.web.testing import ServerProcess, curbside_command

from .conftest import B12_QUESTION
from .test_browser import ARTIFACTS, CHROMIUM, DESKTOP, PHONE, Tab

REVIEWER = "ada.reviewer@example.org"
PASSWORD = "a long reviewer password"
NAME = "Dr Ada Lovelace"
CREDENTIALS = "MD, haematology"
ADDED = " Confirm the product information before prescribing."

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[ServerProcess]:
    home = tmp_path_factory.mktemp("review-browser") / "home"
    with ServerProcess(home, env={"CURBSIDE_ASK_RATE_LIMIT": "1000"}) as running:
        subprocess.run(
            [
                *curbside_command(),
                "users",
                "add",
                REVIEWER,
                "--role",
                "reviewer",
                "--name",
                NAME,
                "--credentials",
                CREDENTIALS,
                "--password",
                PASSWORD,
            ],
            env=running.env,
            check=True,
            capture_output=True,
            timeout=60,
        )
        yield running


def test_a_reviewer_claims_edits_and_approves_and_readers_see_it(browser, server):
    asked = httpx.post(server.url + "/api/ask", json={"question": B12_QUESTION}, timeout=60)
    assert asked.status_code == 200, asked.text
    article = asked.json()
    tab = Tab(browser, server, DESKTOP)
    page = tab.page
    try:
        page.goto("/review")  # not signed in: to the login form, then back
        page.wait_for_url(re.compile(r"/login\?next="))
        page.fill("#login-email", REVIEWER)
        page.fill("#login-password", PASSWORD)
        page.click("form.stacked button[type=submit]")
        page.wait_for_url(re.compile(r"/review$"))
        assert f"Signed in as {NAME} (reviewer)" in page.locator(".signed-in").inner_text()

        page.get_by_role("link", name=article["question"]).click()
        page.wait_for_url(re.compile(rf"/review/{article['id']}$"))
        page.click("button[data-action=claim]")
        page.wait_for_url(re.compile(r"done=claim"))
        assert page.locator("#review-status").inner_text() == "Under review"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "review-page.png"))

        first = page.locator("#text-0-0")
        evidence = page.locator("#bullet-0-0 .review-evidence blockquote").first
        assert evidence.is_visible()  # side by side with the text, no click needed
        edited = first.input_value() + ADDED
        first.fill(edited)
        page.click("button[data-action=edit]")
        page.wait_for_url(re.compile(r"done=edit"))
        assert page.locator("#text-0-0").input_value() == edited
        page.click("button[data-action=approve]")
        page.wait_for_url(re.compile(r"done=approve"))
        assert page.locator("#review-status").inner_text() == "Approved"
        page.screenshot(path=str(ARTIFACTS / "review-approved.png"))

        page.goto(f"/a/{article['slug']}")
        banner = page.locator(".banner-approved")
        assert banner.is_visible()
        text = banner.inner_text()
        assert text.startswith(f"Reviewed by {NAME}, {CREDENTIALS}, approved on ")
        assert page.locator(".banner-review").count() == 0
        assert edited in page.locator(".bullet").first.inner_text()

        # A visitor (no cookie: the cached page) sees the same.
        visitor = Tab(browser, server, DESKTOP)
        visitor.page.goto(f"/a/{article['slug']}")
        assert visitor.page.locator(".banner-approved").inner_text() == text
        assert "Sign in" in visitor.page.locator(".account-bar").inner_text()
        visitor.context.close()
        assert visitor.errors == []
    finally:
        tab.context.close()
    assert tab.errors == [], tab.errors


IRON_QUESTION = "What oral iron dose should be used for iron deficiency anaemia in adults?"


def _signed_in_review(browser, server, article: dict) -> Tab:
    tab = Tab(browser, server, DESKTOP)
    page = tab.page
    page.goto(f"/login?next=/review/{article['id']}")
    page.fill("#login-email", REVIEWER)
    page.fill("#login-password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(re.compile(rf"/review/{article['id']}$"))
    page.click("button[data-action=claim]")
    page.wait_for_url(re.compile(r"done=claim"))
    return tab


def test_review_page_bottom_line_guard_one_save_reorder_growing_text(browser, server):
    asked = httpx.post(server.url + "/api/ask", json={"question": IRON_QUESTION}, timeout=60)
    assert asked.status_code == 200, asked.text
    article = asked.json()
    section = next(s for s in article["sections"] if len(s["bullets"]) >= 2)
    s = article["sections"].index(section)
    tab = _signed_in_review(browser, server, article)
    page = tab.page
    try:
        # The decisions come after the whole content, so approving means scrolling past it.
        last = page.locator(".review-bullet").last.bounding_box()
        approve = page.locator("button[data-action=approve]").bounding_box()
        assert approve["y"] > last["y"] + last["height"]

        # A bottom line with a number its evidence lacks is refused, the text kept.
        wrong = article["bottom_line"]["text"] + " Give 987 mg at once."
        page.fill("#bottom-line-text", wrong)
        page.click("button[data-action=edit]")
        assert page.locator(".review-error").is_visible()
        assert "987 mg" in page.locator("#missing-bl").inner_text()
        assert page.locator("#bottom-line-text").input_value() == wrong
        page.goto(f"/review/{article['id']}")  # nothing was saved
        assert "Version 1" in page.locator("main .meta").first.inner_text()

        # Textareas grow with their text: a long bullet shows whole, no inner scroll bar.
        area = page.locator(f"#text-{s}-0")
        area.fill(" ".join([section["bullets"][0]["text"]] * 6))
        assert area.evaluate("a => a.scrollHeight <= a.clientHeight + 2")

        # Moving bullets only changes the page; one Save makes one version in that order.
        area.fill(section["bullets"][0]["text"])
        first = page.locator(f"#bullet-{s}-0")
        first.locator("button[data-move=down]").click()
        first.locator("button[data-move=up]").click()
        assert first.locator("button[data-move=up]").is_hidden()  # first again: no "up"
        first.locator("button[data-move=down]").click()
        assert page.url.endswith(f"/review/{article['id']}")  # no page load per move
        assert first.locator("[data-position]").input_value() == "2"
        assert first.locator("[data-bullet-number]").inner_text() == "2"
        page.click("button[data-action=edit]")
        page.wait_for_url(re.compile(r"done=edit"))
        assert "Version 2" in page.locator("main .meta").first.inner_text()
        texts = [b["text"] for b in section["bullets"]]
        assert page.locator(f"#text-{s}-0").input_value() == texts[1]
        assert page.locator(f"#text-{s}-1").input_value() == texts[0]
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "review-page-edit.png"), full_page=True)
        page.set_viewport_size(PHONE)  # the new fields fit a phone too
        assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
        page.screenshot(path=str(ARTIFACTS / "review-page-edit-phone.png"), full_page=True)
    finally:
        tab.context.close()
    refused = "the server responded with a status of 422"  # the bottom line above, on purpose
    assert [e for e in tab.errors if refused not in e] == [], tab.errors
