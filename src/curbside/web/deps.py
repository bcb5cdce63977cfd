"""Request-scoped dependencies, as ``Annotated`` aliases the routes declare."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from .state import WebState


def web_state(request: Request) -> WebState:
    return request.app.state.web


def client_address(request: Request) -> str:
    """The rate-limit key: the client's IP (uvicorn resolves trusted proxy headers)."""
    return request.client.host if request.client else "unknown"


WebDep = Annotated[WebState, Depends(web_state)]
ClientDep = Annotated[str, Depends(client_address)]
