"""The ask form on a server whose engine is the LLM, in Debian's Chromium: the draft shows as
the model streams it (numbers hidden), then the verified answer replaces it. The model is a
real HTTP server on 127.0.0.1 that streams a faithful reply slowly (fake_model.FakeEndpoint);
`curbside serve` runs for real, with its CSP, in a subprocess."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator

import pytest

from curbside.web.testing import ServerProcess

from ..answer.llm.fake_model import FakeEndpoint, parrot_answer
from .conftest import B12_QUESTION, CHROMIUM

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]
DIGIT = re.compile(r"\d")


@pytest.fixture(scope="module")
def server(tmp_path_factory, bundled_home) -> Iterator[ServerProcess]:
    # A copy of the session's bundled library: loading it afresh under `serve` takes long.
    home = tmp_path_factory.mktemp("stream-browser") / "home"
    shutil.copytree(bundled_home, home)
    with FakeEndpoint(parrot_answer, delay=0.05) as model:
        env = {
            "CURBSIDE_ASK_RATE_LIMIT": "1000",
            "CURBSIDE_ENGINE": "llm",
            "CURBSIDE_LLM_BASE_URL": model.url,
            "CURBSIDE_LLM_MODEL": "fake-model-1",
        }
        with ServerProcess(home, env=env) as running:
            yield running


def test_the_draft_streams_then_the_verified_answer_replaces_it(browser, server):
    context = browser.new_context(base_url=server.url)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto("/")
    page.fill("textarea[name=question]", B12_QUESTION)
    page.click("form[data-ask-form] button[type=submit]")
    draft = page.locator("#draft li")
    draft.first.wait_for(timeout=60_000)
    shown = draft.all_inner_texts()
    assert shown and not any(DIGIT.search(t) for t in shown), shown
    assert "being checked" in page.inner_text("#draft h2")
    page.wait_for_url(re.compile(r"/a/"), timeout=120_000)
    assert page.locator("#draft").count() == 0
    answer = page.inner_text("main")
    assert DIGIT.search(answer), "the verified answer shows its numbers"
    assert errors == []
    context.close()


def test_without_javascript_the_form_waits_for_the_verified_answer(browser, server):
    context = browser.new_context(base_url=server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/")
    page.fill("textarea[name=question]", B12_QUESTION.replace("severe", "serious"))
    page.click("form[data-ask-form] button[type=submit]")
    page.wait_for_url(re.compile(r"/a/"), timeout=120_000)
    assert page.locator("#draft").count() == 0
    assert DIGIT.search(page.inner_text("main"))
    context.close()
