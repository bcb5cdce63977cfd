"""Accounts: users and roles, passwords, API tokens, web sessions with CSRF secrets (signing
in with a password, and its throttle, are in signin.py).

>>> admin = create_user(store, OPERATOR, email="a@x.org", name="Ada", role="admin",
...                     password="correct horse battery")          # doctest: +SKIP
>>> user = signin.authenticate(store, "a@x.org", "correct horse battery")  # doctest: +SKIP
>>> cookie, session = start_session(store, user)                      # doctest: +SKIP
>>> session_user(store, cookie)[0].email                              # doctest: +SKIP
'a@x.org'

Passwords are hashed with argon2id. Tokens and session ids are 256 random bits and stored as
SHA-256 digests: a database leak then yields nothing that signs anyone in. Every change to an
account is written to the audit trail.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from ..errors import AuthError, BadRequest, Forbidden, NotFound
from ..store.base import Store
from . import store as q
from .workflow import ROLES, require

SESSION_LIFETIME = timedelta(hours=12)
MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_CHARS = 1024  # argon2 takes any length; this only bounds the work per request
TOKEN_PREFIX = "cbs_"
_TOKEN_TOUCH_EVERY = timedelta(minutes=1)  # last_used_at need not cost a write per request
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")

_hasher = PasswordHasher()
_dummy_hashes: dict[tuple[int, int, int], str] = {}


@dataclass(frozen=True)
class User:
    id: str
    email: str
    name: str
    credentials: str
    role: str
    active: bool
    created_at: str
    locked_until: str | None = None


@dataclass(frozen=True)
class ApiToken:
    id: str
    user_id: str
    label: str
    created_at: str
    last_used_at: str | None
    revoked_at: str | None


@dataclass(frozen=True)
class WebSession:
    user_id: str
    csrf_token: str
    created_at: str
    expires_at: str


# The command line acts as this administrator: whoever can run it on the server already
# holds the database. It exists only in memory and can never sign in.
OPERATOR = User(
    id="operator",
    email="operator",
    name="Operator (command line)",
    credentials="",
    role="admin",
    active=True,
    created_at="",
)


def _user(row: dict[str, Any]) -> User:
    return User(**{f.name: row[f.name] for f in fields(User)} | {"active": bool(row["active"])})


def _token(row: dict[str, Any]) -> ApiToken:
    return ApiToken(**{f.name: row[f.name] for f in fields(ApiToken)})


def _sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _stamp(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="seconds")


def _parse(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp)


def normalise_email(email: str) -> str:
    email = (email or "").strip().lower()
    if len(email) > 320 or not _EMAIL.match(email):
        raise BadRequest("give a valid email address")
    return email


def _check_password(password: str) -> None:
    if not MIN_PASSWORD_CHARS <= len(password) <= MAX_PASSWORD_CHARS:
        raise BadRequest(
            f"a password needs {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters"
        )


# ---- users ---------------------------------------------------------------------------------
def create_user(
    store: Store,
    actor: User,
    *,
    email: str,
    name: str,
    role: str,
    credentials: str = "",
    password: str | None = None,
) -> User:
    """Add an account (admins only). Without a password it can use API tokens only."""
    require(actor.role, "manage_users")
    email = normalise_email(email)
    if role not in ROLES:
        raise BadRequest(f"role must be one of {', '.join(ROLES)}")
    name = " ".join((name or "").split())[:200]
    if not name:
        raise BadRequest("give the person's name")
    if password is not None:
        _check_password(password)
    stamp = q.now()
    values = {
        "id": uuid.uuid4().hex[:16],
        "email": email,
        "name": name,
        "credentials": " ".join((credentials or "").split())[:300],
        "role": role,
        "password_hash": _hasher.hash(password) if password is not None else None,
        "failed_logins": 0,
        "locked_until": None,
        "active": True,
        "created_at": stamp,
        "updated_at": stamp,
    }
    with store.review.transaction() as conn:
        if q.user_by_email(conn, email) is not None:
            raise BadRequest(f"an account for {email} exists already")
        q.insert_user(conn, values)
        detail = {"user_id": values["id"], "email": email, "role": role}
        q.append_audit(conn, actor.email, "user_created", detail=detail)
    return _user(values)


def get_user(store: Store, user_id: str) -> User:
    with store.review.reading() as conn:
        row = q.user_by_id(conn, user_id)
    if row is None:
        raise NotFound(f"no user {user_id!r}")
    return _user(row)


def find_user(store: Store, email: str) -> User:
    with store.review.reading() as conn:
        row = q.user_by_email(conn, (email or "").strip().lower())
    if row is None:
        raise NotFound(f"no user {email!r}")
    return _user(row)


def list_users(store: Store, role: str | None = None) -> list[User]:
    with store.review.reading() as conn:
        return [_user(r) for r in q.list_users(conn, role)]


def advisory_board(store: Store) -> list[User]:
    """The medical advisory board: active reviewers, with their credentials."""
    return [u for u in list_users(store, "reviewer") if u.active]


def _change_user(store: Store, actor: User, user_id: str, action: str, **values: Any) -> User:
    with store.review.transaction() as conn:
        row = q.user_by_id(conn, user_id)
        if row is None:
            raise NotFound(f"no user {user_id!r}")
        q.update_user(conn, user_id, **values)
        if values.get("active") is False or "password_hash" in values:
            q.delete_sessions_of(conn, user_id)  # sign them out everywhere
        if "password_hash" in values:
            q.clear_login_throttle(conn, row["email"])  # a new password lifts every lockout
        shown = {k: v for k, v in values.items() if k != "password_hash"}
        q.append_audit(conn, actor.email, action, detail={"user_id": user_id, **shown})
        return _user(q.user_by_id(conn, user_id) or {})


def set_role(store: Store, actor: User, user_id: str, role: str) -> User:
    require(actor.role, "manage_users")
    if role not in ROLES:
        raise BadRequest(f"role must be one of {', '.join(ROLES)}")
    return _change_user(store, actor, user_id, "role_changed", role=role)


def set_active(store: Store, actor: User, user_id: str, active: bool) -> User:
    require(actor.role, "manage_users")
    action = "user_activated" if active else "user_deactivated"
    return _change_user(store, actor, user_id, action, active=active)


def set_password(store: Store, actor: User, user_id: str, password: str) -> User:
    """Admins set anyone's password, users their own; it also lifts a lockout."""
    if actor.id != user_id:
        require(actor.role, "manage_users")
    _check_password(password)
    return _change_user(
        store,
        actor,
        user_id,
        "password_set",
        password_hash=_hasher.hash(password),
        failed_logins=0,
        locked_until=None,
    )


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether the password matches; with no hash (no account, or a token-only one) the same
    argon2 work is spent on a dummy hash, so the time taken does not tell which it was."""
    hashed = password_hash or _dummy_hash()
    try:
        return _hasher.verify(hashed, password[:MAX_PASSWORD_CHARS]) and bool(password_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _dummy_hash() -> str:
    # One per hasher setting: a dummy made with other costs would take another time to check.
    key = (_hasher.time_cost, _hasher.memory_cost, _hasher.parallelism)
    if key not in _dummy_hashes:
        _dummy_hashes[key] = _hasher.hash(secrets.token_hex(16))
    return _dummy_hashes[key]


def rehashed(password_hash: str, password: str) -> str | None:
    """A new hash when the stored one was made with weaker settings than today's."""
    return _hasher.hash(password) if _hasher.check_needs_rehash(password_hash) else None


