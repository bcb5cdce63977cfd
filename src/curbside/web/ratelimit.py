"""Per-client rate limiting of questions: a sliding window.

The app counts in the database (``SharedLimiter``), so every worker of every app server
shares one window per client and the limit is exact however many there are.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from .errors import RateLimited


class Limiter(Protocol):
    def hit(self, key: str) -> None:
        """Count one event for ``key``, or raise RateLimited if the window is full."""
        ...


class SharedLimiter:
    """At most ``limit`` events per ``window`` seconds per key across every worker and
    server, counted in the store; ``limit <= 0`` turns it off."""

    def __init__(
        self, store, limit: int, window: float = 60.0, clock: Callable[[], float] = time.time
    ):
        self.store = store
        self.limit = limit
        self.window = window
        self.clock = clock  # wall time: the servers' clocks agree, their monotonic ones do not

    def hit(self, key: str) -> None:
        """Count one event for ``key``, or raise RateLimited if the window is full."""
        if self.limit <= 0:
            return
        wait = self.store.count_event(f"ask:{key}", self.limit, self.window, self.clock())
        if wait is not None:
            raise RateLimited(retry_after=wait)
