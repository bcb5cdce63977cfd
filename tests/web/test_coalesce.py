"""Per-question locks: the same question is answered by one thread at a time in a worker,
other questions go on beside it, and nothing is kept once nobody holds a key."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from curbside.web.coalesce import PerKeyLocks


def _run(locks: PerKeyLocks, keys: list[str | None]) -> dict[str | None, int]:
    """Hold each key for a moment from its own thread; the most holders seen at once."""
    inside: dict[str | None, int] = {}
    most: dict[str | None, int] = {}
    guard = threading.Lock()
    start = threading.Barrier(len(keys))

    def hold(key: str | None) -> None:
        start.wait()
        with locks.holding(key):
            with guard:
                inside[key] = inside.get(key, 0) + 1
                most[key] = max(most.get(key, 0), inside[key])
            time.sleep(0.05)
            with guard:
                inside[key] -= 1

    with ThreadPoolExecutor(len(keys)) as pool:
        list(pool.map(hold, keys))
    return most


def test_one_holder_at_a_time_per_key_and_other_keys_beside_it():
    locks = PerKeyLocks()
    most = _run(locks, ["gout"] * 4 + ["b12"] * 4 + [None] * 3)
    assert most["gout"] == 1 and most["b12"] == 1
    assert most[None] == 3  # no key (a follow-up): never made to wait


def test_different_keys_run_at_the_same_time():
    locks = PerKeyLocks()
    inside_both = threading.Barrier(2, timeout=5)

    def hold(key: str) -> None:
        with locks.holding(key):
            inside_both.wait()  # would time out if the second key waited for the first

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(hold, ["gout", "b12"]))


def test_keys_are_forgotten_when_nobody_holds_them():
    locks = PerKeyLocks()
    _run(locks, ["gout"] * 3 + ["b12"])
    assert len(locks) == 0
    try:
        with locks.holding("gout"):
            raise RuntimeError("the answer failed")
    except RuntimeError:
        pass
    assert len(locks) == 0
    with locks.holding("gout"):  # and the key can be taken again after a failure
        assert len(locks) == 1
