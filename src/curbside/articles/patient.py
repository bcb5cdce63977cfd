"""The patient wording of an article as readers get it: made from a clinician version, with a
review status of its own. Pure but for one read of the articles store.

One article holds both wordings. The patient wording of a clinician version is the wording a
reviewer approved or edited (``patient_wordings``, written by ``review/wording.py``), else the
one the rules make (``make``: ``answer.audience.for_patients``, passed in because articles sit
below the answer package). It reads "approved" only when a reviewer approved that wording of
the clinician version readers see, and that version is approved; otherwise it is pending.

>>> patient_wording(rt.articles, clinician, for_patients).status         # doctest: +SKIP
'submitted'
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .model import Article
from .store import ArticleStore


def pending_status(clinician_status: str) -> str:
    """The patient wording's status while no reviewer has approved it: the clinician
    wording's, except that its approval does not carry over."""
    return "submitted" if clinician_status == "approved" else clinician_status


def approved(state: dict[str, Any] | None, clinician: Article) -> bool:
    """Readers see the patient wording as approved: its reviewer approved it (and nothing
    was edited or rejected since), and the clinician version it is made from is approved."""
    return bool(state) and state["status"] == "approved" and clinician.status == "approved"


def worded(
    state: dict[str, Any] | None, clinician: Article, make: Callable[[Article], Article]
) -> Article:
    """The patient wording of ``clinician`` given where its review stands (``state``)."""
    if clinician.audience == "patient":  # stored for patients before migration 0008
        return clinician
    if state and state.get("body"):
        wording = Article.model_validate(state["body"])
        # What changes after a review without changing the wording: the related questions.
        wording.related_questions = clinician.related_questions
    else:
        wording = make(clinician)
    wording.status = "approved" if approved(state, clinician) else pending_status(clinician.status)
    return wording


def patient_wording(
    store: ArticleStore, clinician: Article, make: Callable[[Article], Article]
) -> Article:
    """The patient wording of this clinician article (version), with its own status."""
    if clinician.audience == "patient":
        return clinician
    return worded(store.patient_wording(clinician.id, clinician.version), clinician, make)
