"""The server-rendered pages: home, the answer page, library, search, errors."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from markupsafe import escape

from curbside.web.pages import AUDIENCE_COOKIE

from .conftest import ABSTAIN_QUESTION, B12_QUESTION


class Ids(HTMLParser):
    """Every id in a page, and every in-page link target."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.fragments: list[str] = []

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if "id" in found:
            self.ids.append(found["id"])
        href = found.get("href") or ""
        if href.startswith("#"):
            self.fragments.append(href[1:])


def parse_ids(html: str) -> Ids:
    parser = Ids()
    parser.feed(html)
    return parser


def test_home_has_question_box_audience_choice_recent_answers_and_library(
    bundled_client, b12_article
):
    page = bundled_client.get("/")
    assert page.status_code == 200
    html = page.text
    assert '<form class="ask" method="post" action="/ask"' in html
    assert "Which best describes you?" in html
    assert 'value="clinician" checked' in html
    # Not approved: listed for no one, not even the visitor who asked it.
    assert "Recently approved answers" in html
    assert b12_article["slug"] not in html and "What cyanocobalamin dose" not in html
    assert "45 documents" in html and "Curbside demonstration library" in html


def test_home_remembers_the_audience_in_a_cookie(bundled_client):
    bundled_client.cookies.set(AUDIENCE_COOKIE, "patient")
    try:
        assert 'value="patient" checked' in bundled_client.get("/").text
    finally:
        bundled_client.cookies.delete(AUDIENCE_COOKIE)
    response = bundled_client.post(
        "/ask", data={"question": B12_QUESTION, "audience": "patient"}, follow_redirects=False
    )
    assert response.status_code == 303
    assert f"{AUDIENCE_COOKIE}=patient" in response.headers["set-cookie"]
    bundled_client.cookies.delete(AUDIENCE_COOKIE)


