"""Counters every worker of every app server shares, kept in the database."""

from __future__ import annotations

from sqlalchemy import Engine, func, select, text

from . import schema

E = schema.rate_events


class SharedCounters:
    engine: Engine

    def count_event(self, bucket: str, limit: int, window: float, at: float) -> float | None:
        """Count one event in ``bucket`` unless ``limit`` were counted in the ``window``
        seconds before ``at`` (Unix time); return None if counted, else the seconds until
        the oldest of them leaves the window.

        One transaction per event, serialised per bucket (PostgreSQL: an advisory lock on
        the bucket; SQLite: the write lock its first statement takes), so parallel workers
        never let ``limit + 1`` through.
        """
        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:b))"), {"b": bucket})
            conn.execute(E.delete().where(E.c.at <= at - window))  # every idle client's too
            where = (E.c.bucket == bucket, E.c.at > at - window)
            count, oldest = conn.execute(select(func.count(), func.min(E.c.at)).where(*where)).one()
            if count >= limit:
                return max(0.0, oldest + window - at)
            conn.execute(E.insert().values(bucket=bucket, at=at))
        return None