# ---- API tokens ----------------------------------------------------------------------------
def issue_token(store: Store, actor: User, user_id: str, label: str = "") -> tuple[ApiToken, str]:
    """A new bearer token for the user (admins, or the user for themselves).

    Returns the record and the token itself, which is shown this once and never stored.
    """
    if actor.id != user_id:
        require(actor.role, "manage_users")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    values = {
        "id": uuid.uuid4().hex[:12],
        "user_id": user_id,
        "token_hash": _sha256(secret),
        "label": " ".join((label or "").split())[:200],
        "created_at": q.now(),
        "last_used_at": None,
        "revoked_at": None,
    }
    with store.review.transaction() as conn:
        if q.user_by_id(conn, user_id) is None:
            raise NotFound(f"no user {user_id!r}")
        q.insert_token(conn, values)
        detail = {"token_id": values["id"], "user_id": user_id}
        q.append_audit(conn, actor.email, "token_issued", detail=detail)
    return _token(values), secret


def user_for_token(store: Store, token: str, *, now: datetime | None = None) -> User:
    """The user a bearer token belongs to; AuthError if it is unknown, revoked or inactive."""
    at = now or datetime.now(UTC)
    with store.review.reading() as conn:
        row = q.token_by_hash(conn, _sha256(token or ""))
        user = q.user_by_id(conn, row["user_id"]) if row else None
    if row is None or row["revoked_at"] or user is None or not user["active"]:
        raise AuthError("invalid or revoked API token")
    last = row["last_used_at"]
    if last is None or _parse(last) + _TOKEN_TOUCH_EVERY <= at:
        with store.review.transaction() as conn:
            q.update_token(conn, row["id"], last_used_at=_stamp(at))
    return _user(user)


