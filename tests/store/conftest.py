"""Fixtures of tests/store."""

from __future__ import annotations

import pytest

from ..backends import BACKENDS


# These tests run on every backend (PostgreSQL skipped only where no server is named).
@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture(scope="session", params=BACKENDS)
def session_backend(request) -> str:
    return request.param
