"""What library editors do from the web: upload documents, replace one, retire one; each
audited, each saying which approved answers went back to review because of it.

>>> change_id, results = upload(rt, editor, [("ida.md", fileobj)], FieldMap())  # doctest: +SKIP
>>> results[0].outcome                                                         # doctest: +SKIP
'ingested'

Uploads go through ``library.ingest.ingest``, the same code as ``curbside ingest``: one call
per file, so that each file's result can be told. The files are kept under
``CURBSIDE_HOME/uploads``, named as uploaded, so uploading a file of the same name again
is a new version of the same document (or skipped when unchanged), as re-ingesting a file
from the command line is.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy import select

from ..errors import BadRequest, IngestError, NotFound
from ..library.ingest import SUFFIXES, ingest
from ..library.records import FieldMap
from ..models import Document
from ..store import schema
from . import store as q
from .accounts import User
from .service import mark_sources_changed_in
from .workflow import require

if TYPE_CHECKING:
    from ..runtime import Runtime

SINGLE_DOCUMENT_KINDS = ("markdown", "text", "html", "pdf")
_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")
_CHUNK = 1 << 20
# One writer of the search index per process: uploads in two threads wait for each other.
_INGEST_LOCK = threading.Lock()


@dataclass
class FileResult:
    """One uploaded file: how many documents it added, changed or left, and why it failed."""

    name: str
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)  # "name, line 3: reason"
    documents: list[str] = field(default_factory=list)  # the current document, one-document files
    to_review: list[str] = field(default_factory=list)  # approved articles sent back to review

    @property
    def outcome(self) -> str:
        read = self.new + self.updated
        if read and self.errors:
            return "ingested, with errors"
        if read:
            return "ingested"
        if self.unchanged and not self.errors:
            return "skipped unchanged"
        if self.unchanged:
            return "unchanged, with errors"
        return "error"

    @property
    def summary(self) -> str:
        """ "2 new, 1 new version, 3 unchanged documents" (empty when none was read)."""
        parts = [f"{self.new} new"] if self.new else []
        if self.updated:
            parts.append(f"{self.updated} new version{'s' if self.updated != 1 else ''}")
        if self.unchanged:
            parts.append(f"{self.unchanged} unchanged")
        total = self.new + self.updated + self.unchanged
        return f"{', '.join(parts)} document{'s' if total != 1 else ''}" if parts else ""


@dataclass(frozen=True)
class CitingAnswer:
    id: str
    slug: str
    question: str


def human_size(n: float) -> str:
    """2,000,000 → "2 MB", 5,000 → "5 kB": sizes as an editor reads them."""
    if n >= 1e6:
        return f"{n / 1e6:.1f}".removesuffix(".0") + " MB"
    if n >= 1e3:
        return f"{n / 1e3:.1f}".removesuffix(".0") + " kB"
    return f"{int(n)} bytes"


def safe_name(name: str | None) -> str:
    """A file name to keep on the server: the last part of what the browser sent, in
    letters, digits, dots, dashes, spaces and underscores, never hidden."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = _UNSAFE.sub("_", base).strip(" .")[:120]
    return base or "upload"


def _kind(name: str) -> str | None:
    lower = name.lower()
    suffix = ".jsonl.gz" if lower.endswith(".jsonl.gz") else Path(lower).suffix
    return SUFFIXES.get(suffix)


def uploads_dir(rt: Runtime) -> Path:
    return rt.settings.home / "uploads"


def _error_text(error: IngestError, saved: Path, name: str) -> str:
    """The reason in the editor's terms: their file's name, never the server's path."""
    where = str(error.path).replace(str(saved.resolve()), name).replace(str(saved), name)
    where = name if where.startswith(str(saved.parent)) else where
    return (
        f"{where}, line {error.line}: {error.reason}" if error.line else f"{where}: {error.reason}"
    )


def _save(fileobj: IO[bytes], target: Path, max_bytes: int) -> int:
    """Copy an upload to its place, refusing one larger than a document may be."""
    tmp = target.with_name(f".{target.name}.part")
    size = 0
    with open(tmp, "wb") as out:
        while chunk := fileobj.read(_CHUNK):
            size += len(chunk)
            if size > max_bytes:
                out.close()
                tmp.unlink(missing_ok=True)
                return size
            out.write(chunk)
    tmp.replace(target)
    return size


def upload(
    rt: Runtime,
    actor: User,
    files: Sequence[tuple[str | None, IO[bytes]]],
    fmap: FieldMap,
    field_map: str = "",
    replace: str | None = None,
) -> tuple[int, list[FileResult]]:
    """Ingest uploaded files, one by one; returns the audit entry's id and each file's result.

    ``replace`` is a document id: the one file becomes that document's next version.
    """
    require(actor.role, "manage_library")
    if not files:
        raise BadRequest("Choose at least one file to upload.")
    target_doc = rt.store.get_document(replace) if replace else None
    if target_doc is not None and target_doc.status != "current":
        raise BadRequest(
            f"“{target_doc.title}” is {target_doc.status}; only a current one can be replaced."
        )
    if target_doc is not None and len(files) != 1:
        raise BadRequest("A document is replaced by exactly one file.")
    folder = uploads_dir(rt)
    folder.mkdir(parents=True, exist_ok=True)
    results = []
    with _INGEST_LOCK:
        try:
            for raw_name, fileobj in files:
                results.append(_one(rt, folder, safe_name(raw_name), fileobj, fmap, target_doc))
        finally:
            rt.retriever.close()  # let `curbside ingest` (or another worker) take the writer
        _embed_titles(rt)
    detail: dict[str, Any] = {"files": [asdict(r) for r in results], "field_map": field_map}
    if target_doc is not None:
        detail.update(replaced=target_doc.id, title=target_doc.title)
    return _audit(rt, actor, "library_upload", detail), results


