"""Library editors' pages: upload documents, see each file's result, replace or retire a
document, and see which approved answers went back to review because of it.

An upload's size is checked before its body is read: who sends it first (401/403), then its
declared length against CURBSIDE_MAX_DOCUMENT_BYTES (413; 411 without a length, which every
browser sends), then the CSRF token inside the form. Results are kept in the audit entry
of the upload, so the page they are shown on (``/editor/changes/{id}``) can be reloaded.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from ...errors import BadRequest, NotFound
from ...library.records import FieldMap
from ...models import KINDS
from ...review import accounts, audit_text, librarian, queue
from ..auth import CSRF_FIELD, FormViewer, PageViewer, Viewer, current_viewer, require_any
from ..deps import WebDep
from ..errors import LengthRequired, UploadTooLarge

router = APIRouter(include_in_schema=False)
MAX_FILES = 20
FORM_OVERHEAD = 64 * 1024  # the form's other fields and the multipart boundaries
PER_PAGE = 50
EDIT = "manage_library"


async def upload_form(request: Request) -> tuple[Viewer, FormData]:
    """The editor and their multipart form, with its size bounded before it is read."""
    viewer = require_any(await run_in_threadpool(current_viewer, request), EDIT)
    limit = request.app.state.web.settings.max_document_bytes
    length = request.headers.get("content-length", "")
    if not length.isdigit():
        raise LengthRequired("Send the upload with its size (Content-Length), as browsers do.")
    if int(length) > limit + FORM_OVERHEAD:
        allowed, sent = librarian.human_size(limit), librarian.human_size(int(length))
        raise UploadTooLarge(
            f"An upload can carry at most {allowed} in all (CURBSIDE_MAX_DOCUMENT_BYTES); this "
            f"one has {sent}. Upload fewer files at once, or load large collections with "
            "`curbside ingest` on the server."
        )
    form = await request.form(max_files=MAX_FILES, max_fields=20)
    if viewer.session is not None:
        token = form.get(CSRF_FIELD)
        accounts.check_csrf(viewer.session, token if isinstance(token, str) else None)
    return viewer, form


UploadForm = Annotated[tuple[Viewer, FormData], Depends(upload_form)]


def _text(form: FormData, name: str, limit: int = 2000) -> str:
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""


def _files(form: FormData) -> list[UploadFile]:
    return [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]


def editor_page(
    request: Request,
    web: WebDep,
    *,
    q: str = "",
    page: int = 1,
    error: str | None = None,
    field_map: str = "",
    kind: str = "",
    status: int = 200,
) -> HTMLResponse:
    rt = web.rt
    found = rt.store.list_documents(
        q.strip()[:200] or None, limit=PER_PAGE + 1, offset=(page - 1) * PER_PAGE
    )
    with rt.store.review.reading() as conn:
        names = queue.actor_names(conn)
    changes = [
        {"id": row["id"], "at": row["at"], "sentence": audit_text.describe_row(row, names)}
        for row in librarian.recent_changes(rt)
    ]
    html = web.pages.render(
        "editor.html",
        request,
        documents=found[:PER_PAGE],
        has_next=len(found) > PER_PAGE,
        q=q,
        page=page,
        stats=rt.store.stats(),
        changes=changes,
        error=error,
        field_map=field_map,
        kind=kind,
        kinds=KINDS,
        max_files=MAX_FILES,
        max_size=librarian.human_size(web.settings.max_document_bytes),
    )
    return HTMLResponse(html, status)


@router.get("/editor", response_class=HTMLResponse)
def editor(
    request: Request,
    web: WebDep,
    viewer: PageViewer,
    q: Annotated[str, Query(max_length=200)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    require_any(viewer, EDIT)
    return editor_page(request, web, q=q, page=page)


@router.post("/editor/upload")
async def upload(request: Request, web: WebDep, sent: UploadForm) -> Response:
    viewer, form = sent
    field_map, kind = _text(form, "field_map"), _text(form, "kind", 40)
    try:
        fmap = FieldMap.parse(field_map, kind or None)
    except ValueError as exc:
        return await _refused(
            request, web, f"Nothing was uploaded: {exc}. Choose the files again.", field_map, kind
        )
    files = [(f.filename, f.file) for f in _files(form)]
    try:
        change_id, _ = await run_in_threadpool(
            librarian.upload, web.rt, viewer.user, files, fmap, field_map
        )
    except BadRequest as exc:
        return await _refused(request, web, str(exc), field_map, kind)
    return RedirectResponse(f"/editor/changes/{change_id}", status_code=303)


async def _refused(
    request: Request, web: WebDep, error: str, field_map: str, kind: str
) -> Response:
    return await run_in_threadpool(
        lambda: editor_page(request, web, error=error, field_map=field_map, kind=kind, status=422)
    )


@router.get("/editor/documents/{document_id}", response_class=HTMLResponse)
def document(request: Request, web: WebDep, viewer: PageViewer, document_id: str) -> HTMLResponse:
    require_any(viewer, EDIT)
    return _document_page(request, web, document_id)


def _document_page(
    request: Request, web: WebDep, document_id: str, error: str | None = None, status: int = 200
) -> HTMLResponse:
    doc = web.rt.store.get_document(document_id)
    html = web.pages.render(
        "editor_document.html",
        request,
        d=doc,
        citing=librarian.approved_citing(web.rt, [doc.id]),
        error=error,
        max_size=librarian.human_size(web.settings.max_document_bytes),
    )
    return HTMLResponse(html, status)


@router.post("/editor/documents/{document_id}/replace")
async def replace(request: Request, web: WebDep, sent: UploadForm, document_id: str) -> Response:
    viewer, form = sent
    files = [(f.filename, f.file) for f in _files(form)]
    try:
        change_id, _ = await run_in_threadpool(
            lambda: librarian.upload(web.rt, viewer.user, files, FieldMap(), replace=document_id)
        )
    except BadRequest as exc:
        return await run_in_threadpool(
            _document_page, request, web, document_id, f"Not replaced: {exc}", 422
        )
    return RedirectResponse(f"/editor/changes/{change_id}", status_code=303)


@router.post("/editor/documents/{document_id}/retire")
async def retire(
    request: Request,
    web: WebDep,
    viewer: FormViewer,
    document_id: str,
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    user = require_any(viewer, EDIT).user
    try:
        change_id = await run_in_threadpool(librarian.retire, web.rt, user, document_id, reason)
    except BadRequest as exc:
        return await run_in_threadpool(
            _document_page, request, web, document_id, f"Not retired: {exc}", 422
        )
    return RedirectResponse(f"/editor/changes/{change_id}", status_code=303)


@router.get("/editor/changes/{change_id}", response_class=HTMLResponse)
def change(request: Request, web: WebDep, viewer: PageViewer, change_id: int) -> HTMLResponse:
    require_any(viewer, EDIT)
    row = librarian.change(web.rt, change_id)
    detail = row["detail"]
    files = [librarian.FileResult(**f) for f in detail.get("files", [])]
    moved = [a for f in files for a in f.to_review] + detail.get("articles_to_review", [])
    documents = {}
    for doc_id in [d for f in files for d in f.documents]:
        try:
            documents[doc_id] = web.rt.store.get_document(doc_id)
        except NotFound:
            continue
    with web.rt.store.review.reading() as conn:
        names = queue.actor_names(conn)
    html = web.pages.render(
        "editor_change.html",
        request,
        row=row,
        who=queue.person(names, row["actor"]),
        files=files,
        documents=documents,
        to_review=librarian.answers(web.rt, moved),
        detail=detail,
    )
    return HTMLResponse(html)
