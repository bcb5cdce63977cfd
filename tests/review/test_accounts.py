"""Accounts: argon2 passwords, hashed revocable tokens, sessions, CSRF, admin-only (signing in
and its throttle: test_signin.py)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from curbside.errors import AuthError, BadRequest, Forbidden, NotFound
from curbside.review import accounts
from curbside.review.accounts import OPERATOR
from curbside.review.signin import authenticate
from curbside.store import schema

from .conftest import PASSWORD, make_user


def _row(store, table, **where):
    column, value = next(iter(where.items()))
    with store.engine.connect() as conn:
        return conn.execute(select(table).where(table.c[column] == value)).one()._mapping


def test_passwords_are_stored_as_argon2id_hashes_and_verified(store, reviewer):
    row = _row(store, schema.users, id=reviewer.id)
    assert row["password_hash"].startswith("$argon2id$")
    assert PASSWORD not in row["password_hash"]
    assert authenticate(store, "REV@example.org ", PASSWORD).id == reviewer.id


def test_deactivated_accounts_cannot_sign_in_or_use_tokens_or_sessions(store, reviewer, admin):
    _, token = accounts.issue_token(store, admin, reviewer.id)
    cookie, _ = accounts.start_session(store, reviewer)
    accounts.set_active(store, admin, reviewer.id, False)
    with pytest.raises(AuthError):
        authenticate(store, reviewer.email, PASSWORD)
    with pytest.raises(AuthError):
        accounts.user_for_token(store, token)
    with pytest.raises(AuthError):
        accounts.session_user(store, cookie)


def test_tokens_are_stored_as_sha256_and_work_until_revoked(store, reviewer, admin):
    record, token = accounts.issue_token(store, admin, reviewer.id, label="CI")
    assert token.startswith("cbs_") and len(token) > 40
    row = _row(store, schema.api_tokens, id=record.id)
    assert row["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(dict(row))

    assert accounts.user_for_token(store, token).id == reviewer.id
    assert accounts.list_tokens(store, reviewer.id)[0].last_used_at is not None
    with pytest.raises(AuthError):
        accounts.user_for_token(store, token + "x")

    revoked = accounts.revoke_token(store, admin, record.id)
    assert revoked.revoked_at
    with pytest.raises(AuthError, match="revoked"):
        accounts.user_for_token(store, token)
    assert accounts.revoke_token(store, admin, record.id).revoked_at == revoked.revoked_at


def test_only_admins_manage_other_peoples_accounts_and_tokens(store, reviewer, editor, reader):
    for actor in (reviewer, editor, reader):
        with pytest.raises(Forbidden):
            accounts.create_user(store, actor, email="x@example.org", name="X", role="admin")
        with pytest.raises(Forbidden):
            accounts.set_role(store, actor, reader.id, "admin")
        with pytest.raises(Forbidden):
            accounts.issue_token(store, actor, editor.id if actor is not editor else reader.id)
    mine, token = accounts.issue_token(store, reader, reader.id)  # one's own token is fine
    with pytest.raises(Forbidden):
        accounts.revoke_token(store, editor, mine.id)
    accounts.revoke_token(store, reader, mine.id)
    with pytest.raises(AuthError):
        accounts.user_for_token(store, token)


def test_account_input_is_validated(store, admin):
    with pytest.raises(BadRequest, match="email"):
        accounts.create_user(store, admin, email="not-an-email", name="X", role="reader")
    with pytest.raises(BadRequest, match="role"):
        accounts.create_user(store, admin, email="a@example.org", name="X", role="root")
    with pytest.raises(BadRequest, match="password"):
        accounts.create_user(
            store, admin, email="a@example.org", name="X", role="reader", password="short"
        )
    accounts.create_user(store, admin, email="a@example.org", name="X", role="reader")
    with pytest.raises(BadRequest, match="exists"):
        accounts.create_user(store, admin, email="A@example.org", name="Y", role="reader")
    with pytest.raises(NotFound):
        accounts.find_user(store, "b@example.org")


def test_token_only_accounts_cannot_sign_in_with_a_password(store):
    user = accounts.create_user(store, OPERATOR, email="bot@example.org", name="Bot", role="reader")
    with pytest.raises(AuthError):
        authenticate(store, user.email, "")
    _, token = accounts.issue_token(store, OPERATOR, user.id)
    assert accounts.user_for_token(store, token).email == "bot@example.org"


def test_sessions_expire_end_on_logout_and_are_stored_hashed(store, reviewer):
    start = datetime.now(UTC)
    cookie, session = accounts.start_session(
        store, reviewer, lifetime=timedelta(hours=1), now=start
    )
    row = _row(store, schema.sessions, user_id=reviewer.id)
    assert row["id_hash"] == hashlib.sha256(cookie.encode()).hexdigest()
    user, again = accounts.session_user(store, cookie, now=start + timedelta(minutes=59))
    assert user.id == reviewer.id and again.csrf_token == session.csrf_token
    with pytest.raises(AuthError):
        accounts.session_user(store, cookie, now=start + timedelta(hours=1))
    cookie, _ = accounts.start_session(store, reviewer)
    accounts.end_session(store, cookie)
    with pytest.raises(AuthError):
        accounts.session_user(store, cookie)


def test_csrf_tokens_are_per_session_and_checked(store, reviewer):
    _, mine = accounts.start_session(store, reviewer)
    _, other = accounts.start_session(store, reviewer)
    assert mine.csrf_token != other.csrf_token
    accounts.check_csrf(mine, mine.csrf_token)
    for bad in (None, "", other.csrf_token, mine.csrf_token + "x", "é"):
        with pytest.raises(Forbidden):
            accounts.check_csrf(mine, bad)


def test_advisory_board_lists_active_reviewers_with_credentials(store, reviewer, admin, reader):
    other = make_user(store, "reviewer", "gone@example.org", "Dr Gone")
    accounts.set_active(store, admin, other.id, False)
    board = accounts.advisory_board(store)
    assert [(u.name, u.credentials) for u in board] == [("Dr Ada Reviewer", "MD, haematology")]
