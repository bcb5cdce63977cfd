"""Reviewing the patient wording of an article on its own: approve, reject, edit.

One article holds both wordings. Its versions are the clinician wording; the patient wording
of a version is made from it by rules (``answer.audience.for_patients``) until a reviewer acts
on it (``patient_wordings``; ``articles/patient.py`` reads it for everyone else). A reviewer
who approves the clinician wording has not approved the patient wording: that needs its own
approval (``approve_patient``), of the clinician version readers see, which keeps the wording
exactly as the reviewer saw it. A reviewer may instead reject it, with a reason, or edit it
(checked like any edit: a number its evidence lacks needs a reason); either leaves it pending
for readers, and an edit of an approved wording withdraws that approval. Every action names
the clinician version and the patient revision the reviewer saw (compare-and-set) and is in
the audit trail.

>>> view = patient_view(store, "b12-dose-3c8d05")                      # doctest: +SKIP
>>> view.article.audience, view.article.status, view.approvals         # doctest: +SKIP
('patient', 'submitted', [])
>>> approve_patient(store, reviewer, article.id, seen_version=article.version)  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Connection

from ..answer.audience import for_patients
from ..articles.model import Article
from ..articles.patient import approved, pending_status, worded
from ..errors import BadRequest, Conflict, InvalidTransition
from ..store.base import Store
from . import store as q
from .accounts import User
from .edits import Edit, apply_edits
from .service import (
    MAX_COMMENT_CHARS,
    approval_values,
    article_from_row,
    clean_comment,
    edits_detail,
    found_row,
    one_line_reason,
)
from .views import Approval, ReaderView, reader_view
from .workflow import check_role

# The audit trail's names for the actions.
APPROVE_PATIENT, REJECT_PATIENT, EDIT_PATIENT = "approve_patient", "reject_patient", "edit_patient"
ROLE_OF = {APPROVE_PATIENT: "approve", REJECT_PATIENT: "reject", EDIT_PATIENT: "edit"}


@dataclass(frozen=True)
class PatientReview:
    """The patient wording of the latest clinician version, as its reviewer sees it."""

    clinician: Article
    wording: Article
    status: str  # "approved", "rejected", or "pending" (never acted on, or edited since)
    revision: int  # 0: no reviewer has acted on it
    edited: bool
    reason: str | None  # why it was rejected
    approvals: list[Approval]  # of this clinician version's patient wording, oldest first


def _approval(row: dict[str, Any]) -> Approval:
    return Approval(
        version=row["version"],
        reviewer_id=row["reviewer_id"],
        reviewer_name=row["reviewer_name"],
        reviewer_credentials=row["reviewer_credentials"],
        approved_at=row["approved_at"],
    )


def _state(store: Store, article_id: str, version: int) -> dict[str, Any] | None:
    with store.review.reading() as conn:
        return q.patient_wording_row(conn, article_id, version)


def _row_and_state(
    conn: Connection, article_id: str
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The article's row and the state of its latest version's patient wording, read together."""
    row = found_row(conn, article_id)
    return row, q.patient_wording_row(conn, row["id"], row["version"])


def patient_article(store: Store, article: Article) -> Article:
    """The patient wording of this clinician article (version), with its own status."""
    if article.audience == "patient":  # stored for patients before migration 0008
        return article
    return worded(_state(store, article.id, article.version), article, for_patients)


def patient_view(store: Store, id_or_slug: str) -> ReaderView:
    """What the answer page shows in patient wording: the patient wording of the clinician
    version readers see, "Reviewed by" only when a reviewer approved that wording."""
    clinician = reader_view(store, id_or_slug)
    article = clinician.article
    if article.audience == "patient":  # stored for patients before 0008: reviewed as written
        return clinician
    with store.review.reading() as conn:
        state = q.patient_wording_row(conn, article.id, article.version)
        rows = q.patient_approval_rows(conn, article.id, article.version)
    wording = worded(state, article, for_patients)
    if approved(state, article) and rows:
        # The approval readers see is the one of the wording shown: the latest.
        approvals = [_approval(rows[-1])]
        return replace(clinician, article=wording, approvals=approvals, wording="patient")
    public = article.status == "approved"
    return replace(
        clinician, article=wording, approvals=[], wording="patient", clinician_approved=public
    )


