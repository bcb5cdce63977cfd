"""Signing in: one answer for every refusal, the same argon2 work whatever the account, and a
lockout per account and client address, so one client cannot lock out another."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from curbside.errors import AuthError
from curbside.review import accounts, signin
from curbside.review.accounts import OPERATOR
from curbside.review.signin import BAD_LOGIN, LOCKOUT, MAX_FAILED_LOGINS, authenticate
from curbside.store import schema
from curbside.store.sql import open_store

from .conftest import PASSWORD

A, B = "10.0.0.1", "10.0.0.2"


def refusal(store, email: str, password: str, client: str = A, **kw) -> str:
    with pytest.raises(AuthError) as info:
        authenticate(store, email, password, client, **kw)
    return str(info.value)


def lock(store, email: str, client: str = A, at: datetime | None = None) -> None:
    for n in range(MAX_FAILED_LOGINS):
        assert refusal(store, email, f"guess {n}", client, now=at) == BAD_LOGIN


def test_unknown_email_wrong_password_and_lockout_get_the_same_words(store, reviewer):
    unknown = refusal(store, "nobody@example.org", PASSWORD)
    wrong = refusal(store, reviewer.email, "not the password")
    lock(store, reviewer.email)
    locked = refusal(store, reviewer.email, PASSWORD)  # the right password, while locked
    assert unknown == wrong == locked == BAD_LOGIN
    assert "Wrong email or password" in BAD_LOGIN and "15 minutes" in BAD_LOGIN


def test_a_lockout_holds_for_one_client_only(store, reviewer):
    lock(store, reviewer.email, A)
    assert refusal(store, reviewer.email, PASSWORD, A) == BAD_LOGIN
    assert authenticate(store, reviewer.email, PASSWORD, B).id == reviewer.id
    # B's success does not lift A's lock: A is the one that guessed.
    assert refusal(store, reviewer.email, PASSWORD, A) == BAD_LOGIN


def test_a_lockout_ends_after_its_time_and_shows_on_the_account(store, reviewer):
    start = datetime.now(UTC)
    lock(store, reviewer.email, A, start)
    until = accounts.get_user(store, reviewer.id).locked_until
    assert until and until > start.isoformat()
    later = start + timedelta(minutes=1)
    assert refusal(store, reviewer.email, PASSWORD, A, now=later) == BAD_LOGIN
    after = start + LOCKOUT + timedelta(seconds=1)
    assert authenticate(store, reviewer.email, PASSWORD, A, now=after).id == reviewer.id


def test_a_success_ends_the_streak_and_an_old_streak_starts_again(store, reviewer):
    start = datetime.now(UTC)
    for n in range(MAX_FAILED_LOGINS - 1):
        refusal(store, reviewer.email, f"guess {n}", now=start)
    authenticate(store, reviewer.email, PASSWORD, A, now=start)
    for n in range(MAX_FAILED_LOGINS - 1):
        refusal(store, reviewer.email, f"guess {n}", now=start)
    # Guesses a lockout apart never add up to a lock.
    slow = start + LOCKOUT + timedelta(seconds=1)
    for n in range(MAX_FAILED_LOGINS - 1):
        refusal(store, reviewer.email, f"slow guess {n}", now=slow)
    assert authenticate(store, reviewer.email, PASSWORD, A, now=slow).id == reviewer.id


def test_unknown_emails_are_counted_and_locked_like_real_ones(store):
    lock(store, "nobody@example.org", A)
    with store.engine.connect() as conn:
        row = conn.execute(select(schema.login_throttle)).one()._mapping
    assert (row["email"], row["client"], row["failures"]) == ("nobody@example.org", A, 0)
    assert row["locked_until"]


def test_a_new_password_lifts_every_clients_lockout(store, reviewer, admin):
    lock(store, reviewer.email, A)
    lock(store, reviewer.email, B)
    accounts.set_password(store, admin, reviewer.id, "a brand new passphrase")
    for client in (A, B):
        assert authenticate(store, reviewer.email, "a brand new passphrase", client)


def test_every_refusal_spends_one_argon2_verification(store, reviewer, monkeypatch):
    verified = []
    real = accounts._hasher

    class Counting(PasswordHasher):
        def verify(self, hash, password):
            verified.append(hash)
            return real.verify(hash, password)

    counting = Counting(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(accounts, "_hasher", counting)
    token_only = accounts.create_user(
        store, OPERATOR, email="bot@example.org", name="Bot", role="reader"
    )
    lock(store, reviewer.email, B)
    cases = [
        ("nobody@example.org", PASSWORD, A),  # no account: a dummy hash
        (token_only.email, PASSWORD, A),  # no password: a dummy hash too
        (reviewer.email, "wrong", A),
        (reviewer.email, PASSWORD, B),  # locked: verified all the same
    ]
    for email, password, client in cases:
        verified.clear()
        refusal(store, email, password, client)
        assert len(verified) == 1, email


def test_the_dummy_hash_follows_the_hashers_cost(store, monkeypatch):
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=2048))
    first = accounts._dummy_hash()
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=2, memory_cost=1024))
    second = accounts._dummy_hash()
    assert "m=2048,t=1" in first and "m=1024,t=2" in second


def test_sign_ins_and_refusals_are_audited_with_the_client(store, reviewer):
    refusal(store, reviewer.email, "wrong", A)
    authenticate(store, reviewer.email, PASSWORD, B)
    with store.engine.connect() as conn:
        rows = conn.execute(select(schema.audit_log).order_by(schema.audit_log.c.id)).all()
    entries = [(r.action, r.detail.get("client")) for r in rows if r.action.startswith("login")]
    assert entries == [("login_failed", A), ("login", B)]


def test_clients_are_bounded_in_length(store, reviewer):
    long = "x" * 500
    lock(store, reviewer.email, long)
    with store.engine.connect() as conn:
        client = conn.execute(select(schema.login_throttle.c.client)).scalar_one()
    assert len(client) == signin.MAX_CLIENT_CHARS


def test_guesses_spread_over_workers_lock_out_as_from_one(settings, store, reviewer):
    """Each worker (its own connections, as separate processes or servers have) counts in
    the same database: parallel guesses through several still lock the account at once."""
    workers = [open_store(settings) for _ in range(MAX_FAILED_LOGINS)]
    try:
        barrier = threading.Barrier(len(workers))

        def guess(worker) -> str:
            barrier.wait()
            return refusal(worker, reviewer.email, "a wrong guess", A)

        with ThreadPoolExecutor(len(workers)) as pool:
            assert set(pool.map(guess, workers)) == {BAD_LOGIN}
        # Locked on every worker, even with the right password.
        for worker in workers:
            assert refusal(worker, reviewer.email, PASSWORD, A) == BAD_LOGIN
        assert authenticate(workers[0], reviewer.email, PASSWORD, B).id == reviewer.id
    finally:
        for worker in workers:
            worker.close()
