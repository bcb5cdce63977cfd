"""Library and user text is never markup: a hostile document cannot run script on any page."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from curbside.library.ingest import ingest
from curbside.library.records import FieldMap

HOSTILE_MD = """---
title: "<script>alert('title')</script> Hostile hyperkalaemia guide"
publisher: "<img src=x onerror=alert('publisher')>"
year: 2024
url: "javascript:alert('url')"
kind: guideline
sources:
  - title: "<script>alert('source')</script>"
    url: "javascript:alert('source-url')"
    publisher: "<b>bold</b>"
---
# <script>alert('heading')</script> Hyperkalaemia

## Treatment <svg onload=alert('section')>

- In hyperkalaemia give calcium gluconate 10% 30 mL over 10 minutes <script>alert('body')</script>.
- Insulin 10 units with glucose 25 g lowers potassium <iframe src="javascript:alert(1)"></iframe>.
"""

HOSTILE_HTML = """<html>
<head><title>Hostile <script>alert('html-title')</script> page</title></head>
<body><h1>Hyperkalaemia monitoring</h1>
<p>Recheck potassium at 1, 2 and 4 hours.<script>alert('html-body')</script>
<img src=x onerror="alert('img')"> <a href="javascript:alert('link')">click</a></p></body></html>
"""

ALLOWED_SCRIPT = re.compile(r"^/static/(curbside|review|staff)\.js\?v=[0-9a-f]+$")  # our own files


class ActiveContent(HTMLParser):
    """Collects whatever a browser would execute or load from the markup of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and not ALLOWED_SCRIPT.match(values.get("src") or ""):
            self.found.append(f"<script {values}>")
        if tag in ("img", "svg", "iframe", "object", "embed", "b"):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(f"{tag} {name}={value!r}")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                ("javascript:", "data:")
            ):
                self.found.append(f"{tag} {name}={value!r}")


@pytest.fixture
def hostile(make_client, tmp_path: Path):
    client = make_client()
    folder = tmp_path / "hostile"
    folder.mkdir()
    (folder / "hostile.md").write_text(HOSTILE_MD)
    (folder / "hostile.html").write_text(HOSTILE_HTML)
    rt = client.app.state.web.rt
    report = ingest([folder], rt.store, rt.retriever, fmap=FieldMap(), max_bytes=10**6)
    assert not report.failed and report.new == 2
    return client


def assert_inert(html: str) -> None:
    parser = ActiveContent()
    parser.feed(html)
    assert parser.found == []


def test_hostile_documents_are_escaped_on_every_page(hostile):
    client = hostile
    data = client.post(
        "/api/ask", json={"question": "What calcium gluconate dose for hyperkalaemia?"}
    ).json()
    assert not data["abstained"], data
    assert "<script>" in data["references"][0]["title"]  # the JSON keeps the text as it is
    pages = [
        "/",
        f"/a/{data['slug']}",
        f"/a/{data['slug']}?audience=patient",
        "/library",
        "/library?q=hostile",
        "/search?q=hyperkalaemia+calcium",
        "/search?q=potassium+recheck",
    ]
    pages += [f"/library/{d.id}" for d in client.app.state.web.rt.store.list_documents()]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_inert(response.text)
    article = client.get(f"/a/{data['slug']}").text
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; Hostile hyperkalaemia" in article
    document = client.get(f"/library/{data['references'][0]['document_id']}").text
    assert "&lt;script&gt;alert(&#39;body&#39;)&lt;/script&gt;" in document


def test_hostile_questions_are_escaped(hostile):
    question = "<script>alert('q')</script><img src=x onerror=alert(1)> calcium gluconate dose"
    response = hostile.post("/ask", data={"question": question})
    assert response.status_code == 200
    assert_inert(response.text)
    assert "&lt;script&gt;alert(&#39;q&#39;)&lt;/script&gt;" in response.text
    refill = hostile.get("/ask", params={"q": "</textarea><script>alert(2)</script>"})
    assert_inert(refill.text)
    assert "&lt;/textarea&gt;" in refill.text
    search = hostile.get("/search", params={"q": '"><script>alert(3)</script>'})
    assert_inert(search.text)