def test_form_ask_redirects_to_the_answer_page(bundled_client, b12_article):
    response = bundled_client.post("/ask", data={"question": B12_QUESTION}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/a/{b12_article['slug']}"


def test_answer_page_shows_the_whole_answer(bundled_client, b12_article):
    page = bundled_client.get(f"/a/{b12_article['slug']}")
    assert page.status_code == 200
    html = page.text
    assert '<h1 id="question" tabindex="-1">What cyanocobalamin dose' in html
    assert "Submitted" in html and "Pending human review" in html
    assert f'<time datetime="{b12_article["updated_at"]}">' in html
    assert "Bottom line" in html
    for section in b12_article["sections"]:
        assert section["title"].replace("'", "&#39;") in html
    # Every citation marker links to a numbered reference on the page.
    ids = parse_ids(html)
    markers = re.findall(r'<a class="cite" href="#(ref-\d+)"', html)
    assert markers and set(markers) <= set(ids.ids)
    assert set(ids.fragments) <= set(ids.ids) | {"main"}
    # Evidence on demand: a quote, its section path and a link to the passage.
    assert html.count('<details class="evidence">') >= len(
        [b for s in b12_article["sections"] for b in s["bullets"]]
    )
    ev = b12_article["sections"][0]["bullets"][0]["evidence"][0]
    assert f'href="/library/{ev["document_id"]}#{ev["passage_id"]}"' in html
    assert ev["section_path"] in html.replace("&gt;", ">")
    # References: each bullet's own sources (title, publisher, year, kind, link), each saying
    # where it was summarised, with the summary's library page; never the summary itself.
    refs = html[html.index('id="references-title"') :]
    for ref in b12_article["references"]:
        assert f'id="ref-{ref["n"]}"' in refs
        assert ref["title"] in refs.replace("&#39;", "'")
        assert f'<a href="{ref["url"]}" rel="noopener noreferrer external">' in refs
    assert "British Society for Haematology · 2014 · Guideline" in refs
    assert refs.count("Summarised in the Curbside demonstration library, not clinically") == len(
        b12_article["references"]
    )
    summary = b12_article["references"][0]["document_id"]
    assert f'<a href="/library/{summary}">Read the summary: Vitamin B12 deficiency' in refs
    assert "Curbside demonstration library · 2026" not in refs
    assert "not clinically reviewed" in html[: html.index("Bottom line")]  # the banner stays
    # A statement with two sources is one quote that cites both.
    two = next(b for s in b12_article["sections"] for b in s["bullets"] if len(b["citations"]) == 2)
    assert len({(e["passage_id"], e["quote"]) for e in two["evidence"]}) == 1
    a, b = two["citations"]
    assert f'<span class="ref-no">[{a}][{b}]</span>' in html
    # Follow-up keeps the context; the audience switch is a plain link.
    assert f'name="follow_up_of" value="{b12_article["id"]}"' in html
    assert f'href="/a/{b12_article["slug"]}?audience=patient"' in html
    assert b12_article["disclaimer"] in html


def test_answer_page_is_served_from_the_store_without_the_engine(
    bundled_client, b12_article, monkeypatch
):
    def no_engine(*args, **kwargs):
        raise AssertionError("the engine ran for a stored article")

    monkeypatch.setattr("curbside.web.service.answer", no_engine)
    monkeypatch.setattr("curbside.answer.pipeline.answer", no_engine)
    for _ in range(3):
        assert bundled_client.get(f"/a/{b12_article['slug']}").status_code == 200
    assert bundled_client.get(f"/a/{b12_article['id']}").status_code == 200
    assert bundled_client.get(f"/api/articles/{b12_article['id']}").status_code == 200


def test_answer_page_supports_conditional_and_compressed_requests(bundled_client, b12_article):
    url = f"/a/{b12_article['slug']}"
    first = bundled_client.get(url, headers={"accept-encoding": "gzip"})
    assert first.headers["content-encoding"] == "gzip"
    assert "Bottom line" in first.text
    etag = first.headers["etag"]
    again = bundled_client.get(url, headers={"if-none-match": etag})
    assert again.status_code == 304


def test_answer_page_follows_a_review_status_change(bundled_client, monkeypatch):
    client = bundled_client
    # Cached pages are trusted for a second; here every request checks the stamp.
    monkeypatch.setattr(client.app.state.web.article_pages, "revalidate_after", 0.0)
    data = client.post("/api/ask", json={"question": "hydroxocobalamin dose b12"}).json()
    url = f"/a/{data['slug']}"
    assert "Pending human review" in client.get(url).text
    client.app.state.web.rt.store.articles.set_article_status(data["id"], "approved")
    page = client.get(url).text
    assert "Pending human review" not in page
    assert "Approved" in page
    assert data["question"] in client.get("/").text.split("Recently approved")[1]


def test_audience_switch_changes_wording_keeps_numbers_and_sets_the_cookie(
    bundled_client, b12_article
):
    url = f"/a/{b12_article['slug']}"
    clinician = bundled_client.get(url).text
    patient = bundled_client.get(url, params={"audience": "patient"})
    assert patient.status_code == 200
    assert bundled_client.cookies.get(AUDIENCE_COOKIE) == "patient"
    bundled_client.cookies.delete(AUDIENCE_COOKIE)

    def bottom_line(html: str) -> str:
        return html.split('class="bottom-line"')[1].split("</p>")[0]

    # Patient wording is the plain-language version of the same article's bottom line.
    text = b12_article["bottom_line"]["text"]
    worded = bundled_client.get(f"/api/articles/{b12_article['id']}?audience=patient").json()
    assert worded["id"] == b12_article["id"] and worded["bottom_line"]["text"] != text
    assert str(escape(text)) in bottom_line(clinician)
    assert str(escape(worded["bottom_line"]["text"])) in bottom_line(patient.text)
    numbers = re.compile(r"\d+(?:\.\d+)?")
    assert numbers.findall(bottom_line(clinician)) == numbers.findall(bottom_line(patient.text))
    assert 'data-audience="patient"' in patient.text
    back = bundled_client.get(url, params={"audience": "clinician"})
    assert 'data-audience="clinician"' in back.text


def test_patient_answer_switches_to_the_same_article_for_clinicians(bundled_client):
    ask = bundled_client.post(
        "/api/ask", json={"question": "folic acid dose in pregnancy", "audience": "patient"}
    ).json()
    assert ask["audience"] == "patient"
    response = bundled_client.get(f"/a/{ask['slug']}", params={"audience": "clinician"})
    assert response.status_code == 200
    assert 'data-audience="clinician"' in response.text
    assert f'data-article="{ask["id"]}"' in response.text
    assert response.url.path == f"/a/{ask['slug']}"  # no redirect to another article


def test_follow_up_form_answers_in_context(bundled_client, b12_article):
    response = bundled_client.post(
        "/ask",
        data={"question": "And how long is maintenance?", "follow_up_of": b12_article["id"]},
    )
    assert response.status_code == 200
    html = response.text
    assert "Follow-up to" in html and f'href="/a/{b12_article["id"]}"' in html
    assert "B12" in html.split("References")[1]


def test_emergency_notice_comes_first(bundled_client):
    data = bundled_client.post(
        "/api/ask", json={"question": "My father has chest pain, what aspirin dose?"}
    ).json()
    assert data["emergency_notice"]
    html = bundled_client.get(f"/a/{data['slug']}").text
    article = html.split('<article id="answer"')[1]
    assert article.index('class="emergency" role="alert"') < article.index("<h1")


def test_abstention_page_explains_and_lists_closest_topics(bundled_client):
    data = bundled_client.post("/api/ask", json={"question": ABSTAIN_QUESTION}).json()
    html = bundled_client.get(f"/a/{data['slug']}").text
    assert "The library holds no guideline evidence for this question." in html
    assert "What the library lacks" in html
    assert "Closest topics the library does hold" in html
    assert 'class="answer-section"' not in html and "References" not in html


def test_related_question_links_find_the_stored_answer_or_fill_the_box(bundled_client, b12_article):
    found = bundled_client.get("/ask", params={"q": B12_QUESTION}, follow_redirects=False)
    assert found.status_code == 303
    assert found.headers["location"] == f"/a/{b12_article['slug']}"
    fresh = bundled_client.get("/ask", params={"q": "never asked about gout flares"})
    assert fresh.status_code == 200
    assert "never asked about gout flares</textarea>" in fresh.text


def test_library_lists_searches_and_pages_documents(bundled_client):
    page = bundled_client.get("/library").text
    assert page.count('<li>\n    <a href="/library/') == 45
    found = bundled_client.get("/library", params={"q": "vitamin b12"}).text
    assert "Vitamin B12 deficiency: diagnosis and treatment" in found
    assert "Gout" not in found
    assert "No documents" in bundled_client.get("/library", params={"q": "zzzz"}).text
    assert "No documents" in bundled_client.get("/library", params={"page": 5}).text


def test_document_page_anchors_every_passage(bundled_client, b12_article):
    ev = b12_article["sections"][0]["bullets"][0]["evidence"][0]
    response = bundled_client.get(f"/library/{ev['document_id']}")
    assert response.status_code == 200
    html = response.text
    assert f'id="{ev["passage_id"]}"' in html
    assert "Version</dt><dd>1 (current)" in html
    assert "Sources this summary summarises" in html


def test_library_says_once_that_the_bundled_documents_are_demonstrations(bundled_client):
    page = bundled_client.get("/library").text
    assert page.count("not clinically reviewed") == 1
    assert "These documents are demonstration summaries" in page
    document = re.search(r'href="/library/([0-9a-f]+)"', page)[1]
    html = bundled_client.get(f"/library/{document}").text
    banner = html.split('class="banner banner-demo"')[1].split("</p>")[0]
    assert banner.lower().count("not clinically reviewed") == 1


def test_document_passages_show_lists_as_lists_without_markdown_hyphens(make_client, tmp_path):
    client = make_client()
    path = tmp_path / "lists.md"
    path.write_text(
        "---\ntitle: Lists\nkind: protocol\n---\n# Lists\n\n## Steps\n"
        "Before the list.\n\n- First item, with a line\n  that continues.\n- Second item.\n\n"
        "1. Numbered one.\n2. Numbered two.\n"
    )
    rt = client.app.state.web.rt
    from curbside.library.ingest import ingest

    ingest([path], rt.store, rt.retriever)
    document = rt.store.list_documents("Lists")[0]
    html = client.get(f"/library/{document.id}").text
    text = html.split('<h2 id="passages-title">')[1]
    assert "<li>First item, with a line that continues.</li>" in text
    assert "<li>Second item.</li>" in text
    assert "<ol><li>Numbered one.</li><li>Numbered two.</li></ol>" in text
    assert "<p>Before the list.</p>" in text
    assert not re.search(r">\s*- ", text) and "\n- " not in text
    search = client.get("/search", params={"q": "second item"}).text
    assert "Second item" in search and "- Second item" not in search


def test_document_page_says_when_it_is_superseded(make_client, tmp_path):
    client = make_client()
    folder = tmp_path / "docs"
    folder.mkdir()
    path = folder / "local.md"
    path.write_text("---\ntitle: Local protocol\nkind: protocol\n---\n# Local protocol\n\nOld.\n")
    rt = client.app.state.web.rt
    from curbside.library.ingest import ingest
    from curbside.library.records import FieldMap

    ingest([path], rt.store, rt.retriever, fmap=FieldMap(), max_bytes=10**6)
    old = rt.store.list_documents("Local protocol")[0]
    path.write_text("---\ntitle: Local protocol\nkind: protocol\n---\n# Local protocol\n\nNew.\n")
    ingest([path], rt.store, rt.retriever, fmap=FieldMap(), max_bytes=10**6)
    html = client.get(f"/library/{old.id}").text
    assert "Superseded." in html and "version 2" in html
    assert "Local protocol" in client.get("/library").text


def test_search_page_lists_passages_with_links(bundled_client):
    empty = bundled_client.get("/search")
    assert empty.status_code == 200 and 'name="q"' in empty.text
    html = bundled_client.get("/search", params={"q": "hydroxocobalamn dose"}).text
    assert "Showing results for" in html
    assert re.search(r'href="/library/[0-9a-f]+#[0-9a-f]+-\d+"', html)
    assert "No passages match" in bundled_client.get("/search", params={"q": "qqqqzzzz"}).text


def test_unknown_pages_are_html_404s(bundled_client):
    for url in ("/nothing", "/a/no-such-article", "/library/no-such-document"):
        response = bundled_client.get(url)
        assert response.status_code == 404
        assert "text/html" in response.headers["content-type"]
        assert "Not found" in response.text


@pytest.mark.parametrize(
    "url", ["/", "/a/x", "/library", "/search?q=b12", "/docs", "/api/search?q=b"]
)
def test_every_response_carries_security_headers(bundled_client, url):
    headers = bundled_client.get(url).headers
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "same-origin"


def test_pages_have_no_inline_script_or_style(bundled_client, b12_article):
    for url in ("/", f"/a/{b12_article['slug']}", "/library", "/search?q=b12", "/docs"):
        html = bundled_client.get(url).text
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), url
        assert " style=" not in html and "<style" not in html, url
        assert not re.search(r"\son[a-z]+=", html), url


