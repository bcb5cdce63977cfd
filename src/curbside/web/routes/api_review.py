"""The review API: the queue, reviewers' actions, versions, diffs and the audit trail.

Authenticate with ``Authorization: Bearer <token>`` (``curbside users token EMAIL``). A
browser session cookie also works, but writes then need the ``X-CSRF-Token`` header.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ...articles.model import Article
from ...errors import NotFound
from ...review import accounts, service, views, visibility
from ...review import queue as review_queue
from ..auth import OVERSIGHT, ApiViewer, Viewer, api_needs
from ..deps import WebDep
from ..review_schemas import (
    BoardMemberOut,
    ConflictOut,
    DecisionIn,
    DiffLineOut,
    DiffSectionOut,
    EditIn,
    RefreshIn,
    ReviewStateOut,
    SeenVersionIn,
    UnsupportedNumbersOut,
    UserOut,
)
from ..schemas import ErrorOut
from ..service import NOT_PUBLISHED
from ..visitors import reader_for
from .review import jsonl_response

router = APIRouter(prefix="/api", tags=["review"])
Reviewer = Annotated[Viewer, api_needs("review")]
Overseer = Annotated[Viewer, api_needs(*OVERSIGHT)]
Anyone = Annotated[Viewer, api_needs()]

AUTH = {
    401: {"model": ErrorOut, "description": "No valid credentials."},
    403: {"model": ErrorOut, "description": "Your role may not do this (or no CSRF header)."},
    404: {"model": ErrorOut, "description": "No such article."},
}
ACTION = {
    **AUTH,
    409: {"model": ConflictOut, "description": "The article changed since your version."},
    422: {"model": UnsupportedNumbersOut, "description": "The request cannot be applied."},
}


def _done(web: WebDep, article: Article) -> Response:
    web.article_pages.invalidate(article)  # no page of the old status is served again
    return Response(article.model_dump_json(), media_type="application/json")


@router.get("/me", response_model=UserOut, responses=AUTH)
def me(viewer: Anyone) -> UserOut:
    """The account your credentials belong to."""
    return UserOut.model_validate(viewer.user)


@router.get("/board", response_model=list[BoardMemberOut])
def board(web: WebDep) -> list[BoardMemberOut]:
    """The medical advisory board: active reviewers and their credentials."""
    return [BoardMemberOut.model_validate(u) for u in accounts.advisory_board(web.rt.store)]


@router.get("/review/queue", response_model=list[views.QueueItem], responses=AUTH)
def queue(
    web: WebDep,
    viewer: Overseer,
    status: Annotated[str | None, Query(max_length=40, description="Default: open.")] = None,
    topic: Annotated[
        str | None, Query(max_length=200, description="Words of the question.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    view: Annotated[
        str,
        Query(
            max_length=20,
            description="answers, abstentions, set_aside, patient (approved answers whose patient "
            "wording awaits review), or all (everything not set aside).",
        ),
    ] = "all",
) -> list[views.QueueItem]:
    """Articles awaiting reviewers, oldest first, each follow-up after the question it follows
    (reviewers and administrators)."""
    return review_queue.review_queue(web.rt.store, view, status, topic, limit).items


@router.get(
    "/articles/{article_id}/review", response_model=ReviewStateOut, responses={404: AUTH[404]}
)
def review_state(
    request: Request, web: WebDep, viewer: ApiViewer, article_id: str
) -> ReviewStateOut:
    """The article's review state as readers see it: who approved which version, and when.

    Like the article itself, 404 for an answer not yet approved, except to who may see it.
    """
    view = views.reader_view(web.rt.store, article_id)
    reader = reader_for(request, viewer)
    if view.article.status != "approved" and not visibility.may_see(
        web.rt.store, reader, view.article.id
    ):
        raise NotFound(NOT_PUBLISHED)
    return ReviewStateOut.build(view)


@router.post("/articles/{article_id}/claim", response_model=Article, responses=ACTION)
async def claim(web: WebDep, viewer: Reviewer, article_id: str, body: SeenVersionIn) -> Response:
    """Take a submitted (or needs-review) article into review."""
    article = await run_in_threadpool(
        service.claim, web.rt.store, viewer.user, article_id, body.seen_version
    )
    return _done(web, article)


@router.post("/articles/{article_id}/approve", response_model=Article, responses=ACTION)
async def approve(web: WebDep, viewer: Reviewer, article_id: str, body: DecisionIn) -> Response:
    """Approve the version you saw: readers then see it, with your name and the date."""
    article = await run_in_threadpool(
        service.approve, web.rt.store, viewer.user, article_id, body.seen_version, body.comment
    )
    return _done(web, article)


@router.post("/articles/{article_id}/request-changes", response_model=Article, responses=ACTION)
async def request_changes(
    web: WebDep, viewer: Reviewer, article_id: str, body: DecisionIn
) -> Response:
    article = await run_in_threadpool(
        service.request_changes,
        web.rt.store,
        viewer.user,
        article_id,
        body.seen_version,
        body.comment,
    )
    return _done(web, article)


@router.post("/articles/{article_id}/reject", response_model=Article, responses=ACTION)
async def reject(web: WebDep, viewer: Reviewer, article_id: str, body: DecisionIn) -> Response:
    article = await run_in_threadpool(
        service.reject, web.rt.store, viewer.user, article_id, body.seen_version, body.comment
    )
    return _done(web, article)


@router.post("/articles/{article_id}/edit", response_model=Article, responses=ACTION)
async def edit(web: WebDep, viewer: Reviewer, article_id: str, body: EditIn) -> Response:
    """Apply edits (edit_bullet, edit_bottom_line, edit_section_title, remove_bullet,
    reorder_bullets, reorder_sections, add_note) as one new version."""
    article = await run_in_threadpool(
        service.edit,
        web.rt.store,
        viewer.user,
        article_id,
        body.seen_version,
        body.edits,
        body.note,
    )
    return _done(web, article)


@router.post("/articles/{article_id}/refresh", response_model=Article, responses=ACTION)
async def refresh(web: WebDep, viewer: Reviewer, article_id: str, body: RefreshIn) -> Response:
    """Answer the question again from today's library, as a new version."""
    article = await run_in_threadpool(
        service.refresh, web.rt, viewer.user, article_id, body.seen_version, body.note
    )
    return _done(web, article)


