"""What readers and reviewers see: the reader's version, the queue, versions, diffs, the audit.

>>> view = reader_view(store, "b12-dose-3c8d05")                  # doctest: +SKIP
>>> view.approvals[-1].reviewer_name, view.newer_version_pending  # doctest: +SKIP
('Dr A. Reviewer', False)
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any, TextIO

from ..articles.model import Article
from ..errors import NotFound
from ..store.base import Store
from . import queue
from . import store as q
from .edits import SectionDiff, diff_articles
from .queue import QueueItem
from .service import article_from_row


@dataclass(frozen=True)
class Approval:
    version: int
    reviewer_id: str
    reviewer_name: str
    reviewer_credentials: str
    approved_at: str


@dataclass(frozen=True)
class ReaderView:
    """The version a reader sees, and the notices the page must show beside it.

    ``article`` is the latest approved version if there is one (its status then reads
    "approved"), else the latest version; ``status`` is where the article stands now.
    A rejected article is shown as it stands, never an older approved version.
    """

    article: Article
    status: str
    latest_version: int
    approvals: list[Approval]  # of the version shown: "Reviewed by …, approved on …"
    newer_version_pending: bool  # a later version awaits review
    sources_updated: bool  # a cited document changed since the approval shown
    # "patient": the patient wording of the version shown (review/wording.py), whose
    # ``approvals`` are of that wording only; ``clinician_approved`` says the clinician
    # wording of the version is approved while this wording still awaits its reviewer.
    wording: str = "clinician"
    clinician_approved: bool = False


@dataclass(frozen=True)
class VersionInfo:
    version: int
    created_by: str
    created_at: str
    note: str


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    actor: str
    action: str
    article_id: str | None
    version_before: int | None
    version_after: int | None
    detail: dict[str, Any]


def _row(conn: Any, id_or_slug: str) -> dict[str, Any]:
    row = q.article_row(conn, id_or_slug)
    if row is None:
        raise NotFound(f"no article {id_or_slug!r}")
    return row


def _approval(row: dict[str, Any]) -> Approval:
    return Approval(
        version=row["version"],
        reviewer_id=row["reviewer_id"],
        reviewer_name=row["reviewer_name"],
        reviewer_credentials=row["reviewer_credentials"],
        approved_at=row["approved_at"],
    )


def _version_body(conn: Any, row: dict[str, Any], version: int) -> dict[str, Any]:
    stored = q.version_row(conn, row["id"], version)
    if stored is not None:
        return stored["body"]
    if version == row["version"]:  # never acted on: the row holds the only version
        return row["body"]
    raise NotFound(f"article {row['id']} has no version {version}")


def reader_view(store: Store, id_or_slug: str) -> ReaderView:
    """What the public answer page shows for an article."""
    with store.review.reading() as conn:
        row = _row(conn, id_or_slug)
        approvals = [_approval(a) for a in q.approvals_of(conn, row["id"])]
        if row["status"] == "rejected" or not approvals:
            return ReaderView(
                article_from_row(row), row["status"], row["version"], [], False, False
            )
        shown = approvals[-1].version
        article = article_from_row(row, _version_body(conn, row, shown))
        last = q.last_audit_ids(conn, row["id"], ["approve", "mark_stale"])
    article.status = "approved"
    return ReaderView(
        article=article,
        status=row["status"],
        latest_version=row["version"],
        approvals=[a for a in approvals if a.version == shown],
        newer_version_pending=row["version"] > shown,
        sources_updated=last.get("mark_stale", 0) > last.get("approve", 0),
    )


def review_queue(
    store: Store, status: str | None = None, topic: str | None = None, limit: int = 100
) -> list[QueueItem]:
    """Articles awaiting reviewers and not set aside, oldest first, each follow-up after
    the question it follows; one status, or every open one (see review.queue)."""
    return queue.review_queue(store, "all", status, topic, limit).items


def list_versions(store: Store, id_or_slug: str) -> list[VersionInfo]:
    with store.review.reading() as conn:
        row = _row(conn, id_or_slug)
        stored = q.version_rows(conn, row["id"])
    if not stored:
        return [VersionInfo(row["version"], f"curbside ({row['engine']})", row["created_at"], "")]
    return [VersionInfo(r["version"], r["created_by"], r["created_at"], r["note"]) for r in stored]


def get_version(store: Store, id_or_slug: str, version: int) -> Article:
    """One version of an article as it was written (its status is the article's today)."""
    with store.review.reading() as conn:
        row = _row(conn, id_or_slug)
        return article_from_row(row, _version_body(conn, row, version))


def diff_versions(store: Store, id_or_slug: str, old: int, new: int) -> list[SectionDiff]:
    """Per section, the bullets removed and added between two versions."""
    return diff_articles(get_version(store, id_or_slug, old), get_version(store, id_or_slug, new))


def audit_trail(store: Store, article_id: str | None = None) -> list[AuditEntry]:
    """The audit entries, oldest first; for one article (id or slug), or all of them."""
    with store.review.reading() as conn:
        if article_id is not None:
            article_id = _row(conn, article_id)["id"]
        return [AuditEntry(**r) for r in q.audit_rows(conn, article_id)]


def export_audit(store: Store, out: TextIO, article_id: str | None = None) -> int:
    """Write the audit trail as JSON lines; return how many were written."""
    count = 0
    with store.review.reading() as conn:
        if article_id is not None:
            article_id = _row(conn, article_id)["id"]
        for row in q.audit_rows(conn, article_id):
            out.write(json.dumps(asdict(AuditEntry(**row)), ensure_ascii=False) + "\n")
            count += 1
    return count