def test_static_files_are_served_and_cached(bundled_client):
    home = bundled_client.get("/").text
    css = re.search(r'href="(/static/curbside\.css\?v=[0-9a-f]+)"', home).group(1)
    js = re.search(r'src="(/static/curbside\.js\?v=[0-9a-f]+)"', home).group(1)
    for url in (css, js):
        response = bundled_client.get(url)
        assert response.status_code == 200
        assert "immutable" in response.headers["cache-control"]
    assert "@media print" in bundled_client.get(css).text


def test_first_question_on_an_empty_library_loads_the_bundled_library(make_client):
    client = make_client()
    assert "0 documents" in client.get("/").text
    data = client.post("/api/ask", json={"question": "hydroxocobalamin dose b12"}).json()
    assert not data["abstained"]
    assert "45 documents" in client.get("/").text


def test_cached_pages_skip_routing_but_not_headers(bundled_client):
    # Only approved pages are cached: they are the same for every visitor.
    data = bundled_client.post("/api/ask", json={"question": "hydroxocobalamin maintenance"})
    bundled_client.app.state.web.rt.store.articles.set_article_status(data.json()["id"], "approved")
    url = f"/a/{data.json()['slug']}"
    routed = bundled_client.get(url, params={"audience": "clinician"})  # never the fast path
    bundled_client.cookies.delete(AUDIENCE_COOKIE)
    bundled_client.get(url)  # fills the cache
    fast = bundled_client.get(url)
    assert fast.status_code == 200
    assert fast.text == routed.text
    assert fast.headers["etag"] == routed.headers["etag"]
    assert fast.headers["content-security-policy"] == routed.headers["content-security-policy"]
    head = bundled_client.head(url)
    assert head.status_code == 200 and head.content == b""
    assert (
        bundled_client.get(url, headers={"if-none-match": fast.headers["etag"]}).status_code == 304
    )
    assert bundled_client.get(url + "/extra").status_code == 404
