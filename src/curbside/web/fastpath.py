"""Cached answer pages served before routing, as pure ASGI.

``GET /a/{slug}`` is the page readers hit most. When its rendered page is cached and
current, this middleware sends the bytes straight away: no routing, no parameter parsing,
no dependency resolution. Anything else (a miss, a query string, an unknown slug, HEAD with
odd headers) falls through to the ordinary route in routes/articles.py, which gives the
same answer the slow way. So does a request carrying a session cookie: the cached page is
the anonymous one, and a signed-in viewer gets a page with their name and CSRF token. So does
a page no reviewer has approved: only the route knows who asked it (review/visibility.py).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from ..errors import CurbsideError
from .auth import SESSION_COOKIE
from .service import ArticlePages, Rendered

PREFIX = "/a/"
_SESSION = SESSION_COOKIE.encode() + b"="


def _has_session(scope: Scope) -> bool:
    return any(name == b"cookie" and _SESSION in value for name, value in scope["headers"])


class ArticleFastPath:
    def __init__(self, app: ASGIApp, article_pages: ArticlePages):
        self.app = app
        self.article_pages = article_pages

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] in ("GET", "HEAD")
            and not scope["query_string"]
            and scope["path"].startswith(PREFIX)
            and not _has_session(scope)
        ):
            slug = scope["path"][len(PREFIX) :]
            if slug and "/" not in slug:
                try:
                    shown = self.article_pages.cached(slug, None)
                except CurbsideError:
                    shown = None  # the route answers with the proper error page
                if shown is not None and shown.public and isinstance(shown.page, Rendered):
                    await send_page(shown.page, scope, send)
                    return
        await self.app(scope, receive, send)


async def send_page(page: Rendered, scope: Scope, send: Send) -> None:
    if_none_match = b""
    accepts_gzip = False
    for name, value in scope["headers"]:
        if name == b"if-none-match":
            if_none_match = value
        elif name == b"accept-encoding":
            accepts_gzip = b"gzip" in value
    etag = page.etag.encode()
    headers = [
        (b"etag", etag),
        (b"cache-control", b"no-cache"),
        (b"vary", b"Accept-Encoding"),
    ]
    if if_none_match == etag:
        await send({"type": "http.response.start", "status": 304, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
        return
    body = page.gzipped if accepts_gzip else page.html
    headers.append((b"content-type", b"text/html; charset=utf-8"))
    headers.append((b"content-length", str(len(body)).encode()))
    if accepts_gzip:
        headers.append((b"content-encoding", b"gzip"))
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
