"""The review form read into edits: positions, the bottom line, titles, and conflicts."""

from __future__ import annotations

import pytest
from starlette.datastructures import FormData

from curbside.articles.model import Evidence
from curbside.review.edits import EditBottomLine, EditSectionTitle, ReorderBullets
from curbside.web.review_form import BOTTOM_LINE, EditForm

from ..review.test_edits import _article, _bullet


def _three() -> object:
    article = _article()
    article.sections[0].bullets.append(_bullet("Take it with orange juice."))
    article.bottom_line.evidence = [Evidence(ref=1, passage_id="p-0", quote="200 mg daily")]
    return article


def _form(**fields: str) -> EditForm:
    return EditForm.parse(FormData(list(fields.items())))


@pytest.mark.parametrize(
    ("positions", "order"),
    [
        ({"position-0-2": "1"}, [2, 0, 1]),  # typed up: before the one it displaces
        ({"position-0-0": "3"}, [1, 2, 0]),  # typed down: after it
        ({"position-0-0": "2", "position-0-1": "1"}, [1, 0, 2]),  # swapped in the page
        ({"position-0-1": "99"}, [0, 2, 1]),  # past the end: last
        ({"position-0-0": "0"}, [0, 1, 2]),  # before the start: first, where it was
    ],
)
def test_positions_give_one_reorder_of_the_section(positions, order):
    expected = [] if order == [0, 1, 2] else [ReorderBullets(section=0, order=order)]
    assert _form(**positions).edits(_three()) == expected


@pytest.mark.parametrize("value", ["", "two", "-1", "1.5", "1" * 6])
def test_a_position_that_is_no_number_leaves_the_bullet_where_it_was(value):
    assert _form(**{"position-0-0": value}).edits(_three()) == []


def test_removals_after_a_reorder_remove_the_bullets_the_reviewer_ticked():
    article = _three()
    edits = _form(**{"position-0-2": "1", "remove-0-0": "1"}).edits(article)
    assert edits[0] == ReorderBullets(section=0, order=[2, 0, 1])
    assert [(e.kind, e.bullet) for e in edits[1:]] == [("remove_bullet", 1)]  # now second


def test_bottom_line_and_titles_become_edits_only_when_their_words_changed():
    article = _three()
    same = _form(bottom_line=f"  {article.bottom_line.text} ", **{"title-0": "Initial  treatment"})
    assert same.edits(article) == []
    changed = _form(bottom_line="Give 200 mg daily.", **{"title-1": "Checks", "title-9": "x"})
    assert changed.edits(article) == [
        EditBottomLine(text="Give 200 mg daily."),
        EditSectionTitle(section=1, title="Checks"),
    ]
    assert [c.label for c in changed.changed(article)] == [
        "The bottom line",
        "The title of section 2",
    ]


def test_the_number_rule_flags_the_bottom_line_and_titles_by_the_edit_layer():
    article = _three()
    form = _form(bottom_line="Give 650 mg daily.", **{"title-1": "At 6 weeks", "title-0": "Dose"})
    assert form.unsupported(article) == {BOTTOM_LINE: ["650 mg"], (1, None): ["6 week"]}
    form.reasons[BOTTOM_LINE] = "Local formulary."
    assert BOTTOM_LINE not in form.unsupported(article)


def test_after_a_conflict_the_bottom_line_and_titles_go_back_where_unchanged():
    base = _three()
    form = _form(bottom_line="Give 200 mg a day.", **{"title-0": "Dose", "title-1": "Checks"})
    changes = form.changed(base)
    newer = base.model_copy(deep=True)
    newer.sections[1].title = "Monitoring, changed meanwhile"
    kept = form.rebased(changes, newer)
    assert kept.texts == {BOTTOM_LINE: "Give 200 mg a day.", (0, None): "Dose"}
    assert [c.carried for c in changes] == [True, True, False]
