"""JSON shapes of the review and account API (the article itself is ``Article``)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..review.accounts import MAX_PASSWORD_CHARS
from ..review.edits import Edit
from ..review.service import MAX_COMMENT_CHARS
from ..review.views import ReaderView
from ..review.workflow import Role
from .schemas import ErrorOut


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SeenVersionIn(_In):
    seen_version: int = Field(
        ge=0, description="The article version you acted on; if it changed since, 409."
    )


class DecisionIn(SeenVersionIn):
    comment: str = Field(default="", max_length=MAX_COMMENT_CHARS, description="For the audit.")


class SeenRevisionIn(_In):
    seen_revision: int | None = Field(
        default=None,
        ge=0,
        le=1_000_000,
        description="The patient wording's revision you acted on (0: never acted on); if "
        "another reviewer acted on it since, 409. Omitted: only the version is checked.",
    )


class PatientDecisionIn(SeenRevisionIn, DecisionIn):
    pass


class PatientRejectIn(SeenRevisionIn, SeenVersionIn):
    reason: str = Field(min_length=1, max_length=MAX_COMMENT_CHARS, description="Why; kept.")


class EditIn(SeenVersionIn):
    edits: list[Edit] = Field(
        min_length=1,
        max_length=500,
        description="Applied in order as one new version. Positions are those of the version "
        "you saw. An edit_bullet, edit_bottom_line or edit_section_title bringing a number "
        "its evidence lacks needs a reason (else 422).",
    )
    note: str = Field(default="", max_length=MAX_COMMENT_CHARS, description="Why, for history.")


class RefreshIn(SeenVersionIn):
    note: str = Field(default="", max_length=MAX_COMMENT_CHARS)


class ApprovalOut(BaseModel):
    version: int
    reviewer_name: str
    reviewer_credentials: str
    approved_at: str


class ReviewStateOut(BaseModel):
    """What the public answer page says about review, as data."""

    id: str
    slug: str
    status: str = Field(description="Where the article stands now.")
    latest_version: int
    shown_version: int = Field(description="The version readers see.")
    approvals: list[ApprovalOut] = Field(description="Of the version readers see.")
    newer_version_pending: bool
    sources_updated: bool = Field(description="A cited document changed since approval.")

    @classmethod
    def build(cls, view: ReaderView) -> ReviewStateOut:
        return cls(
            id=view.article.id,
            slug=view.article.slug,
            status=view.status,
            latest_version=view.latest_version,
            shown_version=view.article.version,
            approvals=[
                ApprovalOut(
                    version=a.version,
                    reviewer_name=a.reviewer_name,
                    reviewer_credentials=a.reviewer_credentials,
                    approved_at=a.approved_at,
                )
                for a in view.approvals
            ],
            newer_version_pending=view.newer_version_pending,
            sources_updated=view.sources_updated,
        )


class DiffLineOut(BaseModel):
    op: str = Field(description='" " unchanged, "-" removed, "+" added')
    text: str


class DiffSectionOut(BaseModel):
    title: str
    changed: bool
    lines: list[DiffLineOut]


class ConflictOut(ErrorOut):
    current_version: int | None
    current_status: str | None
    attempted: dict[str, Any] | None = Field(description="What you sent, not applied.")


class UnsupportedNumbersOut(ErrorOut):
    numbers: list[str] = Field(description="Numbers not found in the bullet's evidence.")


# ---- accounts ------------------------------------------------------------------------------
class UserIn(_In):
    email: str = Field(max_length=320)
    name: str = Field(max_length=200)
    role: Role = "reader"
    credentials: str = Field(default="", max_length=300, examples=["MD, haematology"])
    password: str | None = Field(
        default=None,
        max_length=MAX_PASSWORD_CHARS,
        description="None: the account signs in with API tokens only.",
    )


class UserPatch(_In):
    role: Role | None = None
    active: bool | None = Field(default=None, description="False signs them out everywhere.")
    password: str | None = Field(default=None, max_length=MAX_PASSWORD_CHARS)


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    email: str
    name: str
    credentials: str
    role: str
    active: bool
    created_at: str
    locked_until: str | None


class BoardMemberOut(BaseModel):
    """A reviewer as the public sees them: no email address."""

    model_config = ConfigDict(from_attributes=True)

    name: str
    credentials: str


class TokenIn(_In):
    label: str = Field(default="", max_length=200)


class TokenOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    user_id: str
    label: str
    created_at: str
    last_used_at: str | None
    revoked_at: str | None


class IssuedTokenOut(TokenOut):
    token: str = Field(description="The bearer token. Shown this once; only its hash is kept.")


class PatientEditIn(SeenRevisionIn, EditIn):
    pass
