"""Access control of the review pages and API: credentials, roles, CSRF, sessions, lockout."""

from __future__ import annotations

import pytest

from curbside.review import accounts, signin
from curbside.web import create_app

from ..review.conftest import PASSWORD
from .conftest import TestClient, web_settings
from .reviewing import LOGIN_CSRF, ReviewSite

# Every write endpoint that needs an account, with a valid body and the roles that may not
# use it. Not listed, because they need no account by design: POST /login, POST /logout
# (ends whatever session the cookie names, if any) and POST /ask, /api/ask (anonymous
# asking is a setting; see test_asking_can_be_limited_to_signed_in_users).
REVIEWERS_ONLY = ("admin", "editor", "reader")
ADMINS_ONLY = ("reviewer", "editor", "reader")
API_WRITES = [
    ("POST", "/api/articles/{id}/claim", {"seen_version": 1}, REVIEWERS_ONLY),
    ("POST", "/api/articles/{id}/approve", {"seen_version": 1}, REVIEWERS_ONLY),
    ("POST", "/api/articles/{id}/request-changes", {"seen_version": 1}, REVIEWERS_ONLY),
    ("POST", "/api/articles/{id}/reject", {"seen_version": 1}, REVIEWERS_ONLY),
    (
        "POST",
        "/api/articles/{id}/edit",
        {"seen_version": 1, "edits": [{"kind": "add_note", "text": "n"}]},
        REVIEWERS_ONLY,
    ),
    ("POST", "/api/articles/{id}/refresh", {"seen_version": 1}, REVIEWERS_ONLY),
    (
        "POST",
        "/api/users",
        {"email": "new@example.org", "name": "New", "role": "reviewer"},
        ADMINS_ONLY,
    ),
    ("PATCH", "/api/users/{reader_id}", {"role": "editor"}, ADMINS_ONLY),
    ("POST", "/api/users/{reader_id}/tokens", {"label": "x"}, ("reviewer", "editor")),
    ("DELETE", "/api/tokens/{reader_token}", None, ("reviewer", "editor")),
]
API_READS = [
    "/api/review/queue",
    "/api/articles/{id}/versions",
    "/api/articles/{id}/versions/1",
    "/api/articles/{id}/diff?old=1&new=1",
    "/api/articles/{id}/audit",
    "/api/audit.jsonl",
    "/api/users",
    "/api/users/{editor_id}/tokens",  # a user's own tokens they may list
]
FORM_WRITES = [
    ("/review/{id}/claim", {"seen_version": "1"}),
    ("/review/{id}/approve", {"seen_version": "1"}),
    ("/review/{id}/request-changes", {"seen_version": "1"}),
    ("/review/{id}/reject", {"seen_version": "1"}),
    ("/review/{id}/edit", {"seen_version": "1", "note": "n"}),
    ("/review/{id}/refresh", {"seen_version": "1"}),
]
PAGES = [
    "/review",
    "/review/{id}",
    "/review/{id}/versions",
    "/review/{id}/diff?old=1&new=1",
    "/review/{id}/audit",
    "/review/audit.jsonl",
]


@pytest.fixture(scope="module")
def refusing(tmp_path_factory, cheap_argon2):
    """One site shared by the tests that only check refusals: each asserts it changed nothing."""
    folder = tmp_path_factory.mktemp("refusing")
    with TestClient(create_app(web_settings(folder / "home"))) as client:
        yield ReviewSite.build(client, folder)


def _url(site, template: str) -> str:
    reader = site.users["reader"]
    token_id = accounts.list_tokens(site.store, reader.id)[0].id
    return template.format(
        id=site.id, reader_id=reader.id, editor_id=site.users["editor"].id, reader_token=token_id
    )


def _unchanged(site) -> None:
    """Nothing a refused request touched has changed."""
    # Asked with the reader's token: until approved, the reader (and reviewers) see it.
    article = site.client.get(f"/api/articles/{site.id}", headers=site.bearer("reader")).json()
    assert (article["status"], article["version"]) == ("submitted", 1)
    assert site.users["reader"] == accounts.get_user(site.store, site.users["reader"].id)
    assert not any(t.revoked_at for t in accounts.list_tokens(site.store, site.users["reader"].id))
    with pytest.raises(Exception, match="no user"):
        accounts.find_user(site.store, "new@example.org")


@pytest.mark.parametrize(("method", "template", "body", "wrong_roles"), API_WRITES)
def test_api_writes_answer_401_without_credentials_and_403_for_the_wrong_role(
    refusing, method, template, body, wrong_roles
):
    url = _url(refusing, template)
    anonymous = refusing.client.request(method, url, json=body)
    assert anonymous.status_code == 401, anonymous.text
    assert anonymous.headers["www-authenticate"].startswith("Bearer")
    assert anonymous.json()["status"] == 401
    bad_token = refusing.client.request(
        method, url, json=body, headers={"Authorization": "Bearer x"}
    )
    assert bad_token.status_code == 401
    for role in wrong_roles:
        refused = refusing.client.request(method, url, json=body, headers=refusing.bearer(role))
        assert refused.status_code == 403, (role, refused.text)
        assert refused.json()["status"] == 403 and refused.json()["error"]
    _unchanged(refusing)


