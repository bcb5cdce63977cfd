"""Audit entries as sentences: what the pages show instead of raw JSON."""

from __future__ import annotations

from types import SimpleNamespace

from curbside.review.audit_text import describe, describe_row, edit_texts

NAMES = {"rev@example.org": "Dr Ada Reviewer", "u1": "Dr Bo Second", "system": "Curbside"}


def _entry(
    action: str,
    detail: dict,
    before: int | None = 1,
    after: int | None = 1,
    actor="rev@example.org",
):
    return SimpleNamespace(
        actor=actor, action=action, version_before=before, version_after=after, detail=detail
    )


def test_an_edit_says_what_it_changed_and_keeps_the_words():
    detail = {
        "edits": [
            {"kind": "edit_bullet", "section": 0, "bullet": 1, "text": "New text."},
            {"kind": "edit_bullet", "section": 1, "bullet": 0, "text": "More.", "reason": "local"},
            {"kind": "edit_bottom_line", "text": "Bottom."},
            {"kind": "add_note", "text": "A note."},
        ]
    }
    assert describe(_entry("edit", detail, 1, 2), NAMES) == (
        "Dr Ada Reviewer saved version 2: rewrote 2 bullets, edited the bottom line and "
        "added a note."
    )
    assert edit_texts(detail) == [
        ("Section 1, bullet 2", "New text."),
        ("Section 2, bullet 1", "More."),
        ("Reason for the number", "local"),
        ("Bottom line", "Bottom."),
        ("Note", "A note."),
    ]


def test_a_refused_action_says_why_and_keeps_what_was_submitted():
    detail = {
        "attempted": {"action": "edit", "edits": [{"kind": "add_note", "text": "Mine."}]},
        "current_version": 3,
        "current_status": "under_review",
    }
    sentence = describe(_entry("conflict", detail, 2, None), NAMES)
    assert sentence.startswith("Dr Ada Reviewer's edit of version 2 was not applied")
    assert "it was version 3, under review" in sentence
    assert edit_texts(detail) == [("Note", "Mine.")]


def test_decisions_stale_sources_and_accounts_read_as_sentences():
    assert describe(_entry("approve", {}, 2, 2), NAMES) == "Dr Ada Reviewer approved version 2."
    stale = _entry("mark_stale", {"document_ids": ["d1"], "reason": "removed"}, actor="system")
    assert describe(stale, NAMES) == (
        "1 cited document was retired in the library, so the approved answer went back to "
        "review (needs review)."
    )
    created = {
        "actor": "rev@example.org",
        "action": "role_changed",
        "detail": {"user_id": "u1", "role": "admin"},
    }
    assert describe_row(created, NAMES) == "Dr Ada Reviewer made Dr Bo Second an admin."


def test_someone_no_longer_known_keeps_the_recorded_email():
    entry = _entry("claim", {}, actor="gone@example.org")
    assert describe(entry, NAMES) == "gone@example.org claimed version 1 for review."


def test_patient_wording_actions_read_as_sentences():
    approve = _entry("approve_patient", {"wording": "patient"}, 3, 3)
    assert describe(approve, NAMES) == "Dr Ada Reviewer approved the patient wording of version 3."
    reject = _entry("reject_patient", {"reason": "too vague"}, 3, 3)
    assert describe(reject, NAMES) == (
        "Dr Ada Reviewer rejected the patient wording of version 3: “too vague”."
    )
    edit = _entry("edit_patient", {"edits": [{"kind": "edit_bottom_line", "text": "Iron."}]}, 3, 3)
    assert describe(edit, NAMES).startswith(
        "Dr Ada Reviewer edited the patient wording of version 3: "
    )
    assert edit_texts(edit.detail) == [("Bottom line", "Iron.")]
