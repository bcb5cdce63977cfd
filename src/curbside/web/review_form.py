"""The review page's edit form, read into the edit list the review service applies.

One form holds every bullet of the version the reviewer saw: ``text-S-B`` (the wording),
``reason-S-B`` (why a number the evidence lacks is kept), ``remove-S-B`` (a checkbox), and
the ``move`` button pressed (``S-B-up`` or ``S-B-down``), plus ``note`` (a reviewer note for
readers) and ``version_note`` (why, for the version history). Whatever the reviewer changed
is saved together as one new version, so a move button never drops a pending text edit.

Positions refer to the version the reviewer saw; the service's version check makes that
safe. The edits are ordered so that each position still means what the reviewer saw:
wording first, then the move, then removals from the last bullet backwards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from starlette.datastructures import FormData

from ..answer.article import Article
from ..answer.verify import unsupported_numbers
from ..errors import BadRequest
from ..review.edits import AddNote, Edit, EditBullet, RemoveBullet, ReorderBullets

MAX_FIELD_CHARS = 10_000  # the edit layer refuses past its own limits with a clear message
_FIELD = re.compile(r"^(text|reason|remove)-(\d{1,4})-(\d{1,4})$")
_MOVE = re.compile(r"^(\d{1,4})-(\d{1,4})-(up|down)$")

Position = tuple[int, int]


def _words(text: str) -> str:
    return " ".join(text.split())


@dataclass
class ChangedBullet:
    """One bullet the reviewer rewrote: shown again when the save could not be applied."""

    section: int
    bullet: int
    before: str
    text: str
    reason: str
    carried: bool = False  # put back in the form on the newer version


@dataclass
class EditForm:
    texts: dict[Position, str] = field(default_factory=dict)
    reasons: dict[Position, str] = field(default_factory=dict)
    removed: set[Position] = field(default_factory=set)
    move: tuple[int, int, str] | None = None
    note: str = ""
    version_note: str = ""

    @classmethod
    def parse(cls, form: FormData) -> EditForm:
        parsed = cls()
        for name, value in form.multi_items():
            if not isinstance(value, str):
                continue  # a file where text belongs: ignore it
            value = value[:MAX_FIELD_CHARS]
            match = _FIELD.match(name)
            if match:
                kind, position = match[1], (int(match[2]), int(match[3]))
                if kind == "text":
                    parsed.texts[position] = value
                elif kind == "reason":
                    parsed.reasons[position] = value.strip()
                else:
                    parsed.removed.add(position)
            elif name == "move" and (move := _MOVE.match(value)):
                parsed.move = (int(move[1]), int(move[2]), move[3])
            elif name == "note":
                parsed.note = value
            elif name == "version_note":
                parsed.version_note = value
        return parsed

    def changed(self, base: Article) -> list[ChangedBullet]:
        """The bullets whose wording the reviewer changed (and did not remove)."""
        found = []
        for s, section in enumerate(base.sections):
            for b, bullet in enumerate(section.bullets):
                text = self.texts.get((s, b))
                if text is None or (s, b) in self.removed:
                    continue
                if _words(text) != _words(bullet.text):
                    found.append(
                        ChangedBullet(s, b, bullet.text, text, self.reasons.get((s, b), ""))
                    )
        return found

    def edits(self, base: Article) -> list[Edit]:
        """The edit list for the service; BadRequest for a move out of bounds."""
        edits: list[Edit] = [
            EditBullet(section=c.section, bullet=c.bullet, text=c.text, reason=c.reason or None)
            for c in self.changed(base)
        ]
        orders: dict[int, list[int]] = {}
        if self.move is not None:
            s, b, direction = self.move
            count = len(base.sections[s].bullets) if s < len(base.sections) else 0
            other = b - 1 if direction == "up" else b + 1
            if not (0 <= b < count and 0 <= other < count):
                raise BadRequest("that bullet cannot move further")
            order = list(range(count))
            order[b], order[other] = order[other], order[b]
            orders[s] = order
            edits.append(ReorderBullets(section=s, order=order))
        # Last section first: removing a section's last bullet removes the section, which
        # would shift the sections after it.
        for s in sorted({s for s, _ in self.removed}, reverse=True):
            if s >= len(base.sections):
                continue
            count = len(base.sections[s].bullets)
            order = orders.get(s, list(range(count)))
            now_at = sorted(
                (order.index(b) for t, b in self.removed if t == s and b < count), reverse=True
            )
            edits += [RemoveBullet(section=s, bullet=p) for p in now_at]
        if self.note.strip():
            edits.append(AddNote(text=self.note))
        return edits

    def rebased(self, changes: list[ChangedBullet], current: Article) -> EditForm:
        """The form again on the newer version, after a conflict: each rewritten bullet goes
        back where the same bullet still stands unchanged; the note goes back as it was.

        Removals and moves are not carried over: positions may have shifted under them.
        """
        kept = EditForm(note=self.note, version_note=self.version_note)
        for change in changes:
            s, b = change.section, change.bullet
            bullets = current.sections[s].bullets if s < len(current.sections) else []
            if b < len(bullets) and _words(bullets[b].text) == _words(change.before):
                kept.texts[(s, b)] = change.text
                kept.reasons[(s, b)] = change.reason
                change.carried = True
        return kept

    def unsupported(self, base: Article) -> dict[Position, list[str]]:
        """Rewritten bullets bringing numbers their evidence lacks, with no reason given."""
        flagged = {}
        for change in self.changed(base):
            if change.reason:
                continue
            bullet = base.sections[change.section].bullets[change.bullet]
            missing = unsupported_numbers(change.text, [e.quote for e in bullet.evidence])
            if missing:
                flagged[(change.section, change.bullet)] = missing
        return flagged
