"""In Chromium against a real `curbside serve`: one visitor's question is not shown to
another visitor until a reviewer approves its answer, and then it is."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator

import pytest

from curbside.web.service import NOT_PUBLISHED
from curbside.web.testing import ServerProcess, curbside_command

from .test_browser import CHROMIUM, DESKTOP, Tab, ask

REVIEWER = "grace.reviewer@example.org"
PASSWORD = "a long reviewer password"
MARKER = "lighthouse keeper"  # private enough to test, and answered (a name abstains)
QUESTION = f"hydroxocobalamin dose for pernicious anaemia in a retired {MARKER}"
RELATED = "hydroxocobalamin dose for pernicious anaemia with neurological signs"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[ServerProcess]:
    home = tmp_path_factory.mktemp("privacy-browser") / "home"
    with ServerProcess(home, env={"CURBSIDE_ASK_RATE_LIMIT": "1000"}) as running:
        subprocess.run(
            [*curbside_command(), "users", "add", REVIEWER, "--role", "reviewer",
             "--name", "Dr Grace Hopper", "--password-stdin"],
            input=PASSWORD + "\n",
            env=running.env,
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        )  # fmt: skip
        yield running


def test_a_visitors_question_reaches_another_visitor_only_after_approval(browser, server):
    tabs = [Tab(browser, server, DESKTOP) for _ in range(3)]
    alice, bob, reviewer = (t.page for t in tabs)
    try:
        ask(alice, QUESTION)
        alice_url = alice.url
        assert MARKER in alice.locator("h1").inner_text()  # her own answer, shown to her

        ask(bob, RELATED)
        bob_url = bob.url
        assert MARKER not in bob.locator("body").inner_text()
        for url in ("/", "/search?q=keeper+hydroxocobalamin", "/library?q=keeper"):
            bob.goto(url)
            # Bob's own search words are echoed; Alice's wording must not appear.
            assert MARKER not in bob.locator("body").inner_text(), url
        response = bob.goto(alice_url)
        assert response is not None and response.status == 404
        assert NOT_PUBLISHED in bob.locator("main").inner_text()
        assert MARKER not in bob.content()

        reviewer.goto("/login?next=/review")
        reviewer.fill("#login-email", REVIEWER)
        reviewer.fill("#login-password", PASSWORD)
        reviewer.click("form.stacked button[type=submit]")
        reviewer.wait_for_url(re.compile(r"/review$"))
        reviewer.get_by_role("link", name=QUESTION).click()
        reviewer.click("button[data-action=claim]")
        reviewer.wait_for_url(re.compile(r"done=claim"))
        reviewer.click("button[data-action=approve]")
        reviewer.wait_for_url(re.compile(r"done=approve"))

        bob.goto("/")
        approved = bob.locator("section[aria-labelledby=approved-title]")
        assert MARKER in approved.inner_text()
        approved.get_by_role("link", name=QUESTION).click()
        bob.wait_for_url(alice_url)
        assert bob.locator(".banner-approved").is_visible()
        bob.goto(bob_url)
        assert MARKER in bob.locator(".related").inner_text()
    finally:
        for tab in tabs:
            tab.context.close()
    # The 404 Bob met is the one page allowed to log an error (Chromium reports its status).
    errors = [e for tab in tabs for e in tab.errors if "404" not in e]
    assert errors == [], errors
