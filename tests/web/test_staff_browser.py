"""Browser tests of the staff pages: Debian's Chromium against a real `curbside serve`.

The review queue at 1280 and 375 px (no cell narrower than its longest word, cards on the
phone), setting aside in bulk and undoing it, an editor uploading a document and then asking
a question answered from it, and an administrator creating a reviewer who then signs in.
The accounts are made with `curbside users add --password-stdin`, as an operator would.

Screenshots of the queue, the review page and the editor page at both widths go to
tests/artifacts/; set CURBSIDE_UPDATE_SCREENSHOT=1 to also refresh docs/screenshots/ for
the README.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator

import httpx
import pytest

from curbside.web.testing import ServerProcess, curbside_command

from .conftest import ABSTAIN_QUESTION, B12_QUESTION
from .test_browser import ARTIFACTS, CHROMIUM, DESKTOP, PHONE, ROOT, Tab

PASSWORD = "a long staff password"
STAFF = {
    "admin": ("root@example.org", "Ada Admin", ""),
    "reviewer": ("ada.reviewer@example.org", "Dr Ada Lovelace", "MD, haematology"),
    "editor": ("ed.editor@example.org", "Ed Editor", ""),
}
QUESTIONS = [
    B12_QUESTION,
    "What colchicine dose treats an acute gout flare?",
    "Which first-line drug treats hypertension in a 60-year-old?",
    "Colchicine dose gout? WWW.EVIL.EXAMPLE",
]
ABSTENTIONS = [ABSTAIN_QUESTION, "What dose of glorbulin cures moon pox in adults?"]
FOLLOW_UP = "How long should maintenance treatment continue?"
LYME = """---
title: Erythema migrans in early Lyme disease
publisher: Tick-borne Infections Group
year: 2024
---
# Erythema migrans in early Lyme disease

## Treatment of erythema migrans
- Treat erythema migrans in early Lyme disease with oral doxycycline 100 mg twice daily for 10 days.
- Amoxicillin 500 mg three times daily for 14 days is an alternative for erythema migrans
  when doxycycline cannot be used.

## Follow-up
- Erythema migrans usually fades within a few weeks of starting treatment.
"""
LYME_QUESTION = "How should erythema migrans in early Lyme disease be treated?"
BAD_RECORDS = '{"title": "Broken", "text": "fine"}\n{"title": \n'
SCREENSHOTS = ROOT / "docs" / "screenshots"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[ServerProcess]:
    home = tmp_path_factory.mktemp("staff-browser") / "home"
    with ServerProcess(home, env={"CURBSIDE_ASK_RATE_LIMIT": "1000"}) as running:
        for role, (email, name, credentials) in STAFF.items():
            args = ["users", "add", email, "--role", role, "--name", name, "--password-stdin"]
            if credentials:
                args += ["--credentials", credentials]
            subprocess.run(
                [*curbside_command(), *args],
                input=PASSWORD + "\n",
                text=True,
                env=running.env,
                check=True,
                capture_output=True,
                timeout=60,
            )
        yield running


@pytest.fixture(scope="module")
def asked(server) -> dict[str, dict]:
    """The queue's contents: answers, abstentions, a junk question and a follow-up."""
    found = {}
    with httpx.Client(base_url=server.url, timeout=120) as client:
        for question in QUESTIONS + ABSTENTIONS:
            response = client.post("/api/ask", json={"question": question})
            assert response.status_code == 200, response.text
            found[question] = response.json()
        parent = found[B12_QUESTION]["id"]
        response = client.post("/api/ask", json={"question": FOLLOW_UP, "follow_up_of": parent})
        assert response.status_code == 200, response.text
        found[FOLLOW_UP] = response.json()
    assert all(found[q]["abstained"] for q in ABSTENTIONS)
    return found


