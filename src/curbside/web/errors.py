"""Every error the web app answers with, mapped to HTTP in this one place.

    CurbsideError (curbside.errors)      status
    ├── NotFound                          404
    ├── BadRequest                        422
    │   └── (request validation)          422
    ├── AskingDisabled (here)             403
    ├── RateLimited (here)                429, with Retry-After
    ├── SearchError, StoreError           503
    └── anything else                     500

API paths (``/api/…``) get JSON ``{"error": message, "status": code}``; pages get an HTML
page with the same message. Domain code never raises HTTP errors itself.
"""

from __future__ import annotations

import logging
import math

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import BadRequest, CurbsideError, NotFound, SearchError, StoreError

log = logging.getLogger("curbside.web")


class AskingDisabled(CurbsideError):
    """The operator has turned off asking for visitors."""


class RateLimited(CurbsideError):
    def __init__(self, retry_after: float):
        self.retry_after = retry_after
        super().__init__(
            f"too many questions from this address; try again in {math.ceil(retry_after)} s"
        )


STATUS_BY_ERROR: list[tuple[type[CurbsideError], int]] = [
    (NotFound, 404),
    (BadRequest, 422),
    (AskingDisabled, 403),
    (RateLimited, 429),
    (SearchError, 503),
    (StoreError, 503),
]
TITLES = {
    403: "Asking is turned off",
    404: "Not found",
    405: "Method not allowed",
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


def error_response(request: Request, status: int, message: str, headers=None) -> Response:
    if wants_json(request):
        return JSONResponse({"error": message, "status": status}, status, headers=headers)
    web = request.app.state.web
    html = web.pages.render(
        "error.html", request, status=status, title=TITLES.get(status, "Error"), message=message
    )
    return HTMLResponse(html, status, headers=headers)


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:3]:
        where = ".".join(str(x) for x in err.get("loc", ()) if x not in ("body", "query", "path"))
        parts.append(f"{where or 'request'}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def install_error_handlers(app: FastAPI) -> None:
    async def on_curbside_error(request: Request, exc: CurbsideError) -> Response:
        status = status_for(exc)
        if status >= 500:
            log.exception("error answering %s", request.url.path, exc_info=exc)
        headers = None
        if isinstance(exc, RateLimited):
            headers = {"Retry-After": str(math.ceil(exc.retry_after))}
        message = str(exc) if status < 500 or status == 503 else "internal error"
        return error_response(request, status, message, headers)

    async def on_validation_error(request: Request, exc: RequestValidationError) -> Response:
        return error_response(request, 422, _validation_message(exc))

    async def on_http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else TITLES.get(exc.status_code, "")
        return error_response(request, exc.status_code, message, getattr(exc, "headers", None))

    async def on_unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error answering %s", request.url.path, exc_info=exc)
        return error_response(request, 500, "internal error")

    app.add_exception_handler(CurbsideError, on_curbside_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(Exception, on_unexpected)