@pytest.mark.parametrize("template", API_READS)
def test_review_api_reads_need_a_reviewer_or_an_administrator(refusing, template):
    url = _url(refusing, template)
    assert refusing.client.get(url).status_code == 401
    assert refusing.client.get(url, headers=refusing.bearer("reader")).status_code == 403
    allowed = "admin" if "users" in url else "reviewer"
    assert refusing.client.get(url, headers=refusing.bearer(allowed)).status_code == 200


@pytest.mark.parametrize(("template", "form"), FORM_WRITES)
def test_review_forms_answer_401_without_a_session_and_403_for_the_wrong_role(
    refusing, template, form
):
    url = _url(refusing, template)
    anonymous = refusing.client.post(url, data=form, follow_redirects=False)
    assert anonymous.status_code == 401
    assert "text/html" in anonymous.headers["content-type"]
    for role in REVIEWERS_ONLY:
        client = refusing.login(role)
        refused = client.post(url, data={**form, "csrf_token": client.csrf})
        assert refused.status_code == 403, (role, refused.text[:300])
        assert "may not" in refused.text
    _unchanged(refusing)


@pytest.mark.parametrize("template", PAGES)
def test_review_pages_send_visitors_to_sign_in_and_refuse_readers(refusing, template):
    url = _url(refusing, template)
    visitor = refusing.client.get(url, follow_redirects=False)
    assert visitor.status_code == 303
    assert visitor.headers["location"].startswith("/login?next=%2Freview")
    assert refusing.login("reader").get(url).status_code == 403
    assert refusing.login("reviewer").get(url).status_code == 200


@pytest.mark.parametrize(("template", "form"), [*FORM_WRITES, ("/logout", {}), ("/ask", {})])
def test_a_form_without_a_valid_csrf_token_is_refused(refusing, template, form):
    reviewer = refusing.login("reviewer")
    url = _url(refusing, template)
    form = {**form, "question": "oral iron dose"}
    for token in (None, "", "forged-" + reviewer.csrf[7:]):
        data = form if token is None else {**form, "csrf_token": token}
        refused = reviewer.post(url, data=data, follow_redirects=False)
        assert refused.status_code == 403, (token, refused.text[:300])
        assert "did not come from this site" in refused.text
    _unchanged(refusing)
    assert reviewer.get("/review").status_code == 200  # still signed in: logout was refused


def test_cookie_sessions_write_to_the_api_only_with_the_csrf_header(site):
    reviewer = site.login("reviewer")
    url = f"/api/articles/{site.id}/claim"
    assert reviewer.get("/api/me").json()["role"] == "reviewer"  # reading needs no header
    refused = reviewer.post(url, json={"seen_version": 1})
    assert refused.status_code == 403
    assert (
        reviewer.post(url, json={"seen_version": 1}, headers={"X-CSRF-Token": "x"}).status_code
        == 403
    )
    claimed = reviewer.post(url, json={"seen_version": 1}, headers={"X-CSRF-Token": reviewer.csrf})
    assert claimed.status_code == 200 and claimed.json()["status"] == "under_review"


def test_session_cookie_is_httponly_samesite_and_secure_under_https(site):
    for base_url, secure in (("http://testserver", False), ("https://testserver", True)):
        client = site.browser(base_url)
        token = LOGIN_CSRF.search(client.get("/login").text)[1]
        form = {"email": "reviewer@example.org", "password": PASSWORD, "login_csrf": token}
        response = client.post("/login", data=form, follow_redirects=False)
        cookie = response.headers["set-cookie"]
        assert cookie.startswith("curbside_session=")
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
        assert ("Secure" in cookie) is secure, cookie
    # Behind a TLS proxy (uvicorn resolves X-Forwarded-Proto from trusted addresses).
    client = site.browser("https://testserver")
    assert "Secure" in client.get("/login").headers["set-cookie"]  # the login token too


def test_secure_cookies_setting_marks_the_cookie_secure_over_plain_http(make_client, cheap_argon2):
    client = make_client(secure_cookies=True)
    store = client.app.state.web.rt.store
    accounts.create_user(
        store, accounts.OPERATOR, email="r@example.org", name="R", role="reader", password=PASSWORD
    )
    token = LOGIN_CSRF.search(client.get("/login").text)[1]
    form = {"email": "r@example.org", "password": PASSWORD, "login_csrf": token}
    response = client.post("/login", data=form, follow_redirects=False)
    assert "Secure" in response.headers["set-cookie"]