def revoke_token(store: Store, actor: User, token_id: str) -> ApiToken:
    """Revoke a token (admins, or its owner). Revoking twice changes nothing."""
    with store.review.transaction() as conn:
        row = q.token_by_id(conn, token_id)
        if row is None:
            raise NotFound(f"no API token {token_id!r}")
        if actor.id != row["user_id"]:
            require(actor.role, "manage_users")
        if row["revoked_at"] is None:
            row["revoked_at"] = q.now()
            q.update_token(conn, token_id, revoked_at=row["revoked_at"])
            detail = {"token_id": token_id, "user_id": row["user_id"]}
            q.append_audit(conn, actor.email, "token_revoked", detail=detail)
    return _token(row)


def list_tokens(store: Store, user_id: str) -> list[ApiToken]:
    with store.review.reading() as conn:
        return [_token(r) for r in q.tokens_of(conn, user_id)]


# ---- web sessions --------------------------------------------------------------------------
def start_session(
    store: Store,
    user: User,
    *,
    lifetime: timedelta = SESSION_LIFETIME,
    now: datetime | None = None,
) -> tuple[str, WebSession]:
    """A new session for a signed-in user: the cookie value (shown once) and the session."""
    at = now or datetime.now(UTC)
    cookie = secrets.token_urlsafe(32)
    values = {
        "id_hash": _sha256(cookie),
        "user_id": user.id,
        "csrf_secret": secrets.token_urlsafe(32),
        "created_at": _stamp(at),
        "expires_at": _stamp(at + lifetime),
    }
    with store.review.transaction() as conn:
        q.delete_expired_sessions(conn, _stamp(at))  # keeps the table small; no job needed
        q.insert_session(conn, values)
    return cookie, _session(values)


def _session(row: dict[str, Any]) -> WebSession:
    return WebSession(
        user_id=row["user_id"],
        csrf_token=row["csrf_secret"],
        created_at=row["created_at"],
        expires_at=row["expires_at"],
    )


def session_user(
    store: Store, cookie: str, *, now: datetime | None = None
) -> tuple[User, WebSession]:
    """The user and session a cookie names; AuthError if unknown, expired or deactivated."""
    at = now or datetime.now(UTC)
    with store.review.reading() as conn:
        row = q.session_by_hash(conn, _sha256(cookie or ""))
        user = q.user_by_id(conn, row["user_id"]) if row else None
    if row is None or user is None or not user["active"] or _parse(row["expires_at"]) <= at:
        raise AuthError("not signed in, or the session has expired")
    return _user(user), _session(row)


def end_session(store: Store, cookie: str) -> None:
    """Sign out: the cookie stops working at once."""
    with store.review.transaction() as conn:
        row = q.session_by_hash(conn, _sha256(cookie or ""))
        if row is not None:
            q.delete_session(conn, row["id_hash"])
            user = q.user_by_id(conn, row["user_id"])
            q.append_audit(conn, user["email"] if user else row["user_id"], "logout")


def check_csrf(session: WebSession, token: str | None) -> None:
    """Refuse a form whose CSRF token is not this session's (constant-time comparison)."""
    if not token or not hmac.compare_digest(session.csrf_token.encode(), token.encode()):
        raise Forbidden("the form has expired or did not come from this site; reload it")