@router.get(
    "/articles/{article_id}/versions", response_model=list[views.VersionInfo], responses=AUTH
)
def versions(web: WebDep, viewer: Overseer, article_id: str) -> list[views.VersionInfo]:
    return views.list_versions(web.rt.store, article_id)


@router.get("/articles/{article_id}/versions/{version}", response_model=Article, responses=AUTH)
def version(web: WebDep, viewer: Overseer, article_id: str, version: int) -> Response:
    """One version as written (its status is the article's today)."""
    article = views.get_version(web.rt.store, article_id, version)
    return Response(article.model_dump_json(), media_type="application/json")


@router.get("/articles/{article_id}/diff", response_model=list[DiffSectionOut], responses=AUTH)
def diff(
    web: WebDep,
    viewer: Overseer,
    article_id: str,
    old: Annotated[int, Query(ge=1)],
    new: Annotated[int, Query(ge=1)],
) -> list[DiffSectionOut]:
    """Per section, the bullets removed and added between two versions."""
    return [
        DiffSectionOut(
            title=d.title,
            changed=d.changed,
            lines=[DiffLineOut(op=op, text=text) for op, text in d.lines],
        )
        for d in views.diff_versions(web.rt.store, article_id, old, new)
    ]


@router.get("/articles/{article_id}/audit", response_model=list[views.AuditEntry], responses=AUTH)
def audit(web: WebDep, viewer: Overseer, article_id: str) -> list[views.AuditEntry]:
    """Every action on the article, oldest first."""
    return views.audit_trail(web.rt.store, article_id)


@router.get(
    "/audit.jsonl",
    responses={**AUTH, 200: {"content": {"application/x-ndjson": {}}}},
)
def audit_export(
    web: WebDep,
    viewer: Overseer,
    article: Annotated[str | None, Query(max_length=64, description="One article only.")] = None,
) -> Response:
    """The whole audit trail (or one article's) as JSON lines, oldest first."""
    return jsonl_response(web, article)
