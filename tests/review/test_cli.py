"""`curbside users …`, `curbside audit export`, and ingest's hook, from the command line."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from curbside.cli import app
from curbside.errors import AuthError
from curbside.review import accounts, service, signin
from curbside.settings import Settings
from curbside.store.sql import open_store

from .conftest import GUIDELINE, QUESTION


@pytest.fixture
def cli(tmp_path: Path):
    env = {"CURBSIDE_HOME": str(tmp_path / "cli-home"), "CURBSIDE_DATABASE_URL": None}
    runner = CliRunner()

    def run(*args: str, code: int = 0, stdin: str | None = None):
        result = runner.invoke(app, list(args), env=env, input=stdin)
        assert result.exit_code == code, result.output
        return result

    run.settings = Settings(home=tmp_path / "cli-home", database_url=None)
    return run


def _with_store(settings, fn):
    store = open_store(settings)
    try:
        return fn(store)
    finally:
        store.engine.dispose()


def test_users_add_token_list_and_revoke(cli):
    cli(
        "users", "add", "Rev@Example.org", "--role", "reviewer", "--name", "Dr Ada Reviewer",
        "--credentials", "MD, haematology", "--password", "long enough passphrase",
    )  # fmt: skip
    cli("users", "add", "rev@example.org", "--role", "reader", "--no-password", code=1)
    cli("users", "add", "x@example.org", "--role", "root", "--no-password", code=1)

    token = cli("users", "token", "rev@example.org", "--label", "laptop").stdout.strip()
    user = _with_store(cli.settings, lambda s: accounts.user_for_token(s, token))
    assert (user.email, user.role, user.credentials) == (
        "rev@example.org",
        "reviewer",
        "MD, haematology",
    )
    [record] = _with_store(cli.settings, lambda s: accounts.list_tokens(s, user.id))
    [listed] = json.loads(cli("users", "list", "--json").stdout)
    assert (listed["email"], listed["name"], listed["role"]) == (
        "rev@example.org",
        "Dr Ada Reviewer",
        "reviewer",
    )
    assert [t["id"] for t in listed["tokens"]] == [record.id]
    assert "password_hash" not in listed and "token_hash" not in str(listed)
    assert "Dr Ada" in cli("users", "list").stdout

    cli("users", "revoke-token", record.id)
    with pytest.raises(AuthError):
        _with_store(cli.settings, lambda s: accounts.user_for_token(s, token))
    assert json.loads(cli("users", "list", "--json").stdout)[0]["tokens"] == []
    cli("users", "revoke-token", "no-such-token", code=1)


def test_cli_ingest_of_a_changed_cited_document_sends_the_answer_back_to_review(cli, tmp_path):
    path = tmp_path / "ida.md"
    path.write_text(GUIDELINE)
    cli("ingest", "-q", str(path))
    article_id = json.loads(cli("ask", "--json", QUESTION).stdout)["id"]
    cli("users", "add", "rev@example.org", "--role", "reviewer", "--password", "x" * 12)

    def approve(store):
        reviewer = accounts.find_user(store, "rev@example.org")
        service.claim(store, reviewer, article_id, 1)
        service.approve(store, reviewer, article_id, 1)

    _with_store(cli.settings, approve)
    path.write_text(GUIDELINE.replace("4 weeks", "2 weeks"))
    cli("ingest", "-q", str(path))

    lines = cli("audit", "export", "--article", article_id).stdout.splitlines()
    entries = [json.loads(line) for line in lines]
    assert [(e["actor"], e["action"]) for e in entries] == [
        ("rev@example.org", "claim"),
        ("rev@example.org", "approve"),
        ("system", "mark_stale"),
    ]
    assert entries[-1]["detail"]["reason"] == "superseded"
    everything = cli("audit", "export").stdout.splitlines()
    assert [json.loads(line)["action"] for line in everything][:2] == [
        "user_created",
        "token_issued",
    ] or len(everything) > 3


def test_users_add_and_password_read_the_password_from_stdin(cli):
    secret = "  a passphrase from the vault, spaces kept  "
    cli("users", "add", "ada@example.org", "--role", "reviewer", "--password-stdin",
        stdin=secret + "\n" + "a second line is not read\n")  # fmt: skip
    user = _with_store(cli.settings, lambda s: signin.authenticate(s, "ada@example.org", secret))
    assert user.role == "reviewer"
    # Windows line ends too; and `users password` takes it the same way.
    cli("users", "password", "ada@example.org", "--password-stdin", stdin="new vault secret\r\n")
    assert _with_store(
        cli.settings, lambda s: signin.authenticate(s, "ada@example.org", "new vault secret")
    )
    # Nothing on stdin, a short password, or two ways at once: refused, nothing created.
    empty = cli("users", "add", "bo@example.org", "--password-stdin", stdin="", code=1)
    assert "no password on standard input" in empty.output
    short = cli("users", "add", "bo@example.org", "--password-stdin", stdin="short\n", code=1)
    assert "10 to 1024 characters" in short.output
    both = ("users", "add", "bo@example.org", "--password", "x" * 12, "--password-stdin")
    assert "give one of" in cli(*both, stdin="y" * 12, code=2).output
    with pytest.raises(Exception, match="no user"):
        _with_store(cli.settings, lambda s: accounts.find_user(s, "bo@example.org"))


@pytest.mark.slow
def test_password_stdin_in_a_real_process_reading_a_pipe(tmp_path):
    """As an operator's script runs it: the secret comes through a pipe, not an argument."""
    import subprocess

    from curbside.web.testing import curbside_command

    env = {**os.environ, "CURBSIDE_HOME": str(tmp_path / "home")}
    env.pop("CURBSIDE_DATABASE_URL", None)
    args = [*curbside_command(), "users", "add", "cy@example.org", "--password-stdin"]
    done = subprocess.run(
        args, input="piped passphrase 42\n", env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    store = open_store(Settings(home=tmp_path / "home", database_url=None))
    try:
        assert signin.authenticate(store, "cy@example.org", "piped passphrase 42")
    finally:
        store.engine.dispose()
