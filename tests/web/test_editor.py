"""The library editor's pages over HTTP: uploads and their per-file results, the field map,
replacing and retiring, the answers sent back to review, and roles, CSRF, size and audit."""

from __future__ import annotations

import json
import re

import pytest

from curbside.review import service
from curbside.review.accounts import OPERATOR

from ..review.conftest import GUIDELINE
from .reviewing import ReviewSite

WARFARIN = """---
title: Warfarin reversal before urgent surgery
publisher: Anticoagulation Forum
year: 2021
---
# Warfarin reversal

## Urgent reversal
- Give vitamin K 5 mg intravenously to reverse warfarin before urgent surgery.
- Give four-factor prothrombin complex concentrate when surgery cannot wait six hours.
"""
RECORDS = (
    '{"ref": "r1", "heading": "Gout flare treatment", "body": "Treat an acute gout flare '
    'with colchicine 500 micrograms two or three times a day."}\n'
    "{not json\n"
)


def _upload(client, files, **fields):
    data = {"csrf_token": getattr(client, "csrf", ""), **fields}
    return client.post("/editor/upload", data=data, files=files, follow_redirects=False)


def _change(client, response) -> str:
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert re.fullmatch(r"/editor/changes/\d+", location)
    page = client.get(location)
    assert page.status_code == 200
    return page.text


def _audit(site, action: str) -> list[dict]:
    export = site.login("admin").get("/review/audit.jsonl").text
    return [e for e in map(json.loads, export.splitlines()) if e["action"] == action]


def _approve(site) -> None:
    reviewer = site.users["reviewer"]
    claimed = service.claim(site.store, reviewer, site.id, 1)
    service.approve(site.store, reviewer, site.id, claimed.version)


def test_an_upload_says_what_became_of_each_file(site):
    editor = site.login("editor")
    files = [
        ("files", ("warfarin.md", WARFARIN.encode(), "text/markdown")),
        ("files", ("records.jsonl", RECORDS.encode(), "application/x-ndjson")),
        ("files", ("notes.docx", b"PK\x03\x04", "application/octet-stream")),
    ]
    page = _change(editor, _upload(editor, files, field_map="id=ref,title=heading,text=body"))
    assert '<strong>warfarin.md</strong>: <span class="outcome">ingested</span>' in page
    assert "(1 new document)" in page and "Warfarin reversal before urgent surgery" in page
    assert (
        '<strong>records.jsonl</strong>: <span class="outcome">ingested, with errors</span>' in page
    )
    assert "records.jsonl, line 2: invalid JSON" in page  # the file and line, never a server path
    assert '<strong>notes.docx</strong>: <span class="outcome">error</span>' in page
    assert "notes.docx: this kind of file cannot be read" in page
    assert str(site.client.app.state.web.settings.home) not in page
    titles = {d.title for d in site.store.list_documents()}
    assert {"Warfarin reversal before urgent surgery", "Gout flare treatment"} <= titles
    [entry] = _audit(site, "library_upload")
    assert entry["actor"] == "editor@example.org"
    assert [f["name"] for f in entry["detail"]["files"]] == [
        "warfarin.md",
        "records.jsonl",
        "notes.docx",
    ]
    assert entry["detail"]["field_map"] == "id=ref,title=heading,text=body"

    again = _change(editor, _upload(editor, files[:1]))
    assert '<span class="outcome">skipped unchanged</span>' in again
    changed = [
        ("files", ("warfarin.md", WARFARIN.replace("six", "six (6)").encode(), "text/markdown"))
    ]
    assert "(1 new version document)" in _change(editor, _upload(editor, changed))
    assert "Dr Editor uploaded 1 file: warfarin.md (1 updated)." in editor.get("/editor").text


def test_a_document_uploaded_in_the_editor_answers_questions(site):
    editor = site.login("editor")
    _change(
        editor, _upload(editor, [("files", ("warfarin.md", WARFARIN.encode(), "text/markdown"))])
    )
    asked = site.client.post(
        "/api/ask",
        json={"question": "How is warfarin reversed before urgent surgery?"},
        headers=site.bearer("reader"),
    ).json()
    assert not asked["abstained"]
    assert "Warfarin reversal before urgent surgery" in [r["title"] for r in asked["references"]]


