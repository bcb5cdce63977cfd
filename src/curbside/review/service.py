"""The review service: reviewers' actions on articles, persisted with versions and audit.

>>> article = claim(store, reviewer, article.id, seen_version=article.version)  # doctest: +SKIP
>>> article = edit(store, reviewer, article.id, article.version,
...                [EditBullet(section=0, bullet=0, text="…")])                # doctest: +SKIP
>>> article = approve(store, reviewer, article.id, article.version)            # doctest: +SKIP

Every action names the article version the actor saw. It is applied in one transaction that
first changes the article row only if its version and status are still the ones the actor
saw (the optimistic lock), then writes the new version, the approval and the audit entry.
An action that lost the race raises Conflict carrying the action, and the action is also
kept in the audit trail, so a reviewer's edit is never lost: it can be applied again to the
newer version.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from ..articles.model import Article
from ..errors import BadRequest, Conflict, NotFound
from ..store.base import Store
from . import store as q
from .accounts import User
from .edits import Edit, apply_edits
from .workflow import check_role, transition

if TYPE_CHECKING:
    from ..runtime import Runtime

SYSTEM = "system"
MAX_COMMENT_CHARS = 4000
_STALE_RETRIES = 3


def article_from_row(row: dict[str, Any], body: dict[str, Any] | None = None) -> Article:
    """The Article a row (or one of its stored versions' bodies) holds, as of the row."""
    data = dict(body if body is not None else row["body"])
    data.update(status=row["status"], updated_at=row["updated_at"])
    if body is None:
        data["version"] = row["version"]
    return Article.model_validate(data)


def found_row(conn: Connection, article_id: str) -> dict[str, Any]:
    """The article's row, read on the caller's connection; NotFound if there is none."""
    row = q.article_row(conn, article_id)
    if row is None:
        raise NotFound(f"no article {article_id!r}")
    return row


def _load_row(store: Store, article_id: str) -> dict[str, Any]:
    with store.review.reading() as conn:
        return found_row(conn, article_id)


def clean_comment(text: str | None) -> str:
    """A comment as the audit trail keeps it: trimmed, and at most MAX_COMMENT_CHARS."""
    return (text or "").strip()[:MAX_COMMENT_CHARS]


def one_line_reason(text: str | None, limit: int, missing: str) -> str:
    """A reason someone must give, on one line; BadRequest (saying ``missing``) if it is
    empty, or if it is longer than ``limit`` characters."""
    reason = " ".join((text or "").split())
    if not reason:
        raise BadRequest(missing)
    if len(reason) > limit:
        raise BadRequest(
            f"A reason can be at most {limit:,} characters; yours has {len(reason):,}."
        )
    return reason


def approval_values(actor: User, article_id: str, version: int, at: str) -> dict[str, Any]:
    """Who approved which version, and when, as an approval row holds it."""
    return {
        "article_id": article_id,
        "version": version,
        "reviewer_id": actor.id,
        "reviewer_name": actor.name,
        "reviewer_credentials": actor.credentials,
        "approved_at": at,
    }


def edits_detail(edits: Sequence[Edit]) -> dict[str, Any]:
    """The audit trail's record of a reviewer's edits, enough to apply them again."""
    return {"edits": [e.model_dump() for e in edits]}


# ---- the actions ---------------------------------------------------------------------------
def claim(store: Store, actor: User, article_id: str, seen_version: int) -> Article:
    """Take an article (submitted, or needing review again) into review."""
    return _act(store, actor, article_id, "claim", seen_version)


def approve(
    store: Store, actor: User, article_id: str, seen_version: int, comment: str = ""
) -> Article:
    """Approve the version the reviewer saw; readers will see it, with the reviewer's name."""
    return _act(store, actor, article_id, "approve", seen_version, comment=comment)


def request_changes(
    store: Store, actor: User, article_id: str, seen_version: int, comment: str = ""
) -> Article:
    return _act(store, actor, article_id, "request_changes", seen_version, comment=comment)


def reject(
    store: Store, actor: User, article_id: str, seen_version: int, comment: str = ""
) -> Article:
    return _act(store, actor, article_id, "reject", seen_version, comment=comment)


def edit(
    store: Store,
    actor: User,
    article_id: str,
    seen_version: int,
    edits: Sequence[Edit],
    note: str = "",
) -> Article:
    """Apply the reviewer's edits as one new version (UnsupportedNumbers, BadRequest)."""
    changes = list(edits)

    def change(current: Article, at: str) -> Article:
        return apply_edits(current, changes, reviewer=actor.name, at=at)

    detail = edits_detail(changes)
    return _act(
        store, actor, article_id, "edit", seen_version, change=change, detail=detail, comment=note
    )


def refresh(
    rt: Runtime, actor: User, article_id: str, seen_version: int, note: str = ""
) -> Article:
    """Answer the question afresh from today's library, as a new version of the same article."""
    from ..answer.pipeline import answer

    row = _load_row(rt.store, article_id)
    check_role("edit", actor.role)  # before spending time on an answer
    fresh = answer(
        row["question"],
        rt,
        audience=row["audience"],
        follow_up_of=row["parent_id"],
        fresh=True,
        persist=False,
    )

    def change(current: Article, at: str) -> Article:
        keep = ("id", "slug", "question", "thread_id", "follow_up_of", "created_at")
        kept = {name: getattr(current, name) for name in keep}
        kept.update(related_questions=current.related_questions)
        kept.update(reviewer_notes=current.reviewer_notes)
        return fresh.model_copy(update=kept)

    detail = {"edits": [{"kind": "fresh_answer"}]}
    return _act(
        rt.store,
        actor,
        article_id,
        "edit",
        seen_version,
        change=change,
        detail=detail,
        comment=note or "fresh answer from the current library",
        library_version=rt.store.library_version(),
    )


def _act(
    store: Store,
    actor: User,
    article_id: str,
    action: str,
    seen_version: int,
    *,
    change: Callable[[Article, str], Article] | None = None,
    detail: dict[str, Any] | None = None,
    comment: str = "",
    library_version: int | None = None,
) -> Article:
    check_role(action, actor.role)
    row = _load_row(store, article_id)
    detail = {**(detail or {}), **({"comment": clean_comment(comment)} if comment else {})}
    attempted = {"action": action, "seen_version": seen_version, **detail}
    try:
        if row["version"] != seen_version:
            raise _stale(row, seen_version)
        new_status = transition(row["status"], action, actor.role)
        at = q.now()
        current = article_from_row(row)
        new = change(current, at) if change else current.model_copy()
        version = row["version"] + (1 if change else 0)
        new.status, new.version, new.updated_at = new_status, version, at
        body = new.contract()
        with store.review.transaction() as conn:
            values: dict[str, Any] = {"status": new_status, "version": version}
            values.update(body=body, updated_at=at)
            if library_version is not None:
                values["library_version"] = library_version
            # First statement of the transaction: on SQLite it takes the write lock.
            if not q.compare_and_set_article(
                conn, row["id"], seen_version, row["status"], **values
            ):
                raise _stale(q.article_row(conn, row["id"]) or row, seen_version)
            _ensure_version_row(conn, row)
            if change:
                q.insert_version(
                    conn,
                    {
                        "article_id": row["id"],
                        "version": version,
                        "body": body,
                        "created_by": actor.email,
                        "created_at": at,
                        "note": clean_comment(comment),
                    },
                )
                cited = [r.document_id for r in new.references]
                q.add_article_sources(conn, row["id"], cited)
            if action == "approve":
                q.insert_approval(conn, approval_values(actor, row["id"], version, at))
            detail.update(status_before=row["status"], status_after=new_status)
            q.append_audit(conn, actor.email, action, row["id"], seen_version, version, detail)
            q.bump_review_generation(conn)  # every worker's page cache starts again
        return new
    except Conflict as exc:
        exc.attempted = attempted
        _record_conflict(store, actor, row["id"], attempted, exc)
        raise


def _stale(row: dict[str, Any], seen_version: int) -> Conflict:
    status = row["status"].replace("_", " ")
    return Conflict(
        f"this article changed since you opened it: you saw version {seen_version}, it is now "
        f"version {row['version']} and {status}. Your change was not applied; it is kept in "
        "the audit trail. Reload the article and apply it again.",
        current_version=row["version"],
        current_status=row["status"],
    )


def _record_conflict(
    store: Store, actor: User, article_id: str, attempted: dict[str, Any], exc: Conflict
) -> None:
    """Keep the refused action, so that the actor's work survives a lost tab."""
    detail = {
        "attempted": attempted,
        "reason": str(exc),
        "current_version": exc.current_version,
        "current_status": exc.current_status,
    }
    with store.review.transaction() as conn:
        seen = attempted.get("seen_version")
        q.append_audit(conn, actor.email, "conflict", article_id, seen, None, detail)


def _ensure_version_row(conn: Connection, row: dict[str, Any]) -> None:
    """The generated answer becomes version 1 in the history the first time anyone acts."""
    if q.version_row(conn, row["id"], row["version"]) is None:
        q.insert_version(
            conn,
            {
                "article_id": row["id"],
                "version": row["version"],
                "body": row["body"],
                "created_by": f"curbside ({row['engine']})",
                "created_at": row["created_at"] if row["version"] == 1 else row["updated_at"],
                "note": "as generated" if row["version"] == 1 else "",
            },
        )


# ---- stale sources -------------------------------------------------------------------------
def mark_sources_changed(store: Store, document_ids: Sequence[str], reason: str) -> list[str]:
    """Send every approved article citing these documents back to review; return their ids.

    Articles in other states keep their status and get an audit entry, so that whoever
    reviews them next sees that a source moved under them.
    """
    with store.review.transaction() as conn:
        return mark_sources_changed_in(conn, document_ids, reason)


def mark_sources_changed_in(
    conn: Connection, document_ids: Sequence[str], reason: str
) -> list[str]:
    """``mark_sources_changed`` on the caller's connection: inside the transaction that
    replaced or removed the documents, so the change and its consequence commit together."""
    moved = []
    detail = {"document_ids": list(document_ids), "reason": reason}
    for article_id in sorted(set(q.articles_citing(conn, list(document_ids)))):
        for _ in range(_STALE_RETRIES):  # a reviewer may act at the same moment
            row = q.article_row(conn, article_id)
            version = row["version"]
            if row["status"] != "approved":
                q.append_audit(conn, SYSTEM, "source_changed", article_id, version, version, detail)
                break
            new_status = transition("approved", "mark_stale", SYSTEM)
            body = {**row["body"], "status": new_status}
            if q.compare_and_set_article(
                conn,
                article_id,
                version,
                "approved",
                status=new_status,
                body=body,
                updated_at=q.now(),
            ):
                q.append_audit(conn, SYSTEM, "mark_stale", article_id, version, version, detail)
                moved.append(article_id)
                break
    if moved:
        q.bump_review_generation(conn)
    return moved


def stale_source_hook(store: Store) -> Callable[[Connection, str, str], None]:
    """The callback ``store.replace_document`` and ``remove_document`` take as ``on_replaced``
    (ingest passes it on): runs in their transaction with the old version's id and status."""

    def on_replaced(conn: Connection, old_document_id: str, status: str) -> None:
        mark_sources_changed_in(conn, [old_document_id], reason=status)

    return on_replaced
