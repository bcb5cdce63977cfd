"""JSON shapes of the API beyond the article contract (which is ``articles.model.Article``)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..answer.pipeline import MAX_QUESTION_CHARS
from ..articles.model import Audience
from ..library.attribution import passage_statements
from ..models import Document, Passage


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # No max_length here: the pipeline refuses a longer question with a message that names
    # the limit and the length (422 with "limit" and "length"), the same for every client.
    question: str = Field(
        description=f"The clinical question, at most {MAX_QUESTION_CHARS:,} characters; a "
        "longer one is refused (422), never cut.",
        examples=["What hydroxocobalamin dose for vitamin B12 deficiency with neurological signs?"],
    )
    audience: Audience = Field(
        default="clinician", description="Clinician wording, or plain words for patients."
    )
    follow_up_of: str | None = Field(
        default=None,
        max_length=64,
        description="Id of the article this question follows up; its topic carries over.",
    )
    engine: Literal["extractive", "llm"] | None = Field(
        default=None,
        description="Which engine writes the answer: 'extractive' (source sentences, offline) "
        "or 'llm' (the server's LLM endpoint, behind the same verifier; 422 where none is set "
        "up). Default: the server's. An LLM answer that fails or loses too much to the "
        "verifier is served extractive, with the reason in metadata.llm.fallback_reason.",
    )


class ErrorOut(BaseModel):
    error: str
    status: int


class SearchHitOut(BaseModel):
    rank: int
    score: float
    passage_id: str
    document_id: str
    title: str
    publisher: str | None
    year: int | None
    kind: str
    section: str
    text: str
    link: str = Field(description="The passage on its document page.")


class SearchOut(BaseModel):
    query: str
    corrections: dict[str, str]
    missing_concepts: list[str] = Field(
        description="Concepts the query names that the library never does ('hepatitis c' in a "
        "library about hepatitis B): the hits match only the other words."
    )
    took_ms: float
    hits: list[SearchHitOut]


class StatementOut(BaseModel):
    start: int = Field(description="Offset of the statement in the passage text.")
    end: int
    sources: list[str] = Field(description="Keys of the document's sources it came from.")


class PassageOut(BaseModel):
    id: str
    ord: int
    section_path: str
    text: str
    page: int | None
    retired: bool
    statements: list[StatementOut] = Field(
        default_factory=list,
        description="For a document whose statements name their sources: each statement's "
        "place in the text and the keys (in `sources`) it came from.",
    )


class DocumentOut(BaseModel):
    id: str
    title: str
    publisher: str | None
    year: int | None
    url: str | None
    kind: str
    version: int
    status: str = Field(description="current, superseded or removed")
    superseded_by: str | None
    ingested_at: str
    demonstration: bool
    sources: list[dict[str, Any]] = Field(
        description="For a bundled summary: the published sources it summarises, each with "
        "the `key` its statements cite it by."
    )
    passages: list[PassageOut]

    @classmethod
    def build(cls, doc: Document, passages: list[Passage]) -> DocumentOut:
        return cls(
            id=doc.id,
            title=doc.title,
            publisher=doc.publisher,
            year=doc.year,
            url=doc.url,
            kind=doc.kind,
            version=doc.version,
            status=doc.status,
            superseded_by=doc.superseded_by,
            ingested_at=doc.ingested_at,
            demonstration=doc.demonstration,
            sources=[s for s in doc.meta.get("sources") or [] if isinstance(s, dict)],
            passages=[
                PassageOut(
                    id=p.id,
                    ord=p.ord,
                    section_path=p.section_path,
                    text=p.text,
                    page=p.page,
                    retired=p.retired,
                    statements=[
                        StatementOut(start=s, end=e, sources=k)
                        for s, e, k in passage_statements(doc.meta, p.char_start, p.char_end)
                    ],
                )
                for p in passages
            ],
        )
