"""The review queue page: tabs for answers, abstentions and what was set aside, filters, and
setting aside (or putting back) in bulk.

Setting aside redirects back to the queue with an Undo button that puts the same questions
back; a refusal (nothing chosen, no reason) shows the queue again with the boxes still ticked
and the reason still typed.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ...errors import BadRequest
from ...review import queue
from ...review.workflow import STATUSES
from ..auth import OVERSIGHT, FormViewer, PageViewer, Viewer, require_any
from ..deps import WebDep

router = APIRouter(include_in_schema=False)
MAX_UNDO_CHARS = 20_000  # ids of one page of the queue, comma-separated
Ids = Annotated[list[str], Form(alias="article_id")]


def _query(view: str, status: str, topic: str, **more: str) -> str:
    values = {"view": view, "status": status, "topic": topic, **more}
    return urlencode({k: v for k, v in values.items() if v})


def queue_page(
    request: Request,
    web: WebDep,
    viewer: Viewer,
    view: str,
    status: str,
    topic: str,
    *,
    http_status: int = 200,
    done: str | None = None,
    undo: list[str] | None = None,
    error: str | None = None,
    chosen: frozenset[str] = frozenset(),
    reason: str = "",
) -> HTMLResponse:
    found = queue.review_queue(web.rt.store, view, status or None, topic.strip() or None)
    tabs = [(name, label, _query(name, status, topic)) for name, label in queue.VIEWS.items()]
    html = web.pages.render(
        "review_queue.html",
        request,
        queue=found,
        view=view,
        tabs=tabs,
        status=status,
        topic=topic,
        statuses=STATUSES,
        done=done,
        undo=undo or [],
        error=error,
        chosen=chosen,
        reason=reason,
        may_act=viewer.may("review"),
        max_reason=queue.MAX_REASON_CHARS,
    )
    return HTMLResponse(html, http_status)


@router.get("/review", response_class=HTMLResponse)
def review_queue(
    request: Request,
    web: WebDep,
    viewer: PageViewer,
    view: Annotated[str, Query(max_length=20)] = "answers",
    status: Annotated[str, Query(max_length=40)] = "",
    topic: Annotated[str, Query(max_length=200)] = "",
    done: Annotated[str, Query(max_length=20)] = "",
    count: Annotated[int, Query(ge=0, le=100_000)] = 0,
    undo: Annotated[str, Query(max_length=MAX_UNDO_CHARS)] = "",
) -> HTMLResponse:
    viewer = require_any(viewer, *OVERSIGHT)
    message = None
    if done == "set_aside":
        message = f"{_questions(count)} set aside."
    elif done == "restore":
        message = f"{_questions(count)} back in the queue."
    undo_ids = [i for i in undo.split(",") if i] if done == "set_aside" else []
    return queue_page(request, web, viewer, view, status, topic, done=message, undo=undo_ids)


def _questions(n: int) -> str:
    return f"{n:,} question{'s' if n != 1 else ''}"


@router.post("/review/set-aside")
async def set_aside(
    request: Request,
    web: WebDep,
    viewer: FormViewer,
    article_ids: Ids = [],  # noqa: B006 - FastAPI copies defaults
    reason: Annotated[str, Form()] = "",
    view: Annotated[str, Form(max_length=20)] = "answers",
    status: Annotated[str, Form(max_length=40)] = "",
    topic: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    viewer = require_any(viewer, "review")
    try:
        done = await run_in_threadpool(
            queue.set_aside, web.rt.store, viewer.user, article_ids, reason
        )
    except BadRequest as exc:
        message = str(exc)
        return await run_in_threadpool(
            lambda: queue_page(
                request,
                web,
                viewer,
                view,
                status,
                topic,
                http_status=422,
                error=message,
                chosen=frozenset(article_ids),
                reason=reason,
            )
        )
    more = {"done": "set_aside", "count": str(len(done)), "undo": ",".join(done)}
    return RedirectResponse(f"/review?{_query(view, status, topic, **more)}", status_code=303)


@router.post("/review/restore")
async def restore(
    request: Request,
    web: WebDep,
    viewer: FormViewer,
    article_ids: Ids = [],  # noqa: B006 - FastAPI copies defaults
    view: Annotated[str, Form(max_length=20)] = "set_aside",
    status: Annotated[str, Form(max_length=40)] = "",
    topic: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    viewer = require_any(viewer, "review")
    try:
        done = await run_in_threadpool(queue.restore, web.rt.store, viewer.user, article_ids)
    except BadRequest as exc:
        message = str(exc)
        return await run_in_threadpool(
            lambda: queue_page(
                request, web, viewer, view, status, topic, http_status=422, error=message
            )
        )
    more = {"done": "restore", "count": str(len(done))}
    return RedirectResponse(f"/review?{_query(view, status, topic, **more)}", status_code=303)
