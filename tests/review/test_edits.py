"""Reviewer edits, pure: bullets, order, notes, the number rule, and the diff."""

from __future__ import annotations

import pytest

from curbside.articles.model import Article, BottomLine, Bullet, Evidence, Section
from curbside.errors import BadRequest, UnsupportedNumbers
from curbside.review.edits import (
    EDITS,
    AddNote,
    EditBottomLine,
    EditBullet,
    EditSectionTitle,
    RemoveBullet,
    ReorderBullets,
    ReorderSections,
    apply_edits,
    bottom_line_addition,
    diff_articles,
    title_addition,
)

AT = "2026-01-02T03:04:05+00:00"


def _bullet(text: str) -> Bullet:
    return Bullet(
        text=text, citations=[1], evidence=[Evidence(ref=1, passage_id="p-0", quote=text)]
    )


def _article() -> Article:
    return Article(
        id="a1",
        question="Iron dose?",
        bottom_line=BottomLine(text="Give ferrous sulfate 200 mg once daily."),
        sections=[
            Section(
                title="Initial treatment",
                bullets=[
                    _bullet("Give ferrous sulfate 200 mg once daily."),
                    _bullet("Continue for 3 months after the haemoglobin is normal."),
                ],
            ),
            Section(title="Monitoring", bullets=[_bullet("Check haemoglobin after 4 weeks.")]),
        ],
        created_at=AT,
        updated_at=AT,
    )


def test_editing_a_bullet_keeps_its_evidence_and_leaves_the_original_alone():
    original = _article()
    edit = EditBullet(section=0, bullet=0, text="Give  ferrous sulfate 200 mg daily with food.")
    edited = apply_edits(original, [edit], reviewer="Dr A", at=AT)
    bullet = edited.sections[0].bullets[0]
    assert bullet.text == "Give ferrous sulfate 200 mg daily with food."
    before = original.sections[0].bullets[0].evidence
    assert [(e.passage_id, e.quote) for e in bullet.evidence] == [
        (e.passage_id, e.quote) for e in before
    ]
    assert bullet.evidence[0].numbers == ["200"]  # the marks follow the new wording
    assert before[0].numbers == []  # the original's evidence is left as it was
    assert bullet.reviewer_addition is None
    assert original.sections[0].bullets[0].text == "Give ferrous sulfate 200 mg once daily."


def test_a_shortening_edit_marks_the_quote_as_the_full_source_sentence():
    edit = EditBullet(section=0, bullet=1, text="Continue for 3 months.")
    edited = apply_edits(_article(), [edit], reviewer="Dr A", at=AT)
    evidence = edited.sections[0].bullets[1].evidence[0]
    assert evidence.shortened and evidence.numbers == ["3"]
    unchanged = edited.sections[0].bullets[0].evidence[0]
    assert not unchanged.shortened


def test_a_new_number_is_refused_without_a_reason():
    edit = EditBullet(section=0, bullet=0, text="Give ferrous sulfate 400 mg once daily.")
    with pytest.raises(UnsupportedNumbers, match="400 mg") as info:
        apply_edits(_article(), [edit], reviewer="Dr A", at=AT)
    assert info.value.numbers == ["400 mg"]
    blank = edit.model_copy(update={"reason": "   "})
    with pytest.raises(UnsupportedNumbers):
        apply_edits(_article(), [blank], reviewer="Dr A", at=AT)


def test_a_new_number_with_a_reason_is_kept_as_a_reviewers_addition():
    edit = EditBullet(
        section=0,
        bullet=0,
        text="Give ferrous sulfate 400 mg once daily.",
        reason="Local protocol 12 uses the higher dose.",
    )
    bullet = apply_edits(_article(), [edit], reviewer="Dr A", at=AT).sections[0].bullets[0]
    assert bullet.reviewer_addition is not None
    addition = bullet.reviewer_addition
    assert (addition.reason, addition.reviewer, addition.at) == (
        "Local protocol 12 uses the higher dose.",
        "Dr A",
        AT,
    )
    assert addition.numbers == ["400 mg"]


