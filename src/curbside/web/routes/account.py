"""Signing in and out of the web pages (the API uses bearer tokens instead).

A refused sign-in is one page, status and words whatever the reason (review/signin.py): an
unknown email, a wrong password and a lockout of this client all read the same.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ...errors import AuthError, CurbsideError, Forbidden
from ...review import accounts, signin
from ..auth import (
    SESSION_COOKIE,
    FormViewer,
    check_login_token,
    clear_session_cookie,
    login_token,
    set_login_cookie,
    set_session_cookie,
)
from ..deps import ClientDep, WebDep
from ..errors import status_for
from ..visitors import forget_visitor

router = APIRouter(include_in_schema=False)
MAX_EMAIL_CHARS = 320


def safe_next(target: str | None) -> str:
    """Only a path on this site: never ``//evil.example`` or ``https://…`` (open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _login_page(
    request: Request,
    web: WebDep,
    next_url: str,
    email: str = "",
    error: str | None = None,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    token = login_token(request)
    html = web.pages.render(
        "login.html", request, email=email, error=error, next_url=next_url, login_token=token
    )
    response = HTMLResponse(html, status, headers=headers)
    set_login_cookie(response, request, token)
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(
    request: Request,
    web: WebDep,
    next: Annotated[str, Query(max_length=2000)] = "/",
) -> HTMLResponse:
    return _login_page(request, web, safe_next(next))


@router.post("/login")
async def login(
    request: Request,
    web: WebDep,
    client: ClientDep,
    # No max_length on the two boxes: too long is said beside them, with the email kept.
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    login_csrf: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    next_url = safe_next(next)
    store = web.rt.store
    too_long = _too_long(email, password)
    if too_long:
        return _login_page(request, web, next_url, email[:MAX_EMAIL_CHARS], too_long, 422)
    try:
        check_login_token(request, login_csrf)
        user = await run_in_threadpool(signin.authenticate, store, email, password, client)
    except (AuthError, Forbidden) as exc:
        return _login_page(request, web, next_url, email, str(exc), status_for(exc))
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        await run_in_threadpool(accounts.end_session, store, old)  # no session fixation
    cookie, _session = await run_in_threadpool(accounts.start_session, store, user)
    response = RedirectResponse(next_url, status_code=303)
    set_session_cookie(response, request, cookie)
    return response


def _too_long(email: str, password: str) -> str | None:
    # Said whatever the account: it is about the boxes, not about who exists.
    if len(email) > MAX_EMAIL_CHARS:
        return (
            f"An email address has at most {MAX_EMAIL_CHARS} characters; "
            f"this one has {len(email):,}."
        )
    if len(password) > accounts.MAX_PASSWORD_CHARS:
        return f"A password has at most {accounts.MAX_PASSWORD_CHARS:,} characters."
    return None


@router.post("/logout")
async def logout(request: Request, web: WebDep, viewer: FormViewer) -> Response:
    """Ends the session (the CSRF check stops other sites from signing people out)."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if viewer is not None and cookie:
        with suppress(CurbsideError):  # the cookie goes either way
            await run_in_threadpool(accounts.end_session, web.rt.store, cookie)
    response = RedirectResponse("/", status_code=303)
    clear_session_cookie(response, request)
    forget_visitor(response, request)  # a shared workstation keeps no one's questions
    return response