@pytest.fixture
def tabs(browser, server) -> Iterator:
    opened: list[Tab] = []

    def _open(role: str | None, viewport: dict = DESKTOP, email: str | None = None):
        tab = Tab(browser, server, viewport)
        opened.append(tab)
        if role or email:
            sign_in(tab.page, email or STAFF[role][0])
        return tab.page

    yield _open
    errors = [e for tab in opened for e in tab.errors]
    for tab in opened:
        tab.context.close()
    assert errors == [], errors


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.fill("#login-email", email)
    page.fill("#login-password", password)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def screenshot(page, name: str, full_page: bool = True) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    assert path.stat().st_size > 5_000
    if os.environ.get("CURBSIDE_UPDATE_SCREENSHOT"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, SCREENSHOTS / path.name)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "375"])
def test_screenshots_of_the_review_page(tabs, asked, viewport):
    page = tabs("reviewer", viewport)
    page.goto(f"/review/{asked[QUESTIONS[1]]['id']}")
    if page.locator("button[data-action=claim]").count():  # the first width claims it
        page.click("button[data-action=claim]")
        page.wait_for_url(re.compile(r"done=claim"))
    assert page.evaluate("document.scrollingElement.scrollWidth") <= viewport["width"]
    screenshot(page, f"review-{viewport['width']}", full_page=False)  # the first screen


# Every word in the queue's cells and tabs, and whether the browser broke it over two lines
# (the symptom: "Sub/mitt/ed"), plus any cell whose content overflows it. Words are split
# at spaces and hyphens, where a browser may rightly wrap.
BROKEN_WORDS = """() => {
  const found = [];
  for (const cell of document.querySelectorAll("table.queue th, table.queue td, .tabs a")) {
    if (cell.scrollWidth > cell.clientWidth + 1) {
      found.push({why: "overflows", cell: cell.className, text: cell.innerText.slice(0, 60)});
    }
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.parentElement.getClientRects().length) continue;  // visually hidden
      const words = /[^\\s\\-\\u2010-\\u2014]+/g;
      for (let m = words.exec(node.textContent); m; m = words.exec(node.textContent)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()]
          .filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (lines.size > 1) found.push({why: "broken", word: m[0], cell: cell.className});
      }
    }
  }
  return found;
}"""
WORDS_MEASURED = """() => [...document.querySelectorAll("table.queue td, table.queue th")]
  .reduce((n, cell) => n + (cell.innerText.match(/\\S+/g) || []).length, 0)"""


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "375"])
def test_the_queue_fits_its_words_at_both_widths(tabs, asked, viewport):
    page = tabs("reviewer", viewport)
    page.goto("/review")
    assert page.locator("table.queue tbody tr").count() >= len(QUESTIONS) + 1
    assert page.evaluate(WORDS_MEASURED) > 50  # the check below looked at real text
    assert page.evaluate(BROKEN_WORDS) == []
    assert page.evaluate("document.scrollingElement.scrollWidth") <= viewport["width"]
    row = page.locator("table.queue tbody tr").first
    display = row.evaluate("r => getComputedStyle(r).display")
    assert display == ("flex" if viewport is PHONE else "table-row")  # cards on the phone
    # The follow-up sits right below its parent, marked as one.
    questions = page.locator("table.queue td.question").all_inner_texts()
    parent = next(i for i, q in enumerate(questions) if q.startswith(B12_QUESTION[:40]))
    assert questions[parent + 1].startswith(f"Follow-up: {FOLLOW_UP}")
    # Abstentions have their own tab; none is among the answers.
    assert not any(q.startswith(ABSTAIN_QUESTION) for q in questions)
    claimed = page.locator("tr", has_text=QUESTIONS[1]).locator("td.claimed").inner_text()
    assert claimed.endswith("Dr Ada Lovelace")  # the screenshots test above claimed it
    box = page.locator("td.pick input").first.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24
    screenshot(page, f"queue-{viewport['width']}")
    page.goto("/review?view=abstentions")
    assert page.evaluate(BROKEN_WORDS) == []


