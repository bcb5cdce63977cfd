"""Home, asking from a form, and passage search: the pages around the answer page.

The home page lists approved answers for everyone; a signed-in user also sees their own
recent questions, a reviewer how many answers wait in the queue, and where the institution
shares unreviewed answers with staff, a signed-in user sees those too. Nobody's question
appears on another person's page before a reviewer approves it (review/visibility.py).

A refused question (too long, empty, too many, asking turned off) comes back on the home page
with the reason in plain words and the text still in the box, so nothing typed is lost.
"""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ...answer.pipeline import MAX_QUESTION_CHARS
from ...articles import Audience, question_key
from ...errors import BadRequest, NotFound, QuestionTooLong
from ...review import visibility
from ..auth import FormViewer, Viewer, viewer_or_none
from ..deps import ClientDep, WebDep
from ..errors import AskingDisabled, RateLimited, status_for
from ..pages import audience_of
from ..visitors import asking_as, reader_for
from .articles import remember_audience

router = APIRouter(include_in_schema=False)
RECENT = 8
MAX_SEARCH_CHARS = 1000
# A refused question goes back into the box; past this much the box keeps only the start
# (and says so), rather than send a megabyte back to the browser.
MAX_ECHO_CHARS = 5 * MAX_QUESTION_CHARS


def _home(
    request: Request,
    web: WebDep,
    question: str = "",
    error: str | None = None,
    note: str | None = None,
    audience: str | None = None,
    status: int = 200,
    follow_up_of: str | None = None,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    store = web.rt.store
    if len(question) > MAX_ECHO_CHARS:
        question = question[:MAX_ECHO_CHARS]
        error = f"{error} Only the first {MAX_ECHO_CHARS:,} characters are kept in the box."
    html = web.pages.render(
        "home.html",
        request,
        question=question,
        error=error,
        note=note,
        audience=audience or audience_of(request),
        follow_up_of=follow_up_of,
        stats=store.stats(),
        approved=visibility.recent_public(store, RECENT),
        **_lists_for(web, viewer_or_none(request)),
    )
    return HTMLResponse(html, status, headers=headers)


def _lists_for(web: WebDep, viewer: Viewer | None) -> dict:
    """The home page's lists that depend on who is signed in (none for a visitor)."""
    if viewer is None:
        return {}
    store = web.rt.store
    mine = visibility.recent_asked_by(store, (visibility.user_asker(viewer.user.id),), RECENT)
    lists: dict = {"mine": mine}
    if viewer.may("review"):
        lists["queue_size"] = visibility.awaiting_review(store)
    if web.settings.unreviewed_visible_to_staff:
        lists["unreviewed"] = visibility.recent_unreviewed(store, RECENT)
    return lists


@router.get("/", response_class=HTMLResponse)
def home(request: Request, web: WebDep) -> HTMLResponse:
    return _home(request, web)


@router.get("/ask", response_class=HTMLResponse)
def ask_link(
    request: Request, web: WebDep, q: str = "", audience: Audience | None = None
) -> Response:
    """A question as a link (related questions): the stored answer if there is one,
    otherwise the question box filled in. A GET never runs the engine."""
    audience = audience or audience_of(request)
    if len(q.strip()) > MAX_QUESTION_CHARS:
        error = str(QuestionTooLong(MAX_QUESTION_CHARS, len(q.strip())))
        return _home(request, web, question=q, error=error, audience=audience, status=422)
    if q.strip():
        # Only an answer this viewer may see: a link never tells whether someone else asked.
        reader = reader_for(request, viewer_or_none(request))
        slug = visibility.find_visible(web.rt.store, reader, question_key(q), audience)
        if slug is not None:
            return RedirectResponse(f"/a/{slug}", status_code=303)
    note = "Not answered yet for this audience: press Ask." if q.strip() else None
    return _home(request, web, question=q, note=note, audience=audience)


@router.post("/ask")
def ask_form(
    request: Request,
    web: WebDep,
    client: ClientDep,
    viewer: FormViewer,
    # No max_length: the pipeline refuses a long question in words that name the limit.
    question: Annotated[str, Form()] = "",
    audience: Annotated[Audience, Form()] = "clinician",
    follow_up_of: Annotated[str | None, Form(max_length=64)] = None,
) -> Response:
    headers = None
    asking = asking_as(request, viewer)
    try:
        role = viewer.role if viewer else None
        reader = reader_for(request, viewer)
        article = web.asker.ask(
            question, audience, client, follow_up_of or None, role, reader, asking.asker
        )
    except NotFound:
        error = "The answer this follows up is no longer here; ask your question on its own."
        return _home(request, web, question, error=error, audience=audience, status=404)
    except RateLimited as exc:
        headers = {"Retry-After": str(math.ceil(exc.retry_after))}
        error = f"{exc} Your question is still in the box."
        return _home(
            request, web, question, error, None, audience, 429, follow_up_of, headers=headers
        )
    except (BadRequest, AskingDisabled) as exc:
        # Keep what the reader typed, with the reason beside the box.
        status = status_for(exc)
        return _home(request, web, question, str(exc), None, audience, status, follow_up_of)
    # The same article for both audiences: the patient wording is one of its views.
    wording = "?audience=patient" if audience == "patient" else ""
    response = RedirectResponse(f"/a/{article.slug}{wording}", status_code=303)
    remember_audience(response, audience)
    asking.remember(response, request)  # an anonymous visitor's key to their own answer
    return response


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    web: WebDep,
    q: str = "",
    k: Annotated[int, Query(ge=1, le=100)] = 20,
) -> HTMLResponse:
    if len(q) > MAX_SEARCH_CHARS:
        error = f"Searches can be at most {MAX_SEARCH_CHARS:,} characters; yours has {len(q):,}."
        html = web.pages.render("search.html", request, q=q[:MAX_ECHO_CHARS], error=error)
        return HTMLResponse(html, 422)
    result = web.rt.retriever.search(q, k=k) if q.strip() else None
    html = web.pages.render("search.html", request, q=q, result=result)
    return HTMLResponse(html)
