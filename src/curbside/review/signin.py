"""Signing in with a password, and the throttle that keeps guessing from paying.

Every refusal is the same AuthError with the same words (``BAD_LOGIN``): an unknown email,
a wrong password, and an email locked out from this client. Each costs the same work, one
argon2 verification (against a dummy hash when there is no account) and one write, so
neither the answer nor its timing tells which accounts exist or which are locked.

Failures are counted per email *and* client address: after MAX_FAILED_LOGINS in a row from
one address, that address cannot sign in to that account for LOCKOUT, even with the right
password. Other addresses are not affected, so anyone who knows a reviewer's email (the
advisory board is public) cannot lock the reviewer out; a guesser gets five tries per
address per quarter hour. The address is the connection's, or X-Forwarded-For from a proxy
named in ``CURBSIDE_TRUSTED_PROXIES`` (never a header from anyone else).

>>> authenticate(store, "ada@example.org", "correct horse battery", "10.0.0.7")  # doctest: +SKIP
User(id='3f2a…', email='ada@example.org', …)
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError

from ..errors import AuthError
from ..store.base import Store
from . import accounts
from . import store as q

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
MAX_CLIENT_CHARS = 64
BAD_LOGIN = (
    f"Wrong email or password. After {MAX_FAILED_LOGINS} wrong tries in a row from one place, "
    f"that account cannot sign in from there for {LOCKOUT.seconds // 60} minutes."
)


def _stamp(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="seconds")


def authenticate(
    store: Store,
    email: str,
    password: str,
    client: str = "unknown",
    *,
    now: datetime | None = None,
) -> accounts.User:
    """The user with this email and password, signing in from ``client``; AuthError
    (BAD_LOGIN) otherwise, and while this client is locked out of this email."""
    at = now or datetime.now(UTC)
    email = (email or "").strip().lower()[:320]
    client = (client or "unknown")[:MAX_CLIENT_CHARS]
    with store.review.reading() as conn:
        row = q.user_by_email(conn, email)
        throttle = q.login_throttle(conn, email, client)
    locked = bool(throttle and throttle["locked_until"] and throttle["locked_until"] > _stamp(at))
    # Verified even when locked or unknown: the time taken must not say which it was.
    matches = accounts.verify_password(row["password_hash"] if row else None, password or "")
    if locked or not matches or row is None:
        _refused(store, email, client, row, at, locked)
        raise AuthError(BAD_LOGIN)
    if not row["active"]:
        # Said only to someone who knows the password: it reveals nothing to a guesser.
        raise AuthError("this account is deactivated; ask an administrator")
    with store.review.transaction() as conn:
        values: dict[str, Any] = {"failed_logins": 0}
        new_hash = accounts.rehashed(row["password_hash"], password)
        if new_hash:
            values["password_hash"] = new_hash
        q.update_user(conn, row["id"], **values)
        q.clear_login_throttle(conn, email, client)
        q.append_audit(conn, email, "login", detail={"client": client})
        row.update(values)
    return accounts.get_user(store, row["id"])


def _refused(
    store: Store,
    email: str,
    client: str,
    row: dict[str, Any] | None,
    at: datetime,
    locked: bool,
) -> None:
    """Count the failure (not while locked: the lock already runs) and audit it."""
    actor = email if row is not None else "anonymous"
    for attempt in (1, 2):  # a first failure inserts; a parallel one may have inserted first
        try:
            with store.review.transaction() as conn:
                if locked:
                    detail = _detail(email, client)
                    q.append_audit(conn, actor, "login_refused_locked", detail=detail)
                    return
                since = _stamp(at - LOCKOUT)
                failures = q.count_failed_login(conn, email, client, _stamp(at), since)
                q.append_audit(conn, actor, "login_failed", detail=_detail(email, client, failures))
                if failures >= MAX_FAILED_LOGINS:
                    until = _stamp(at + LOCKOUT)
                    q.lock_login(conn, email, client, until)
                    if row is not None:
                        q.update_user(conn, row["id"], locked_until=until)
                    q.append_audit(conn, actor, "locked_out", detail=_detail(email, client))
                q.prune_login_throttle(conn, _stamp(at), since)
            return
        except IntegrityError:
            if attempt == 2:
                raise


def _detail(email: str, client: str, failures: int | None = None) -> dict[str, Any]:
    detail: dict[str, Any] = {"email": email, "client": client}
    if failures is not None:
        detail["failures"] = failures
    return detail
