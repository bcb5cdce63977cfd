"""Account administration over the API: users, roles and API tokens (administrators).

A user may also list, issue and revoke their own tokens. Every change is in the audit trail.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from ...review import accounts
from ...review.workflow import require
from ..auth import Viewer, api_needs
from ..deps import WebDep
from ..review_schemas import IssuedTokenOut, TokenIn, TokenOut, UserIn, UserOut, UserPatch
from ..schemas import ErrorOut
from .api_review import AUTH

router = APIRouter(prefix="/api", tags=["accounts"])
Admin = Annotated[Viewer, api_needs("manage_users")]
Anyone = Annotated[Viewer, api_needs()]
WRITE = {**AUTH, 422: {"model": ErrorOut, "description": "Invalid values, e.g. a short password."}}


@router.get("/users", response_model=list[UserOut], responses=AUTH)
def list_users(web: WebDep, viewer: Admin) -> list[UserOut]:
    return [UserOut.model_validate(u) for u in accounts.list_users(web.rt.store)]


@router.post("/users", response_model=UserOut, status_code=201, responses=WRITE)
async def create_user(web: WebDep, viewer: Admin, body: UserIn) -> UserOut:
    """Add an account. Reviewers' names and credentials are shown to readers."""
    user = await run_in_threadpool(
        lambda: accounts.create_user(
            web.rt.store,
            viewer.user,
            email=body.email,
            name=body.name,
            role=body.role,
            credentials=body.credentials,
            password=body.password,
        )
    )
    return UserOut.model_validate(user)


@router.patch("/users/{user_id}", response_model=UserOut, responses=WRITE)
async def update_user(web: WebDep, viewer: Admin, user_id: str, body: UserPatch) -> UserOut:
    """Set the role, (de)activate, or set a password (which also lifts a lockout)."""
    store = web.rt.store

    def change() -> accounts.User:
        user = accounts.get_user(store, user_id)
        if body.role is not None:
            user = accounts.set_role(store, viewer.user, user_id, body.role)
        if body.active is not None:
            user = accounts.set_active(store, viewer.user, user_id, body.active)
        if body.password is not None:
            user = accounts.set_password(store, viewer.user, user_id, body.password)
        return user

    return UserOut.model_validate(await run_in_threadpool(change))


@router.get("/users/{user_id}/tokens", response_model=list[TokenOut], responses=AUTH)
def list_tokens(web: WebDep, viewer: Anyone, user_id: str) -> list[TokenOut]:
    """A user's API tokens (never the tokens themselves): administrators, or the user."""
    if viewer.user.id != user_id:
        require(viewer.role, "manage_users")
    return [TokenOut.model_validate(t) for t in accounts.list_tokens(web.rt.store, user_id)]


@router.post(
    "/users/{user_id}/tokens", response_model=IssuedTokenOut, status_code=201, responses=WRITE
)
async def issue_token(web: WebDep, viewer: Anyone, user_id: str, body: TokenIn) -> IssuedTokenOut:
    """A new API token, returned this once (administrators, or the user for themselves)."""
    record, secret = await run_in_threadpool(
        accounts.issue_token, web.rt.store, viewer.user, user_id, body.label
    )
    return IssuedTokenOut(**TokenOut.model_validate(record).model_dump(), token=secret)


@router.delete("/tokens/{token_id}", response_model=TokenOut, responses=AUTH)
async def revoke_token(web: WebDep, viewer: Anyone, token_id: str) -> TokenOut:
    """Revoke a token (administrators, or its owner); requests carrying it fail from now on."""
    record = await run_in_threadpool(accounts.revoke_token, web.rt.store, viewer.user, token_id)
    return TokenOut.model_validate(record)
