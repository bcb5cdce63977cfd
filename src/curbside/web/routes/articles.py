"""The answer page, ``/a/{slug}``: the hot path, served from the page cache."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ..auth import current_viewer
from ..deps import client_address
from ..pages import AUDIENCE_COOKIE
from ..service import NeedsAnswer, Redirect, Rendered
from ..state import WebState

router = APIRouter(include_in_schema=False)
COOKIE_AGE = 365 * 24 * 3600


def remember_audience(response: Response, audience: str) -> None:
    response.set_cookie(AUDIENCE_COOKIE, audience, max_age=COOKIE_AGE, samesite="lax")


@router.get("/a/{slug}")
async def article_page(
    slug: str,
    request: Request,
    audience: Literal["clinician", "patient"] | None = Query(
        None, description="Show the article in this audience's wording."
    ),
) -> Response:
    """An existing article is only loaded, never answered again.

    The cache check is one indexed query, cheap enough to run on the event loop; a miss
    (load, render, compress) goes to the thread pool. A signed-in viewer gets a page of
    their own (their name in the header, their CSRF token in the form), never cached.
    """
    web: WebState = request.app.state.web
    viewer = await run_in_threadpool(current_viewer, request)
    page = None if viewer else web.article_pages.cached(slug, audience)
    if page is None:
        page = await run_in_threadpool(
            web.article_pages.build, slug, audience, request if viewer else None
        )
    if isinstance(page, NeedsAnswer):
        # Clinician wording of an answer first written for patients: only the engine
        # can write it; it is stored, so this happens once per question.
        original = page.article
        answered = await run_in_threadpool(
            web.asker.ask,
            original.question,
            "clinician",
            client_address(request),
            original.follow_up_of,
            viewer.role if viewer else None,
        )
        page = Redirect(f"/a/{answered.slug}")
    response: Response
    if isinstance(page, Redirect):
        response = RedirectResponse(page.location, status_code=303)
    elif viewer:
        response = Response(page.html, media_type="text/html; charset=utf-8")
    else:
        response = _html(page, request)
    if audience:
        remember_audience(response, audience)
    return response


def _html(page: Rendered, request: Request) -> Response:
    headers = {"etag": page.etag, "cache-control": "no-cache", "vary": "Accept-Encoding"}
    if request.headers.get("if-none-match") == page.etag:
        return Response(status_code=304, headers=headers)
    body = page.html
    if "gzip" in request.headers.get("accept-encoding", ""):
        body = page.gzipped
        headers["content-encoding"] = "gzip"
    return Response(body, media_type="text/html; charset=utf-8", headers=headers)
