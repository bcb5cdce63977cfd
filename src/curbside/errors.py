"""One exception root for Curbside.

    CurbsideError
    ├── ConfigError          settings that cannot work (bad database URL, unwritable home)
    ├── StoreError           the database refused an operation
    │   └── NotFound         an id that names nothing
    ├── IngestError          one input could not become a document (reported as "path: reason")
    ├── SearchError          the search index is unusable
    └── BadRequest           user input we refuse with a clear message

The web layer maps these to HTTP status codes in one place; domain code never
raises HTTP errors itself.
"""


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
