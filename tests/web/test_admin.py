"""The administrators' pages over HTTP: accounts, roles, enabling, passwords and API tokens,
with roles, CSRF and the audit trail."""

from __future__ import annotations

import json
import re

from ..review.conftest import PASSWORD
from .reviewing import LOGIN_CSRF

NEW_PASSWORD = "a brand new reviewer password"


def _audit(site, action: str) -> list[dict]:
    export = site.login("admin").get("/review/audit.jsonl").text
    return [e for e in map(json.loads, export.splitlines()) if e["action"] == action]


def _sign_in(site, email: str, password: str):
    client = site.browser()
    token = LOGIN_CSRF.search(client.get("/login").text)[1]
    form = {"email": email, "password": password, "login_csrf": token}
    return client, client.post("/login", data=form, follow_redirects=False)


def _create(admin, **fields):
    form = {"csrf_token": admin.csrf, "role": "reviewer", **fields}
    return admin.post("/admin/users", data=form, follow_redirects=False)


def test_an_administrator_creates_a_reviewer_who_can_sign_in(site):
    admin = site.login("admin")
    page = admin.get("/admin/users").text
    assert "Dr Reviewer" in page and "reviewer@example.org" in page
    response = _create(
        admin,
        email="Grace@Example.org",
        name="Dr Grace Hopper",
        credentials="MD, cardiology",
        password=NEW_PASSWORD,
    )
    assert response.status_code == 303
    assert response.headers["location"].endswith("?done=created")
    profile = admin.get(response.headers["location"]).text
    assert "The account is created." in profile and "grace@example.org" in profile
    client, signed_in = _sign_in(site, "grace@example.org", NEW_PASSWORD)
    assert signed_in.status_code == 303
    assert client.get("/review").status_code == 200
    assert "Dr Grace Hopper" in site.client.get("/about/board").text
    [entry] = [
        e for e in _audit(site, "user_created") if e["detail"]["email"] == "grace@example.org"
    ]
    assert entry["actor"] == "admin@example.org" and entry["detail"]["role"] == "reviewer"
    assert "Dr Admin created the account of Dr Grace Hopper (reviewer)." in profile


def test_a_refused_account_keeps_what_was_typed_but_never_the_password(site):
    admin = site.login("admin")
    short = _create(admin, email="x@example.org", name="Dr X", password="short pw")
    assert short.status_code == 422 and "a password needs 10 to 1024 characters" in short.text
    assert 'value="x@example.org"' in short.text and 'value="Dr X"' in short.text
    assert "short pw" not in short.text
    taken = _create(admin, email="reviewer@example.org", name="Dr Again", password=NEW_PASSWORD)
    assert taken.status_code == 422 and "exists already" in taken.text
    bad_role = _create(admin, email="y@example.org", name="Dr Y", role="owner")
    assert bad_role.status_code == 422 and "role must be one of" in bad_role.text
    refused = {"x@example.org", "y@example.org"}
    assert not [e for e in _audit(site, "user_created") if e["detail"]["email"] in refused]


def test_role_changes_disabling_and_passwords_are_applied_and_audited(site):
    admin = site.login("admin")
    target = site.users["reader"]
    url = f"/admin/users/{target.id}"
    form = {"csrf_token": admin.csrf}
    role = admin.post(f"{url}/role", data=form | {"role": "editor"}, follow_redirects=False)
    assert role.status_code == 303
    assert '<dd id="user-role">editor</dd>' in admin.get(role.headers["location"]).text
    reader = site.login("reader")
    assert reader.get("/editor").status_code == 200  # the new role holds at once

    off = admin.post(f"{url}/active", data=form | {"active": "0"}, follow_redirects=False)
    assert "signed out everywhere" in admin.get(off.headers["location"]).text
    assert reader.get("/editor", follow_redirects=False).status_code == 303  # session ended
    assert _sign_in(site, "reader@example.org", PASSWORD)[1].status_code == 401
    admin.post(f"{url}/active", data=form | {"active": "1"})
    admin.post(f"{url}/password", data=form | {"password": NEW_PASSWORD})
    assert _sign_in(site, "reader@example.org", NEW_PASSWORD)[1].status_code == 303
    short = admin.post(f"{url}/password", data=form | {"password": "short"})
    assert short.status_code == 422 and "Not changed" in short.text

    actions = [
        e["action"] for e in map(json.loads, admin.get("/review/audit.jsonl").text.splitlines())
    ]
    expected = ["role_changed", "user_deactivated", "user_activated", "password_set"]
    assert [a for a in actions if a in expected] == expected
    history = admin.get(url).text
    assert "Dr Admin made Dr Reader an editor." in history
    assert "Dr Admin disabled the account of Dr Reader; they were signed out." in history


