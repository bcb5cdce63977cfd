"""Review fixtures: a small cited library, an answered article, and one account per role."""

from __future__ import annotations

from pathlib import Path

import pytest
from argon2 import PasswordHasher

from curbside.answer.pipeline import answer
from curbside.articles.model import Article
from curbside.review import accounts
from curbside.review.accounts import OPERATOR, User

from .. import backends

GUIDELINE = """---
title: Iron deficiency anaemia in adults
publisher: Blood Society
year: 2019
kind: guideline
---
# Iron deficiency anaemia

## Treatment of iron deficiency anaemia
- Treat iron deficiency anaemia in adults with oral ferrous sulfate 200 mg once daily.
- Oral iron dose for iron deficiency anaemia: ferrous sulfate 200 mg taken once daily or on
  alternate days.
- Continue oral iron treatment for 3 months after the haemoglobin has returned to normal to
  replenish iron stores.

## Monitoring of iron treatment
- Check the haemoglobin after 4 weeks of oral iron treatment for iron deficiency anaemia.
"""
QUESTION = "What oral iron dose should be used to treat iron deficiency anaemia in adults?"
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch):
    """Real argon2id at its lowest cost: these tests check behaviour, not the work factor."""
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(accounts, "_hasher", cheap)


@pytest.fixture
def guideline(tmp_path: Path) -> Path:
    path = tmp_path / "library" / "ida.md"
    path.parent.mkdir()
    path.write_text(GUIDELINE)
    return path


@pytest.fixture
def article(runtime, load, guideline) -> Article:
    load(guideline)
    result = answer(QUESTION, runtime)
    assert not result.abstained and result.sections, "the fixture guideline must answer"
    return result


@pytest.fixture
def store(runtime):
    return runtime.store


def make_user(store, role: str, email: str | None = None, name: str | None = None) -> User:
    return accounts.create_user(
        store,
        OPERATOR,
        email=email or f"{role}@example.org",
        name=name or f"Dr {role.title()}",
        role=role,
        credentials="MD, haematology" if role == "reviewer" else "",
        password=PASSWORD,
    )


@pytest.fixture
def reviewer(store) -> User:
    return make_user(store, "reviewer", "rev@example.org", "Dr Ada Reviewer")


@pytest.fixture
def second_reviewer(store) -> User:
    return make_user(store, "reviewer", "rev2@example.org", "Dr Bo Second")


@pytest.fixture
def admin(store) -> User:
    return make_user(store, "admin")


@pytest.fixture
def editor(store) -> User:
    return make_user(store, "editor")


@pytest.fixture
def reader(store) -> User:
    return make_user(store, "reader")


# These tests run on every backend (PostgreSQL skipped only where no server is named).
backend = backends.backend
session_backend = backends.session_backend
