"""The patient wording of an article, reviewed on its own: ``/review/{id}/patient``.

The page shows each patient bullet beside its clinician wording and evidence, the reading
grade, and how many bullets the rules left out for patients (and by which rule); a reviewer
approves, rejects (saying why) or edits the wording there (form POSTs carrying the CSRF token,
the clinician version and the patient revision seen), or through the API
(``POST /api/articles/{id}/approve-patient``, ``reject-patient``, ``edit-patient``). A refused
action shows the page again with the reason and what the reviewer typed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ...answer.audience import patient_text, reading_grade
from ...articles.model import Article
from ...errors import BadRequest, Conflict, UnsupportedNumbers
from ...review import wording
from ...review.accounts import User
from ...review.edits import Edit
from ...store.base import Store
from ..auth import OVERSIGHT, FormViewer, PageViewer, Viewer, api_needs, require_any
from ..deps import WebDep
from ..errors import status_for
from ..review_form import EditForm
from ..review_schemas import PatientDecisionIn, PatientEditIn, PatientRejectIn, SeenRevisionIn
from .review_actions import Comment, SeenVersion, comment_too_long, unsupported_numbers

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api", tags=["review"])
SeenRevision = Annotated[int, Form(ge=0, le=1_000_000)]
Reviewer = Annotated[Viewer, api_needs("review")]


@dataclass(frozen=True)
class PatientAction:
    """One reviewer action on the patient wording, as the page's form and the API both run it."""

    name: str  # in the form's URL, the page's ``?done=`` and the API's ``{name}-patient``
    act: Callable[..., Article]  # wording.approve_patient, reject_patient or edit_patient
    done: str  # what the page says once it is done
    body: type[SeenRevisionIn]  # what the API takes
    body_fields: tuple[str, ...]  # what of it the action gets, after the seen version
    api_doc: str  # the API's description of it

    async def run(
        self,
        web: WebDep,
        user: User,
        article_id: str,
        seen: tuple[int, int | None],
        given: Callable[[Store], Sequence[Any]],
    ) -> Article:
        """Run it off the event loop on the clinician version and patient revision ``seen``,
        with what ``given`` makes of the request (it may refuse by raising); readers see the
        result at once."""

        def run() -> Article:
            store = web.rt.store
            version, revision = seen
            return self.act(store, user, article_id, version, *given(store), seen_revision=revision)

        article = await run_in_threadpool(run)
        web.article_pages.invalidate(article)
        return article


APPROVE = PatientAction(
    "approve",
    wording.approve_patient,
    done="Approved. Readers of the patient wording now see it, with your name.",
    body=PatientDecisionIn,
    body_fields=("comment",),
    api_doc="""Approve the patient wording of the approved clinician version you saw; returns the
    patient wording as approved. 409 if the article or its patient wording changed, or its
    clinician wording is not approved yet.""",
)
REJECT = PatientAction(
    "reject",
    wording.reject_patient,
    done="Rejected. Readers see the patient wording as pending review; your reason is kept.",
    body=PatientRejectIn,
    body_fields=("reason",),
    api_doc="""Reject the patient wording you saw, with a reason; readers then see it as pending
    review (an approval of it is withdrawn). Returns it, with status "rejected".""",
)
EDIT = PatientAction(
    "edit",
    wording.edit_patient,
    done="Saved. The edited patient wording now awaits approval.",
    body=PatientEditIn,
    body_fields=("edits", "note"),
    api_doc="""Apply edits to the patient wording you saw (positions are those of that wording; a
    number its evidence lacks needs a reason, else 422); it then awaits approval.""",
)
DONE = {action.name: action.done for action in (APPROVE, REJECT, EDIT)}


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
    typed: dict[str, Any] | None = None,
) -> HTMLResponse:
    review = wording.patient_review(web.rt.store, article_id)
    article, made = review.clinician, review.wording
    reviewer = viewer.role == "reviewer"
    html = web.pages.render(
        "review_patient.html",
        request,
        a=article,
        w=made,
        review=review,
        approvals=review.approvals if review.status == "approved" else [],
        grade=reading_grade(patient_text(made)),
        left_out=made.metadata.get("left_out_for_patients") or {},
        clinician_text=_clinician_by_evidence(article),
        refs={r.n: r for r in article.references},
        can_approve=reviewer and article.status == "approved" and review.status != "approved",
        can_act=reviewer,
        typed=typed or {},
        done=done,
        error=error,
    )
    return HTMLResponse(html, status)


