"""The patient wording's own review, in the domain: compare-and-set on its revision, what
readers see after each action, and approvals made before migration 0012 kept."""

from __future__ import annotations

import pytest

from curbside.answer.pipeline import answer
from curbside.errors import Conflict, InvalidTransition, UnsupportedNumbers
from curbside.review import service, wording
from curbside.review.edits import EditBottomLine
from curbside.store import migrations, schema

from .conftest import QUESTION


@pytest.fixture
def approved(store, article, reviewer):
    claimed = service.claim(store, reviewer, article.id, article.version)
    return service.approve(store, reviewer, article.id, claimed.version)


def test_two_reviewers_acting_on_the_same_revision_one_wins(
    store, approved, reviewer, second_reviewer
):
    wording.approve_patient(store, reviewer, approved.id, approved.version, seen_revision=0)
    with pytest.raises(Conflict, match="another reviewer"):
        wording.reject_patient(
            store, second_reviewer, approved.id, approved.version, "too long", seen_revision=0
        )
    review = wording.patient_review(store, approved.id)
    assert (review.status, review.revision, len(review.approvals)) == ("approved", 1, 1)


def test_readers_see_approved_only_while_the_wording_itself_is_approved(
    runtime, store, approved, reviewer
):
    def reader_status() -> tuple[str, int]:
        view = wording.patient_view(store, approved.id)
        return view.article.status, len(view.approvals)

    assert reader_status() == ("submitted", 0)
    wording.approve_patient(store, reviewer, approved.id, approved.version)
    assert reader_status() == ("approved", 1)
    # answer() for patients gives the same wording, found through the articles store.
    assert answer(QUESTION, runtime, audience="patient").status == "approved"
    wording.reject_patient(store, reviewer, approved.id, approved.version, "unclear")
    assert reader_status() == ("submitted", 0)
    assert answer(QUESTION, runtime, audience="patient").status == "submitted"
    with pytest.raises(InvalidTransition):
        wording.reject_patient(store, reviewer, approved.id, approved.version, "again")
    edit = EditBottomLine(text="Ferrous sulfate 200 mg once a day.")
    wording.edit_patient(store, reviewer, approved.id, approved.version, [edit])
    assert reader_status() == ("submitted", 0)
    assert wording.patient_view(store, approved.id).article.bottom_line.text == edit.text
    wording.approve_patient(store, reviewer, approved.id, approved.version)
    view = wording.patient_view(store, approved.id)
    assert (view.article.status, view.article.bottom_line.text) == ("approved", edit.text)
    actions = [e["action"] for e in _audit(store, approved.id)]
    assert actions[-4:] == ["approve_patient", "reject_patient", "edit_patient", "approve_patient"]


def test_an_edit_bringing_a_number_the_evidence_lacks_is_refused(store, approved, reviewer):
    with pytest.raises(UnsupportedNumbers):
        wording.edit_patient(
            store, reviewer, approved.id, approved.version, [EditBottomLine(text="Take 400 mg.")]
        )
    assert wording.patient_review(store, approved.id).revision == 0


def test_approvals_made_before_migration_0012_keep_their_wording(store, approved, reviewer):
    done = wording.approve_patient(store, reviewer, approved.id, approved.version)
    with store.engine.begin() as conn:  # as a database migrated up to 0011 holds it
        conn.execute(schema.patient_wordings.delete())
    assert wording.patient_view(store, approved.id).article.status == "submitted"
    with store.engine.begin() as conn:
        migrations._patient_wording_review(conn)
    view = wording.patient_view(store, approved.id)
    assert view.article.status == "approved" and view.approvals[0].reviewer_name == reviewer.name
    assert view.article.bottom_line.text == done.bottom_line.text


def _audit(store, article_id: str) -> list[dict]:
    from curbside.review import store as q

    with store.review.reading() as conn:
        return list(q.audit_rows(conn, article_id))
