"""The library: documents listed and searched, and one document with its passages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from ...errors import NotFound
from ..deps import WebDep

router = APIRouter(include_in_schema=False)
PER_PAGE = 50


@router.get("/library", response_class=HTMLResponse)
def library_index(
    request: Request,
    web: WebDep,
    q: Annotated[str, Query(max_length=200)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    store = web.rt.store
    found = store.list_documents(
        q.strip() or None, limit=PER_PAGE + 1, offset=(page - 1) * PER_PAGE
    )
    html = web.pages.render(
        "library.html",
        request,
        q=q,
        page=page,
        documents=found[:PER_PAGE],
        has_next=len(found) > PER_PAGE,
        stats=store.stats(),
    )
    return HTMLResponse(html)


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
