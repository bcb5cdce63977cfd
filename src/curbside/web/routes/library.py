"""The library: documents listed and searched, and one document with its passages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from ...errors import NotFound
from ..deps import WebDep

router = APIRouter(include_in_schema=False)
PER_PAGE = 50
MAX_FIND_CHARS = 200


@router.get("/library", response_class=HTMLResponse)
def library_index(
    request: Request,
    web: WebDep,
    q: str = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    store = web.rt.store
    error = None
    if len(q) > MAX_FIND_CHARS:
        # Said in words beside the box (which keeps the text), not as a bare 422 page.
        error = f"A title or publisher to find can be at most {MAX_FIND_CHARS} characters; "
        error += f"yours has {len(q):,}."
        found = []
    else:
        found = store.list_documents(
            q.strip() or None, limit=PER_PAGE + 1, offset=(page - 1) * PER_PAGE
        )
    html = web.pages.render(
        "library.html",
        request,
        q=q[:10_000],
        error=error,
        page=page,
        documents=found[:PER_PAGE],
        has_next=len(found) > PER_PAGE,
        stats=store.stats(),
    )
    return HTMLResponse(html, 422 if error else 200)


@router.get("/library/{document_id}", response_class=HTMLResponse)
def document_page(request: Request, web: WebDep, document_id: str) -> HTMLResponse:
    store = web.rt.store
    document = store.get_document(document_id)
    successor = None
    if document.superseded_by:
        try:
            successor = store.get_document(document.superseded_by)
        except NotFound:
            successor = None
    html = web.pages.render(
        "document.html",
        request,
        d=document,
        passages=store.document_passages(document.id),
        successor=successor,
        sources=[s for s in document.meta.get("sources") or [] if isinstance(s, dict)],
    )
    return HTMLResponse(html)
