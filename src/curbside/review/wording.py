"""The patient wording of an article: made by rules from a clinician version, approved on its own.

One article holds both wordings. Its versions are the clinician wording; the patient wording
of a version is ``answer.audience.for_patients`` of it. A reviewer who approves the clinician
wording has not approved the patient wording: that needs its own approval
(``approve_patient``), of the clinician version readers see, which keeps the wording exactly
as the reviewer saw it. Until then readers of the patient wording are told it is pending
review, even when the clinician wording is approved.

>>> view = patient_view(store, "b12-dose-3c8d05")                      # doctest: +SKIP
>>> view.article.audience, view.article.status, view.approvals         # doctest: +SKIP
('patient', 'submitted', [])
>>> approve_patient(store, reviewer, article.id, seen_version=article.version)  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import Connection, select

from ..answer.audience import for_patients
from ..articles.model import Article
from ..errors import BadRequest, Conflict, InvalidTransition, NotFound
from ..store import schema
from ..store.sql import SQLStore
from . import store as q
from .accounts import User
from .service import MAX_COMMENT_CHARS, article_from_row
from .views import Approval, ReaderView, reader_view
from .workflow import check_role

PA = schema.patient_approvals
APPROVE_PATIENT = "approve_patient"  # the audit trail's name for the action


def _approvals(conn: Connection, article_id: str, version: int) -> list[dict[str, Any]]:
    query = select(PA).where(PA.c.article_id == article_id, PA.c.version == version)
    return [dict(r._mapping) for r in conn.execute(query.order_by(PA.c.id))]


def _approval(row: dict[str, Any]) -> Approval:
    return Approval(
        version=row["version"],
        reviewer_id=row["reviewer_id"],
        reviewer_name=row["reviewer_name"],
        reviewer_credentials=row["reviewer_credentials"],
        approved_at=row["approved_at"],
    )


def pending_status(clinician_status: str) -> str:
    """The patient wording's status while no reviewer has approved it: the clinician
    wording's, except that its approval does not carry over."""
    return "submitted" if clinician_status == "approved" else clinician_status


def patient_article(store: SQLStore, article: Article) -> Article:
    """The patient wording of this clinician article (version), with its own status."""
    if article.audience == "patient":  # stored for patients before migration 0008
        return article
    with store.engine.connect() as conn:
        approved = _approvals(conn, article.id, article.version)
    if approved and article.status == "approved":
        return _approved_wording(approved[-1], article)
    wording = for_patients(article)
    wording.status = pending_status(article.status)
    return wording


def _approved_wording(row: dict[str, Any], clinician: Article) -> Article:
    wording = Article.model_validate(row["body"])
    # What changes after approval without changing the wording: the related questions.
    wording.related_questions = clinician.related_questions
    wording.status = "approved"
    return wording


def patient_view(store: SQLStore, id_or_slug: str) -> ReaderView:
    """What the answer page shows in patient wording: the patient wording of the clinician
    version readers see, "Reviewed by" only when a reviewer approved that wording."""
    clinician = reader_view(store, id_or_slug)
    article = clinician.article
    if article.audience == "patient":  # stored for patients before 0008: reviewed as written
        return clinician
    with store.engine.connect() as conn:
        approved = _approvals(conn, article.id, article.version)
    public = article.status == "approved"
    if public and approved:
        return replace(
            clinician,
            article=_approved_wording(approved[-1], article),
            approvals=[_approval(a) for a in approved],
            wording="patient",
        )
    wording = for_patients(article)
    wording.status = pending_status(article.status)
    return replace(
        clinician, article=wording, approvals=[], wording="patient", clinician_approved=public
    )


def patient_approvals(store: SQLStore, article_id: str) -> list[Approval]:
    """Every approval of a patient wording of this article, oldest first."""
    query = select(PA).where(PA.c.article_id == article_id).order_by(PA.c.id)
    with store.engine.connect() as conn:
        return [_approval(dict(r._mapping)) for r in conn.execute(query)]


def approve_patient(
    store: SQLStore, actor: User, article_id: str, seen_version: int, comment: str = ""
) -> Article:
    """Approve the patient wording of the clinician version the reviewer saw, which must be
    the approved one (the patient wording is made from it). Returns the wording approved."""
    check_role("approve", actor.role)
    with store.engine.connect() as conn:
        row = q.article_row(conn, article_id)
    if row is None:
        raise NotFound(f"no article {article_id!r}")
    if row["audience"] == "patient":
        raise BadRequest(
            "this answer was stored in patient wording before patient wordings were reviewed "
            "on their own: approve it as it is, with the article's own approval"
        )
    if row["version"] != seen_version:
        raise _stale(row, seen_version)
    if row["status"] != "approved":
        raise InvalidTransition(
            "approve the clinician wording of this version first: the patient wording is "
            f"made from it, and it is {row['status'].replace('_', ' ')}",
            current_status=row["status"],
        )
    wording = for_patients(article_from_row(row))
    wording.status = "approved"
    at = q.now()
    detail: dict[str, Any] = {"wording": "patient", "status_before": "submitted"}
    detail["status_after"] = "approved"
    if comment.strip():
        detail["comment"] = comment.strip()[:MAX_COMMENT_CHARS]
    with store.engine.begin() as conn:
        # The optimistic lock, as for every action; the new time tells page caches.
        if not q.compare_and_set_article(conn, row["id"], seen_version, "approved", updated_at=at):
            raise _stale(q.article_row(conn, row["id"]) or row, seen_version)
        conn.execute(
            PA.insert().values(
                article_id=row["id"],
                version=seen_version,
                reviewer_id=actor.id,
                reviewer_name=actor.name,
                reviewer_credentials=actor.credentials,
                approved_at=at,
                body=wording.contract(),
            )
        )
        q.append_audit(
            conn, actor.email, APPROVE_PATIENT, row["id"], seen_version, seen_version, detail
        )
    wording.updated_at = at
    return wording


def _stale(row: dict[str, Any], seen_version: int) -> Conflict:
    return Conflict(
        f"this article changed since you opened it: you saw version {seen_version}, it is now "
        f"version {row['version']} and {row['status'].replace('_', ' ')}. Reload it and "
        "review the patient wording of the version readers see.",
        current_version=row["version"],
        current_status=row["status"],
    )
