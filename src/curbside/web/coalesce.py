"""One answer at a time per question within a worker process.

When many clients ask the same new question at once, each request would run the engine and
all but the first insert would find the article already stored (the dedupe key is unique):
the same answer computed N times. Holding a per-question lock instead lets the first request
compute and store it while the others wait, then find it in the store. Across workers the
unique key still decides; within one, the engine runs once.

Measured with bench/load.py (2 workers, SQLite, 50 clients, bursts of 20 clients asking one
new question every 4 s, 20 s, two runs each, 2026-12-02): the workers used 5 and 5 s of CPU
with these locks against 9 and 11 s without, and a burst's asks took p50 480 and 432 ms
against 1,172 and 1,550 ms.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class PerKeyLocks:
    """``with locks.holding(key): …`` runs one thread at a time per key; other keys go on."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, tuple[threading.Lock, int]] = {}  # key -> (lock, holders)

    @contextmanager
    def holding(self, key: str | None) -> Iterator[None]:
        if key is None:
            yield
            return
        with self._guard:
            lock, holders = self._locks.get(key, (None, 0))
            lock = lock or threading.Lock()
            self._locks[key] = (lock, holders + 1)
        try:
            with lock:
                yield
        finally:
            with self._guard:
                lock, holders = self._locks[key]
                if holders == 1:
                    del self._locks[key]  # nobody else waits: forget the key
                else:
                    self._locks[key] = (lock, holders - 1)

    def __len__(self) -> int:
        return len(self._locks)
