"""Audit entries as sentences a reviewer or administrator reads; people by name.

The trail itself (and ``curbside audit export``) keeps the raw JSON detail: these sentences
are only how the pages show it.

>>> describe(entry, {"rev@example.org": "Dr Ada Reviewer"})              # doctest: +SKIP
'Dr Ada Reviewer saved version 2: rewrote 1 bullet and added a note.'
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any, Protocol

from ..articles.model import STATUS_LABELS


class Entry(Protocol):
    actor: str
    action: str
    version_before: int | None
    version_after: int | None
    detail: dict[str, Any]


EDIT_WORDS = {
    "edit_bullet": ("rewrote {n} bullet", "rewrote {n} bullets"),
    "remove_bullet": ("removed {n} bullet", "removed {n} bullets"),
    "edit_bottom_line": ("edited the bottom line", "edited the bottom line"),
    "edit_section_title": ("retitled {n} section", "retitled {n} sections"),
    "reorder_bullets": (
        "reordered the bullets of {n} section",
        "reordered bullets in {n} sections",
    ),
    "reorder_sections": ("reordered the sections", "reordered the sections"),
    "add_note": ("added a note", "added {n} notes"),
    "fresh_answer": (
        "replaced the answer with a fresh one from the current library",
        "replaced the answer with a fresh one from the current library",
    ),
}
DECISIONS = {
    "approve": "approved version {v}",
    "request_changes": "asked for changes to version {v}",
    "reject": "rejected version {v}",
}


def _status(name: Any) -> str:
    return STATUS_LABELS.get(str(name), str(name).replace("_", " ")).lower()


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def edit_summary(edits: list[dict[str, Any]]) -> str:
    counts = Counter(str(e.get("kind", "")) for e in edits if isinstance(e, dict))
    parts = []
    for kind, n in counts.items():
        one, many = EDIT_WORDS.get(kind, (f"made {{n}} {kind.replace('_', ' ')}",) * 2)
        parts.append((one if n == 1 else many).format(n=n))
    return _and(parts) if parts else "changed nothing"


def edit_texts(detail: dict[str, Any]) -> list[tuple[str, str]]:
    """The words an edit (or an edit refused in a conflict) brought, each with where it goes,
    so that the trail shows a reviewer's text without its JSON."""
    edits = detail.get("edits") or (detail.get("attempted") or {}).get("edits") or []
    found = []
    for e in edits:
        if not isinstance(e, dict):
            continue
        kind = e.get("kind")
        if kind == "edit_bullet":
            where = f"Section {e.get('section', 0) + 1}, bullet {e.get('bullet', 0) + 1}"
            found.append((where, str(e.get("text", ""))))
        elif kind == "edit_bottom_line":
            found.append(("Bottom line", str(e.get("text", ""))))
        elif kind == "edit_section_title":
            found.append((f"Title of section {e.get('section', 0) + 1}", str(e.get("title", ""))))
        elif kind == "add_note":
            found.append(("Note", str(e.get("text", ""))))
        if e.get("reason"):
            found.append(("Reason for the number", str(e["reason"])))
    return found


def _documents(detail: dict[str, Any]) -> str:
    ids = detail.get("document_ids") or []
    return _plural(len(ids), "cited document")


def describe(entry: Entry, names: dict[str, str]) -> str:
    """One sentence (or two) saying what happened, without the comment (shown beside it)."""
    who = names.get(entry.actor, entry.actor)
    d = entry.detail or {}
    v = entry.version_before
    action = entry.action
    if action == "claim":
        return f"{who} claimed version {v} for review."
    if action == "edit":
        return f"{who} saved version {entry.version_after}: {edit_summary(d.get('edits', []))}."
    if action in DECISIONS:
        return f"{who} {DECISIONS[action].format(v=v)}."
    if action == "conflict":
        tried = (d.get("attempted") or {}).get("action", "change")
        now = d.get("current_version")
        return (
            f"{who}'s {str(tried).replace('_', ' ')} of version {v} was not applied: the article "
            f"had changed meanwhile (it was version {now}, {_status(d.get('current_status'))}). "
            "What they submitted is kept in this entry."
        )
    if action == "mark_stale":
        return (
            f"{_documents(d).capitalize()} {_was(d)} in the library, so the approved answer "
            "went back to review (needs review)."
        )
    if action == "source_changed":
        return f"{_documents(d).capitalize()} {_was(d)} in the library; the status stayed."
    if action == "set_aside":
        return f"{who} set it aside, out of the review queue: “{d.get('reason', '')}”."
    if action == "restore":
        return f"{who} put it back in the review queue."
    if action == "approve_patient":
        return f"{who} approved the patient wording of version {v}."
    if action == "reject_patient":
        return f"{who} rejected the patient wording of version {v}: “{d.get('reason', '')}”."
    if action == "edit_patient":
        return (
            f"{who} edited the patient wording of version {v}: {edit_summary(d.get('edits', []))}."
        )
    return _account_or_library(who, action, d, names)


def describe_row(row: Mapping[str, Any], names: dict[str, str]) -> str:
    """``describe`` for an audit row as the database returns it."""
    return describe(SimpleNamespace(**{k: row.get(k) for k in _ENTRY_FIELDS}), names)


_ENTRY_FIELDS = ("actor", "action", "version_before", "version_after", "detail")


def _was(detail: dict[str, Any]) -> str:
    reason = detail.get("reason")
    return {"superseded": "was replaced", "removed": "was retired"}.get(reason, "changed")


def _account_or_library(who: str, action: str, d: dict[str, Any], names: dict[str, str]) -> str:
    target = names.get(d.get("user_id", ""), d.get("email") or d.get("user_id") or "an account")
    role = d.get("role")
    sentences = {
        "user_created": f"{who} created the account of {target} ({role}).",
        "role_changed": f"{who} made {target} {_article(role)} {role}.",
        "user_activated": f"{who} enabled the account of {target}.",
        "user_deactivated": f"{who} disabled the account of {target}; they were signed out.",
        "password_set": f"{who} set a new password for {target}.",
        "token_issued": f"{who} issued an API token ({d.get('token_id')}) to {target}.",
        "token_revoked": f"{who} revoked the API token {d.get('token_id')} of {target}.",
        "login": f"{who} signed in.",
        "logout": f"{who} signed out.",
        "login_failed": f"A sign-in as {who} failed.",
        "locked_out": f"Sign-ins as {who} from one address were locked for a while.",
        "login_refused_locked": f"A sign-in as {who} was refused: that address is locked.",
    }
    if action in sentences:
        return sentences[action]
    if action == "library_upload":
        files = d.get("files") or []
        return f"{who} uploaded {_plural(len(files), 'file')}: {_file_outcomes(files)}."
    if action == "document_retired":
        moved = len(d.get("articles_to_review") or [])
        return (
            f"{who} retired “{d.get('title', '')}”; "
            f"{_plural(moved, 'approved answer')} went back to review."
        )
    return f"{who}: {action.replace('_', ' ')}."


def _article(word: Any) -> str:
    return "an" if str(word)[:1] in "aeiou" else "a"


def _file_outcomes(files: list[dict[str, Any]]) -> str:
    parts = []
    for f in files:
        counts = [f"{f[k]} {k}" for k in ("new", "updated", "unchanged") if f.get(k)]
        errors = len(f.get("errors") or [])
        if errors:
            counts.append(_plural(errors, "error"))
        parts.append(f"{f.get('name')} ({', '.join(counts) or 'nothing read'})")
    return "; ".join(parts) or "none"
