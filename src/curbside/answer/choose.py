"""Which engine answers: the one asked for, else the server's default (``CURBSIDE_ENGINE``)."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from ..errors import BadRequest
from ..search.vocabulary import Vocabulary
from ..settings import Settings
from .engines import Engine, ExtractiveEngine

ENGINES = ("extractive", "llm")
NOT_SET_UP = (
    "The LLM engine is not set up here: set CURBSIDE_LLM_BASE_URL and CURBSIDE_LLM_MODEL "
    "(and CURBSIDE_LLM_API_KEY if the endpoint wants one), or ask with the extractive engine."
)


def engine_for(
    settings: Settings,
    name: str | None = None,
    on_draft: Callable[[str], None] | None = None,
    transport: httpx.BaseTransport | None = None,
    vocab: Vocabulary | None = None,
) -> Engine:
    """``vocab``: the library's, for the extractive engine (the LLM engine's fallback too)."""
    name = name or settings.engine
    if name not in ENGINES:
        raise BadRequest(f"engine must be one of {', '.join(ENGINES)}; got {name!r}")
    if name == "extractive":
        return ExtractiveEngine(vocab)
    from .llm.client import LLMConfig  # only an LLM ask needs these modules
    from .llm.engine import LLMEngine

    config = LLMConfig.from_settings(settings)
    if config is None:
        raise BadRequest(NOT_SET_UP)
    return LLMEngine(config, transport, on_draft, ExtractiveEngine(vocab))
