"""``curbside users …`` and ``curbside audit …``: accounts and the audit trail from the shell.

The command line acts as the operator (an administrator): whoever can run it on the server
already holds the database.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ..errors import CurbsideError
from ..settings import Settings
from ..store import Store, open_store
from . import accounts, views
from .store import now
from .workflow import ROLES

users_app = typer.Typer(help="Accounts, roles and API tokens.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit trail of every review action.", no_args_is_help=True)
console = Console(stderr=True)
out = Console(soft_wrap=True, highlight=False)


@contextmanager
def _store() -> Iterator[Store]:
    store = None
    try:
        store = open_store(Settings())
        yield store
    except CurbsideError as exc:
        console.print(f"[red]error:[/red] {exc}", highlight=False, markup=True)
        raise typer.Exit(1) from None
    finally:
        if store is not None:
            store.close()


PasswordStdin = Annotated[
    bool,
    typer.Option(
        "--password-stdin",
        help="Read the password from standard input (its first line), e.g. piped from a "
        "secrets manager: unlike --password it never shows in the process list.",
    ),
]


def _stdin_password() -> str:
    line = sys.stdin.readline()
    password = line[:-1] if line.endswith("\n") else line  # the line ending, nothing else
    password = password.removesuffix("\r")
    if not password:
        console.print("[red]error:[/red] no password on standard input", markup=True)
        raise typer.Exit(1)
    return password


@users_app.command("add")
def add(
    email: Annotated[str, typer.Argument(help="Sign-in email, unique.")],
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(ROLES)}.")] = "reader",
    name: Annotated[str, typer.Option(help="Full name, as readers will see it.")] = "",
    credentials: Annotated[str, typer.Option(help='e.g. "MD, haematology".')] = "",
    password: Annotated[
        str | None,
        typer.Option(
            help="Password; prompted for when not given. Other users of the machine can read "
            "it in the process list: prefer --password-stdin or the prompt."
        ),
    ] = None,
    password_stdin: PasswordStdin = False,
    no_password: Annotated[
        bool, typer.Option("--no-password", help="An account for API tokens only.")
    ] = False,
):
    """Add an account: `curbside users add a@x.org --role reviewer --name "Dr A" --credentials
    "MD, haematology"`; `… --password-stdin < secret.txt` for scripts."""
    if sum([password is not None, password_stdin, no_password]) > 1:
        console.print(
            "[red]error:[/red] give one of --password, --password-stdin, --no-password",
            markup=True,
        )
        raise typer.Exit(2)
    if password_stdin:
        password = _stdin_password()
    elif password is None and not no_password:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with _store() as store:
        user = accounts.create_user(
            store,
            accounts.OPERATOR,
            email=email,
            name=name or email.split("@")[0],
            role=role,
            credentials=credentials,
            password=None if no_password else password,
        )
    console.print(f"added {user.email} ({user.role}), id {user.id}", highlight=False)


@users_app.command("token")
def token(
    email: Annotated[str, typer.Argument(help="Whose token.")],
    label: Annotated[str, typer.Option(help="What the token is for.")] = "",
):
    """Issue an API token and print it once; only its SHA-256 is stored."""
    with _store() as store:
        user = accounts.find_user(store, email)
        record, secret = accounts.issue_token(store, accounts.OPERATOR, user.id, label)
    console.print(f"token {record.id} for {user.email}; it is shown only now:", highlight=False)
    out.print(secret, markup=False)


@users_app.command("revoke-token")
def revoke_token(token_id: Annotated[str, typer.Argument(help="Token id, from `users list`.")]):
    """Revoke an API token; requests carrying it are refused from now on."""
    with _store() as store:
        record = accounts.revoke_token(store, accounts.OPERATOR, token_id)
    console.print(f"token {record.id} revoked at {record.revoked_at}", highlight=False)


@users_app.command("password")
def password(
    email: Annotated[str, typer.Argument(help="Whose password.")],
    password_stdin: PasswordStdin = False,
):
    """Set a new password (prompted for); this also lifts lockouts and ends their sessions."""
    if password_stdin:
        secret = _stdin_password()
    else:
        secret = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    with _store() as store:
        user = accounts.find_user(store, email)
        accounts.set_password(store, accounts.OPERATOR, user.id, secret)
    console.print(f"password set for {user.email}", highlight=False)


@users_app.command("deactivate")
def deactivate(email: Annotated[str, typer.Argument(help="Whose account.")]):
    """Stop an account from signing in or using its tokens; its history stays."""
    with _store() as store:
        user = accounts.find_user(store, email)
        accounts.set_active(store, accounts.OPERATOR, user.id, False)
    console.print(f"{user.email} deactivated", highlight=False)


@users_app.command("list")
def list_cmd(as_json: Annotated[bool, typer.Option("--json")] = False):
    """Every account with its role, credentials, state and live API tokens."""
    with _store() as store:
        users = accounts.list_users(store)
        tokens = {u.id: accounts.list_tokens(store, u.id) for u in users}
    if as_json:
        rows = [
            {**asdict(u), "tokens": [asdict(t) for t in tokens[u.id] if not t.revoked_at]}
            for u in users
        ]
        out.print_json(json.dumps(rows))
        return
    table = Table()
    for column in ("id", "email", "name", "role", "credentials", "state", "tokens"):
        table.add_column(column)
    for user in users:
        state = "active" if user.active else "deactivated"
        if user.locked_until and user.locked_until > now():
            state += f", locked out from one address until {user.locked_until}"
        live = [
            t.id + (f" ({t.label})" if t.label else "") for t in tokens[user.id] if not t.revoked_at
        ]
        table.add_row(
            user.id, user.email, user.name, user.role, user.credentials, state, ", ".join(live)
        )
    out.print(table)


@audit_app.command("export")
def export(
    article: Annotated[str | None, typer.Option(help="Only this article (id or slug).")] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File; default stdout.")
    ] = None,
):
    """Write the audit trail as JSON lines, oldest first."""
    with _store() as store:
        if output is None:
            count = views.export_audit(store, sys.stdout, article)
        else:
            with output.open("w", encoding="utf-8") as fh:
                count = views.export_audit(store, fh, article)
    console.print(f"{count} audit entries", highlight=False)
