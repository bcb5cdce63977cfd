"""One exception root for Curbside.

    CurbsideError
    ├── ConfigError          settings that cannot work (bad database URL, unwritable home)
    ├── StoreError           the database refused an operation
    │   └── NotFound         an id that names nothing
    ├── IngestError          one input could not become a document (reported as "path: reason")
    ├── SearchError          the search index is unusable
    ├── BadRequest           user input we refuse with a clear message
    │   ├── QuestionTooLong      a question over the one limit (never cut to fit)
    │   └── UnsupportedNumbers   an edit brings a number its evidence does not hold, no reason
    ├── AuthError            no valid credentials: wrong password (or a client locked out of the
    │                        account: the same error), bad or revoked token, expired session,
    │                        inactive account (HTTP 401)
    ├── Forbidden            authenticated, but the role may not do this, or a bad CSRF token (403)
    └── Conflict             the article changed since the actor saw it (409); carries the
        │                    rejected action so that nothing the actor wrote is lost
        └── InvalidTransition    the action does not apply in the article's current status

The web layer maps these to HTTP status codes in one place; domain code never
raises HTTP errors itself.
"""

from __future__ import annotations

from typing import Any


class CurbsideError(Exception):
    """Root of every error Curbside raises on purpose."""


class ConfigError(CurbsideError):
    pass


class StoreError(CurbsideError):
    pass


class NotFound(StoreError):
    pass


class IngestError(CurbsideError):
    """A single input failed; ``path`` names it, ``line`` points into it when known."""

    def __init__(self, path: str, reason: str, line: int | None = None):
        self.path = path
        self.reason = reason
        self.line = line
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {reason}")


class SearchError(CurbsideError):
    pass


class BadRequest(CurbsideError):
    pass


class QuestionTooLong(BadRequest):
    """A question longer than the limit the form, the API and the pipeline share."""

    def __init__(self, limit: int, length: int):
        self.limit = limit
        self.length = length
        super().__init__(
            f"Questions can be at most {limit:,} characters; yours has {length:,}. "
            "Shorten it and ask again."
        )


class UnsupportedNumbers(BadRequest):
    """An edit introduces numbers that no evidence quote of the bullet carries."""

    def __init__(self, message: str, numbers: list[str]):
        self.numbers = numbers
        super().__init__(message)


class AuthError(CurbsideError):
    pass


class Forbidden(CurbsideError):
    pass


class Conflict(CurbsideError):
    """The action lost a race or no longer applies; ``attempted`` holds what was asked."""

    def __init__(
        self,
        message: str,
        *,
        attempted: dict[str, Any] | None = None,
        current_version: int | None = None,
        current_status: str | None = None,
    ):
        self.attempted = attempted
        self.current_version = current_version
        self.current_status = current_status
        super().__init__(message)


class InvalidTransition(Conflict):
    """The workflow has no such move from the article's status (a state conflict, hence 409)."""