def test_an_edit_back_to_supported_numbers_clears_the_addition_flag():
    article = apply_edits(
        _article(),
        [EditBullet(section=0, bullet=0, text="Give 400 mg daily.", reason="protocol")],
        "Dr A",
        AT,
    )
    article = apply_edits(
        article, [EditBullet(section=0, bullet=0, text="Give 200 mg once daily.")], "Dr B", AT
    )
    assert article.sections[0].bullets[0].reviewer_addition is None


def test_equivalent_units_are_not_new_numbers():
    edit = EditBullet(section=0, bullet=0, text="Give ferrous sulfate 0.2 g once daily.")
    bullet = apply_edits(_article(), [edit], "Dr A", AT).sections[0].bullets[0]
    assert bullet.reviewer_addition is None


def test_removing_the_last_bullet_of_a_section_removes_the_section():
    article = apply_edits(_article(), [RemoveBullet(section=0, bullet=1)], "Dr A", AT)
    assert [b.text[:8] for b in article.sections[0].bullets] == ["Give fer"]
    article = apply_edits(article, [RemoveBullet(section=1, bullet=0)], "Dr A", AT)
    assert [s.title for s in article.sections] == ["Initial treatment"]


def test_reordering_bullets_and_sections():
    article = apply_edits(
        _article(),
        [ReorderBullets(section=0, order=[1, 0]), ReorderSections(order=[1, 0])],
        "Dr A",
        AT,
    )
    assert [s.title for s in article.sections] == ["Monitoring", "Initial treatment"]
    assert article.sections[1].bullets[0].text.startswith("Continue")


@pytest.mark.parametrize(
    "edit",
    [
        ReorderSections(order=[0]),
        ReorderSections(order=[0, 0]),
        ReorderBullets(section=0, order=[0, 1, 2]),
        ReorderBullets(section=5, order=[0]),
        RemoveBullet(section=0, bullet=9),
        RemoveBullet(section=-1, bullet=0),
        EditBullet(section=0, bullet=0, text="   "),
        EditBullet(section=0, bullet=0, text="x" * 2001),
        AddNote(text=" "),
    ],
)
def test_malformed_edits_are_refused_with_a_clear_message(edit):
    with pytest.raises(BadRequest):
        apply_edits(_article(), [edit], "Dr A", AT)


def test_notes_are_recorded_with_reviewer_and_time_and_kept_verbatim():
    hostile = "<script>alert('x')</script> check renal function"
    article = apply_edits(_article(), [AddNote(text=hostile)], "Dr A", AT)
    [note] = article.reviewer_notes
    assert (note.text, note.reviewer, note.at) == (hostile, "Dr A", AT)


def test_an_empty_edit_list_is_refused():
    with pytest.raises(BadRequest):
        apply_edits(_article(), [], "Dr A", AT)


def test_edits_parse_from_json_by_kind():
    edits = EDITS.validate_python(
        [
            {"kind": "edit_bullet", "section": 0, "bullet": 1, "text": "t", "reason": None},
            {"kind": "remove_bullet", "section": 0, "bullet": 0},
            {"kind": "add_note", "text": "n"},
        ]
    )
    assert [type(e).__name__ for e in edits] == ["EditBullet", "RemoveBullet", "AddNote"]
    with pytest.raises(ValueError):
        EDITS.validate_python([{"kind": "drop_table"}])
    with pytest.raises(ValueError):
        EDITS.validate_python([{"kind": "add_note", "text": "n", "extra": 1}])


