"""Browser tests: Debian's Chromium, driven by Playwright, against a real `curbside serve`.

Screenshots of the answer page (desktop and phone) go to tests/artifacts/; set
CURBSIDE_UPDATE_SCREENSHOT=1 to also refresh docs/screenshot.png for the README.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from curbside.answer.audience import plain_words
from curbside.web.testing import ServerProcess

from .conftest import B12_QUESTION, CHROMIUM

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
NUMBER = re.compile(r"\d+(?:\.\d+)?")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[ServerProcess]:
    home = tmp_path_factory.mktemp("browser") / "home"
    with ServerProcess(home, env={"CURBSIDE_ASK_RATE_LIMIT": "1000"}) as running:
        yield running


class Tab:
    """A page in a fresh browser context that records every console error.

    ``storage_state`` (cookies) makes it the same visitor as another context was.
    """

    def __init__(self, browser, server: ServerProcess, viewport: dict, storage_state=None):
        self.context = browser.new_context(
            viewport=viewport, base_url=server.url, storage_state=storage_state
        )
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on(
            "console",
            lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None,
        )
        self.page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))


@pytest.fixture
def open_tab(browser, server, asker) -> Iterator:
    """Tabs of the visitor who asked the B12 question (their visitor cookie), who may see
    its answer before a reviewer approves it; ``as_asker=False`` for a new visitor."""
    tabs: list[Tab] = []

    def _open(viewport: dict = DESKTOP, as_asker: bool = True):
        tab = Tab(browser, server, viewport, asker["storage"] if as_asker else None)
        tabs.append(tab)
        return tab.page

    yield _open
    errors = [e for tab in tabs for e in tab.errors]
    for tab in tabs:
        tab.context.close()
    assert errors == [], errors


def ask(page, question: str, audience: str = "clinician") -> None:
    page.goto("/")
    page.fill("#question", question)
    page.check(f"input[name=audience][value={audience}]")
    page.click("form.ask button[type=submit]")
    page.wait_for_url(re.compile(r"/a/[a-z0-9-]+$"))


@pytest.fixture(scope="module")
def asker(browser, server) -> dict:
    """The visitor who asked the B12 question: the answer's URL, and their browser's state."""
    context = browser.new_context(base_url=server.url)
    page = context.new_page()
    ask(page, B12_QUESTION)
    state = {"url": page.url, "storage": context.storage_state()}
    context.close()
    return state


@pytest.fixture(scope="module")
def b12_url(asker) -> str:
    return asker["url"]


def cookies_of(asker: dict) -> dict[str, str]:
    return {c["name"]: c["value"] for c in asker["storage"]["cookies"]}


def test_asking_shows_sections_markers_and_references(open_tab, b12_url):
    page = open_tab()
    ask(page, B12_QUESTION)
    assert page.url == b12_url  # the stored answer, not a second one
    assert page.locator("h1").inner_text().startswith("What cyanocobalamin dose")
    assert page.locator(".answer-section h2").count() >= 2
    assert page.locator(".banner-review").is_visible()
    markers = page.locator("a.cite")
    assert markers.count() >= 3
    assert page.locator(".references li").count() >= 1
    markers.first.click()
    assert page.evaluate("document.querySelector(':target').id") == "ref-1"


def test_a_long_answer_opens_with_an_outline_linking_to_each_section(open_tab, b12_url):
    page = open_tab()
    page.goto(b12_url)
    titles = page.locator(".answer-section h2").all_inner_texts()
    links = page.locator("nav.outline a")
    assert len(titles) >= 4 and links.all_inner_texts() == titles
    links.nth(len(titles) - 1).click()
    target = page.locator(":target")
    assert target.inner_text() == titles[-1] and target.is_visible()


def test_a_follow_up_names_what_it_was_asked(open_tab, b12_url):
    page = open_tab()
    page.goto(b12_url)
    page.fill("#follow-up-question", "How often should the potassium be checked?")
    page.click(".follow-up button[type=submit]")
    page.wait_for_url(lambda url: url != b12_url and "/a/" in url)
    assert "potassium" in page.locator(".bottom-line").inner_text()


def test_a_bullets_markers_lead_to_the_sources_it_names(open_tab, b12_url):
    page = open_tab()
    page.goto(b12_url)
    bullet = page.locator(".bullet", has_text="BSH and the BNF advise hydroxocobalamin").first
    markers = bullet.locator("a.cite")
    assert markers.count() == 2  # BSH 2014 and the BNF, not the summary
    titles = []
    for i in range(2):
        markers.nth(i).click()
        target = page.locator(":target")
        assert target.evaluate("el => el.closest('.references') !== null")
        titles.append(target.locator(".ref-title").inner_text())
        note = target.locator(".summarised-in")
        assert note.is_visible()
        assert (
            "Summarised in the Curbside demonstration library, not clinically" in note.inner_text()
        )
    assert set(titles) == {
        "Hydroxocobalamin (British National Formulary monograph)",
        "Guidelines for the diagnosis and treatment of cobalamin and folate disorders",
    }
    references = page.locator(".references").inner_text()
    assert "Curbside demonstration library · 2026" not in references
    assert page.locator(".banner", has_text="not clinically reviewed").first.is_visible()
    page.locator(".summarised-in a").first.click()
    page.wait_for_url(re.compile(r"/library/"))
    assert page.locator("h1").inner_text().startswith("Vitamin B12 deficiency")


def test_opening_a_bullets_evidence_shows_its_quote_and_passage(open_tab, b12_url):
    page = open_tab()
    page.goto(b12_url)
    bullet = page.locator(".bullet").first
    quote = bullet.locator("blockquote").first
    assert not quote.is_visible()
    bullet.locator("summary").first.click()
    assert quote.is_visible()
    text = quote.inner_text()
    assert NUMBER.search(text) and len(text) > 40
    bullet.get_by_role("link", name="Open the passage").first.click()
    page.wait_for_url(re.compile(r"/library/[0-9a-f]+#[0-9a-f]+-\d+$"))
    target = page.locator(":target")
    assert target.is_visible()
    assert text[:60] in " ".join(target.inner_text().split())
    highlight = target.evaluate("el => getComputedStyle(el).backgroundColor")
    assert highlight not in ("rgba(0, 0, 0, 0)", "transparent")


def test_switching_audience_changes_wording_in_place_and_keeps_numbers(
    open_tab, b12_url, server, asker
):
    page = open_tab()
    page.goto(b12_url)
    page.evaluate("window.notReloaded = true")
    clinician = page.locator(".bottom-line > p").inner_text()
    page.locator("[data-audience-switch=patient]").click()
    page.wait_for_selector("#answer[data-audience=patient]")
    patient = page.locator(".bottom-line > p").inner_text()
    assert page.evaluate("window.notReloaded === true"), "the page reloaded instead"
    assert "audience=patient" in page.url
    slug = b12_url.rsplit("/", 1)[1]
    stored = httpx.get(server.url + "/api/articles/" + slug, cookies=cookies_of(asker)).json()
    text = stored["bottom_line"]["text"]
    assert clinician.startswith(text)
    assert patient.startswith(plain_words(text)) and patient != clinician
    assert NUMBER.findall(patient) == NUMBER.findall(clinician)
    page.go_back()  # Back shows the wording that goes with the address
    page.wait_for_selector("#answer[data-audience=clinician]")
    assert page.url == b12_url
    page.locator("[data-audience-switch=patient]").click()
    page.wait_for_selector("#answer[data-audience=patient]")
    page.locator("[data-audience-switch=clinician]").click()
    page.wait_for_selector("#answer[data-audience=clinician]")
    assert page.locator(".bottom-line > p").inner_text() == clinician


def test_audience_switch_works_without_javascript(browser, server, b12_url, asker):
    context = browser.new_context(
        java_script_enabled=False, base_url=server.url, storage_state=asker["storage"]
    )
    page = context.new_page()
    page.goto(b12_url)
    page.locator("[data-audience-switch=patient]").click()
    page.wait_for_selector("#answer[data-audience=patient]")
    context.close()


def test_a_follow_up_answers_in_context(open_tab, b12_url):
    page = open_tab()
    page.goto(b12_url)
    page.fill("#follow-up-question", "How long should maintenance treatment continue?")
    page.click(".follow-up button[type=submit]")
    page.wait_for_url(lambda url: url != b12_url and "/a/" in url)
    assert page.locator(".thread").inner_text().startswith("Follow-up to What cyanocobalamin")
    assert page.locator(".answer-section").count() >= 1
    assert "B12" in page.locator(".references").inner_text()


def test_nothing_overflows_a_375px_phone(open_tab, b12_url, server):
    page = open_tab(PHONE)
    document_url = None
    for url in (b12_url, "/", "/library", "/search?q=hydroxocobalamin+dose", "/docs"):
        page.goto(url)
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        width = page.evaluate("document.scrollingElement.scrollWidth")
        assert width <= PHONE["width"], f"{url} is {width} px wide"
        if document_url is None and url == b12_url:
            passage_link = page.locator("a", has_text="Open the passage").first
            document_url = passage_link.get_attribute("href")
    page.goto(document_url)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]


def test_keyboard_reaches_the_question_box_and_asks(open_tab):
    page = open_tab()
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.focus("#question")
    page.keyboard.type("What hydroxocobalamin dose for B12 deficiency?")
    page.keyboard.press("Tab")  # the audience radios, then the button
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "BUTTON"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/a/"))
    assert page.locator(".answer-section").count() >= 1


def test_screenshots_of_the_answer_page(open_tab, b12_url, capsys):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    saved = []
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = open_tab(viewport)
        page.goto(b12_url)
        page.locator(".bullet summary").first.click()  # show one evidence quote
        path = ARTIFACTS / f"answer-b12-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 10_000
        saved.append(path)
    if os.environ.get("CURBSIDE_UPDATE_SCREENSHOT"):
        shutil.copyfile(saved[0], ROOT / "docs" / "screenshot.png")
    with capsys.disabled():
        print("\nscreenshots: " + ", ".join(str(p) for p in saved))
