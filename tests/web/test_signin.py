"""The sign-in form over HTTP: the same status, body and time for unknown emails, wrong
passwords and locked-out clients; a lockout of one client leaves others signing in; and the
client address behind a proxy comes only from the proxies the settings trust."""

from __future__ import annotations

import re
import statistics
import time
import warnings

import pytest
from argon2 import PasswordHasher

from curbside.review import accounts, signin
from curbside.review.accounts import OPERATOR

from ..review.conftest import PASSWORD
from .reviewing import LOGIN_CSRF

with warnings.catch_warnings():
    from starlette.exceptions import StarletteDeprecationWarning

    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

KNOWN = "known.reviewer@example.org"
TOKEN_VALUE = re.compile(r'name="login_csrf" value="[^"]+"')


def _app(make_client, **settings):
    app = make_client(**settings).app
    accounts.create_user(
        app.state.web.rt.store, OPERATOR, email=KNOWN, name="Dr K", role="reviewer",
        password=PASSWORD,
    )  # fmt: skip
    return app


def sign_in(app, email: str, password: str, address: str = "192.0.2.1", headers=None):
    """One sign-in from ``address`` (``headers`` on the POST, as a proxy adds them): the
    seconds the POST took, and the response."""
    client = TestClient(app, client=(address, 50000))
    token = LOGIN_CSRF.search(client.get("/login").text)[1]
    form = {"email": email, "password": password, "login_csrf": token}
    started = time.perf_counter()
    response = client.post("/login", data=form, headers=headers, follow_redirects=False)
    return time.perf_counter() - started, response


def lock(app, email: str, address: str, headers=None) -> None:
    for n in range(signin.MAX_FAILED_LOGINS):
        assert sign_in(app, email, f"guess {n}", address, headers)[1].status_code == 401


def same_page(response, email: str) -> str:
    """The page without what differs by design: the typed email and the form's own token."""
    return TOKEN_VALUE.sub("", response.text).replace(email, "EMAIL")


def test_unknown_wrong_and_locked_get_the_same_status_and_body(make_client, cheap_argon2):
    app = _app(make_client)
    lock(app, KNOWN, "192.0.2.99")
    _, unknown = sign_in(app, "nobody@example.org", PASSWORD)
    _, wrong = sign_in(app, KNOWN, "not the password")
    _, locked = sign_in(app, KNOWN, PASSWORD, "192.0.2.99")  # right password, locked client
    assert unknown.status_code == wrong.status_code == locked.status_code == 401
    assert same_page(unknown, "nobody@example.org") == same_page(wrong, KNOWN)
    assert same_page(wrong, KNOWN) == same_page(locked, KNOWN)
    assert signin.BAD_LOGIN in unknown.text
    for response in (unknown, wrong, locked):
        assert "retry-after" not in response.headers
        assert set(response.headers) == set(wrong.headers)


@pytest.mark.slow
def test_sign_in_takes_as_long_for_unknown_emails_as_for_known_and_locked_ones(
    make_client, cheap_argon2, monkeypatch
):
    # A real argon2id cost (OWASP's minimum: 19 MiB, 2 passes, one lane): with the tests'
    # cheap hash there would be no time to tell apart. One lane rather than the default four
    # keeps the figures steady on a busy two-core machine; the code path is what is timed.
    monkeypatch.setattr(
        accounts, "_hasher", PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
    )
    app = _app(make_client)
    lock(app, KNOWN, "192.0.2.250")
    stored = accounts._hasher.hash(PASSWORD)
    verify = statistics.median(
        _timed(lambda: accounts.verify_password(stored, "guess")) for _ in range(3)
    )
    kinds = {
        "unknown": lambda i: sign_in(app, f"nobody{i}@example.org", "guess", f"198.51.100.{i}"),
        "wrong": lambda i: sign_in(app, KNOWN, "guess", f"203.0.113.{i}"),
        "locked": lambda i: sign_in(app, KNOWN, PASSWORD, "192.0.2.250"),
    }
    rounds: list[dict[str, float]] = []
    for i in range(16):
        # Each round times all three, in a rotating order, so that the machine's load falls
        # on them alike; compared within the round, it cancels out.
        order = list(kinds)[i % 3 :] + list(kinds)[: i % 3]
        took = {}
        for kind in order:
            took[kind], response = kinds[kind](i)
            assert response.status_code == 401
        if i:  # the first round warms up (the dummy hash is made on first use)
            rounds.append(took)
    for kind in ("unknown", "locked"):
        gap = statistics.median(r[kind] - r["wrong"] for r in rounds)
        # Skipping the verification for unknown or locked would cost a whole one less.
        assert abs(gap) < 0.050 and abs(gap) < verify / 2, (kind, gap, verify)