def test_a_bad_field_map_is_refused_with_what_was_typed(site):
    editor = site.login("editor")
    files = [("files", ("records.jsonl", RECORDS.encode(), "application/x-ndjson"))]
    refused = _upload(editor, files, field_map="headline=heading")
    assert refused.status_code == 422
    assert "Nothing was uploaded: bad --map entry" in refused.text
    assert 'value="headline=heading"' in refused.text
    nothing = _upload(editor, [])
    assert nothing.status_code == 422 and "Choose at least one file" in nothing.text
    assert _audit(site, "library_upload") == []


def test_replacing_a_cited_document_sends_its_approved_answers_to_review(site):
    _approve(site)
    [doc] = [d for d in site.store.list_documents() if d.title.startswith("Iron deficiency")]
    editor = site.login("editor")
    before = editor.get(f"/editor/documents/{doc.id}").text
    assert "1 approved answer cites it" in before and site.article["question"] in before
    newer = GUIDELINE.replace("after 4 weeks", "after 2 to 4 weeks")
    form = {"csrf_token": editor.csrf}
    response = editor.post(
        f"/editor/documents/{doc.id}/replace",
        data=form,
        files=[("files", ("ida-2025.md", newer.encode(), "text/markdown"))],
        follow_redirects=False,
    )
    page = _change(editor, response)
    assert "Replacing “Iron deficiency anaemia in adults”" in page
    assert "(1 new version document)" in page
    to_review = page.split('id="to-review"')[1]
    assert site.article["question"] in to_review
    assert site.store.articles.get_article(site.id)["status"] == "needs_review"
    assert site.store.get_document(doc.id).status == "superseded"
    wrong = editor.post(
        f"/editor/documents/{doc.id}/replace",
        data=form,
        files=[("files", ("x.md", b"# x\n\ntext", "text/markdown"))],
    )
    assert wrong.status_code == 422 and "only a current one can be replaced" in wrong.text
    [entry] = _audit(site, "library_upload")
    assert entry["detail"]["replaced"] == doc.id
    assert entry["detail"]["files"][0]["to_review"] == [site.id]


def test_a_replacement_must_be_one_document(site):
    [doc] = site.store.list_documents()
    editor = site.login("editor")
    response = editor.post(
        f"/editor/documents/{doc.id}/replace",
        data={"csrf_token": editor.csrf},
        files=[("files", ("many.jsonl", RECORDS.encode(), "application/x-ndjson"))],
        follow_redirects=False,
    )
    page = _change(editor, response)
    assert "many.jsonl: a replacement must hold one document" in page
    assert site.store.get_document(doc.id).status == "current"


def test_retiring_a_document_takes_it_out_and_says_which_answers_go_to_review(site):
    _approve(site)
    [doc] = site.store.list_documents()
    editor = site.login("editor")
    form = {"csrf_token": editor.csrf, "reason": "withdrawn by the publisher"}
    response = editor.post(f"/editor/documents/{doc.id}/retire", data=form, follow_redirects=False)
    page = _change(editor, response)
    assert "Retired “Iron deficiency anaemia in adults”" in page
    assert "“withdrawn by the publisher”" in page
    assert site.article["question"] in page.split('id="to-review"')[1]
    assert site.store.get_document(doc.id).status == "removed"
    assert site.store.articles.get_article(site.id)["status"] == "needs_review"
    results = site.client.get("/api/search", params={"q": "ferrous sulfate"}).json()
    assert not results["hits"]  # its passages left the index
    [entry] = _audit(site, "document_retired")
    assert entry["actor"] == "editor@example.org"
    assert entry["detail"]["articles_to_review"] == [site.id]
    again = editor.post(f"/editor/documents/{doc.id}/retire", data=form)
    assert again.status_code == 422 and "already removed" in again.text


