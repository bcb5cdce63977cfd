"""Reviewers' pages: one article's review page, its versions, diffs and audit trail (the
queue is in review_queue.py).

The actions (claim, edit, approve, …) are form POSTs in review_actions.py; they render the
review page through ``review_page`` here when they must show an error beside the form.
"""

from __future__ import annotations

import io
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from ... import articles
from ...review import audit_text, queue, views
from ...review.workflow import ACTIONS, allowed
from ..auth import OVERSIGHT, PageViewer, Viewer, require_any
from ..deps import WebDep
from ..review_form import ChangedBullet, EditForm

router = APIRouter(include_in_schema=False)

# What a reviewer is told after an action succeeded (the action redirects here with ?done=).
DONE = {
    "claim": "You claimed this article: it is under review.",
    "edit": "Your changes are saved as a new version.",
    "refresh": "A fresh answer from the current library is saved as a new version.",
    "approve": "Approved. Readers now see this version, with your name.",
    "request_changes": "Changes requested.",
    "reject": "Rejected. Readers are told not to rely on this answer.",
}


def review_page(
    request: Request,
    web: WebDep,
    viewer: Viewer,
    article_id: str,
    *,
    status: int = 200,
    done: str | None = None,
    error: str | None = None,
    form: EditForm | None = None,
    flagged: dict[tuple[int, int], list[str]] | None = None,
    unsaved: list[ChangedBullet] | None = None,
    comments: dict[str, str] | None = None,
) -> HTMLResponse:
    """The review page, optionally with what the reviewer submitted put back in the form.

    ``form`` refills the edit form. ``unsaved`` lists the rewritten bullets that could not be
    applied because the article changed meanwhile; those whose bullet is unchanged in the
    newer version go back into the form too.
    """
    store = web.rt.store
    article = articles.load(store.articles, article_id)
    trail = views.audit_trail(store, article.id)
    claims = [e.actor for e in trail if e.action == "claim"]
    names = _names(web)
    can = {a: allowed(article.status, a, viewer.role) for a in ACTIONS}
    unsaved_note = form.note if (form and unsaved is not None) else ""
    if form is not None and unsaved is not None:
        form = form.rebased(unsaved, article)
    html = web.pages.render(
        "review.html",
        request,
        a=article,
        view=views.reader_view(store, article.id),
        claimed_by=queue.person(names, claims[-1]) if claims else None,
        can=can,
        done=DONE.get(done or ""),
        error=error,
        form=form,
        flagged=flagged or {},
        unsaved=unsaved or [],
        unsaved_note=unsaved_note,
        comments=comments or {},
        refs={r.n: r for r in article.references},
    )
    return HTMLResponse(html, status)


@router.get("/review/audit.jsonl")
def audit_export(
    web: WebDep,
    viewer: PageViewer,
    article: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    """The audit trail as JSON lines, oldest first (reviewers and administrators)."""
    require_any(viewer, *OVERSIGHT)
    return jsonl_response(web, article)


def jsonl_response(web: WebDep, article: str | None) -> Response:
    out = io.StringIO()
    views.export_audit(web.rt.store, out, article or None)
    name = f"curbside-audit-{article}.jsonl" if article else "curbside-audit.jsonl"
    return Response(
        out.getvalue(),
        media_type="application/x-ndjson; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


@router.get("/review/{article_id}", response_class=HTMLResponse)
def review(
    request: Request,
    web: WebDep,
    viewer: PageViewer,
    article_id: str,
    done: Annotated[str | None, Query(max_length=40)] = None,
) -> HTMLResponse:
    return review_page(request, web, require_any(viewer, *OVERSIGHT), article_id, done=done)


@router.get("/review/{article_id}/versions", response_class=HTMLResponse)
def versions(request: Request, web: WebDep, viewer: PageViewer, article_id: str) -> HTMLResponse:
    require_any(viewer, *OVERSIGHT)
    article = articles.load(web.rt.store.articles, article_id)
    found = views.list_versions(web.rt.store, article.id)
    approved = {a.version for a in views.reader_view(web.rt.store, article.id).approvals}
    names = _names(web)
    html = web.pages.render(
        "review_versions.html",
        request,
        a=article,
        versions=found,
        approved=approved,
        names={v.created_by: queue.person(names, v.created_by) for v in found},
    )
    return HTMLResponse(html)


@router.get("/review/{article_id}/diff", response_class=HTMLResponse)
def diff(
    request: Request,
    web: WebDep,
    viewer: PageViewer,
    article_id: str,
    old: Annotated[int, Query(ge=1, le=1_000_000)],
    new: Annotated[int, Query(ge=1, le=1_000_000)],
) -> HTMLResponse:
    require_any(viewer, *OVERSIGHT)
    article = articles.load(web.rt.store.articles, article_id)
    sections = views.diff_versions(web.rt.store, article.id, old, new)
    html = web.pages.render(
        "review_diff.html", request, a=article, old=old, new=new, sections=sections
    )
    return HTMLResponse(html)


@router.get("/review/{article_id}/audit", response_class=HTMLResponse)
def audit(request: Request, web: WebDep, viewer: PageViewer, article_id: str) -> HTMLResponse:
    require_any(viewer, *OVERSIGHT)
    article = articles.load(web.rt.store.articles, article_id)
    entries = views.audit_trail(web.rt.store, article.id)
    names = _names(web)
    html = web.pages.render(
        "review_audit.html", request, a=article, entries=[audit_row(e, names) for e in entries]
    )
    return HTMLResponse(html)


def _names(web: WebDep) -> dict[str, str]:
    with web.rt.store.review.reading() as conn:
        return queue.actor_names(conn)


def audit_row(entry: views.AuditEntry, names: dict[str, str]) -> dict[str, Any]:
    """An audit entry as the pages show it: who by name, what as a sentence, and the
    reviewer's own words (the raw detail stays in the JSON lines export)."""
    detail = entry.detail or {}
    return {
        "e": entry,
        "who": queue.person(names, entry.actor),
        "sentence": audit_text.describe(entry, names),
        "comment": detail.get("comment", ""),
        "texts": audit_text.edit_texts(detail),
        "status_before": detail.get("status_before"),
        "status_after": detail.get("status_after"),
    }