def _timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def test_a_lockout_from_one_client_leaves_another_able_to_sign_in(make_client, cheap_argon2):
    app = _app(make_client)
    lock(app, KNOWN, "192.0.2.10")
    assert sign_in(app, KNOWN, PASSWORD, "192.0.2.10")[1].status_code == 401
    signed = sign_in(app, KNOWN, PASSWORD, "192.0.2.11")[1]
    assert signed.status_code == 303 and "curbside_session=" in signed.headers["set-cookie"]


def test_forwarded_headers_are_ignored_unless_the_proxy_is_trusted(make_client, cheap_argon2):
    app = _app(make_client)  # trusted_proxies empty: the default
    proxy = "127.0.0.1"
    lock(app, KNOWN, proxy, {"x-forwarded-for": "198.51.100.1"})
    # Another "client" behind the same untrusted proxy is the same client: still locked.
    elsewhere = {"x-forwarded-for": "198.51.100.2", "x-forwarded-proto": "https"}
    assert sign_in(app, KNOWN, PASSWORD, proxy, elsewhere)[1].status_code == 401
    assert sign_in(app, KNOWN, PASSWORD, "192.0.2.1")[1].status_code == 303


def test_a_trusted_proxy_names_the_client_and_the_scheme(make_client, cheap_argon2, tmp_path):
    app = _app(make_client, home=tmp_path / "proxied", trusted_proxies="127.0.0.1, 10.0.0.0/8")
    lock(app, KNOWN, "127.0.0.1", {"x-forwarded-for": "198.51.100.1"})
    locked = sign_in(app, KNOWN, PASSWORD, "10.1.2.3", {"x-forwarded-for": "198.51.100.1"})
    assert locked[1].status_code == 401  # the same client, through another of the proxies
    behind = {"x-forwarded-for": "198.51.100.2", "x-forwarded-proto": "https"}
    signed = sign_in(app, KNOWN, PASSWORD, "127.0.0.1", behind)[1]
    assert signed.status_code == 303
    assert "Secure" in signed.headers["set-cookie"]  # the proxy said the client used TLS
    # A client that is not one of the proxies cannot claim to be someone else.
    lock(app, KNOWN, "192.0.2.66", {"x-forwarded-for": "198.51.100.3"})
    spoofed = sign_in(app, KNOWN, PASSWORD, "192.0.2.66", {"x-forwarded-for": "198.51.100.4"})
    assert spoofed[1].status_code == 401


def test_too_long_sign_in_boxes_say_so_and_keep_the_email(make_client, cheap_argon2):
    app = _app(make_client)
    _, long_password = sign_in(app, KNOWN, "p" * 5000)
    assert long_password.status_code == 422
    assert "A password has at most 1,024 characters." in long_password.text
    assert f'value="{KNOWN}"' in long_password.text
    email = "a" * 400 + "@example.org"
    _, long_email = sign_in(app, email, PASSWORD)
    assert long_email.status_code == 422
    assert "An email address has at most 320 characters; this one has 412." in long_email.text