def patient_approvals(store: Store, article_id: str) -> list[Approval]:
    """Every approval of a patient wording of this article, oldest first."""
    with store.review.reading() as conn:
        return [_approval(r) for r in q.patient_approval_rows(conn, article_id)]


def patient_review(store: Store, article_id: str) -> PatientReview:
    """The patient wording of the latest clinician version and where its review stands."""
    with store.review.reading() as conn:
        row, state = _row_and_state(conn, article_id)
        rows = q.patient_approval_rows(conn, row["id"], row["version"])
    clinician = article_from_row(row)
    if clinician.audience != "clinician" or clinician.abstained:
        raise BadRequest("this answer has no patient wording of its own to review")
    status = "approved" if approved(state, clinician) else "pending"
    if state and state["status"] == "rejected":
        status = "rejected"
    return PatientReview(
        clinician=clinician,
        wording=worded(state, clinician, for_patients),
        status=status,
        revision=state["revision"] if state else 0,
        edited=bool(state and state["body"] and state["status"] != "approved"),
        reason=state["reason"] if state else None,
        approvals=[_approval(r) for r in rows],
    )


# ---- the actions ---------------------------------------------------------------------------
# What an action does to the wording the reviewer saw: the new state's values (status, body,
# reason), and details for the audit trail. It raises to refuse.
Decide = Callable[[dict[str, Any], dict[str, Any] | None, Article, str], dict[str, Any]]


def approve_patient(
    store: Store,
    actor: User,
    article_id: str,
    seen_version: int,
    comment: str = "",
    seen_revision: int | None = None,
) -> Article:
    """Approve the patient wording of the clinician version the reviewer saw, which must be
    the approved one (the patient wording is made from it). Returns the wording approved.
    ``seen_revision`` (None: the current one) is the patient wording's revision they saw."""

    def decide(row, state, wording, at):
        if row["status"] != "approved":
            raise InvalidTransition(
                "approve the clinician wording of this version first: the patient wording is "
                f"made from it, and it is {row['status'].replace('_', ' ')}",
                current_status=row["status"],
            )
        if state and state["status"] == "approved":
            raise InvalidTransition("this patient wording is approved already")
        wording.status, wording.updated_at = "approved", at
        return {"status": "approved", "body": wording.contract(), "reason": None}

    return _act(
        store, actor, article_id, APPROVE_PATIENT, seen_version, seen_revision, decide, comment
    )


def reject_patient(
    store: Store,
    actor: User,
    article_id: str,
    seen_version: int,
    reason: str,
    seen_revision: int | None = None,
) -> Article:
    """Reject the patient wording the reviewer saw, saying why; readers see it as pending
    (an approval of it is withdrawn) until a reviewer edits or approves it."""
    missing = "Say why the patient wording is rejected; the reason is kept."
    why = one_line_reason(reason, MAX_COMMENT_CHARS, missing)

    def decide(row, state, wording, at):
        if state and state["status"] == "rejected":
            raise InvalidTransition("this patient wording is rejected already")
        body = state["body"] if state else None
        return {"status": "rejected", "body": body, "reason": why}

    return _act(store, actor, article_id, REJECT_PATIENT, seen_version, seen_revision, decide, why)


