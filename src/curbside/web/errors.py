"""Every error the web app answers with, mapped to HTTP in this one place.

    CurbsideError (curbside.errors)      status
    ├── NotFound                          404
    ├── BadRequest                        422
    │   ├── QuestionTooLong               422, JSON adds "limit" and "length"
    │   ├── UnsupportedNumbers            422, JSON adds "numbers"
    │   └── (request validation)          422
    ├── AuthError                         401 (API: WWW-Authenticate: Bearer; a page GET
    │                                         redirects to /login?next=…)
    ├── Forbidden                         403 (wrong role, or a missing or bad CSRF token)
    ├── AskingDisabled (here)             403
    ├── Conflict, InvalidTransition       409, JSON adds current_version, current_status
    ├── RateLimited (here)                429, with Retry-After
    ├── UploadTooLarge (here)             413 (an editor's upload over the size limit)
    ├── LengthRequired (here)             411 (an upload that does not say its size)
    ├── SearchError, StoreError           503
    └── anything else                     500

API paths (``/api/…``) get JSON ``{"error": message, "status": code}``; pages get an HTML
page with the same message. Domain code never raises HTTP errors itself. Pages that must
keep what the user typed (the login form, the review form) catch these errors themselves
and use ``status_for`` for the code.
"""

from __future__ import annotations

import logging
import math
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import (
    AuthError,
    BadRequest,
    Conflict,
    CurbsideError,
    Forbidden,
    NotFound,
    QuestionTooLong,
    SearchError,
    StoreError,
    UnsupportedNumbers,
)
from .logredact import redact_path

log = logging.getLogger("curbside.web")


class AskingDisabled(CurbsideError):
    """The operator has turned off asking for visitors."""


class RateLimited(CurbsideError):
    def __init__(self, retry_after: float):
        self.retry_after = retry_after
        wait = math.ceil(retry_after)
        super().__init__(
            "Too many questions from this address in the last minute; "
            f"ask again in {wait} second{'s' if wait != 1 else ''}."
        )


class UploadTooLarge(CurbsideError):
    """An upload larger than CURBSIDE_MAX_DOCUMENT_BYTES allows (refused before reading it)."""


class LengthRequired(CurbsideError):
    """An upload sent without Content-Length: its size cannot be bounded before reading."""


# First match wins: subclasses before their parents.
STATUS_BY_ERROR: list[tuple[type[CurbsideError], int]] = [
    (NotFound, 404),
    (BadRequest, 422),
    (AuthError, 401),
    (Forbidden, 403),
    (AskingDisabled, 403),
    (Conflict, 409),
    (RateLimited, 429),
    (UploadTooLarge, 413),
    (LengthRequired, 411),
    (SearchError, 503),
    (StoreError, 503),
]
TITLES = {
    401: "Please sign in",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "This changed meanwhile",
    411: "The upload must say its size",
    413: "The upload is too large",
    422: "That request cannot be answered",
    429: "Too many questions",
    500: "Something went wrong",
    503: "The library is unavailable",
}


def status_for(exc: CurbsideError) -> int:
    for kind, status in STATUS_BY_ERROR:
        if isinstance(exc, kind):
            return status
    return 500


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def error_response(
    request: Request,
    status: int,
    message: str,
    headers=None,
    extra: dict | None = None,
    title: str | None = None,
) -> Response:
    if wants_json(request):
        body = {"error": message, "status": status, **(extra or {})}
        return JSONResponse(body, status, headers=headers)
    web = request.app.state.web
    html = web.pages.render(
        "error.html",
        request,
        status=status,
        title=title or TITLES.get(status, "Error"),
        message=message,
    )
    return HTMLResponse(html, status, headers=headers)


def error_details(exc: CurbsideError) -> dict:
    """What an API client needs beyond the message to act on the error."""
    if isinstance(exc, QuestionTooLong):
        return {"limit": exc.limit, "length": exc.length}
    if isinstance(exc, UnsupportedNumbers):
        return {"numbers": exc.numbers}
    if isinstance(exc, Conflict):
        return {
            "current_version": exc.current_version,
            "current_status": exc.current_status,
            "attempted": exc.attempted,  # what was not applied, so nothing is lost
        }
    return {}


def login_redirect(request: Request) -> RedirectResponse:
    """A page that needs a signed-in user sends a visitor to sign in, then back."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


def _plain(err: dict) -> str:
    """One validation error in words a reader understands, not pydantic's."""
    where = ".".join(str(x) for x in err.get("loc", ()) if x not in ("body", "query", "path"))
    field = f"“{where}”" if where else "The request"
    kind, ctx, given = err.get("type"), err.get("ctx") or {}, err.get("input")
    if kind == "string_too_long":
        length = f"; yours has {len(given):,}" if isinstance(given, str) else ""
        return f"{field} can be at most {ctx.get('max_length', 0):,} characters{length}."
    if kind == "missing":
        return f"{field} is missing."
    if kind == "json_invalid":
        return "The request body is not valid JSON."
    return f"{field}: {err.get('msg', 'invalid')}."


def _validation_message(exc: RequestValidationError) -> str:
    return " ".join(_plain(err) for err in exc.errors()[:3]) or "The request is not valid."


def install_error_handlers(app: FastAPI) -> None:
    async def on_curbside_error(request: Request, exc: CurbsideError) -> Response:
        status = status_for(exc)
        if status >= 500:
            log.exception("error answering %s", redact_path(request.url.path), exc_info=exc)
        headers = None
        if isinstance(exc, RateLimited):
            headers = {"Retry-After": str(math.ceil(exc.retry_after))}
        elif isinstance(exc, AuthError):
            if not wants_json(request) and request.method in ("GET", "HEAD"):
                return login_redirect(request)
            headers = {"WWW-Authenticate": 'Bearer realm="curbside"'}
        message = str(exc) if status < 500 or status == 503 else "internal error"
        title = "Asking is turned off" if isinstance(exc, AskingDisabled) else None
        return error_response(request, status, message, headers, error_details(exc), title)

    async def on_validation_error(request: Request, exc: RequestValidationError) -> Response:
        return error_response(request, 422, _validation_message(exc))

    async def on_http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else TITLES.get(exc.status_code, "")
        return error_response(request, exc.status_code, message, getattr(exc, "headers", None))

    async def on_unexpected(request: Request, exc: Exception) -> Response:
        path = redact_path(request.url.path)
        log.exception("unexpected error answering %s", path, exc_info=exc)
        return error_response(request, 500, "internal error")

    app.add_exception_handler(CurbsideError, on_curbside_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(Exception, on_unexpected)
