"""The patient wording of an article, reviewed on its own: ``/review/{id}/patient``.

The page shows each patient bullet beside its clinician wording and evidence, the reading
grade, and how many bullets the rules left out for patients (and by which rule); a reviewer
approves the wording there (a form POST carrying the CSRF token and the version seen) or
with ``POST /api/articles/{id}/approve-patient``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ... import articles
from ...answer.audience import patient_text, reading_grade
from ...articles.model import Article
from ...errors import BadRequest, Conflict
from ...review import wording
from ..auth import OVERSIGHT, FormViewer, PageViewer, Viewer, api_needs, require_any
from ..deps import WebDep
from ..errors import status_for

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api", tags=["review"])
DONE = "Approved. Readers of the patient wording now see it, with your name."


class ApprovePatientIn(BaseModel):
    seen_version: int = Field(ge=0, le=1_000_000, description="The version you reviewed.")
    comment: str = Field(default="", max_length=4000)


def _clinician_by_evidence(article: Article) -> dict[str, str]:
    return {" ".join(e.passage_id for e in b.evidence): b.text for b in article.all_bullets()}


def patient_review_page(
    request: Request,
    web: WebDep,
    viewer: Viewer,
    article_id: str,
    *,
    status: int = 200,
    done: str | None = None,
    error: str | None = None,
) -> HTMLResponse:
    store = web.rt.store
    article = articles.load(store.articles, article_id)  # the version under review, the latest
    if article.audience != "clinician" or article.abstained:
        raise BadRequest("this answer has no patient wording of its own to review")
    approvals = [
        a for a in wording.patient_approvals(store, article.id) if a.version == article.version
    ]
    made = wording.patient_article(store, article)
    html = web.pages.render(
        "review_patient.html",
        request,
        a=article,
        w=made,
        approvals=approvals,
        grade=reading_grade(patient_text(made)),
        left_out=made.metadata.get("left_out_for_patients") or {},
        clinician_text=_clinician_by_evidence(article),
        refs={r.n: r for r in article.references},
        can_approve=viewer.role == "reviewer" and article.status == "approved" and not approvals,
        done=done,
        error=error,
    )
    return HTMLResponse(html, status)


@router.get("/review/{article_id}/patient", response_class=HTMLResponse)
def patient_review(
    request: Request, web: WebDep, viewer: PageViewer, article_id: str, done: str | None = None
) -> HTMLResponse:
    checked = require_any(viewer, *OVERSIGHT)
    return patient_review_page(request, web, checked, article_id, done=DONE if done else None)


@router.post("/review/{article_id}/patient/approve")
async def approve_patient_form(
    request: Request,
    web: WebDep,
    viewer: FormViewer,
    article_id: str,
    seen_version: Annotated[int, Form(ge=0, le=1_000_000)],
    comment: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    user = require_any(viewer, "review").user
    try:
        article = await run_in_threadpool(
            wording.approve_patient, web.rt.store, user, article_id, seen_version, comment
        )
    except (Conflict, BadRequest) as exc:
        return await run_in_threadpool(
            patient_review_page,
            request,
            web,
            viewer,
            article_id,
            status=status_for(exc),
            error=str(exc),
        )
    web.article_pages.invalidate(article)  # readers see the new status at once
    return RedirectResponse(f"/review/{article.id}/patient?done=approve", status_code=303)


@api_router.post("/articles/{article_id}/approve-patient", response_model=Article)
async def approve_patient_api(
    web: WebDep,
    viewer: Annotated[Viewer, api_needs("review")],
    article_id: str,
    body: ApprovePatientIn,
) -> Response:
    """Approve the patient wording of the approved clinician version you saw; returns the
    patient wording as approved. 409 if the article changed or its clinician wording is not
    approved yet."""
    article = await run_in_threadpool(
        wording.approve_patient,
        web.rt.store,
        viewer.user,
        article_id,
        body.seen_version,
        body.comment,
    )
    web.article_pages.invalidate(article)
    return Response(article.model_dump_json(), media_type="application/json")