def edit_patient(
    store: Store,
    actor: User,
    article_id: str,
    seen_version: int,
    edits: Sequence[Edit],
    note: str = "",
    seen_revision: int | None = None,
) -> Article:
    """Apply the reviewer's edits to the patient wording they saw (as ``review.edits`` does
    to a clinician version: a number the evidence lacks is refused without a reason); the
    edited wording then awaits approval."""
    changes = list(edits)

    def decide(row, state, wording, at):
        edited = apply_edits(wording, changes, reviewer=actor.name, at=at)
        edited.status = pending_status(row["status"])
        return {"status": "submitted", "body": edited.contract(), "reason": None}

    detail = edits_detail(changes)
    return _act(
        store, actor, article_id, EDIT_PATIENT, seen_version, seen_revision, decide, note, detail
    )


def _act(
    store: Store,
    actor: User,
    article_id: str,
    action: str,
    seen_version: int,
    seen_revision: int | None,
    decide: Decide,
    comment: str = "",
    detail: dict[str, Any] | None = None,
) -> Article:
    check_role(ROLE_OF[action], actor.role)
    with store.review.reading() as conn:
        row, state = _row_and_state(conn, article_id)
    if row["audience"] == "patient":
        raise BadRequest(
            "this answer was stored in patient wording before patient wordings were reviewed "
            "on their own: review it as it is, with the article's own actions"
        )
    if row["abstained"]:
        raise BadRequest("this answer has no patient wording of its own to review")
    revision = state["revision"] if state else 0
    seen = revision if seen_revision is None else seen_revision
    if row["version"] != seen_version or revision != seen:
        raise _stale(row, seen_version, revision, seen)
    clinician = article_from_row(row)
    at = q.now()
    values = decide(row, state, worded(state, clinician, for_patients), at)
    status_before = "rejected" if state and state["status"] == "rejected" else "submitted"
    if approved(state, clinician):
        status_before = "approved"
    detail = {"wording": "patient", **(detail or {}), "status_before": status_before}
    detail.update(status_after=values["status"], revision_before=seen)
    if comment.strip() and action != REJECT_PATIENT:
        detail["comment"] = clean_comment(comment)
    if action == REJECT_PATIENT:
        detail["reason"] = values["reason"]
    with store.review.transaction() as conn:
        # The clinician version's lock first (on SQLite it takes the write lock); the new
        # time tells page caches. Then the patient wording's own.
        if not q.compare_and_set_article(
            conn, row["id"], seen_version, row["status"], updated_at=at
        ):
            raise _stale(q.article_row(conn, row["id"]) or row, seen_version, revision, seen)
        if not q.compare_and_set_patient_wording(
            conn, row["id"], seen_version, seen, updated_by=actor.email, updated_at=at, **values
        ):
            now = q.patient_wording_row(conn, row["id"], seen_version)
            raise _stale(row, seen_version, now["revision"] if now else 0, seen)
        if action == APPROVE_PATIENT:
            approval = approval_values(actor, row["id"], seen_version, at)
            q.insert_patient_approval(conn, {**approval, "body": values["body"]})
        q.append_audit(conn, actor.email, action, row["id"], seen_version, seen_version, detail)
        q.bump_review_generation(conn)  # every worker's page cache starts again
    state_now = {"status": values["status"], "body": values["body"], "revision": seen + 1}
    result = worded(state_now, clinician, for_patients)
    if values["status"] == "rejected":  # readers see it as pending; the reviewer, as it is
        result.status = "rejected"
    result.updated_at = at
    return result


def _stale(row: dict[str, Any], seen_version: int, revision: int, seen_revision: int) -> Conflict:
    if row["version"] != seen_version:
        changed = (
            f"you saw version {seen_version}, it is now version {row['version']} and "
            f"{row['status'].replace('_', ' ')}"
        )
    else:
        changed = (
            "another reviewer acted on its patient wording after you opened it "
            f"(revision {seen_revision}, now {revision})"
        )
    return Conflict(
        f"this article changed since you opened it: {changed}. Reload it and review the "
        "patient wording of the version readers see.",
        current_version=row["version"],
        current_status=row["status"],
    )