def test_only_editors_reach_the_editor_pages(site):
    [doc] = site.store.list_documents()
    anonymous = site.browser()
    page = anonymous.get("/editor", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login?next=")
    files = [("files", ("x.md", b"# X\n\nSome text.", "text/markdown"))]
    assert anonymous.post("/editor/upload", files=files).status_code == 401
    assert anonymous.post(f"/editor/documents/{doc.id}/retire").status_code == 401
    for role in ("reviewer", "admin", "reader"):
        client = site.login(role)
        assert client.get("/editor").status_code == 403, role
        assert client.get(f"/editor/documents/{doc.id}").status_code == 403, role
        assert _upload(client, files).status_code == 403, role
        retire = client.post(f"/editor/documents/{doc.id}/retire", data={"csrf_token": client.csrf})
        assert retire.status_code == 403, role
    assert "Library editor" not in site.login("reviewer").get("/review").text
    assert 'href="/editor"' in site.login("editor").get("/editor").text
    assert site.store.get_document(doc.id).status == "current"
    assert _audit(site, "library_upload") == []


def test_each_editor_form_needs_the_sessions_csrf_token(site):
    [doc] = site.store.list_documents()
    editor = site.login("editor")
    files = [("files", ("x.md", b"# X\n\nSome text.", "text/markdown"))]
    for token in ({}, {"csrf_token": "forged"}):
        assert editor.post("/editor/upload", data=token, files=files).status_code == 403
        replace = editor.post(f"/editor/documents/{doc.id}/replace", data=token, files=files)
        assert replace.status_code == 403
        assert editor.post(f"/editor/documents/{doc.id}/retire", data=token).status_code == 403
    assert site.store.get_document(doc.id).status == "current"
    assert len(site.store.list_documents()) == 1


@pytest.fixture
def small_site(make_client, tmp_path, cheap_argon2):
    """A site whose documents may be at most 5,000 bytes."""
    return ReviewSite.build(make_client(max_document_bytes=5000), tmp_path)


def test_uploads_are_bounded_by_the_document_size_limit(small_site):
    editor = small_site.login("editor")
    big = b"# Big\n\n" + b"word " * 20_000  # 100 kB: the whole upload is over the limit
    refused = _upload(editor, [("files", ("big.md", big, "text/markdown"))])
    assert refused.status_code == 413
    assert "at most 5 kB in all" in refused.text and "CURBSIDE_MAX_DOCUMENT_BYTES" in refused.text
    over = b"# Over\n\n" + b"word " * 1_500  # 7.5 kB: within the form's room, over one document
    page = _change(editor, _upload(editor, [("files", ("over.md", over, "text/markdown"))]))
    assert "over.md: too large; a document can be at most" in page
    assert not any(d.title == "Over" for d in small_site.store.list_documents())
    headers = {"content-type": "multipart/form-data; boundary=x", "transfer-encoding": "chunked"}
    chunked = editor.post("/editor/upload", content=iter([b"--x--\r\n"]), headers=headers)
    assert chunked.status_code == 411


def test_an_uploaded_file_keeps_only_a_safe_name(site):
    editor = site.login("editor")
    files = [("files", ("../../etc/evil name?.md", WARFARIN.encode(), "text/markdown"))]
    page = _change(editor, _upload(editor, files))
    assert "<strong>evil name_.md</strong>" in page
    uploads = site.client.app.state.web.settings.home / "uploads"
    assert [p.name for p in uploads.iterdir()] == ["evil name_.md"]


def test_library_changes_need_the_library_permission_in_the_service(site):
    from curbside.errors import Forbidden
    from curbside.library.records import FieldMap
    from curbside.review import librarian

    rt = site.client.app.state.web.rt
    [doc] = site.store.list_documents()
    with pytest.raises(Forbidden):
        librarian.upload(rt, site.users["reviewer"], [("x.md", None)], FieldMap())
    with pytest.raises(Forbidden):
        librarian.retire(rt, OPERATOR, doc.id, "")  # administrators manage accounts only
