"""The workflow allows exactly the transitions of the issue, to exactly the right roles."""

from __future__ import annotations

import itertools

import pytest

from curbside.errors import Conflict, Forbidden, InvalidTransition
from curbside.review.workflow import (
    ACTIONS,
    ACTOR_ROLES,
    ROLES,
    STATUSES,
    allowed,
    may,
    may_ask,
    require,
    transition,
)

# Written out by hand from the issue, not derived from the module under test.
EXPECTED = {
    ("submitted", "claim", "reviewer"): "under_review",
    ("needs_review", "claim", "reviewer"): "under_review",
    ("under_review", "edit", "reviewer"): "under_review",
    ("changes_requested", "edit", "reviewer"): "under_review",
    ("under_review", "approve", "reviewer"): "approved",
    ("under_review", "request_changes", "reviewer"): "changes_requested",
    ("under_review", "reject", "reviewer"): "rejected",
    ("approved", "mark_stale", "system"): "needs_review",
}
CASES = list(itertools.product(STATUSES, ACTIONS, ACTOR_ROLES))


def test_the_case_grid_covers_every_status_action_and_role():
    assert len(STATUSES) == 6 and len(ACTIONS) == 6 and len(ACTOR_ROLES) == 5
    assert len(CASES) == 180
    assert set(EXPECTED) <= set(CASES)


@pytest.mark.parametrize(("status", "action", "role"), CASES)
def test_transition_is_allowed_exactly_where_the_issue_says(status, action, role):
    expected = EXPECTED.get((status, action, role))
    assert allowed(status, action, role) is (expected is not None)
    if expected is not None:
        assert transition(status, action, role) == expected
        return
    role_may_ever = any(key[1:] == (action, role) for key in EXPECTED)
    error = InvalidTransition if role_may_ever else Forbidden
    with pytest.raises(error):
        transition(status, action, role)


def test_a_wrong_role_is_forbidden_before_the_status_is_considered():
    with pytest.raises(Forbidden):
        transition("approved", "approve", "reader")
    with pytest.raises(Forbidden, match="admin may not approve"):
        transition("under_review", "approve", "admin")


def test_invalid_transition_is_a_conflict_that_names_the_status():
    with pytest.raises(Conflict, match="cannot approve an article that is submitted") as info:
        transition("submitted", "approve", "reviewer")
    assert isinstance(info.value, InvalidTransition)
    assert info.value.current_status == "submitted"


def test_rejected_is_terminal():
    assert not any(allowed("rejected", a, r) for a in ACTIONS for r in ACTOR_ROLES)


def test_unknown_status_action_or_role_is_never_allowed():
    assert not allowed("draft", "claim", "reviewer")
    assert not allowed("submitted", "publish", "reviewer")
    assert not allowed("submitted", "claim", "superuser")


@pytest.mark.parametrize(
    ("role", "permission", "expected"),
    [
        *[
            ("admin", p, p in ("manage_users", "read"))
            for p in ("manage_users", "manage_library", "review", "read")
        ],
        *[
            ("reviewer", p, p in ("review", "read"))
            for p in ("manage_users", "manage_library", "review", "read")
        ],
        *[
            ("editor", p, p in ("manage_library", "read"))
            for p in ("manage_users", "manage_library", "review", "read")
        ],
        *[("reader", p, p == "read") for p in ("manage_users", "manage_library", "review", "read")],
        *[(None, p, False) for p in ("manage_users", "manage_library", "review", "read")],
        *[("system", p, False) for p in ("manage_users", "manage_library", "review", "read")],
    ],
)
def test_only_admins_manage_users_and_only_editors_manage_the_library(role, permission, expected):
    assert may(role, permission) is expected
    if expected:
        require(role, permission)
    else:
        with pytest.raises(Forbidden):
            require(role, permission)


@pytest.mark.parametrize("role", ROLES)
def test_every_signed_in_role_may_ask_and_anonymous_visitors_follow_the_setting(role):
    assert may_ask(role, anonymous_can_ask=False)
    assert may_ask(None, anonymous_can_ask=True)
    assert not may_ask(None, anonymous_can_ask=False)
