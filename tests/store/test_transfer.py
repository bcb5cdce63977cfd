"""`curbside export` / `curbside import`: the whole state, SQLite -> PostgreSQL -> SQLite."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from curbside import articles
from curbside.answer.pipeline import answer
from curbside.cli import app
from curbside.library.ingest import ingest
from curbside.review import accounts, service, wording
from curbside.review.accounts import OPERATOR
from curbside.runtime import open_runtime
from curbside.settings import Settings

from .. import backends
from ..review.conftest import PASSWORD, make_user

GUIDELINE = """---
title: Gout flare treatment
publisher: Rheumatology Society
year: 2022
---
# Gout flare

## Treatment of an acute gout flare
- Treat an acute gout flare with colchicine 500 micrograms two to four times a day.
- Continue colchicine for an acute gout flare until the flare settles.
"""


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch):
    from argon2 import PasswordHasher

    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024))


def _full_state(home: Path, tmp_path: Path) -> None:
    """A library with two versions of a document, an approved article, users, a token and
    the audit trail that made them."""
    rt = open_runtime(Settings(home=home, database_url=None))
    try:
        path = tmp_path / "gout.md"
        path.write_text(GUIDELINE)
        ingest([path], rt.store, rt.retriever)
        path.write_text(GUIDELINE.replace("two to four", "up to four"))
        ingest([path], rt.store, rt.retriever)
        reviewer = make_user(rt.store, "reviewer", "rev@example.org", "Dr Rev")
        accounts.issue_token(rt.store, OPERATOR, reviewer.id, "script")
        article = answer("What colchicine dose for an acute gout flare?", rt)
        claimed = service.claim(rt.store, reviewer, article.id, article.version)
        approved = service.approve(rt.store, reviewer, article.id, claimed.version)
        wording.approve_patient(rt.store, reviewer, article.id, approved.version)
    finally:
        rt.close()


def _export(url: str | None, home: Path, out: Path) -> list[str]:
    result = CliRunner().invoke(app, ["export", str(out)], env=_env(home, url))
    assert result.exit_code == 0, result.output
    return out.read_text().splitlines()


def _env(home: Path, url: str | None) -> dict[str, str | None]:
    return {"CURBSIDE_HOME": str(home), "CURBSIDE_DATABASE_URL": url}


def test_an_export_round_trips_sqlite_postgres_sqlite_exactly(tmp_path: Path):
    backends.require("postgres")
    source = tmp_path / "source" / "home"
    _full_state(source, tmp_path)
    first = _export(None, source, tmp_path / "first.jsonl")
    header = json.loads(first[0])
    assert header["tables"]["documents"] == 2 and header["tables"]["approvals"] == 1
    assert header["tables"]["audit_log"] >= 3 and header["tables"]["api_tokens"] == 1
    assert header["tables"]["patient_approvals"] == header["tables"]["patient_wordings"] == 1
    with backends.postgres_schema() as url:
        pg_home = tmp_path / "pg" / "home"
        done = CliRunner().invoke(
            app, ["import", str(tmp_path / "first.jsonl")], env=_env(pg_home, url)
        )
        assert done.exit_code == 0, done.output
        middle = _export(url, pg_home, tmp_path / "middle.jsonl")
        assert middle == first  # every row of every table, byte for byte
        rt = open_runtime(Settings(home=pg_home, database_url=url))
        try:  # the imported library is searched and its approved answer is served
            hits = rt.retriever.search("colchicine gout flare", k=5).hits
            assert {h.document.title for h in hits} == {"Gout flare treatment"}
            approved = [a for a in rt.articles.list_articles() if a["status"] == "approved"]
            assert len(approved) == 1
            assert articles.load(rt.articles, approved[0]["id"]).status == "approved"
            # and so is its patient wording, with its reviewer
            view = wording.patient_view(rt.store, approved[0]["id"])
            assert view.article.status == "approved" and view.approvals[0].reviewer_name
        finally:
            rt.close()
    back = tmp_path / "back" / "home"
    done = CliRunner().invoke(app, ["import", str(tmp_path / "middle.jsonl")], env=_env(back, None))
    assert done.exit_code == 0, done.output
    assert _export(None, back, tmp_path / "last.jsonl") == first


def test_no_secret_is_exported_in_clear(tmp_path: Path):
    home = tmp_path / "home"
    _full_state(home, tmp_path)
    text = "\n".join(_export(None, home, tmp_path / "out.jsonl"))
    assert PASSWORD not in text
    assert '"csrf_secret"' not in text and '"table": "sessions"' not in text
    users = [json.loads(line)["row"] for line in text.splitlines()[1:] if '"users"' in line]
    assert all(u["password_hash"].startswith("$argon2id$") for u in users if u["password_hash"])


def test_importing_into_a_library_that_holds_data_refuses_unless_merging(tmp_path: Path):
    home = tmp_path / "home"
    _full_state(home, tmp_path)
    _export(None, home, tmp_path / "out.jsonl")
    refused = CliRunner().invoke(app, ["import", str(tmp_path / "out.jsonl")], env=_env(home, None))
    assert refused.exit_code != 0 and "not empty" in refused.output and "--merge" in refused.output
    merged = CliRunner().invoke(
        app, ["import", "--merge", str(tmp_path / "out.jsonl")], env=_env(home, None)
    )
    assert merged.exit_code == 0, merged.output
    assert (
        _export(None, home, tmp_path / "again.jsonl")[1:]
        == (tmp_path / "out.jsonl").read_text().splitlines()[1:]
    )


def test_a_file_that_is_not_an_export_is_named_with_its_line(tmp_path: Path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"curbside_export": 1, "tables": {}}) + "\n{not json\n")
    result = CliRunner().invoke(app, ["import", str(bad)], env=_env(tmp_path / "home", None))
    assert result.exit_code != 0 and f"{bad}:2:" in result.output
    os.remove(bad)
