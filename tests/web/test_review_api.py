"""The review and account JSON API with bearer tokens; stale sources; the audit's immutability."""

from __future__ import annotations

import json

from fastapi.routing import APIRoute

from curbside.review import views

from ..review.conftest import GUIDELINE


def _act(site, action: str, body: dict, role: str = "reviewer"):
    return site.client.post(
        f"/api/articles/{site.id}/{action}", json=body, headers=site.bearer(role)
    )


def _approve(site, version: int = 1) -> dict:
    assert _act(site, "claim", {"seen_version": version}).status_code == 200
    approved = _act(site, "approve", {"seen_version": version, "comment": "ok"})
    assert approved.status_code == 200, approved.text
    return approved.json()


def test_a_review_over_the_api(site):
    auth = site.bearer("reviewer")
    queue = site.client.get("/api/review/queue", headers=auth).json()
    assert [(q["id"], q["status"], q["version"]) for q in queue] == [(site.id, "submitted", 1)]
    assert _act(site, "claim", {"seen_version": 1}).json()["status"] == "under_review"
    edits = [
        {"kind": "edit_bullet", "section": 0, "bullet": 0, "text": "Continue for 3 months."},
        {"kind": "add_note", "text": "Checked against the source."},
    ]
    edited = _act(site, "edit", {"seen_version": 1, "edits": edits, "note": "shorter"})
    assert edited.status_code == 200
    body = edited.json()
    assert (
        body["version"] == 2
        and body["sections"][0]["bullets"][0]["text"] == "Continue for 3 months."
    )
    assert body["reviewer_notes"][0]["reviewer"] == "Dr Reviewer"
    assert _act(site, "approve", {"seen_version": 2}).json()["status"] == "approved"
    versions = site.client.get(f"/api/articles/{site.id}/versions", headers=auth).json()
    assert [(v["version"], v["note"]) for v in versions] == [(1, "as generated"), (2, "shorter")]
    first = site.client.get(f"/api/articles/{site.id}/versions/1", headers=auth).json()
    assert first["sections"] == site.article["sections"]
    diff = site.client.get(f"/api/articles/{site.id}/diff?old=1&new=2", headers=auth).json()
    changed = [d for d in diff if d["changed"]]
    assert {"op": "+", "text": "Continue for 3 months. [1]"} in changed[0]["lines"]
    audit = site.client.get(f"/api/articles/{site.id}/audit", headers=auth).json()
    assert [e["action"] for e in audit] == ["claim", "edit", "approve"]
    assert audit[1]["detail"]["edits"] == [{**edits[0], "reason": None}, edits[1]]
    assert audit[1]["detail"]["comment"] == "shorter"
    export = site.client.get("/api/audit.jsonl", headers=site.bearer("admin"))
    assert export.status_code == 200 and export.text.count("\n") >= 3
    public = site.client.get(f"/api/articles/{site.id}").json()
    assert public["version"] == 2 and public["status"] == "approved"


def test_api_errors_say_what_to_do(site):
    _act(site, "claim", {"seen_version": 1})
    edit = {"kind": "edit_bullet", "section": 0, "bullet": 0, "text": "Give 650 mg for 3 months."}
    refused = _act(site, "edit", {"seen_version": 1, "edits": [edit]})
    assert refused.status_code == 422 and refused.json()["numbers"] == ["650 mg"]
    kept = _act(site, "edit", {"seen_version": 1, "edits": [{**edit, "reason": "Local stock."}]})
    addition = kept.json()["sections"][0]["bullets"][0]["reviewer_addition"]
    assert addition["numbers"] == ["650 mg"] and addition["reason"] == "Local stock."
    assert _act(site, "claim", {"seen_version": 2}).status_code == 409  # not a valid move
    malformed = _act(site, "edit", {"seen_version": 2, "edits": [{"kind": "rewrite_all"}]})
    assert malformed.status_code == 422
    assert (
        site.client.post(
            "/api/articles/nope/claim", json={"seen_version": 1}, headers=site.bearer("reviewer")
        ).status_code
        == 404
    )


def test_two_reviewers_at_once_over_the_api_one_applies_one_gets_their_edits_back(site):
    _act(site, "claim", {"seen_version": 1})
    note = {"kind": "add_note", "text": "First reviewer's note."}
    other = {"kind": "add_note", "text": "Second reviewer's note."}
    assert _act(site, "edit", {"seen_version": 1, "edits": [note]}).status_code == 200
    lost = _act(site, "edit", {"seen_version": 1, "edits": [other]}, role="reviewer2")
    assert lost.status_code == 409
    body = lost.json()
    assert body["current_version"] == 2 and body["current_status"] == "under_review"
    assert body["attempted"]["edits"] == [other]  # nothing lost: send it again on version 2
    again = _act(
        site, "edit", {"seen_version": 2, "edits": body["attempted"]["edits"]}, "reviewer2"
    )
    assert [n["text"] for n in again.json()["reviewer_notes"]] == [note["text"], other["text"]]


