"""Reviewers' actions as form POSTs: claim, edit, answer afresh, approve, request changes, reject.

Every form carries the CSRF token and the version the reviewer saw. Success redirects to
the review page (POST-redirect-GET). A refused action renders the review page again with
the reason beside the form and everything the reviewer typed still on it: a stale version
(409) lists their rewritten bullets and note, and puts back in the form what still fits the
newer version; a number the evidence lacks (422) names the numbers and asks for a reason.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ... import articles
from ...articles.model import Article
from ...errors import BadRequest, Conflict, NotFound, UnsupportedNumbers
from ...review import service, views
from ..auth import FormViewer, Viewer, require_any
from ..deps import WebDep
from ..errors import status_for
from ..review_form import EditForm
from .review import review_page

router = APIRouter(include_in_schema=False)
SeenVersion = Annotated[int, Form(ge=0, le=1_000_000)]
# No max_length: a long comment is refused on the review page with the text kept (see
# comment_too_long), not on a bare validation page that loses it.
Comment = Annotated[str, Form()]


def comment_too_long(comment: str) -> BadRequest | None:
    if len(comment.strip()) <= service.MAX_COMMENT_CHARS:
        return None
    return BadRequest(
        f"Not saved: comments can be at most {service.MAX_COMMENT_CHARS:,} characters; "
        f"yours has {len(comment.strip()):,}."
    )


def unsupported_numbers(exc: UnsupportedNumbers) -> str:
    """Why an edit bringing numbers its evidence lacks was not saved, and what to do."""
    return (
        f"Not saved: the cited evidence does not hold {', '.join(exc.numbers)}. Give a "
        "reason beside the text to keep it as a reviewer's addition, or change the wording."
    )


def _done(web: WebDep, article: Article, action: str) -> Response:
    web.article_pages.invalidate(article)  # readers see the new status at once
    return RedirectResponse(f"/review/{article.id}?done={action}", status_code=303)


async def _refused(
    request: Request, web: WebDep, viewer: Viewer, article_id: str, **kwargs: Any
) -> Response:
    """The review page again, with the reason and what the reviewer typed."""
    return await run_in_threadpool(review_page, request, web, viewer, article_id, **kwargs)


@router.post("/review/{article_id}/claim")
async def claim(
    request: Request, web: WebDep, viewer: FormViewer, article_id: str, seen_version: SeenVersion
) -> Response:
    user = require_any(viewer, "review").user
    try:
        article = await run_in_threadpool(
            service.claim, web.rt.store, user, article_id, seen_version
        )
    except Conflict as exc:
        return await _refused(request, web, viewer, article_id, status=409, error=str(exc))
    return _done(web, article, "claim")


def _decision(path: str, act: Callable[..., Article]) -> None:
    """approve, request-changes or reject, with an optional comment for the audit trail."""
    action = path.replace("-", "_")

    async def decide(
        request: Request,
        web: WebDep,
        viewer: FormViewer,
        article_id: str,
        seen_version: SeenVersion,
        comment: Comment = "",
    ) -> Response:
        user = require_any(viewer, "review").user
        try:
            if refused := comment_too_long(comment):
                raise refused
            article = await run_in_threadpool(
                act, web.rt.store, user, article_id, seen_version, comment
            )
        except (Conflict, BadRequest) as exc:
            return await _refused(
                request,
                web,
                viewer,
                article_id,
                status=status_for(exc),
                error=str(exc),
                comments={action: comment},  # kept in its box, to send again
            )
        return _done(web, article, action)

    decide.__name__ = action
    router.add_api_route(f"/review/{{article_id}}/{path}", decide, methods=["POST"])


_decision("approve", service.approve)
_decision("request-changes", service.request_changes)
_decision("reject", service.reject)


@router.post("/review/{article_id}/edit")
async def edit(
    request: Request, web: WebDep, viewer: FormViewer, article_id: str, seen_version: SeenVersion
) -> Response:
    """Save every change in the edit form as one new version."""
    user = require_any(viewer, "review").user
    store = web.rt.store
    form = EditForm.parse(await request.form())
    try:
        base = await run_in_threadpool(views.get_version, store, article_id, seen_version)
    except NotFound:
        base = await run_in_threadpool(
            articles.load, store.articles, article_id
        )  # the service says 409
    try:
        edits = form.edits(base)
        article = await run_in_threadpool(
            service.edit, store, user, article_id, seen_version, edits, form.version_note
        )
    except Conflict as exc:
        unsaved = form.changed(base)
        return await _refused(
            request, web, viewer, article_id, status=409, error=str(exc), form=form, unsaved=unsaved
        )
    except UnsupportedNumbers as exc:
        flagged = form.unsupported(base)
        message = unsupported_numbers(exc)
        return await _refused(
            request, web, viewer, article_id, status=422, error=message, form=form, flagged=flagged
        )
    except BadRequest as exc:
        return await _refused(
            request, web, viewer, article_id, status=422, error=f"Not saved: {exc}", form=form
        )
    return _done(web, article, "edit")


@router.post("/review/{article_id}/refresh")
async def refresh(
    request: Request,
    web: WebDep,
    viewer: FormViewer,
    article_id: str,
    seen_version: SeenVersion,
    comment: Comment = "",
) -> Response:
    """Answer the question again from today's library, as a new version."""
    user = require_any(viewer, "review").user
    try:
        if refused := comment_too_long(comment):
            raise refused
        article = await run_in_threadpool(
            service.refresh, web.rt, user, article_id, seen_version, comment
        )
    except (Conflict, BadRequest) as exc:
        return await _refused(
            request,
            web,
            viewer,
            article_id,
            status=status_for(exc),
            error=str(exc),
            comments={"refresh": comment},
        )
    return _done(web, article, "refresh")