def test_bulk_set_aside_and_undo_on_a_phone(tabs, asked):
    page = tabs("reviewer", PHONE)
    page.goto("/review?view=abstentions")
    for question in ABSTENTIONS:
        page.get_by_label(f"Choose: {question}").check()
    page.fill("#bulk-reason", "test questions, not clinical")
    page.click("#bulk-submit")
    page.wait_for_url(re.compile(r"done=set_aside"))
    assert page.locator(".notice").inner_text().startswith("2 questions set aside.")
    assert "Nothing here" in page.locator("main").inner_text()
    page.goto("/review?view=set_aside")
    aside = page.locator("table.queue").inner_text()
    assert all(q in aside for q in ABSTENTIONS)
    assert "Set aside by Dr Ada Lovelace" in aside and "test questions, not clinical" in aside
    page.go_back()
    page.click("#undo-set-aside")
    page.wait_for_url(re.compile(r"done=restore"))
    assert page.locator(".notice").inner_text().startswith("2 questions back in the queue.")
    listed = page.locator("table.queue").inner_text()
    assert all(q in listed for q in ABSTENTIONS)
    page.goto(f"/review/{asked[ABSTAIN_QUESTION]['id']}/audit")
    trail = page.locator(".audit-trail").inner_text()
    assert (
        "Dr Ada Lovelace set it aside, out of the review queue: “test questions, not clinical”."
        in trail
    )
    assert "Dr Ada Lovelace put it back in the review queue." in trail


def test_an_editor_uploads_a_document_and_a_question_is_answered_from_it(tabs, asked, tmp_path):
    lyme = tmp_path / "lyme.md"
    lyme.write_text(LYME)
    padding = tmp_path / "broken.jsonl"  # large enough for the progress bar to be seen
    padding.write_text(BAD_RECORDS + "\n" * 300_000)
    page = tabs("editor")
    page.goto("/editor")
    page.set_input_files("#upload-files", [str(lyme), str(padding)])
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(  # a slow uplink, so that the upload takes a moment
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": 150_000},
    )
    page.click("form[data-upload] button[type=submit]")
    page.wait_for_selector("form[data-upload] progress:not([hidden])")
    page.wait_for_function(
        "document.querySelector('[data-upload-status]')?.textContent.startsWith('Upload')"
    )
    page.wait_for_url(re.compile(r"/editor/changes/\d+$"), timeout=60_000)
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    results = page.locator(".file-results").inner_text()
    assert "lyme.md: ingested (1 new document)" in results
    assert "Erythema migrans in early Lyme disease" in results
    assert "broken.jsonl, line 2: invalid JSON" in results
    screenshot(page, "editor-upload-result-1280")
    page.goto("/editor")
    assert "Ed Editor uploaded 2 files" in page.locator(".changes").inner_text()
    screenshot(page, "editor-1280", full_page=False)  # the form; the document list runs on
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "editor-375", full_page=False)

    page.set_viewport_size(DESKTOP)
    page.goto("/")
    page.fill("#question", LYME_QUESTION)
    page.click("form.ask button[type=submit]")
    page.wait_for_url(re.compile(r"/a/"), timeout=60_000)
    assert page.locator(".answer-section").count() >= 1
    assert "Erythema migrans in early Lyme disease" in page.locator(".references").inner_text()
    assert "doxycycline" in page.locator("main").inner_text().lower()


def test_an_administrator_creates_a_reviewer_who_then_signs_in(tabs, server):
    page = tabs("admin")
    page.click("nav >> text=Accounts")
    page.wait_for_url(re.compile(r"/admin/users$"))
    page.fill("#new-email", "grace@example.org")
    page.fill("#new-name", "Dr Grace Hopper")
    page.select_option("#new-role", "reviewer")
    page.fill("#new-credentials", "MD, cardiology")
    page.fill("#new-password", "grace's long password")
    page.click("form[action='/admin/users'] button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/users/\w+\?done=created$"))
    assert page.locator("#user-role").inner_text() == "reviewer"
    assert (
        "Ada Admin created the account of Dr Grace Hopper (reviewer)."
        in page.locator("main").inner_text()
    )
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]

    grace = tabs(None)
    sign_in(grace, "grace@example.org", "grace's long password")
    assert "Signed in as Dr Grace Hopper (reviewer)" in grace.locator(".signed-in").inner_text()
    grace.goto("/review")
    assert grace.locator("h1").inner_text() == "Review queue"
    assert "Dr Grace Hopper" in grace.context.request.get(server.url + "/about/board").text()
