"""The answer page on a phone, measured in Debian's Chromium against a real `curbside serve`.

At 375x812 the bottom line starts on the first screen; citation markers, buttons and the
wording switch are at least 24x24 px (WCAG 2.5.8); and every piece of text has a contrast of
at least 4.5:1 (WCAG 1.4.3) against the nearest opaque background behind it, both while the
answer awaits review and once a reviewer approved it ("Approved" badge, combined banner).
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator

import pytest

from curbside.web.testing import ServerProcess, curbside_command

from .conftest import B12_QUESTION
from .test_browser import ARTIFACTS, CHROMIUM, PHONE, Tab, ask

REVIEWER = "phone.reviewer@example.org"
PASSWORD = "a long reviewer password"
MIN_TARGET = 24
MIN_CONTRAST = 4.5

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]

# For every element with text of its own: its colour, and the first opaque background found
# going up the tree, with any translucent backgrounds on the way blended over it. Opacity
# below 1 on the way is multiplied into the text colour's alpha.
CONTRASTS = """
() => {
  const parse = (c) => {
    const m = c.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return [0, 0, 0, 0];
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, bottom) => {
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat([1]);
  };
  const background = (el) => {
    const layers = [];
    for (let node = el; node; node = node.parentElement) {
      const bg = parse(getComputedStyle(node).backgroundColor);
      if (bg[3] > 0) layers.push(bg);
      if (bg[3] >= 1) break;
    }
    let colour = [255, 255, 255, 1]; // the canvas
    for (let i = layers.length - 1; i >= 0; i--) colour = over(layers[i], colour);
    return colour;
  };
  const luminance = (c) => {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    const own = Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || el.closest("details:not([open]) > :not(summary)")) continue;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    if (style.visibility === "hidden" || box.width === 0 || box.height === 0) continue;
    if (el.closest(".visually-hidden, .skip-link")) continue; // off screen until focused
    let opacity = 1;
    for (let node = el; node; node = node.parentElement) {
      opacity *= Number(getComputedStyle(node).opacity);
    }
    const bg = background(el);
    const fg = parse(style.color);
    const text = over([fg[0], fg[1], fg[2], fg[3] * opacity], bg);
    const [l1, l2] = [luminance(text), luminance(bg)].sort((a, b) => b - a);
    out.push({
      text: el.textContent.trim().slice(0, 40),
      tag: el.tagName.toLowerCase() + (el.className ? "." + el.className : ""),
      ratio: (l1 + 0.05) / (l2 + 0.05),
    });
  }
  return out;
}
"""

TARGETS = "a.cite, main button, main summary, .audience-switch a, .audience-switch .current"


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[ServerProcess]:
    home = tmp_path_factory.mktemp("phone-browser") / "home"
    with ServerProcess(home, env={"CURBSIDE_ASK_RATE_LIMIT": "1000"}) as running:
        add = ["users", "add", REVIEWER, "--role", "reviewer", "--name", "Dr Phone"]
        subprocess.run(
            [*curbside_command(), *add, "--credentials", "MD", "--password", PASSWORD],
            env=running.env,
            check=True,
            capture_output=True,
            timeout=60,
        )
        yield running


@pytest.fixture(scope="module")
def answer(browser, server) -> Iterator[dict]:
    """The B12 answer: asked by a visitor on a phone, later approved by a reviewer."""
    tab = Tab(browser, server, PHONE)
    ask(tab.page, B12_QUESTION)
    yield {"tab": tab, "url": tab.page.url}
    tab.context.close()
    assert tab.errors == [], tab.errors


def approve(browser, server, url: str) -> None:
    tab = Tab(browser, server, PHONE)
    page = tab.page
    try:
        page.goto("/login")
        page.fill("#login-email", REVIEWER)
        page.fill("#login-password", PASSWORD)
        page.click("form.stacked button[type=submit]")
        page.wait_for_url(lambda u: "/login" not in u)
        page.goto("/review")
        page.locator("main a[href^='/review/']").first.click()
        page.click("button[data-action=claim]")
        page.wait_for_url(re.compile(r"done=claim"))
        page.click("button[data-action=approve]")
        page.wait_for_url(re.compile(r"done=approve"))
        page.goto(url)
        assert page.locator(".banner-approved").is_visible()
    finally:
        tab.context.close()
    assert tab.errors == [], tab.errors


def check_phone_page(page, name: str) -> None:
    bottom = page.locator(".bottom-line > p").bounding_box()
    assert bottom is not None and bottom["y"] + MIN_TARGET < PHONE["height"], bottom
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"phone-first-screen-{name}.png"))

    markers = page.locator("a.cite")
    assert markers.count() >= 3
    small = []
    for target in page.locator(TARGETS).all():
        box = target.bounding_box()
        if box is not None and (box["width"] < MIN_TARGET or box["height"] < MIN_TARGET):
            small.append((target.evaluate("e => e.outerHTML.slice(0, 80)"), box))
    assert small == [], small

    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    measured = page.evaluate(CONTRASTS)
    assert len(measured) > 50  # the whole answer was measured, not an empty page
    low = [m for m in measured if m["ratio"] < MIN_CONTRAST]
    assert low == [], low


def test_the_answer_on_a_phone_while_it_awaits_review(answer):
    page = answer["tab"].page
    page.goto(answer["url"])
    assert page.locator(".banner").count() == 1  # one statement, not a stack of banners
    check_phone_page(page, "pending")


def test_the_approved_answer_on_a_phone(browser, server, answer):
    approve(browser, server, answer["url"])
    page = answer["tab"].page
    page.goto(answer["url"])
    assert page.locator(".status-approved").inner_text() == "Approved"
    banner = page.locator(".banner")
    assert banner.count() == 1 and "not clinically reviewed" in banner.inner_text()
    check_phone_page(page, "approved")
