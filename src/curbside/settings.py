"""Settings, read from the environment with the ``CURBSIDE_`` prefix."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
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
    llm_base_url: str | None = Field(default=None, description="OpenAI-compatible endpoint.")
    llm_model: str | None = None
    llm_api_key: str | None = None
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
