"""The web app factory. Nothing is built at import time: every app, and every test, gets its
own runtime over the database its settings name.

>>> app = create_app(Settings(home=tmp_path))              # doctest: +SKIP
>>> TestClient(app).get("/api/search", params={"q": "b12"}) # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from ..runtime import open_runtime
from ..settings import Settings
from .errors import install_error_handlers
from .fastpath import ArticleFastPath
from .pages import STATIC, Pages
from .ratelimit import SharedLimiter
from .routes import (
    about,
    account,
    admin,
    api,
    api_review,
    api_users,
    articles,
    ask_stream,
    docs,
    editor,
    library,
    pages,
    review,
    review_actions,
    review_patient,
    review_queue,
)
from .security import SecurityHeaders
from .service import ArticlePages, Asker, release_index_writer
from .state import WebState

DESCRIPTION = (
    "Cited, verified answers to clinical questions from your own guideline library. "
    "`POST /api/ask` returns the article contract: bottom line, sections of cited bullets with "
    "their evidence quotes, and numbered references. Errors are JSON "
    '`{"error": message, "status": code}`. Review and account endpoints take an API token as '
    "`Authorization: Bearer …` (`curbside users token EMAIL`)."
)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the web app over the library ``settings`` name (the environment by default)."""
    settings = settings or Settings()
    rt = open_runtime(settings)
    release_index_writer(rt)
    page_renderer = Pages(can_ask=settings.anonymous_can_ask, streams=settings.engine == "llm")
    state = WebState(
        settings=settings,
        rt=rt,
        pages=page_renderer,
        asker=Asker(rt, SharedLimiter(rt.store, settings.ask_rate_limit)),
        article_pages=ArticlePages(rt, page_renderer),
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        rt.close()

    app = FastAPI(
        title="Curbside",
        description=DESCRIPTION,
        version="0.1.0",
        docs_url=None,  # our own /docs: FastAPI's loads Swagger UI from a CDN
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.web = state
    install_error_handlers(app)
    # The last added runs first: security headers wrap everything, the fast path included.
    app.add_middleware(ArticleFastPath, article_pages=state.article_pages)
    app.add_middleware(SecurityHeaders)
    if settings.trusted_proxy_list:
        # Outermost: everything inside (rate limits, the sign-in throttle, Secure cookies)
        # sees the real client's address and scheme. Only here, not in uvicorn, so that the
        # setting is the one list (serve.py turns uvicorn's own handling off).
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxy_list)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    routers = (
        pages,
        ask_stream,
        articles,
        library,
        account,
        about,
        review_queue,
        review,
        review_actions,
        editor,
        admin,
        review_patient,
    )
    for module in (*routers, api, api_review, api_users, docs):
        app.include_router(module.router)
    app.include_router(review_patient.api_router)
    return app


def app_from_environment() -> FastAPI:
    """Factory for ``uvicorn --factory``: each worker process builds its own app."""
    return create_app(Settings())
