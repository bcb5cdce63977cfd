"""The one clock: every stored timestamp is UTC ISO 8601, and comes from here."""

from __future__ import annotations

from datetime import UTC, datetime


def now(timespec: str = "microseconds") -> str:
    """The current UTC time as ISO text. Library and article stamps keep microseconds (they
    order changes made within one second); accounts and audit rows keep seconds."""
    return datetime.now(UTC).isoformat(timespec=timespec)
