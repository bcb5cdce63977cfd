"""Administrators' pages: accounts, roles and API tokens, on the services the API uses
(review.accounts), each change in the audit trail.

A new API token is shown once, on the page that answers the form (never in a redirect's
address, which browsers keep in their history); only its hash is stored.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from ...errors import BadRequest
from ...review import accounts, audit_text, queue
from ...review.workflow import ROLES
from ...store import schema
from ..auth import FormViewer, PageViewer, Viewer, require_any
from ..deps import WebDep

router = APIRouter(include_in_schema=False)
ADMIN = "manage_users"
ROLE_WORDS = {
    "reviewer": "Reviewer: approves answers; named on the advisory board page",
    "editor": "Editor: manages the library",
    "admin": "Administrator: manages accounts",
    "reader": "Reader: reads and asks",
}
DONE = {
    "created": "The account is created.",
    "role": "The role is changed.",
    "enabled": "The account is enabled.",
    "disabled": "The account is disabled, and signed out everywhere.",
    "password": "The password is set; any lockout is lifted, and old sessions are ended.",
    "revoked": "The token is revoked: requests carrying it fail from now on.",
}
Text = Annotated[str, Form(max_length=2000)]


def _users_page(
    request: Request,
    web: WebDep,
    *,
    error: str | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    html = web.pages.render(
        "admin_users.html",
        request,
        users=accounts.list_users(web.rt.store),
        roles=ROLES,
        role_words=ROLE_WORDS,
        error=error,
        values=values or {"role": "reviewer"},
        min_password=accounts.MIN_PASSWORD_CHARS,
    )
    return HTMLResponse(html, status)


@router.get("/admin/users", response_class=HTMLResponse)
def users(request: Request, web: WebDep, viewer: PageViewer) -> HTMLResponse:
    require_any(viewer, ADMIN)
    return _users_page(request, web)


@router.post("/admin/users")
async def create_user(
    request: Request,
    web: WebDep,
    viewer: FormViewer,
    email: Text = "",
    name: Text = "",
    role: Annotated[str, Form(max_length=40)] = "reviewer",
    credentials: Text = "",
    password: Text = "",
) -> Response:
    actor = require_any(viewer, ADMIN).user
    try:
        user = await run_in_threadpool(
            lambda: accounts.create_user(
                web.rt.store,
                actor,
                email=email,
                name=name,
                role=role,
                credentials=credentials,
                password=password or None,
            )
        )
    except BadRequest as exc:
        message = str(exc)
        values = {"email": email, "name": name, "role": role, "credentials": credentials}
        # The password is never sent back into the page.
        return await run_in_threadpool(
            lambda: _users_page(
                request, web, error=f"Not created: {message}.", values=values, status=422
            )
        )
    return RedirectResponse(f"/admin/users/{user.id}?done=created", status_code=303)


def _user_trail(web: WebDep, user: accounts.User) -> list[dict[str, Any]]:
    """The account's entries in the audit trail, newest first, as sentences."""
    log = schema.audit_log
    query = select(log).where(log.c.article_id.is_(None)).order_by(log.c.id.desc())
    with web.rt.store.review.reading() as conn:
        names = queue.actor_names(conn)
        rows = []
        for row in conn.execute(query.limit(5000)):
            entry = dict(row._mapping)
            if entry["actor"] == user.email or (entry["detail"] or {}).get("user_id") == user.id:
                rows.append(entry)
            if len(rows) >= 50:
                break

    return [{"at": r["at"], "sentence": audit_text.describe_row(r, names)} for r in rows]


def user_page(
    request: Request,
    web: WebDep,
    viewer: Viewer,
    user_id: str,
    *,
    done: str | None = None,
    error: str | None = None,
    issued: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    store = web.rt.store
    user = accounts.get_user(store, user_id)
    html = web.pages.render(
        "admin_user.html",
        request,
        u=user,
        tokens=accounts.list_tokens(store, user.id),
        trail=_user_trail(web, user),
        roles=ROLES,
        role_words=ROLE_WORDS,
        done=DONE.get(done or ""),
        error=error,
        issued=issued,
        is_self=viewer.user.id == user.id,
        min_password=accounts.MIN_PASSWORD_CHARS,
    )
    return HTMLResponse(html, status)


@router.get("/admin/users/{user_id}", response_class=HTMLResponse)
def user(
    request: Request,
    web: WebDep,
    viewer: PageViewer,
    user_id: str,
    done: Annotated[str, Query(max_length=20)] = "",
) -> HTMLResponse:
    return user_page(request, web, require_any(viewer, ADMIN), user_id, done=done)


async def _change(request: Request, web: WebDep, viewer: Viewer, user_id: str, done: str, act):
    try:
        await run_in_threadpool(act)
    except BadRequest as exc:
        message = str(exc)
        return await run_in_threadpool(
            lambda: user_page(
                request, web, viewer, user_id, error=f"Not changed: {message}.", status=422
            )
        )
    return RedirectResponse(f"/admin/users/{user_id}?done={done}", status_code=303)


def _not_yourself(viewer: Viewer, user_id: str, what: str) -> None:
    if viewer.user.id == user_id:
        raise BadRequest(f"you cannot {what} your own account; ask another administrator")


@router.post("/admin/users/{user_id}/role")
async def set_role(
    request: Request,
    web: WebDep,
    viewer: FormViewer,
    user_id: str,
    role: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    admin = require_any(viewer, ADMIN)

    def act() -> None:
        _not_yourself(admin, user_id, "change the role of")
        accounts.set_role(web.rt.store, admin.user, user_id, role)

    return await _change(request, web, admin, user_id, "role", act)


@router.post("/admin/users/{user_id}/active")
async def set_active(
    request: Request,
    web: WebDep,
    viewer: FormViewer,
    user_id: str,
    active: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    admin = require_any(viewer, ADMIN)
    enable = active == "1"

    def act() -> None:
        if not enable:
            _not_yourself(admin, user_id, "disable")
        accounts.set_active(web.rt.store, admin.user, user_id, enable)

    return await _change(request, web, admin, user_id, "enabled" if enable else "disabled", act)


@router.post("/admin/users/{user_id}/password")
async def set_password(
    request: Request, web: WebDep, viewer: FormViewer, user_id: str, password: Text = ""
) -> Response:
    admin = require_any(viewer, ADMIN)

    def act() -> None:
        accounts.set_password(web.rt.store, admin.user, user_id, password)

    return await _change(request, web, admin, user_id, "password", act)


@router.post("/admin/users/{user_id}/tokens", response_class=HTMLResponse)
async def issue_token(
    request: Request, web: WebDep, viewer: FormViewer, user_id: str, label: Text = ""
) -> HTMLResponse:
    admin = require_any(viewer, ADMIN)
    _, secret = await run_in_threadpool(
        accounts.issue_token, web.rt.store, admin.user, user_id, label
    )
    return await run_in_threadpool(lambda: user_page(request, web, admin, user_id, issued=secret))


@router.post("/admin/tokens/{token_id}/revoke")
async def revoke_token(
    request: Request, web: WebDep, viewer: FormViewer, token_id: str
) -> Response:
    admin = require_any(viewer, ADMIN)
    record = await run_in_threadpool(accounts.revoke_token, web.rt.store, admin.user, token_id)
    return RedirectResponse(f"/admin/users/{record.user_id}?done=revoked", status_code=303)
