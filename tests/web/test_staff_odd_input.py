"""Odd and hostile input on the staff pages: plain 4xx answers, never a 500, and nothing a
person typed (a reason, a name, a document's title) becomes markup."""

from __future__ import annotations

from .test_escaping import assert_inert

HOSTILE = "<script>alert('x')</script><img src=x onerror=alert('y')>"


def test_unknown_or_malformed_addresses_are_plain_errors(site):
    editor, admin = site.login("editor"), site.login("admin")
    assert editor.get("/editor/changes/abc").status_code == 422
    assert editor.get("/editor/changes/999999").status_code == 404
    assert editor.get("/editor/documents/nope").status_code == 404
    assert editor.get("/editor?page=0").status_code == 422
    retire = editor.post("/editor/documents/nope/retire", data={"csrf_token": editor.csrf})
    assert retire.status_code == 404
    assert admin.get("/admin/users/nope").status_code == 404
    revoke = admin.post("/admin/tokens/nope/revoke", data={"csrf_token": admin.csrf})
    assert revoke.status_code == 404
    token = admin.post("/admin/users/nope/tokens", data={"csrf_token": admin.csrf})
    assert token.status_code == 404
    broken = editor.post(
        "/editor/upload",
        content=b"--x\r\nContent-Disposition: form-data; name=\r\n\r\n",
        headers={"content-type": "multipart/form-data; boundary=x"},
    )
    assert 400 <= broken.status_code < 500
    reviewer = site.login("reviewer")
    unknown = reviewer.post(
        "/review/set-aside",
        data={"csrf_token": reviewer.csrf, "article_id": "nope", "reason": "junk"},
        follow_redirects=False,
    )
    assert unknown.status_code == 303 and "count=0" in unknown.headers["location"]


def test_hostile_reasons_names_and_titles_stay_text(site):
    reviewer = site.login("reviewer")
    form = {"csrf_token": reviewer.csrf, "article_id": site.id, "reason": HOSTILE}
    assert reviewer.post("/review/set-aside", data=form, follow_redirects=False).status_code == 303
    aside = reviewer.get("/review?view=set_aside")
    assert "&lt;script&gt;" in aside.text
    assert_inert(aside.text)
    assert_inert(reviewer.get(f"/review/{site.id}/audit").text)

    admin = site.login("admin")
    created = admin.post(
        "/admin/users",
        data={
            "csrf_token": admin.csrf,
            "email": "h@example.org",
            "name": HOSTILE,
            "role": "editor",
        },
        follow_redirects=False,
    )
    assert created.status_code == 303
    assert_inert(admin.get("/admin/users").text)
    assert_inert(admin.get(created.headers["location"]).text)

    editor = site.login("editor")
    document = f"---\ntitle: {HOSTILE!r}\n---\n# Heading\n\nSome text about iron.\n"
    upload = editor.post(
        "/editor/upload",
        data={"csrf_token": editor.csrf},
        files=[("files", (f"{HOSTILE}.md", document.encode(), "text/markdown"))],
        follow_redirects=False,
    )
    assert upload.status_code == 303
    result = editor.get(upload.headers["location"])
    assert "&lt;script&gt;" in result.text
    assert_inert(result.text)
    assert_inert(editor.get("/editor").text)
