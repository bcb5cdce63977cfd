"""About pages: the medical advisory board and the editorial policy (a setting)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ...review import accounts
from ..deps import WebDep

router = APIRouter(include_in_schema=False)


@router.get("/about/board", response_class=HTMLResponse)
def board(request: Request, web: WebDep) -> HTMLResponse:
    """Active reviewers with their credentials; never their email addresses."""
    members = accounts.advisory_board(web.rt.store)
    return HTMLResponse(web.pages.render("board.html", request, board=members))


@router.get("/about/editorial-policy", response_class=HTMLResponse)
def editorial_policy(request: Request, web: WebDep) -> HTMLResponse:
    policy = web.settings.editorial_policy
    return HTMLResponse(web.pages.render("policy.html", request, policy=policy))