def test_an_administrator_cannot_lock_themselves_out(site):
    admin = site.login("admin")
    me = site.users["admin"]
    form = {"csrf_token": admin.csrf}
    refused = admin.post(f"/admin/users/{me.id}/active", data=form | {"active": "0"})
    assert refused.status_code == 422 and "cannot disable your own account" in refused.text
    demoted = admin.post(f"/admin/users/{me.id}/role", data=form | {"role": "reader"})
    assert demoted.status_code == 422
    assert admin.get("/admin/users").status_code == 200


def test_a_token_is_shown_once_works_and_can_be_revoked(site):
    admin = site.login("admin")
    target = site.users["reviewer2"]
    form = {"csrf_token": admin.csrf, "label": "intranet"}
    issued = admin.post(f"/admin/users/{target.id}/tokens", data=form)
    assert issued.status_code == 200 and "shown this once" in issued.text
    token = re.search(r'<code id="issued-token">([^<]+)</code>', issued.text)[1]
    assert issued.headers["cache-control"] == "private, no-store"
    headers = {"Authorization": f"Bearer {token}"}
    assert site.client.get("/api/review/queue", headers=headers).status_code == 200
    assert token not in admin.get(f"/admin/users/{target.id}").text  # only that once
    [entry] = [
        e
        for e in _audit(site, "token_issued")
        if e["detail"]["user_id"] == target.id and e["actor"] == "admin@example.org"
    ]
    token_id = entry["detail"]["token_id"]
    revoked = admin.post(
        f"/admin/tokens/{token_id}/revoke", data={"csrf_token": admin.csrf}, follow_redirects=False
    )
    assert revoked.status_code == 303 and revoked.headers["location"].endswith("done=revoked")
    assert site.client.get("/api/review/queue", headers=headers).status_code == 401
    [gone] = _audit(site, "token_revoked")
    assert gone["detail"] == {"token_id": token_id, "user_id": target.id}


def test_only_administrators_reach_the_account_pages(site):
    target = site.users["reader"]
    anonymous = site.browser()
    page = anonymous.get("/admin/users", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login?next=")
    assert anonymous.post("/admin/users", data={"email": "a@b.org"}).status_code == 401
    writes = [
        (
            "/admin/users",
            {"email": "z@example.org", "name": "Z", "role": "admin", "password": NEW_PASSWORD},
        ),
        (f"/admin/users/{target.id}/role", {"role": "admin"}),
        (f"/admin/users/{target.id}/active", {"active": "0"}),
        (f"/admin/users/{target.id}/password", {"password": NEW_PASSWORD}),
        (f"/admin/users/{target.id}/tokens", {"label": "x"}),
    ]
    for role in ("reviewer", "editor", "reader"):
        client = site.login(role)
        assert client.get("/admin/users").status_code == 403, role
        assert client.get(f"/admin/users/{target.id}").status_code == 403, role
        for url, form in writes:
            assert client.post(url, data=form | {"csrf_token": client.csrf}).status_code == 403, (
                role,
                url,
            )
    assert "Accounts" not in site.login("reviewer").get("/review").text
    assert 'href="/admin/users"' in site.login("admin").get("/review").text
    assert _audit(site, "role_changed") == [] and _audit(site, "password_set") == []


def test_each_account_form_needs_the_sessions_csrf_token(site):
    admin = site.login("admin")
    target = site.users["reader"]
    token_id = re.search(
        r"<code>([0-9a-f]{12})</code>", admin.get(f"/admin/users/{target.id}").text
    )[1]
    writes = [
        (
            "/admin/users",
            {"email": "z@example.org", "name": "Z", "role": "admin", "password": NEW_PASSWORD},
        ),
        (f"/admin/users/{target.id}/role", {"role": "admin"}),
        (f"/admin/users/{target.id}/active", {"active": "0"}),
        (f"/admin/users/{target.id}/password", {"password": NEW_PASSWORD}),
        (f"/admin/users/{target.id}/tokens", {"label": "x"}),
        (f"/admin/tokens/{token_id}/revoke", {}),
    ]
    for url, form in writes:
        for token in ({}, {"csrf_token": "forged"}):
            assert admin.post(url, data=form | token).status_code == 403, url
    actions = {"user_created", "role_changed", "user_deactivated", "password_set", "token_revoked"}
    changes = [e for a in actions for e in _audit(site, a) if e["actor"] == "admin@example.org"]
    assert changes == []
