"""The answer page, ``/a/{slug}``: the hot path, served from the page cache.

An approved answer is for everyone. One that no reviewer has approved is shown only to the
viewers ``review.visibility`` allows (its askers, reviewers, administrators, and staff where
the setting shares them); anyone else gets the 404 an address that never existed gets.
"""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ...articles.model import Audience
from ...review import visibility
from ..auth import current_viewer
from ..deps import client_address
from ..pages import AUDIENCE_COOKIE
from ..service import NeedsAnswer, Redirect, Rendered, Shown
from ..state import WebState
from ..visitors import asking_as, reader_for

router = APIRouter(include_in_schema=False)
COOKIE_AGE = 365 * 24 * 3600


def remember_audience(response: Response, audience: str) -> None:
    response.set_cookie(AUDIENCE_COOKIE, audience, max_age=COOKIE_AGE, samesite="lax")


@router.get("/a/{slug}")
async def article_page(
    slug: str,
    request: Request,
    audience: Audience | None = Query(
        None, description="Show the article in this audience's wording."
    ),
) -> Response:
    """An existing article is only loaded, never answered again.

    The cache check is one indexed query, cheap enough to run on the event loop; a miss
    (load, render, compress) goes to the thread pool. A signed-in viewer gets a page of
    their own (their name in the header, their CSRF token in the form), never cached.
    """
    web: WebState = request.app.state.web
    store = web.rt.store
    viewer = await run_in_threadpool(current_viewer, request)
    reader = reader_for(request, viewer)
    # Cached pages are public; build() refuses (404) a page this reader may not see.
    shown: Shown | None = None if viewer else web.article_pages.cached(slug, audience)
    if shown is None:
        shown = await run_in_threadpool(
            web.article_pages.build, slug, audience, request if viewer else None, reader
        )
    page = shown.page
    asking = None
    if isinstance(page, NeedsAnswer):
        # Clinician wording of an answer first written for patients: only the engine
        # can write it; it is stored, so this happens once per question.
        original = page.article
        asking = asking_as(request, viewer)
        answered = await run_in_threadpool(
            web.asker.ask,
            original.question,
            "clinician",
            client_address(request),
            original.follow_up_of,
            viewer.role if viewer else None,
            reader,
            asking.asker,
            True,  # the parent is the stored article's: its text is shown only to who may see it
        )
        page = Redirect(f"/a/{answered.slug}")
    elif isinstance(page, Redirect) and page.slug is not None:
        # The same question in the other wording: whoever may see this one may see that
        # one, which may have been asked by someone else and not be approved yet.
        variant = await run_in_threadpool(store.articles.article_stamp, page.slug)
        if variant is not None and not await run_in_threadpool(
            visibility.may_see, store, reader, variant[0]
        ):
            asking = asking_as(request, viewer)
            await run_in_threadpool(visibility.record_asker, store, variant[0], asking.asker)
    response: Response
    if isinstance(page, Redirect):
        response = RedirectResponse(page.location, status_code=303)
    elif viewer:
        response = Response(page.html, media_type="text/html; charset=utf-8")
    else:
        response = _html(page, request, shown.public)
    if asking is not None:
        asking.remember(response, request)
    if audience:
        remember_audience(response, audience)
    return response


def _html(page: Rendered, request: Request, public: bool = True) -> Response:
    # An unapproved page is its askers' alone: no shared cache may keep it.
    cache = "no-cache" if public else "private, no-cache"
    headers = {"etag": page.etag, "cache-control": cache, "vary": "Accept-Encoding"}
    if request.headers.get("if-none-match") == page.etag:
        return Response(status_code=304, headers=headers)
    body = page.html
    if "gzip" in request.headers.get("accept-encoding", ""):
        body = page.gzipped
        headers["content-encoding"] = "gzip"
    return Response(body, media_type="text/html; charset=utf-8", headers=headers)
