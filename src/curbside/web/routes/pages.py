"""Home, asking from a form, and passage search: the pages around the answer page."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ...answer.articles import question_key
from ...answer.pipeline import MAX_QUESTION_CHARS
from ...errors import BadRequest
from ..auth import FormViewer
from ..deps import ClientDep, WebDep
from ..pages import audience_of
from .articles import remember_audience

router = APIRouter(include_in_schema=False)
MAX_FORM_CHARS = 10_000  # longer is refused (422); the engine reads the first 2,000
RECENT = 8
Audience = Literal["clinician", "patient"]


def _home(
    request: Request,
    web: WebDep,
    question: str = "",
    error: str | None = None,
    note: str | None = None,
    audience: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    store = web.rt.store
    html = web.pages.render(
        "home.html",
        request,
        question=question,
        error=error,
        note=note,
        audience=audience or audience_of(request),
        stats=store.stats(),
        approved=store.recent_articles(RECENT, status="approved"),
        recent=store.recent_articles(RECENT, exclude_status="approved"),
        max_chars=MAX_QUESTION_CHARS,
    )
    return HTMLResponse(html, status)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, web: WebDep) -> HTMLResponse:
    return _home(request, web)


@router.get("/ask", response_class=HTMLResponse)
def ask_link(
    request: Request,
    web: WebDep,
    q: Annotated[str, Query(max_length=MAX_FORM_CHARS)] = "",
    audience: Audience | None = None,
) -> Response:
    """A question as a link (related questions): the stored answer if there is one,
    otherwise the question box filled in. A GET never runs the engine."""
    audience = audience or audience_of(request)
    if q.strip():
        stored = web.rt.store.find_article(question_key(q), audience)
        if stored is not None:
            return RedirectResponse(f"/a/{stored['slug']}", status_code=303)
    note = "Not answered yet for this audience: press Ask." if q.strip() else None
    return _home(request, web, question=q, note=note, audience=audience)


@router.post("/ask")
def ask_form(
    request: Request,
    web: WebDep,
    client: ClientDep,
    viewer: FormViewer,
    question: Annotated[str, Form(max_length=MAX_FORM_CHARS)] = "",
    audience: Annotated[Audience, Form()] = "clinician",
    follow_up_of: Annotated[str | None, Form(max_length=64)] = None,
) -> Response:
    try:
        role = viewer.role if viewer else None
        article = web.asker.ask(question, audience, client, follow_up_of or None, role)
    except BadRequest as exc:
        # Keep what the reader typed, with the reason beside the box.
        return _home(request, web, question, error=str(exc), audience=audience, status=422)
    response = RedirectResponse(f"/a/{article.slug}", status_code=303)
    remember_audience(response, audience)
    return response


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    web: WebDep,
    q: Annotated[str, Query(max_length=1000)] = "",
    k: Annotated[int, Query(ge=1, le=100)] = 20,
) -> HTMLResponse:
    result = web.rt.retriever.search(q, k=k) if q.strip() else None
    html = web.pages.render("search.html", request, q=q, result=result)
    return HTMLResponse(html)
