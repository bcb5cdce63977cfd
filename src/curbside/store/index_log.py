"""The index log side of the Store: what each search index follows, and how far.

Every passage added or retired is logged in the transaction that changes it (store/sql.py).
Each search index (one per app server folder) applies the log in order and reports the last
entry it holds; entries every recently seen index holds are trimmed, and the highest trimmed
number is kept as the floor, so an index that falls below it knows to rebuild.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, Integer, cast, func, select, update

from ..clock import now
from . import schema

LOG, STATE, F = schema.index_log, schema.library_state, schema.index_followers
# An index that has not reported for this long no longer holds the log back; if it comes
# back it finds the log trimmed past its position and rebuilds.
FOLLOWER_IDLE = timedelta(days=7)


class IndexLog:
    engine: Engine

    def index_log_after(
        self, seq: int, limit: int = 50_000
    ) -> list[tuple[int, str, str, int | None]]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(LOG.c.seq, LOG.c.passage_id, LOG.c.op, LOG.c.version)
                .where(LOG.c.seq > seq)
                .order_by(LOG.c.seq)
                .limit(limit)
            )
            return [(r.seq, r.passage_id, r.op, r.version) for r in rows]

    def last_log_seq(self) -> int:
        with self.engine.connect() as conn:
            last = conn.execute(select(func.max(LOG.c.seq))).scalar() or 0
            return max(last, self._floor(conn))

    def index_log_floor(self) -> int:
        """The highest log number trimmed: an index below it must rebuild."""
        with self.engine.connect() as conn:
            return self._floor(conn)

    def _floor(self, conn: Any) -> int:
        value = conn.execute(select(STATE.c.value).where(STATE.c.name == "index_log_floor"))
        return int(value.scalar() or 0)

    def record_index_position(self, follower: str, seq: int) -> None:
        """``follower`` (one search index) holds the log up to ``seq``; drop what every
        index seen within FOLLOWER_IDLE holds."""
        stamp = now()
        since = (datetime.now(UTC) - FOLLOWER_IDLE).isoformat(timespec="microseconds")
        with self.engine.begin() as conn:
            values = {"seq": seq, "seen_at": stamp}
            if not conn.execute(
                update(F).where(F.c.follower == follower).values(**values)
            ).rowcount:
                conn.execute(F.insert().values(follower=follower, **values))
            conn.execute(F.delete().where(F.c.seen_at < since))  # idle: it rebuilds if it returns
            upto = conn.execute(select(func.min(F.c.seq))).scalar() or 0
            if upto > self._floor(conn):
                conn.execute(LOG.delete().where(LOG.c.seq <= upto))
                # The row exists from migration 0009: an update, never a racing insert.
                conn.execute(
                    update(STATE)
                    .where(STATE.c.name == "index_log_floor", cast(STATE.c.value, Integer) < upto)
                    .values(value=str(upto))
                )
