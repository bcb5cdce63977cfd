"""The JSON API. Documented at /docs; the schema is at /openapi.json."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from ...answer.concepts import check_concepts
from ...answer.verify_draft import without_dropped_text
from ...articles.model import Article
from ...errors import NotFound
from ...review import visibility
from ...review.views import reader_view
from ...review.wording import patient_view
from ..auth import ApiViewer
from ..deps import ClientDep, WebDep
from ..schemas import AskRequest, DocumentOut, ErrorOut, SearchOut
from ..service import NOT_PUBLISHED, related_for
from ..visitors import asking_as, reader_for

router = APIRouter(prefix="/api", tags=["api"])
ERRORS = {
    404: {"model": ErrorOut, "description": "No such article or document."},
    422: {"model": ErrorOut, "description": "The request cannot be answered as sent."},
}


def _json(model: Article) -> Response:
    # Serialised by pydantic's core directly: no second validation pass through FastAPI.
    return Response(model.model_dump_json(), media_type="application/json")


@router.post(
    "/ask",
    response_model=Article,
    responses={
        **ERRORS,
        403: {"model": ErrorOut, "description": "Asking is only for signed-in users."},
        429: {"model": ErrorOut, "description": "Too many questions; see Retry-After."},
    },
)
def ask(
    body: AskRequest, request: Request, web: WebDep, client: ClientDep, viewer: ApiViewer
) -> Response:
    """Answer a question from the library (or return the stored answer to it).

    Every citation number resolves to a reference, every bullet carries evidence quotes,
    and an abstained answer has no sections. Anonymous callers may ask only where the
    server allows it (``anonymous_can_ask``); any API token may ask. An anonymous caller
    gets a ``curbside_visitor`` cookie: sent back, it lets them read the answer at
    ``/api/articles/{id}`` before a reviewer approves it, as its askers can.
    """
    role = viewer.role if viewer else None
    asking = asking_as(request, viewer)
    reader = reader_for(request, viewer)
    article = web.asker.ask(
        body.question,
        body.audience,
        client,
        body.follow_up_of,
        role,
        reader,
        asking.asker,
        engine=body.engine,
    )
    response = _json(_for(web, reader, article, viewer))
    asking.remember(response, request)
    return response


def _for(web: WebDep, reader: visibility.Reader, article: Article, viewer=None) -> Article:
    """The article with only the related questions this reader may see, and without the
    text of the bullets the verifier dropped unless the reader reviews: that text may hold
    the very number the verifier refused. The count and the reasons stay."""
    related = related_for(web.rt.store, reader, article.related_questions)
    update: dict = {"related_questions": related}
    if not (viewer and viewer.may("review")):
        update["metadata"] = without_dropped_text(article.metadata)
    return article.model_copy(update=update)


@router.get("/articles/{article_id}", response_model=Article, responses=ERRORS)
def get_article(
    article_id: str,
    request: Request,
    web: WebDep,
    viewer: ApiViewer,
    audience: Annotated[
        Literal["clinician", "patient"] | None,
        Query(description="patient: the same article in patient wording, with its own status."),
    ] = None,
) -> Response:
    """A stored article, by id or slug, as readers see it: the latest approved version if
    there is one (reviewers read newer versions at ``/versions/{n}``). An answer no
    reviewer has approved is 404 except to its askers, reviewers and administrators.
    In patient wording its ``status`` is that wording's own: "approved" only once a
    reviewer approved the patient wording."""
    store = web.rt.store
    reader = reader_for(request, viewer)
    try:
        view = reader_view(store, article_id)
    except NotFound:
        raise NotFound(NOT_PUBLISHED) from None
    if view.article.status != "approved" and not visibility.may_see(store, reader, article_id):
        raise NotFound(NOT_PUBLISHED)
    if audience == "patient":
        view = patient_view(store, article_id)
    return _json(_for(web, reader, view.article, viewer))


@router.get("/search", response_model=SearchOut, responses=ERRORS)
def search(
    web: WebDep,
    q: Annotated[str, Query(min_length=1, max_length=1000, description="Any text.")],
    k: Annotated[int, Query(ge=1, le=100, description="How many passages.")] = 10,
) -> SearchOut:
    """Passages ranked by BM25 with the medical vocabulary layer."""
    result = web.rt.retriever.search(q, k=k)
    lacking = check_concepts(q, web.rt.retriever).missing
    return SearchOut.model_validate(result.as_json(q, lacking))


@router.get("/documents/{document_id}", response_model=DocumentOut, responses=ERRORS)
def get_document(document_id: str, web: WebDep) -> DocumentOut:
    """A document with every passage it holds (retired ones too, for old evidence links)."""
    store = web.rt.store
    document = store.get_document(document_id)
    return DocumentOut.build(document, store.document_passages(document.id))