def test_diff_shows_changed_removed_and_added_bullets_per_section():
    old = _article()
    new = apply_edits(
        old,
        [
            EditBullet(section=0, bullet=0, text="Give 400 mg.", reason="protocol"),
            RemoveBullet(section=1, bullet=0),
            AddNote(text="Checked against BSG 2021."),
        ],
        "Dr A",
        AT,
    )
    diff = {d.title: d for d in diff_articles(old, new)}
    assert not diff["Bottom line"].changed
    assert diff["Initial treatment"].lines == [
        ("-", "Give ferrous sulfate 200 mg once daily. [1]"),
        ("+", "Give 400 mg. [1] (reviewer's addition)"),
        (" ", "Continue for 3 months after the haemoglobin is normal. [1]"),
    ]
    assert diff["Monitoring"].lines == [("-", "Check haemoglobin after 4 weeks. [1]")]
    assert diff["Reviewer notes"].lines == [("+", "Checked against BSG 2021. (Dr A)")]
    assert not any(d.changed for d in diff_articles(new, new))


# ---- the bottom line and section titles: the same number rule as bullets -------------------
def _with_bottom_line_evidence() -> Article:
    article = _article()
    quote = "Give ferrous sulfate 200 mg once daily."
    article.bottom_line.evidence = [Evidence(ref=1, passage_id="p-0", quote=quote)]
    return article


def test_a_bottom_line_edit_with_a_number_its_evidence_lacks_is_refused_without_a_reason():
    edit = EditBottomLine(text="Give ferrous sulfate 650 mg once daily.")
    with pytest.raises(UnsupportedNumbers) as info:
        apply_edits(_with_bottom_line_evidence(), [edit], "Dr A", AT)
    assert info.value.numbers == ["650 mg"]
    supported = EditBottomLine(text="Ferrous  sulfate 200 mg, once daily.")
    edited = apply_edits(_with_bottom_line_evidence(), [supported], "Dr A", AT)
    assert edited.bottom_line.text == "Ferrous sulfate 200 mg, once daily."
    assert bottom_line_addition(edited) is None


def test_a_bottom_line_number_with_a_reason_is_an_addition_until_edited_back():
    edit = EditBottomLine(text="Give 650 mg once daily.", reason="Local formulary.")
    edited = apply_edits(_with_bottom_line_evidence(), [edit], "Dr A", AT)
    addition = bottom_line_addition(edited)
    assert addition is not None and addition.numbers == ["650 mg"]
    assert (addition.reason, addition.reviewer) == ("Local formulary.", "Dr A")
    diff = {d.title: d for d in diff_articles(_with_bottom_line_evidence(), edited)}
    assert diff["Bottom line"].lines[-1] == ("+", "Give 650 mg once daily. (reviewer's addition)")
    back = apply_edits(edited, [EditBottomLine(text="Give 200 mg once daily.")], "Dr B", AT)
    assert bottom_line_addition(back) is None


def test_a_section_title_is_checked_against_its_bullets_evidence():
    with pytest.raises(UnsupportedNumbers, match="6 week"):
        apply_edits(_article(), [EditSectionTitle(section=1, title="At 6 weeks")], "Dr A", AT)
    plain = apply_edits(_article(), [EditSectionTitle(section=1, title="At 4 weeks")], "A", AT)
    assert plain.sections[1].title == "At 4 weeks" and title_addition(plain, "At 4 weeks") is None
    kept = EditSectionTitle(section=1, title="At 6 weeks", reason="Clinic timetable.")
    article = apply_edits(_article(), [kept], "Dr A", AT)
    assert title_addition(article, "At 6 weeks").numbers == ["6 week"]
    # Retitled or removed, the section takes its addition with it.
    retitled = apply_edits(article, [EditSectionTitle(section=1, title="Review")], "Dr A", AT)
    assert retitled.metadata.get("title_additions") is None
    removed = apply_edits(article, [RemoveBullet(section=1, bullet=0)], "Dr A", AT)
    assert removed.metadata.get("title_additions") is None


@pytest.mark.parametrize(
    "edit",
    [
        EditBottomLine(text="  "),
        EditSectionTitle(section=0, title=" "),
        EditSectionTitle(section=0, title="x" * 201),
        EditSectionTitle(section=7, title="Dosing"),
    ],
)
def test_malformed_bottom_line_and_title_edits_are_refused(edit):
    with pytest.raises(BadRequest):
        apply_edits(_article(), [edit], "Dr A", AT)