def _one(
    rt: Runtime,
    folder: Path,
    name: str,
    fileobj: IO[bytes],
    fmap: FieldMap,
    target_doc: Document | None,
) -> FileResult:
    result = FileResult(name)
    kind = _kind(name)
    if kind is None:
        allowed = ", ".join(sorted(SUFFIXES))
        result.errors.append(f"{name}: this kind of file cannot be read; use one of {allowed}")
        return result
    if target_doc is not None and kind not in SINGLE_DOCUMENT_KINDS:
        result.errors.append(
            f"{name}: a replacement must hold one document (Markdown, HTML, PDF or text), "
            "not a set of records"
        )
        return result
    limit = rt.settings.max_document_bytes
    saved = folder / name
    size = _save(fileobj, saved, limit)
    if size > limit:
        result.errors.append(
            f"{name}: too large; a document can be at most {human_size(limit)} "
            "(CURBSIDE_MAX_DOCUMENT_BYTES)"
        )
        return result
    moved: list[str] = []

    def on_change(conn, old_id: str, status: str) -> None:
        # In the replacing transaction: the new version and its review marks commit together.
        moved.extend(mark_sources_changed_in(conn, [old_id], reason=status))

    key = target_doc.key if target_doc is not None else None
    report = ingest(
        [saved],
        rt.store,
        rt.retriever,
        fmap=fmap,
        max_bytes=limit,
        key_for=(lambda _path: key) if key else None,
        on_change=on_change,
    )
    result.new, result.updated, result.unchanged = report.new, report.updated, report.unchanged
    result.errors = [_error_text(e, saved, name) for e in report.failed]
    result.to_review = moved
    if kind in SINGLE_DOCUMENT_KINDS:
        current = rt.store.current_document(key or str(saved.resolve()))
        result.documents = [current.id] if current else []
    return result


def _embed_titles(rt: Runtime) -> None:
    """As `curbside ingest` does: new titles embedded now, not while a reader waits."""
    if rt.semantic is not None:
        rt.semantic.titles.refresh([title for _, title in rt.store.document_titles()])


def retire(rt: Runtime, actor: User, document_id: str, reason: str) -> int:
    """Take a document out of the library (its passages leave the index; its page stays, as
    retired). Approved answers citing it go back to review. Returns the audit entry's id."""
    require(actor.role, "manage_library")
    reason = " ".join((reason or "").split())[:500]
    doc = rt.store.get_document(document_id)
    if doc.status != "current":
        raise BadRequest(f"“{doc.title}” is already {doc.status}.")
    with _INGEST_LOCK:
        moved: list[str] = []

        def on_removed(conn, old_id: str, status: str) -> None:
            moved.extend(mark_sources_changed_in(conn, [old_id], reason=status))

        rt.store.remove_document(doc.key, on_replaced=on_removed)
        try:
            rt.retriever.sync()
        finally:
            rt.retriever.close()
    detail = {
        "document_id": doc.id,
        "title": doc.title,
        "reason": reason,
        "articles_to_review": moved,
    }
    return _audit(rt, actor, "document_retired", detail)


def _audit(rt: Runtime, actor: User, action: str, detail: dict[str, Any]) -> int:
    with rt.store.review.transaction() as conn:
        return q.append_audit(conn, actor.email, action, detail=detail)


def change(rt: Runtime, change_id: int) -> dict[str, Any]:
    """An editor's upload or retirement as the audit trail keeps it."""
    log = schema.audit_log
    actions = ("library_upload", "document_retired")
    with rt.store.review.reading() as conn:
        row = conn.execute(
            select(log).where(log.c.id == change_id, log.c.action.in_(actions))
        ).first()
    if row is None:
        raise NotFound(f"no library change {change_id}")
    return dict(row._mapping)


def recent_changes(rt: Runtime, limit: int = 10) -> list[dict[str, Any]]:
    log = schema.audit_log
    actions = ("library_upload", "document_retired")
    query = select(log).where(log.c.action.in_(actions)).order_by(log.c.id.desc()).limit(limit)
    with rt.store.review.reading() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def approved_citing(rt: Runtime, document_ids: Sequence[str]) -> list[CitingAnswer]:
    """Approved answers that cite these documents: those a change would send to review."""
    ids = rt.store.articles.articles_citing(list(document_ids))
    if not ids:
        return []
    a = schema.articles
    query = (
        select(a.c.id, a.c.slug, a.c.question)
        .where(a.c.id.in_(ids), a.c.status == "approved")
        .order_by(a.c.question)
    )
    with rt.store.review.reading() as conn:
        return [CitingAnswer(*r) for r in conn.execute(query)]


def answers(rt: Runtime, article_ids: Sequence[str]) -> list[CitingAnswer]:
    if not article_ids:
        return []
    a = schema.articles
    query = select(a.c.id, a.c.slug, a.c.question).where(a.c.id.in_(list(article_ids)))
    with rt.store.review.reading() as conn:
        return [CitingAnswer(*r) for r in conn.execute(query)]
