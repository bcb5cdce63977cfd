"""Security and caching headers for every response, as pure ASGI middleware.

Pure ASGI rather than BaseHTTPMiddleware: it adds headers to the start message and never
buffers or re-wraps the body, which costs next to nothing on the article hot path.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# No inline script or style anywhere: all JS and CSS are files under /static.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
# Static files are named with a content hash in their query string (see pages.static_url),
# so browsers may keep them for a year.
STATIC_CACHE = (b"cache-control", b"public, max-age=31536000, immutable")
# Pages made for a signed-in viewer carry their name and CSRF token: no cache may keep them.
PRIVATE = (b"cache-control", b"private, no-store")
_SESSION = b"curbside_session="  # web.auth.SESSION_COOKIE, kept import-free here


def _personal(scope: Scope) -> bool:
    if scope["path"] == "/login":
        return True
    return any(name == b"cookie" and _SESSION in value for name, value in scope["headers"])


class SecurityHeaders:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_static = scope["path"].startswith("/static/")
        personal = not is_static and _personal(scope)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name for name, _ in headers}
                headers.extend(h for h in SECURITY_HEADERS if h[0] not in present)
                if is_static and message.get("status") == 200:
                    headers.append(STATIC_CACHE)
                elif personal and b"cache-control" not in present:
                    headers.append(PRIVATE)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