@router.get("/review/{article_id}/patient", response_class=HTMLResponse)
def patient_review(
    request: Request, web: WebDep, viewer: PageViewer, article_id: str, done: str | None = None
) -> HTMLResponse:
    checked = require_any(viewer, *OVERSIGHT)
    return patient_review_page(request, web, checked, article_id, done=DONE.get(done or ""))


async def _form_action(
    request: Request,
    web: WebDep,
    viewer: Viewer,
    user: User,
    article_id: str,
    action: PatientAction,
    seen: tuple[int, int],
    given: Callable[[Store], Sequence[Any]],
    typed: dict[str, Any],
) -> Response:
    """Run the action as ``user`` (the viewer, checked to be a reviewer); on success back to
    the page (POST-redirect-GET), else the page again with the reason and what was typed."""
    try:
        article = await action.run(web, user, article_id, seen, given)
    except (Conflict, BadRequest) as exc:
        status = status_for(exc)
        error = unsupported_numbers(exc) if isinstance(exc, UnsupportedNumbers) else str(exc)
        return await run_in_threadpool(
            lambda: patient_review_page(
                request, web, viewer, article_id, status=status, error=error, typed=typed
            )
        )
    return RedirectResponse(f"/review/{article.id}/patient?done={action.name}", status_code=303)


def _decision(action: PatientAction) -> None:
    """approve or reject, with the text of the form's ``comment`` box: a comment for the
    audit trail, or the reason for a rejection (required)."""

    async def decide(
        request: Request,
        web: WebDep,
        viewer: FormViewer,
        article_id: str,
        seen_version: SeenVersion,
        seen_revision: SeenRevision = 0,
        comment: Comment = "",
    ) -> Response:
        user = require_any(viewer, "review").user

        def given(store: Store) -> tuple[str]:
            if refused := comment_too_long(comment):
                raise refused
            return (comment,)

        seen = (seen_version, seen_revision)
        typed = {action.name: comment}
        return await _form_action(
            request, web, viewer, user, article_id, action, seen, given, typed
        )

    decide.__name__ = f"{action.name}_patient_form"
    router.add_api_route(f"/review/{{article_id}}/patient/{action.name}", decide, methods=["POST"])


_decision(APPROVE)
_decision(REJECT)


@router.post("/review/{article_id}/patient/edit")
async def edit_patient_form(
    request: Request,
    web: WebDep,
    viewer: FormViewer,
    article_id: str,
    seen_version: SeenVersion,
    seen_revision: SeenRevision = 0,
) -> Response:
    """Save every change in the patient wording's edit form at once."""
    user = require_any(viewer, "review").user
    form = EditForm.parse(await request.form())
    typed = {"texts": form.texts, "reasons": form.reasons, "note": form.version_note}

    def given(store: Store) -> tuple[list[Edit], str]:
        base = wording.patient_review(store, article_id).wording
        return form.edits(base), form.version_note

    seen = (seen_version, seen_revision)
    return await _form_action(request, web, viewer, user, article_id, EDIT, seen, given, typed)


# ---- the API ---------------------------------------------------------------------------------
def _api_route(action: PatientAction) -> None:
    """``POST /api/articles/{id}/{name}-patient``: returns the patient wording as it is then."""

    async def act(web: WebDep, viewer: Reviewer, article_id: str, body: SeenRevisionIn) -> Response:
        seen = (body.seen_version, body.seen_revision)
        given = tuple(getattr(body, field) for field in action.body_fields)
        article = await action.run(web, viewer.user, article_id, seen, lambda _: given)
        return Response(article.model_dump_json(), media_type="application/json")

    # The action's own request model: a string annotation could not name this closure's.
    act.__annotations__["body"] = action.body
    act.__name__, act.__doc__ = f"{action.name}_patient_api", action.api_doc
    path = f"/articles/{{article_id}}/{action.name}-patient"
    api_router.add_api_route(path, act, methods=["POST"], response_model=Article)


_api_route(APPROVE)
_api_route(REJECT)
_api_route(EDIT)
