"""Fixtures of tests/store."""

from __future__ import annotations

from .. import backends

# These tests run on every backend (PostgreSQL skipped only where no server is named).
backend = backends.backend
session_backend = backends.session_backend
