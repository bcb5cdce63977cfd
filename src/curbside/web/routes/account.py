"""Signing in and out of the web pages (the API uses bearer tokens instead)."""

from __future__ import annotations

from contextlib import suppress
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ...errors import AuthError, CurbsideError, Forbidden, LockedOut
from ...review import accounts
from ..auth import (
    SESSION_COOKIE,
    FormViewer,
    check_login_token,
    clear_session_cookie,
    login_token,
    set_login_cookie,
    set_session_cookie,
)
from ..deps import WebDep
from ..errors import retry_after, status_for
from ..pages import long_date
from ..visitors import forget_visitor

router = APIRouter(include_in_schema=False)


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
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=accounts.MAX_PASSWORD_CHARS)] = "",
    login_csrf: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    next_url = safe_next(next)
    store = web.rt.store
    try:
        check_login_token(request, login_csrf)
        user = await run_in_threadpool(accounts.authenticate, store, email, password)
    except LockedOut as exc:
        until = f"{long_date(exc.until)} {exc.until[11:16]} UTC"
        message = (
            f"Too many failed sign-ins: this account is locked until {until}. Try again then, "
            "or ask an administrator to set a new password."
        )
        headers = {"Retry-After": retry_after(exc)}
        return _login_page(request, web, next_url, email, message, status_for(exc), headers)
    except (AuthError, Forbidden) as exc:
        return _login_page(request, web, next_url, email, str(exc), status_for(exc))
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        await run_in_threadpool(accounts.end_session, store, old)  # no session fixation
    cookie, _session = await run_in_threadpool(accounts.start_session, store, user)
    response = RedirectResponse(next_url, status_code=303)
    set_session_cookie(response, request, cookie)
    return response


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