def test_admins_manage_users_and_tokens(site):
    admin = site.bearer("admin")
    created = site.client.post(
        "/api/users",
        json={
            "email": "New.Reviewer@Example.org",
            "name": "Dr New",
            "role": "reviewer",
            "credentials": "MD, cardiology",
            "password": "a long enough password",
        },
        headers=admin,
    )
    assert created.status_code == 201, created.text
    user = created.json()
    assert user["email"] == "new.reviewer@example.org" and "password" not in str(user)
    issued = site.client.post(
        f"/api/users/{user['id']}/tokens", json={"label": "ci"}, headers=admin
    )
    assert issued.status_code == 201
    token = issued.json()["token"]
    mine = {"Authorization": f"Bearer {token}"}
    assert site.client.get("/api/me", headers=mine).json()["role"] == "reviewer"
    listed = site.client.get(f"/api/users/{user['id']}/tokens", headers=mine).json()
    assert [t["label"] for t in listed] == ["ci"] and "token" not in listed[0]
    assert any(m["name"] == "Dr New" for m in site.client.get("/api/board").json())
    demoted = site.client.patch(f"/api/users/{user['id']}", json={"role": "reader"}, headers=admin)
    assert demoted.json()["role"] == "reader"
    assert all(m["name"] != "Dr New" for m in site.client.get("/api/board").json())
    assert _act(site, "claim", {"seen_version": 1}, role="reader").status_code == 403
    duplicate = site.client.post(
        "/api/users", json={"email": "new.reviewer@example.org", "name": "X"}, headers=admin
    )
    assert duplicate.status_code == 422 and "exists already" in duplicate.json()["error"]
    short = site.client.patch(f"/api/users/{user['id']}", json={"password": "short"}, headers=admin)
    assert short.status_code == 422
    # A user may issue and revoke their own tokens, not anyone else's.
    own = site.client.post(
        f"/api/users/{site.users['editor'].id}/tokens", json={}, headers=site.bearer("editor")
    )
    assert own.status_code == 201
    revoked = site.client.delete(f"/api/tokens/{own.json()['id']}", headers=site.bearer("editor"))
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    actions = [e.action for e in views.audit_trail(site.store)]
    for expected in ("user_created", "token_issued", "role_changed", "token_revoked"):
        assert expected in actions


def test_a_changed_cited_document_sends_the_approved_answer_back_to_review(site):
    slug_url = f"/a/{site.article['slug']}"
    _approve(site)
    site.client.get(slug_url)  # cached while approved
    assert "Sources updated since approval" not in site.client.get(slug_url).text
    site.reingest(GUIDELINE.replace("4 weeks", "2 to 4 weeks"))
    article = site.client.get(f"/api/articles/{site.id}/review").json()
    assert article["status"] == "needs_review" and article["sources_updated"]
    site.client.app.state.web.article_pages.revalidate_after = 0.0  # another process's change
    page = site.client.get(slug_url).text
    assert "Sources updated since approval" in page and "Reviewed by Dr Reviewer" in page
    queue = site.client.get(
        "/api/review/queue?status=needs_review", headers=site.bearer("reviewer")
    )
    assert [q["id"] for q in queue.json()] == [site.id]
    # A reviewer takes it back and edits it: readers keep the approved version meanwhile.
    assert _act(site, "claim", {"seen_version": 1}).status_code == 200
    note = {"kind": "add_note", "text": "Re-checked against the 2 to 4 weeks wording."}
    assert _act(site, "edit", {"seen_version": 1, "edits": [note]}).status_code == 200
    page = site.client.get(slug_url).text
    assert "A newer version of this answer awaits review" in page
    assert "Re-checked" not in page and "Sources updated since approval" in page
    assert _act(site, "approve", {"seen_version": 2}).status_code == 200
    page = site.client.get(slug_url).text
    assert "Re-checked" in page and "Sources updated since approval" not in page
    assert "awaits review" not in page


def _routes(routes):
    for route in routes:
        if isinstance(route, APIRoute) or hasattr(route, "methods"):
            yield route
        inner = getattr(route, "original_router", None) or getattr(route, "app", None)
        if inner is not None and hasattr(inner, "routes"):
            yield from _routes(inner.routes)


def test_the_audit_trail_cannot_be_altered_through_the_app(site):
    _approve(site)
    routes = [r for r in _routes(site.client.app.routes) if "audit" in r.path]
    assert {r.path for r in routes} >= {
        "/api/audit.jsonl",
        "/api/articles/{article_id}/audit",
        "/review/audit.jsonl",
        "/review/{article_id}/audit",
    }
    assert all(set(r.methods) <= {"GET", "HEAD"} for r in routes), [
        (r.path, r.methods) for r in routes
    ]
    admin = site.bearer("admin")
    before = site.client.get("/api/audit.jsonl", headers=admin).text
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        for url in ("/api/audit.jsonl", f"/api/articles/{site.id}/audit"):
            assert site.client.request(method, url, headers=admin).status_code == 405
    assert site.client.get("/api/audit.jsonl", headers=admin).text == before
    lines = before.splitlines()
    assert len(lines) == len({json.loads(line)["id"] for line in lines})


def test_every_review_endpoint_is_in_the_api_docs(site):
    spec = site.client.get("/openapi.json").json()
    for path in (
        "/api/review/queue",
        "/api/articles/{article_id}/claim",
        "/api/articles/{article_id}/edit",
        "/api/articles/{article_id}/diff",
        "/api/audit.jsonl",
        "/api/users",
        "/api/users/{user_id}/tokens",
        "/api/tokens/{token_id}",
    ):
        assert path in spec["paths"], path
    assert "EditBullet" in site.client.get("/docs").text
