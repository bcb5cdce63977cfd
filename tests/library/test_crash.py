"""kill -9 in the middle of an ingest loses at most the document being written."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from curbside.library.chunking import chunk_sections
from curbside.library.readers import read_markdown
from curbside.runtime import open_runtime
from curbside.settings import Settings

pytestmark = pytest.mark.slow

FILES = 400
WORDS = [
    "patients",
    "should",
    "receive",
    "apixaban",
    "dose",
    "review",
    "renal",
    "function",
    "monitor",
    "weekly",
    "bleeding",
    "risk",
    "assessment",
    "anticoagulation",
    "therapy",
    "clinic",
]
INGEST = [sys.executable, "-c", "from curbside.cli import app; app()", "ingest", "-q"]


def _write_library(folder: Path) -> None:
    folder.mkdir()
    rng = random.Random(11)
    for i in range(FILES):
        parts = [f"# Guide {i}"]
        for s in range(6):
            sentences = " ".join(
                " ".join(rng.choice(WORDS) for _ in range(14)).capitalize() + f" in group {s}."
                for _ in range(12)
            )
            parts.append(f"## Section {s}\n\n{sentences}")
        (folder / f"guide{i:03d}.md").write_text("\n\n".join(parts) + "\n")


def _count_documents(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)) as conn:
            return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet, or busy
        return 0


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CURBSIDE_")}
    env["CURBSIDE_HOME"] = str(home)
    return env


def _expected_passages(path: Path) -> list[tuple[str, int, int]]:
    parsed = read_markdown(path, path.read_bytes())
    return [(c.text, c.char_start, c.char_end) for c in chunk_sections(parsed.sections)]


def test_kill_9_mid_ingest_leaves_whole_documents_and_a_rerun_completes(tmp_path: Path):
    docs, home = tmp_path / "docs", tmp_path / "home"
    _write_library(docs)
    settings = Settings(home=home, database_url=None)
    db = Path(settings.resolved_database_url.removeprefix("sqlite:///"))

    proc = subprocess.Popen(
        [*INGEST, str(docs)],
        env=_env(home),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while _count_documents(db) < 20:
            assert proc.poll() is None, "ingest finished before it could be killed"
            assert time.monotonic() < deadline, "ingest never committed a document"
            time.sleep(0.005)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    rt = open_runtime(settings)  # brings the search index into step with the database
    try:
        stored = rt.store.list_documents(limit=10_000)
        assert 20 <= len(stored) < FILES
        current: set[str] = set()
        for doc in stored:
            passages = rt.store.document_passages(doc.id)
            assert [(p.text, p.char_start, p.char_end) for p in passages] == _expected_passages(
                Path(doc.source_path)
            ), doc.source_path
            current |= {p.id for p in passages}
        assert rt.store.stats()["passages"] == len(current)

        rt.retriever.sync()
        assert rt.retriever.index.searcher().num_docs == len(current)
        hits = rt.retriever.search("apixaban renal function", k=1000).hits
        assert hits and {h.passage.id for h in hits} <= current
    finally:
        rt.close()

    rerun = subprocess.run(
        [*INGEST, str(docs)],
        env=_env(home),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert rerun.returncode == 0, rerun.stderr
    assert f"{FILES - len(stored)} new, 0 updated, {len(stored)} unchanged, 0 failed" in " ".join(
        rerun.stderr.split()
    )

    rt = open_runtime(settings)
    try:
        stored = rt.store.list_documents(limit=10_000)
        assert len(stored) == FILES == len({d.key for d in stored})
        assert {d.version for d in stored} == {1}
        expected = sum(len(_expected_passages(docs / f"guide{i:03d}.md")) for i in range(FILES))
        assert rt.store.stats()["passages"] == expected
        rt.retriever.sync()
        assert rt.retriever.index.searcher().num_docs == expected
    finally:
        rt.close()
