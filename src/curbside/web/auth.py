"""Who is asking: a bearer token, a session cookie, or nobody; and CSRF for cookie sessions.

A bearer token (``Authorization: Bearer cbs_…``) is never sent by a browser on its own, so
it needs no CSRF check. A session cookie is, so every write it authenticates must also
carry the session's CSRF token: a hidden ``csrf_token`` field in forms, the ``X-CSRF-Token``
header for API calls. The cookie is also ``SameSite=Lax``, which keeps it off cross-site
POSTs in current browsers; the token is the defence that does not depend on the browser.

The login form has no session yet; it uses a double-submit token instead: a random value
in a ``SameSite=Strict`` cookie that the form must repeat.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from starlette.concurrency import run_in_threadpool

from ..errors import AuthError, CurbsideError, Forbidden
from ..review import accounts
from ..review.accounts import User, WebSession
from ..review.workflow import may

SESSION_COOKIE = "curbside_session"
LOGIN_COOKIE = "curbside_login"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_UNRESOLVED = object()


@dataclass(frozen=True)
class Viewer:
    """A signed-in user, and the web session when they signed in with a cookie."""

    user: User
    session: WebSession | None = None

    @property
    def role(self) -> str:
        return self.user.role

    @property
    def csrf_token(self) -> str | None:
        return self.session.csrf_token if self.session else None

    def may(self, *permissions: str) -> bool:
        return any(may(self.role, p) for p in permissions)


def _bearer(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _resolve(request: Request) -> Viewer | None:
    store = request.app.state.web.rt.store
    token = _bearer(request)
    if token is not None:
        # A wrong token is an error, not anonymity: the client meant to sign in.
        return Viewer(accounts.user_for_token(store, token))
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    try:
        user, session = accounts.session_user(store, cookie)
    except AuthError:
        return None  # an expired or ended session: the visitor is simply not signed in
    return Viewer(user, session)


def current_viewer(request: Request) -> Viewer | None:
    """The viewer of this request, resolved once (AuthError for a bad bearer token)."""
    viewer = getattr(request.state, "viewer", _UNRESOLVED)
    if viewer is _UNRESOLVED:
        viewer = _resolve(request)
        request.state.viewer = viewer
    return viewer  # type: ignore[return-value]


def viewer_or_none(request: Request) -> Viewer | None:
    """For rendering the page header: never raises."""
    try:
        return current_viewer(request)
    except CurbsideError:
        return None


def _check_token(expected: str | None, given: str | None) -> None:
    if not expected or not given or not hmac.compare_digest(expected.encode(), given.encode()):
        raise Forbidden("the form has expired or did not come from this site; reload it")


# ---- dependencies --------------------------------------------------------------------------
async def page_viewer(request: Request) -> Viewer | None:
    return await run_in_threadpool(current_viewer, request)


async def form_viewer(request: Request) -> Viewer | None:
    """The viewer of a form POST; a cookie session must send its CSRF token (else 403)."""
    viewer = await run_in_threadpool(current_viewer, request)
    if viewer is not None and viewer.session is not None:
        form = await request.form()  # Starlette caches it for the route's Form parameters
        token = form.get(CSRF_FIELD)
        accounts.check_csrf(viewer.session, token if isinstance(token, str) else None)
    return viewer


async def api_viewer(request: Request) -> Viewer | None:
    """The viewer of an API call; a cookie session writes only with the X-CSRF-Token header."""
    viewer = await run_in_threadpool(current_viewer, request)
    if viewer is not None and viewer.session is not None and request.method not in SAFE_METHODS:
        accounts.check_csrf(viewer.session, request.headers.get(CSRF_HEADER))
    return viewer


PageViewer = Annotated[Viewer | None, Depends(page_viewer)]
FormViewer = Annotated[Viewer | None, Depends(form_viewer)]
ApiViewer = Annotated[Viewer | None, Depends(api_viewer)]


def signed_in(viewer: Viewer | None) -> Viewer:
    if viewer is None:
        raise AuthError("sign in, or send an API token as 'Authorization: Bearer …'")
    return viewer


def require_any(viewer: Viewer | None, *permissions: str) -> Viewer:
    """401 for nobody, 403 unless the viewer holds one of the permissions."""
    viewer = signed_in(viewer)
    if not viewer.may(*permissions):
        needed = " or ".join(p.replace("_", " ") for p in permissions)
        raise Forbidden(f"a {viewer.role} may not do this; it needs the {needed} permission")
    return viewer


# Reviewers act on articles; administrators may read the same records to oversee them.
OVERSIGHT = ("review", "manage_users")


def api_needs(*permissions: str) -> Any:
    """A dependency: the API caller, holding one of the permissions (none: any signed-in).

    As a dependency it runs before the body is read, so a caller without the right
    credentials learns 401 or 403, never whether their body would have been valid.
    """

    async def needs(viewer: ApiViewer) -> Viewer:
        return require_any(viewer, *permissions) if permissions else signed_in(viewer)

    return Depends(needs)


# ---- cookies -------------------------------------------------------------------------------
def is_https(request: Request) -> bool:
    """Whether the client reached us over TLS (uvicorn applies a trusted X-Forwarded-Proto)."""
    return request.url.scheme == "https" or request.app.state.web.settings.secure_cookies


def set_session_cookie(response: Response, request: Request, cookie: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        max_age=int(accounts.SESSION_LIFETIME.total_seconds()),
        path="/",
        httponly=True,  # no script, ours or injected, can read it
        samesite="lax",  # links into the site still arrive signed in
        secure=is_https(request),
    )


def clear_session_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=is_https(request)
    )


def login_token(request: Request) -> str:
    """The login form's double-submit token: the cookie's value, or a new one."""
    token = request.cookies.get(LOGIN_COOKIE)
    return token if token and len(token) <= 100 else secrets.token_urlsafe(32)


def set_login_cookie(response: Response, request: Request, token: str) -> None:
    response.set_cookie(
        LOGIN_COOKIE,
        token,
        max_age=3600,
        path="/login",
        httponly=True,
        samesite="strict",  # never sent from another site's form
        secure=is_https(request),
    )


def check_login_token(request: Request, given: str | None) -> None:
    _check_token(request.cookies.get(LOGIN_COOKIE), given)
