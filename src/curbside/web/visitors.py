"""Who the viewer is as an asker, and the visitor cookie that lets an anonymous visitor see
their own answers before a reviewer approves them.

A signed-in user asks as their account. A visitor who is not signed in gets a random cookie
when they first ask; the database keeps only its SHA-256 (review/visibility.py). The cookie
lasts until the browser closes, because clinical workstations are shared: the next person
at the machine should not inherit the last one's questions. Signing out forgets it too.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from fastapi import Request, Response

from ..review.visibility import Reader, user_asker, visitor_asker
from .auth import OVERSIGHT, Viewer, is_https

VISITOR_COOKIE = "curbside_visitor"
_MAX_COOKIE = 100  # ours are 43 characters; anything much longer is not ours


def _cookie(request: Request) -> str | None:
    value = request.cookies.get(VISITOR_COOKIE)
    return value if value and len(value) <= _MAX_COOKIE else None


def reader_for(request: Request, viewer: Viewer | None) -> Reader:
    """What this request may see: its own questions, or everything for oversight roles (and
    for any signed-in user where the institution shares unreviewed answers with staff)."""
    askers = []
    if viewer is not None:
        askers.append(user_asker(viewer.user.id))
    cookie = _cookie(request)
    if cookie:
        askers.append(visitor_asker(cookie))
    shared = request.app.state.web.settings.unreviewed_visible_to_staff
    sees = viewer is not None and (shared or viewer.may(*OVERSIGHT))
    return Reader(tuple(askers), sees)


@dataclass(frozen=True)
class Asking:
    """Who is asking, and the cookie to set when an anonymous visitor asks for the first time."""

    asker: str
    new_cookie: str | None = None

    def remember(self, response: Response, request: Request) -> None:
        if self.new_cookie is None:
            return
        response.set_cookie(
            VISITOR_COOKIE,
            self.new_cookie,
            path="/",
            httponly=True,
            samesite="lax",  # a link into the site still shows the visitor their answer
            secure=is_https(request),
        )  # no max_age: gone when the browser closes


def asking_as(request: Request, viewer: Viewer | None) -> Asking:
    if viewer is not None:
        return Asking(user_asker(viewer.user.id))
    cookie = _cookie(request)
    if cookie:
        return Asking(visitor_asker(cookie))
    cookie = secrets.token_urlsafe(32)
    return Asking(visitor_asker(cookie), cookie)


def forget_visitor(response: Response, request: Request) -> None:
    response.delete_cookie(
        VISITOR_COOKIE, path="/", httponly=True, samesite="lax", secure=is_https(request)
    )
