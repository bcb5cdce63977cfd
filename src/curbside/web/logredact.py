"""Request paths as the logs may keep them: without the words of anyone's question.

An answer's slug is made of its question's words (``/a/colchicine-dose-gout-3c8d05``) and
the ask and search boxes put typed text in query strings, so an access log line would keep
what a clinician typed, patient details included. Each path segment that is a slug keeps
only its six-character id tail, and every query value is dropped (its name is kept):
enough to follow a request, nothing of what was asked.

>>> redact_path("/a/colchicine-dose-gout-flare-3c8d05?audience=patient")
'/a/…-3c8d05?audience=…'
>>> redact_path("/search?q=warfarin+in+pregnancy&k=10")
'/search?q=…&k=…'
"""

from __future__ import annotations

import logging
import re

_SLUG = re.compile(r"^[^/]*-([0-9a-f]{6})$")
_WORDY = re.compile(r"[^0-9a-f]")  # hex ids (articles, documents, passages) say nothing


def redact_path(path: str) -> str:
    base, sep, query = path.partition("?")
    segments = base.split("/")
    for i, segment in enumerate(segments):
        tail = _SLUG.match(segment)
        if tail:
            segments[i] = f"…-{tail[1]}"
        elif i == 2 and segments[1] == "a" and _WORDY.search(segment):
            segments[i] = "…"  # an answer's address of another shape: still words
    if sep:
        query = "&".join(part.partition("=")[0] + "=…" for part in query.split("&") if part)
    return "/".join(segments) + sep + query


class RedactQuestions(logging.Filter):
    """For uvicorn's access log, whose arguments are (client, method, path, version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            record.args = (args[0], args[1], redact_path(args[2]), args[3], args[4])
        return True