def test_pages_for_a_signed_in_viewer_name_them_and_are_never_cached(site):
    reviewer = site.login("reviewer")
    for url in ("/", f"/a/{site.article['slug']}", "/library", "/review"):
        page = reviewer.get(url)
        assert "Signed in as <strong>Dr Reviewer</strong> (reviewer)" in page.text, url
        assert page.headers["cache-control"] == "private, no-store", url
        assert f'value="{reviewer.csrf}"' in page.text
    anonymous = site.client.get(f"/a/{site.article['slug']}").text
    assert "Signed in" not in anonymous and reviewer.csrf not in anonymous


def test_login_is_refused_without_its_form_token_and_never_redirects_off_site(site):
    client = site.browser()
    form = {"email": "reviewer@example.org", "password": PASSWORD}
    assert client.post("/login", data=form).status_code == 403
    token = LOGIN_CSRF.search(client.get("/login").text)[1]
    for target in ("//evil.example/x", "https://evil.example", "/\\evil.example"):
        data = {**form, "login_csrf": token, "next": target}
        response = client.post("/login", data=data, follow_redirects=False)
        assert response.headers["location"] == "/", target
    good = {**form, "login_csrf": token, "next": "/review?status=approved"}
    response = client.post("/login", data=good, follow_redirects=False)
    assert response.headers["location"] == "/review?status=approved"


def test_wrong_password_says_so_and_brute_force_locks_out_only_that_client(site):
    client = site.browser(address="203.0.113.7")
    token = LOGIN_CSRF.search(client.get("/login").text)[1]
    form = {"email": "reviewer@example.org", "login_csrf": token}
    for attempt in range(signin.MAX_FAILED_LOGINS):
        wrong = client.post("/login", data={**form, "password": f"guess number {attempt}"})
        assert wrong.status_code == 401
        assert "Wrong email or password" in wrong.text
        assert 'value="reviewer@example.org"' in wrong.text  # the email stays in the box
    locked = client.post("/login", data={**form, "password": PASSWORD}, follow_redirects=False)
    assert (locked.status_code, locked.text) == (wrong.status_code, wrong.text)
    assert "retry-after" not in locked.headers  # that would tell a lockout from a typo
    assert "curbside_session" not in locked.headers.get("set-cookie", "")
    # The reviewer, elsewhere, still signs in; so do other accounts from the same address.
    assert site.login("reviewer", address="198.51.100.20").get("/review").status_code == 200
    assert site.login("reviewer2", address="203.0.113.7").get("/review").status_code == 200
    # An administrator's new password lifts the lock.
    accounts.set_password(site.store, accounts.OPERATOR, site.users["reviewer"].id, PASSWORD)
    assert site.login("reviewer", address="203.0.113.7").get("/review").status_code == 200


def test_logout_ends_the_session(site):
    reviewer = site.login("reviewer")
    cookie = reviewer.cookies["curbside_session"]
    response = reviewer.post("/logout", data={"csrf_token": reviewer.csrf}, follow_redirects=False)
    assert response.status_code == 303 and "Max-Age=0" in response.headers["set-cookie"]
    replay = site.browser()
    replay.cookies.set("curbside_session", cookie)
    assert replay.get("/review", follow_redirects=False).status_code == 303  # to /login
    assert replay.get("/api/me").status_code == 401


def test_revoked_and_deactivated_credentials_stop_working(site):
    headers = site.bearer("reviewer")
    assert site.client.get("/api/me", headers=headers).status_code == 200
    reviewer = site.users["reviewer"]
    [token] = accounts.list_tokens(site.store, reviewer.id)
    revoked = site.client.delete(f"/api/tokens/{token.id}", headers=site.bearer("admin"))
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert site.client.get("/api/me", headers=headers).status_code == 401
    session = site.login("reviewer2")
    user_id = site.users["reviewer2"].id
    off = site.client.patch(
        f"/api/users/{user_id}", json={"active": False}, headers=site.bearer("admin")
    )
    assert off.status_code == 200 and off.json()["active"] is False
    assert session.get("/api/me").status_code == 401
    assert site.client.get("/api/me", headers=site.bearer("reviewer2")).status_code == 401


def test_asking_can_be_limited_to_signed_in_users(make_client, tmp_path, cheap_argon2):
    from .reviewing import ReviewSite

    site = ReviewSite.build(make_client(anonymous_can_ask=False), tmp_path)
    question = {"question": "How long should oral iron continue?"}
    refused = site.client.post("/api/ask", json=question)
    assert refused.status_code == 403 and "sign in to ask" in refused.json()["error"]
    assert site.client.post("/ask", data=question).status_code == 403
    assert 'name="question"' not in site.client.get("/").text
    assert (
        site.client.post("/api/ask", json=question, headers=site.bearer("reader")).status_code
        == 200
    )
    reader = site.login("reader")
    home = reader.get("/").text
    assert 'name="question"' in home and f'value="{reader.csrf}"' in home
    asked = reader.post(
        "/ask", data={**question, "csrf_token": reader.csrf}, follow_redirects=False
    )
    assert asked.status_code == 303 and asked.headers["location"].startswith("/a/")
