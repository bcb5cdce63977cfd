"""The editorial workflow as a pure state machine, and who may do what.

    submitted          ─claim───────────▶ under_review     a reviewer takes it on
    under_review       ─approve─────────▶ approved
    under_review       ─request_changes─▶ changes_requested
    under_review       ─reject──────────▶ rejected         terminal
    under_review       ─edit────────────▶ under_review     every edit is a new version
    changes_requested  ─edit────────────▶ under_review     a reviewer's edit or a fresh answer
    approved           ─mark_stale──────▶ needs_review     a cited document changed
    needs_review       ─claim───────────▶ under_review

Who moves articles: **reviewers only**. Admins manage accounts but do not approve answers:
"Reviewed by …" must name a member of the medical advisory board, so a physician who also
administers the service keeps two accounts. The pseudo-role ``system`` (never a user's role)
may only ``mark_stale``, which ingest triggers when a cited document changes. Editors manage
the library; readers read, and ask. Rejected is terminal: a new answer is a new article.

>>> transition("submitted", "claim", "reviewer")
'under_review'
>>> allowed("under_review", "approve", "admin")
False
"""

from __future__ import annotations

from typing import Literal, get_args

from ..errors import Forbidden, InvalidTransition

Status = Literal[
    "submitted", "under_review", "approved", "changes_requested", "rejected", "needs_review"
]
Action = Literal["claim", "edit", "approve", "request_changes", "reject", "mark_stale"]
Role = Literal["admin", "reviewer", "editor", "reader"]
ActorRole = Literal["admin", "reviewer", "editor", "reader", "system"]
Permission = Literal["manage_users", "manage_library", "review", "read"]

STATUSES: tuple[str, ...] = get_args(Status)
ACTIONS: tuple[str, ...] = get_args(Action)
ROLES: tuple[str, ...] = get_args(Role)
ACTOR_ROLES: tuple[str, ...] = get_args(ActorRole)

# (status, action) → new status: the whole workflow.
TRANSITIONS: dict[tuple[str, str], str] = {
    ("submitted", "claim"): "under_review",
    ("needs_review", "claim"): "under_review",
    ("under_review", "edit"): "under_review",
    ("changes_requested", "edit"): "under_review",
    ("under_review", "approve"): "approved",
    ("under_review", "request_changes"): "changes_requested",
    ("under_review", "reject"): "rejected",
    ("approved", "mark_stale"): "needs_review",
}

# Which role may take which action, whatever the status.
ACTION_ROLES: dict[str, frozenset[str]] = {
    "claim": frozenset({"reviewer"}),
    "edit": frozenset({"reviewer"}),
    "approve": frozenset({"reviewer"}),
    "request_changes": frozenset({"reviewer"}),
    "reject": frozenset({"reviewer"}),
    "mark_stale": frozenset({"system"}),
}

PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset({"manage_users", "read"}),
    "reviewer": frozenset({"review", "read"}),
    "editor": frozenset({"manage_library", "read"}),
    "reader": frozenset({"read"}),
    "system": frozenset(),
}

# Statuses in which a reviewer still has work to do: the default review queue.
OPEN_STATUSES: tuple[str, ...] = ("submitted", "needs_review", "under_review", "changes_requested")


def allowed(status: str, action: str, role: str) -> bool:
    """Whether ``role`` may take ``action`` on an article in ``status``."""
    return role in ACTION_ROLES.get(action, frozenset()) and (status, action) in TRANSITIONS


def transition(status: str, action: str, role: str) -> str:
    """The status after the action; Forbidden for the wrong role, InvalidTransition otherwise.

    The role is checked first, so a reader learns nothing about the workflow by probing it.
    """
    check_role(action, role)
    new = TRANSITIONS.get((status, action))
    if new is None:
        raise InvalidTransition(
            f"cannot {_words(action)} an article that is {_words(status)}",
            current_status=status,
        )
    return new


def check_role(action: str, role: str) -> None:
    """Forbidden unless the role may ever take this action."""
    if role not in ACTION_ROLES.get(action, frozenset()):
        raise Forbidden(f"a {role} may not {_words(action)} articles")


def may(role: str | None, permission: str) -> bool:
    """Whether a role (None: an anonymous visitor) holds a permission."""
    return role is not None and permission in PERMISSIONS.get(role, frozenset())


def require(role: str | None, permission: str) -> None:
    if not may(role, permission):
        raise Forbidden(f"this needs the {_words(permission)} permission")


def may_ask(role: str | None, anonymous_can_ask: bool) -> bool:
    """Every signed-in role may ask; anonymous visitors only where the setting allows."""
    return role is not None or anonymous_can_ask


def _words(name: str) -> str:
    return name.replace("_", " ")
