"""Per-client rate limiting of questions."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from curbside.runtime import open_runtime
from curbside.store import schema
from curbside.web.errors import RateLimited
from curbside.web.ratelimit import SharedLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_limiter_allows_the_limit_then_refuses_until_the_window_slides(runtime):
    clock = FakeClock()
    limiter = SharedLimiter(runtime.store, 3, window=60, clock=clock)
    for _ in range(3):
        limiter.hit("a")
    with pytest.raises(RateLimited) as refused:
        limiter.hit("a")
    assert refused.value.retry_after == pytest.approx(60)
    limiter.hit("b")  # another client has its own window
    clock.now += 59.9
    with pytest.raises(RateLimited):
        limiter.hit("a")
    clock.now += 0.2
    limiter.hit("a")


def test_limiter_refusals_do_not_count_against_the_client(runtime):
    clock = FakeClock()
    limiter = SharedLimiter(runtime.store, 1, window=10, clock=clock)
    limiter.hit("a")
    for _ in range(5):
        with pytest.raises(RateLimited):
            limiter.hit("a")
    clock.now += 10.01
    limiter.hit("a")


def test_a_limit_of_zero_turns_limiting_off(runtime):
    limiter = SharedLimiter(runtime.store, 0)
    for _ in range(100):
        limiter.hit("a")


def test_every_worker_shares_one_window(settings):
    """Eight workers (each with its own connections, as separate processes would have) hit
    one client's window at once: exactly the limit gets through."""
    opened = [open_runtime(settings, sync=False) for _ in range(8)]
    try:
        limiters = [SharedLimiter(rt.store, 5, window=60) for rt in opened]
        barrier = threading.Barrier(len(limiters))

        def ask(limiter) -> bool:
            barrier.wait()
            try:
                limiter.hit("10.0.0.7")
                return True
            except RateLimited:
                return False

        with ThreadPoolExecutor(len(limiters)) as pool:
            passed = list(pool.map(ask, limiters + limiters))
        assert sum(passed) == 5
    finally:
        for rt in opened:
            rt.close()


def test_old_events_leave_the_table(runtime):
    clock = FakeClock()
    limiter = SharedLimiter(runtime.store, 5, window=1, clock=clock)
    for i in range(10):
        limiter.hit(f"client-{i}")
    clock.now += 2
    limiter.hit("client-0")
    with runtime.store.review.reading() as conn:
        left = conn.execute(select(schema.rate_events.c.bucket)).scalars().all()
    assert left == ["ask:client-0"]  # every client's old events went, not only this one's


def test_api_ask_beyond_the_limit_is_429_json_with_retry_after(make_client):
    client = make_client(ask_rate_limit=2)
    for _ in range(2):
        assert client.post("/api/ask", json={"question": "b12 dose"}).status_code == 200
    refused = client.post("/api/ask", json={"question": "b12 dose"})
    assert refused.status_code == 429
    assert refused.json()["status"] == 429
    assert "Too many questions from this address" in refused.json()["error"]
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    # The form shares the same window, and says so in a page.
    page = client.post("/ask", data={"question": "b12 dose"})
    assert page.status_code == 429
    assert "text/html" in page.headers["content-type"]
    # Reading is never limited.
    assert client.get("/").status_code == 200
    assert client.get("/api/search", params={"q": "b12"}).status_code == 200


def test_asking_can_be_turned_off_for_visitors(make_client):
    client = make_client(anonymous_can_ask=False)
    response = client.post("/api/ask", json={"question": "b12 dose"})
    assert response.status_code == 403
    home = client.get("/")
    assert 'name="question"' not in home.text
