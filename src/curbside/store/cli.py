"""``curbside export PATH`` and ``curbside import PATH``: the whole state as JSON Lines,
to move between backends (SQLite -> PostgreSQL) or to keep a portable copy."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from ..errors import CurbsideError
from ..settings import Settings
from . import transfer
from .sql import open_store

console = Console(stderr=True)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description:<18}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        transient=False,
    )


def _run(work) -> dict[str, int]:
    store = None
    try:
        store = open_store(Settings())
        return work(store)
    except (CurbsideError, OSError) as exc:
        console.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(1) from None
    finally:
        if store is not None:
            store.close()


def export_cmd(
    path: Annotated[Path, typer.Argument(help="The JSONL file to write.")],
) -> None:
    """Write the whole state (library, articles, reviews, accounts, audit) as JSON Lines."""

    def work(store) -> dict[str, int]:
        totals = transfer.counts(store.engine)
        with _progress() as bar, path.open("w", encoding="utf-8") as out:
            tasks = {name: bar.add_task(name, total=n) for name, n in totals.items()}
            return transfer.export(
                store.engine, out, lambda name, done: bar.update(tasks[name], completed=done)
            )

    totals = _run(work)
    console.print(f"exported {sum(totals.values()):,} rows to {path}", highlight=False)


def import_cmd(
    path: Annotated[Path, typer.Argument(help="A file written by `curbside export`.")],
    merge: Annotated[
        bool, typer.Option("--merge", help="Add to a database that already holds data.")
    ] = False,
) -> None:
    """Load an export into the configured database (empty, unless --merge)."""

    def work(store) -> dict[str, int]:
        header = transfer.read_header(path)
        with _progress() as bar:
            tasks = {name: bar.add_task(name, total=n) for name, n in header["tables"].items()}
            return transfer.import_(
                store.engine,
                path,
                merge=merge,
                progress=lambda name, done: bar.update(tasks[name], completed=done),
            )

    if not path.is_file():
        console.print(f"[red]error:[/red] {path}: no such file", highlight=False)
        raise typer.Exit(1)
    added = _run(work)
    console.print(
        f"imported {sum(added.values()):,} rows; the search index follows on next start",
        highlight=False,
    )
