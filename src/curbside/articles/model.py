"""The article: the answer contract of PRODUCT.md as pydantic models."""

from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import BaseModel, Field

Audience = Literal["clinician", "patient"]
AUDIENCES: tuple[str, ...] = get_args(Audience)  # the one list of audiences
Status = Literal[
    "submitted", "under_review", "approved", "changes_requested", "rejected", "needs_review"
]

DISCLAIMER = (
    "Curbside summarises the documents in this library for qualified health professionals. "
    "It does not replace clinical judgement, the full source guidance, or local protocols; "
    "check doses against the cited source and the product information before prescribing."
)
PATIENT_DISCLAIMER = (
    "This is general information from medical guidelines, not advice for you personally. "
    "Talk to your doctor, nurse or pharmacist before you start, stop or change any treatment."
)
# Said beside every reference that reaches the reader through a bundled summary.
SUMMARY_NOTE = "Summarised in the Curbside demonstration library, not clinically reviewed."
ABSTAIN_TEXT = "The library holds no guideline evidence for this question."
STATUS_LABELS = {
    "submitted": "Submitted",
    "under_review": "Under review",
    "approved": "Approved",
    "changes_requested": "Changes requested",
    "rejected": "Rejected",
    "needs_review": "Needs review (sources updated)",
}


class Evidence(BaseModel):
    ref: int
    passage_id: str
    quote: str  # the statement exactly as the passage has it: what the verifier checks
    section_path: str = ""
    document_id: str = ""
    # What the quote adds to its bullet (answer/evidence_context.py): the source's statements
    # around it, the numbers of the quote the bullet states, and whether the bullet shortened
    # it (the page then calls the quote the full source sentence).
    context_before: str = ""
    context_after: str = ""
    numbers: list[str] = Field(default_factory=list)
    shortened: bool = False


class ReviewerAddition(BaseModel):
    """A reviewer's edit that brought numbers the evidence does not hold, and why."""

    reason: str
    reviewer: str
    at: str
    numbers: list[str] = Field(default_factory=list)


class ReviewerNote(BaseModel):
    text: str
    reviewer: str
    at: str


class Bullet(BaseModel):
    text: str
    citations: list[int]
    evidence: list[Evidence]
    support: float = 1.0
    # Set by editorial review; readers are shown it beside the bullet.
    reviewer_addition: ReviewerAddition | None = None


class BottomLine(BaseModel):
    text: str
    citations: list[int] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)


class Section(BaseModel):
    title: str
    bullets: list[Bullet]


class Reference(BaseModel):
    """A numbered reference. For a statement attributed to a listed source (``source_key``
    set), title to kind are that source's; ``document_id`` and ``summary_title`` name the
    library document that summarises it. Otherwise it is the library document itself."""

    n: int
    document_id: str
    title: str
    publisher: str | None = None
    year: int | None = None
    url: str | None = None
    kind: str
    demonstration: bool = False
    reviewed: bool | None = None
    # The published sources a whole-document reference summarises (bundled summaries).
    sources: list[dict[str, Any]] = Field(default_factory=list)
    source_key: str | None = None
    summary_title: str | None = None
    note: str | None = None


class Article(BaseModel):
    """One answer. The first block of fields is the PRODUCT.md contract."""

    id: str
    question: str
    audience: Audience = "clinician"
    status: Status = "submitted"
    abstained: bool = False
    engine: Literal["extractive", "llm"] = "extractive"
    version: int = 1
    bottom_line: BottomLine
    sections: list[Section] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)
    related_questions: list[str] = Field(default_factory=list)
    created_at: str
    updated_at: str
    # Beyond the contract: what readers and reviewers also need.
    slug: str = ""
    thread_id: str = ""
    follow_up_of: str | None = None
    emergency_notice: str | None = None
    frame: str | None = None
    closest_topics: list[str] = Field(default_factory=list)
    # Questions built from the library's own titles and headings for the answer's concept
    # (answer/related.py): no visitor's words, so shown to every reader, linking to /ask.
    library_questions: list[str] = Field(default_factory=list)
    corrections: dict[str, str] = Field(default_factory=dict)
    disclaimer: str = DISCLAIMER
    metadata: dict[str, Any] = Field(default_factory=dict)
    reviewer_notes: list[ReviewerNote] = Field(default_factory=list)

    def contract(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def all_bullets(self) -> list[Bullet]:
        return [b for s in self.sections for b in s.bullets]
