"""Per-client rate limiting of questions: an in-process sliding window.

Each worker process keeps its own window, so with N workers a client can get up to N times
the limit through; for one process (the default) the limit is exact.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

from .errors import RateLimited

# Past this many tracked clients, forget those whose windows are empty.
PRUNE_ABOVE = 10_000


class SlidingWindowLimiter:
    """At most ``limit`` events per ``window`` seconds per key; ``limit <= 0`` turns it off."""

    def __init__(
        self, limit: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic
    ):
        self.limit = limit
        self.window = window
        self.clock = clock
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> None:
        """Count one event for ``key``, or raise RateLimited if the window is full."""
        if self.limit <= 0:
            return
        now = self.clock()
        with self._lock:
            events = self._events.setdefault(key, deque())
            while events and events[0] <= now - self.window:
                events.popleft()
            if len(events) >= self.limit:
                raise RateLimited(retry_after=events[0] + self.window - now)
            events.append(now)
            if len(self._events) > PRUNE_ABOVE:
                self._prune(now)

    def _prune(self, now: float) -> None:
        stale = [k for k, ev in self._events.items() if not ev or ev[-1] <= now - self.window]
        for key in stale:
            del self._events[key]
