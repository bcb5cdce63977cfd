"""The review page's edit form, read into the edit list the review service applies.

One form holds the whole version the reviewer saw: ``bottom_line`` and ``bottom_line_reason``;
per section ``title-S`` and ``title_reason-S``; per bullet ``text-S-B`` (the wording),
``reason-S-B`` (why a number the evidence lacks is kept), ``remove-S-B`` (a checkbox) and
``position-S-B`` (where it should stand, 1 first); plus ``note`` (a reviewer note for readers)
and ``version_note`` (why, for the version history). Whatever the reviewer changed is saved
together as one new version: reordering is a field of the form (moved in the browser by
review.js, or typed), never a save per move.

Positions refer to the version the reviewer saw; the service's version check makes that
safe. The edits are ordered so that each position still means what the reviewer saw:
wording first, then the new order, then removals from the last bullet backwards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from starlette.datastructures import FormData

from ..articles.model import Article
from ..errors import BadRequest, UnsupportedNumbers
from ..review.edits import (
    AddNote,
    Edit,
    EditBottomLine,
    EditBullet,
    EditSectionTitle,
    RemoveBullet,
    ReorderBullets,
    apply_edits,
)

MAX_FIELD_CHARS = 10_000  # the edit layer refuses past its own limits with a clear message
_FIELD = re.compile(r"^(text|reason|remove|position)-(\d{1,4})-(\d{1,4})$")
_TITLE = re.compile(r"^(title|title_reason)-(\d{1,4})$")
_POSITION = re.compile(r"^\s*(\d{1,4})\s*$")

# Where a changed text stands: (section, bullet) for a bullet, (section, None) for a section
# title, (None, None) for the bottom line.
Position = tuple[int | None, int | None]
BOTTOM_LINE: Position = (None, None)


def _words(text: str) -> str:
    return " ".join(text.split())


@dataclass
class ChangedBullet:
    """One text the reviewer rewrote: shown again when the save could not be applied."""

    section: int | None
    bullet: int | None
    before: str
    text: str
    reason: str
    carried: bool = False  # put back in the form on the newer version

    @property
    def where(self) -> Position:
        return (self.section, self.bullet)

    @property
    def label(self) -> str:
        if self.section is None:
            return "The bottom line"
        if self.bullet is None:
            return f"The title of section {self.section + 1}"
        return f"Section {self.section + 1}, bullet {self.bullet + 1}"

    def edit(self) -> Edit:
        reason = self.reason or None
        if self.section is None:
            return EditBottomLine(text=self.text, reason=reason)
        if self.bullet is None:
            return EditSectionTitle(section=self.section, title=self.text, reason=reason)
        return EditBullet(section=self.section, bullet=self.bullet, text=self.text, reason=reason)


def _current(article: Article, where: Position) -> str | None:
    """The text standing at a position of this version, None where there is none."""
    s, b = where
    if s is None:
        return article.bottom_line.text
    if s >= len(article.sections):
        return None
    section = article.sections[s]
    if b is None:
        return section.title
    return section.bullets[b].text if b < len(section.bullets) else None


@dataclass
class EditForm:
    texts: dict[Position, str] = field(default_factory=dict)  # bullets, titles, bottom line
    reasons: dict[Position, str] = field(default_factory=dict)
    removed: set[Position] = field(default_factory=set)
    positions: dict[Position, int] = field(default_factory=dict)  # 1 first, as typed
    note: str = ""
    version_note: str = ""

    @classmethod
    def parse(cls, form: FormData) -> EditForm:
        parsed = cls()
        for name, value in form.multi_items():
            if not isinstance(value, str):
                continue  # a file where text belongs: ignore it
            value = value[:MAX_FIELD_CHARS]
            if match := _FIELD.match(name):
                kind, where = match[1], (int(match[2]), int(match[3]))
                if kind == "text":
                    parsed.texts[where] = value
                elif kind == "reason":
                    parsed.reasons[where] = value.strip()
                elif kind == "position":
                    if number := _POSITION.match(value):  # blank or not a number: unmoved
                        parsed.positions[where] = int(number[1])
                else:
                    parsed.removed.add(where)
            elif match := _TITLE.match(name):
                where = (int(match[2]), None)
                if match[1] == "title":
                    parsed.texts[where] = value
                else:
                    parsed.reasons[where] = value.strip()
            elif name == "bottom_line":
                parsed.texts[BOTTOM_LINE] = value
            elif name == "bottom_line_reason":
                parsed.reasons[BOTTOM_LINE] = value.strip()
            elif name == "note":
                parsed.note = value
            elif name == "version_note":
                parsed.version_note = value
        return parsed

    def changed(self, base: Article) -> list[ChangedBullet]:
        """The texts whose wording the reviewer changed (bullets they removed aside)."""
        found = []
        for where, text in self.texts.items():
            before = _current(base, where)
            if before is None or where in self.removed or _words(text) == _words(before):
                continue
            found.append(ChangedBullet(*where, before, text, self.reasons.get(where, "")))
        # The bottom line, then the sections in order, each title before its bullets.
        return sorted(
            found,
            key=lambda c: (
                c.section is not None,
                c.section or 0,
                -1 if c.bullet is None else c.bullet,
            ),
        )

    def order(self, base: Article, s: int) -> list[int]:
        """Section s's bullets in the order the position fields ask for.

        A bullet given the position another holds goes before it when it moved up and after
        it when it moved down, as a reviewer typing "1" or "3" for it would expect.
        """
        count = len(base.sections[s].bullets)

        def key(b: int) -> tuple[int, int, int]:
            wanted = self.positions.get((s, b), b + 1)
            return (wanted, (wanted > b + 1) - (wanted < b + 1), b)

        return sorted(range(count), key=key)

    def edits(self, base: Article) -> list[Edit]:
        """The edit list for the service."""
        edits: list[Edit] = [change.edit() for change in self.changed(base)]
        orders: dict[int, list[int]] = {}
        for s in range(len(base.sections)):
            order = self.order(base, s)
            if order != sorted(order):
                orders[s] = order
                edits.append(ReorderBullets(section=s, order=order))
        # Last section first: removing a section's last bullet removes the section, which
        # would shift the sections after it.
        removed = {(s, b) for s, b in self.removed if s is not None and b is not None}
        for s in sorted({s for s, _ in removed}, reverse=True):
            if s >= len(base.sections):
                continue
            count = len(base.sections[s].bullets)
            order = orders.get(s, list(range(count)))
            now_at = sorted(
                (order.index(b) for t, b in removed if t == s and b < count), reverse=True
            )
            edits += [RemoveBullet(section=s, bullet=p) for p in now_at]
        if self.note.strip():
            edits.append(AddNote(text=self.note))
        return edits

    def rebased(self, changes: list[ChangedBullet], current: Article) -> EditForm:
        """The form again on the newer version, after a conflict: each rewritten text goes
        back where the same text still stands unchanged; the note goes back as it was.

        Removals and moves are not carried over: positions may have shifted under them.
        """
        kept = EditForm(note=self.note, version_note=self.version_note)
        for change in changes:
            now = _current(current, change.where)
            if now is not None and _words(now) == _words(change.before):
                kept.texts[change.where] = change.text
                kept.reasons[change.where] = change.reason
                change.carried = True
        return kept

    def unsupported(self, base: Article) -> dict[Position, list[str]]:
        """Rewritten texts bringing numbers their evidence lacks, with no reason given.

        Each change is tried alone through the edit layer, so the page flags exactly what
        the number rule refused, by the rule itself.
        """
        flagged = {}
        for change in self.changed(base):
            if change.reason:
                continue
            try:
                apply_edits(base, [change.edit()], reviewer="", at="")
            except UnsupportedNumbers as exc:
                flagged[change.where] = exc.numbers
            except BadRequest:
                continue  # refused for another reason, told in the page's message
        return flagged
