"""Settings, read from the environment with the ``CURBSIDE_`` prefix."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

EDITORIAL_POLICY = """\
Curbside writes every answer from the documents in this library and cites the passage behind
each statement; it never answers from a model's memory, and every number in an answer must
stand in its cited source.

Answers start as *submitted* and carry a "pending human review" banner. A member of the
medical advisory board claims an answer, checks each statement against its evidence, may
edit, remove or reorder statements and add a note, and then approves it, requests changes or
rejects it. An approved answer names its reviewer and the date of approval. A reviewer who
adds a number that the cited source does not hold must give a reason, and the statement is
shown to readers as a reviewer's addition.

When a document that an approved answer cites is replaced or withdrawn, the answer goes back
to review, and readers see that its sources have been updated since approval. Every action
is recorded in an audit trail that cannot be altered through the application.
"""


def _default_home() -> Path:
    return Path.home() / ".local" / "share" / "curbside"


class Settings(BaseSettings):
    """Everything an operator can set. ``Settings()`` reads the environment."""

    model_config = SettingsConfigDict(env_prefix="CURBSIDE_", extra="ignore")

    home: Path = Field(default_factory=_default_home, description="Data folder.")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default is a SQLite file in home."
    )
    max_document_bytes: int = Field(
        default=20_000_000, description="Larger inputs are refused rather than chunked."
    )
    engine: Literal["extractive", "llm"] = Field(
        default="extractive",
        description="The engine a question is answered with when the asker names none. "
        "'llm' needs llm_base_url and llm_model; without them it is refused at start.",
    )
    llm_base_url: str | None = Field(
        default=None,
        description="OpenAI-compatible endpoint, up to its version: http://127.0.0.1:8080/v1.",
    )
    llm_model: str | None = Field(default=None, description="Model name the endpoint serves.")
    # A secret: shown as '**********' in any repr, log or page; read only to send it.
    llm_api_key: SecretStr | None = Field(default=None, description="Bearer token, if any.")
    llm_timeout_s: float = Field(
        default=60.0,
        gt=0,
        description="Budget for one answer's whole LLM call; past it the extractive answer "
        "is served instead.",
    )
    llm_connect_timeout_s: float = Field(
        default=3.0, gt=0, description="How long to wait for the endpoint to accept a connection."
    )
    llm_max_tokens: int = Field(default=1024, ge=64, description="Most tokens the model may write.")
    llm_response_format: Literal["json_schema", "json_object", "none"] = Field(
        default="json_schema",
        description="How the answer's JSON shape is asked of the server: 'json_schema' "
        "(OpenAI, vLLM, llama.cpp), 'json_object' with the schema (llama-cpp-python), or "
        "'none' for servers that take neither (the reply is then parsed strictly all the same).",
    )
    ask_rate_limit: int = Field(default=30, description="Questions per client per minute.")
    anonymous_can_ask: bool = Field(default=True, description="Whether visitors may ask.")
    unreviewed_visible_to_staff: bool = Field(
        default=False,
        description="Show answers that no reviewer has approved yet to every signed-in user "
        "(home page, related questions, the answers' pages), for an institution whose staff "
        "share them. Off: each person sees only their own until approved. Visitors who are "
        "not signed in never see another person's unreviewed answer either way.",
    )
    secure_cookies: bool = Field(
        default=False,
        description="Mark the session cookie Secure even on plain-HTTP requests: for a TLS "
        "proxy that does not send X-Forwarded-Proto, or is not in trusted_proxies.",
    )
    trusted_proxies: str = Field(
        default="",
        description="Comma-separated addresses or networks (127.0.0.1, 10.0.0.0/8, ::1) of "
        "reverse proxies whose X-Forwarded-For and X-Forwarded-Proto headers are believed. "
        "Empty (the default): no such header is believed from anyone, so the client address "
        "that rate limits and sign-in lockouts count is the connection's own.",
    )
    editorial_policy: str = Field(
        default=EDITORIAL_POLICY,
        description="Text of the editorial-policy page (Markdown); say who reviews and how.",
    )

    @model_validator(mode="after")
    def _llm_configured(self) -> Settings:
        if self.engine == "llm" and not (self.llm_base_url and self.llm_model):
            raise ValueError(
                "CURBSIDE_ENGINE=llm needs CURBSIDE_LLM_BASE_URL and CURBSIDE_LLM_MODEL"
            )
        return self

    @property
    def llm_configured(self) -> bool:
        return bool(self.llm_base_url and self.llm_model)

    @property
    def trusted_proxy_list(self) -> list[str]:
        return [p.strip() for p in self.trusted_proxies.split(",") if p.strip()]

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.home / 'curbside.db'}"

    @property
    def index_dir(self) -> Path:
        """The search index lives beside the database, in its own folder."""
        url = self.resolved_database_url
        if url.startswith("sqlite:///") and not url.endswith(":memory:"):
            db = Path(url.removeprefix("sqlite:///"))
            return db.with_name(db.stem + ".index")
        return self.home / "index"


def settings_from_environment() -> Settings:
    """``Settings()``, or a CurbsideError that names each bad setting in plain words."""
    from .errors import CurbsideError

    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'_'.join(str(p) for p in e['loc']) or 'settings'}: {e['msg']}" for e in exc.errors()
        )
        raise CurbsideError(f"the CURBSIDE_ settings are not valid: {problems}") from None
