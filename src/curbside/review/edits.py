"""What a reviewer can change in an article, as data, and how each change applies. Pure.

Edits arrive as JSON from the API or the review form; each is a small pydantic model told
apart by ``kind``. Bullets and sections are addressed by their position in the version the
reviewer saw, which the service's version check makes safe.

>>> edit = EDIT.validate_python({"kind": "remove_bullet", "section": 0, "bullet": 1})
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from ..answer.evidence_context import mark as mark_evidence
from ..answer.verify import unsupported_numbers
from ..articles.model import Article, Bullet, ReviewerAddition, ReviewerNote
from ..errors import BadRequest, UnsupportedNumbers

MAX_BULLET_CHARS = 2000
MAX_NOTE_CHARS = 4000
MAX_TITLE_CHARS = 200
# The bottom line and section titles have no field of their own for a reviewer's addition
# (the article model belongs to the answer package), so theirs are kept in the metadata.
BOTTOM_LINE_ADDITION = "bottom_line_addition"
TITLE_ADDITIONS = "title_additions"  # {section title: addition}


class _Edit(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EditBullet(_Edit):
    kind: Literal["edit_bullet"] = "edit_bullet"
    section: int
    bullet: int
    text: str
    reason: str | None = None  # needed when the text brings numbers the evidence lacks


class EditBottomLine(_Edit):
    kind: Literal["edit_bottom_line"] = "edit_bottom_line"
    text: str
    reason: str | None = None  # as for a bullet, against the bottom line's own evidence


class EditSectionTitle(_Edit):
    kind: Literal["edit_section_title"] = "edit_section_title"
    section: int
    title: str
    reason: str | None = None  # against the evidence of the section's bullets


class RemoveBullet(_Edit):
    kind: Literal["remove_bullet"] = "remove_bullet"
    section: int
    bullet: int


class ReorderBullets(_Edit):
    kind: Literal["reorder_bullets"] = "reorder_bullets"
    section: int
    order: list[int]  # the current positions, in their new order


class ReorderSections(_Edit):
    kind: Literal["reorder_sections"] = "reorder_sections"
    order: list[int]


class AddNote(_Edit):
    kind: Literal["add_note"] = "add_note"
    text: str


Edit = Annotated[
    EditBullet
    | EditBottomLine
    | EditSectionTitle
    | RemoveBullet
    | ReorderBullets
    | ReorderSections
    | AddNote,
    Field(discriminator="kind"),
]
EDIT: TypeAdapter[Edit] = TypeAdapter(Edit)
EDITS: TypeAdapter[list[Edit]] = TypeAdapter(list[Edit])


def apply_edits(article: Article, edits: list[Edit], reviewer: str, at: str) -> Article:
    """A copy of the article with every edit applied in order; the input is left untouched."""
    if not edits:
        raise BadRequest("no changes to apply")
    if article.abstained and any(not isinstance(e, AddNote) for e in edits):
        raise BadRequest("an abstention has no bullets to edit; add a note instead")
    result = article.model_copy(deep=True)
    for edit in edits:
        _apply(result, edit, reviewer, at)
    titles = {section.title for section in result.sections}
    kept = {t: a for t, a in result.metadata.get(TITLE_ADDITIONS, {}).items() if t in titles}
    result.metadata.pop(TITLE_ADDITIONS, None)
    if kept:  # a removed or retitled section takes its addition with it
        result.metadata[TITLE_ADDITIONS] = kept
    return result


def _apply(article: Article, edit: Edit, reviewer: str, at: str) -> None:
    if isinstance(edit, EditBullet):
        _edit_bullet(_bullet(article, edit.section, edit.bullet), edit, reviewer, at)
    elif isinstance(edit, EditBottomLine):
        _edit_bottom_line(article, edit, reviewer, at)
    elif isinstance(edit, EditSectionTitle):
        _edit_title(article, edit, reviewer, at)
    elif isinstance(edit, RemoveBullet):
        _bullet(article, edit.section, edit.bullet)
        del article.sections[edit.section].bullets[edit.bullet]
        if not article.sections[edit.section].bullets:
            del article.sections[edit.section]  # an empty heading tells the reader nothing
    elif isinstance(edit, ReorderBullets):
        section = _section(article, edit.section)
        section.bullets = [section.bullets[i] for i in _permutation(edit.order, section.bullets)]
    elif isinstance(edit, ReorderSections):
        article.sections = [article.sections[i] for i in _permutation(edit.order, article.sections)]
    elif isinstance(edit, AddNote):
        text = edit.text.strip()
        if not text or len(text) > MAX_NOTE_CHARS:
            raise BadRequest(f"a note needs 1 to {MAX_NOTE_CHARS} characters")
        article.reviewer_notes.append(ReviewerNote(text=text, reviewer=reviewer, at=at))


def _guarded(
    text: str, quotes: list[str], reason: str | None, reviewer: str, at: str
) -> ReviewerAddition | None:
    """The number rule, the one place it is applied: a number no quote holds is refused
    (UnsupportedNumbers) unless the reviewer says why; then it is kept as their addition."""
    missing = unsupported_numbers(text, quotes)
    reason = " ".join((reason or "").split())
    if missing and not reason:
        raise UnsupportedNumbers(
            f"{', '.join(missing)} is not in this text's evidence; "
            "give a reason to keep it as a reviewer's addition",
            numbers=missing,
        )
    if not missing:
        return None  # the edit no longer adds anything the evidence lacks
    return ReviewerAddition(reason=reason[:1000], reviewer=reviewer, at=at, numbers=missing)


def _edit_bullet(bullet: Bullet, edit: EditBullet, reviewer: str, at: str) -> None:
    text = " ".join(edit.text.split())
    if not text or len(text) > MAX_BULLET_CHARS:
        raise BadRequest(f"a bullet needs 1 to {MAX_BULLET_CHARS} characters; remove it instead")
    quotes = [e.quote for e in bullet.evidence]
    bullet.reviewer_addition = _guarded(text, quotes, edit.reason, reviewer, at)
    bullet.text = text
    mark_evidence(text, bullet.evidence)  # the marked numbers follow the new wording


def _edit_bottom_line(article: Article, edit: EditBottomLine, reviewer: str, at: str) -> None:
    text = " ".join(edit.text.split())
    if not text or len(text) > MAX_BULLET_CHARS:
        raise BadRequest(f"the bottom line needs 1 to {MAX_BULLET_CHARS} characters")
    quotes = [e.quote for e in article.bottom_line.evidence]
    addition = _guarded(text, quotes, edit.reason, reviewer, at)
    article.bottom_line.text = text
    mark_evidence(text, article.bottom_line.evidence)
    article.metadata.pop(BOTTOM_LINE_ADDITION, None)
    if addition:
        article.metadata[BOTTOM_LINE_ADDITION] = addition.model_dump()


def _edit_title(article: Article, edit: EditSectionTitle, reviewer: str, at: str) -> None:
    section = _section(article, edit.section)
    title = " ".join(edit.title.split())
    if not title or len(title) > MAX_TITLE_CHARS:
        raise BadRequest(f"a section title needs 1 to {MAX_TITLE_CHARS} characters")
    quotes = [e.quote for b in section.bullets for e in b.evidence]
    addition = _guarded(title, quotes, edit.reason, reviewer, at)
    additions = article.metadata.setdefault(TITLE_ADDITIONS, {})
    additions.pop(section.title, None)
    section.title = title
    if addition:
        additions[title] = addition.model_dump()


def bottom_line_addition(article: Article) -> ReviewerAddition | None:
    found = article.metadata.get(BOTTOM_LINE_ADDITION)
    return ReviewerAddition.model_validate(found) if found else None


def title_addition(article: Article, title: str) -> ReviewerAddition | None:
    found = article.metadata.get(TITLE_ADDITIONS, {}).get(title)
    return ReviewerAddition.model_validate(found) if found else None


def _section(article: Article, index: int):
    if not 0 <= index < len(article.sections):
        raise BadRequest(f"there is no section {index}")
    return article.sections[index]


def _bullet(article: Article, section: int, index: int) -> Bullet:
    bullets = _section(article, section).bullets
    if not 0 <= index < len(bullets):
        raise BadRequest(f"section {section} has no bullet {index}")
    return bullets[index]


def _permutation(order: list[int], items: list) -> list[int]:
    if sorted(order) != list(range(len(items))):
        raise BadRequest(f"a new order must list each of the {len(items)} positions once")
    return order


# ---- diff ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class SectionDiff:
    """One section's bullets between two versions: (" " | "-" | "+", rendered bullet)."""

    title: str
    lines: list[tuple[str, str]]

    @property
    def changed(self) -> bool:
        return any(op != " " for op, _ in self.lines)


def render_bullet(bullet: Bullet) -> str:
    cites = "".join(f"[{n}]" for n in bullet.citations)
    added = " (reviewer's addition)" if bullet.reviewer_addition else ""
    return f"{bullet.text} {cites}{added}".strip()


def _rendered(article: Article) -> dict[str, list[str]]:
    added = " (reviewer's addition)" if article.metadata.get(BOTTOM_LINE_ADDITION) else ""
    out = {"Bottom line": [article.bottom_line.text + added]}
    for section in article.sections:
        out.setdefault(section.title, []).extend(render_bullet(b) for b in section.bullets)
    if article.reviewer_notes:
        out["Reviewer notes"] = [f"{n.text} ({n.reviewer})" for n in article.reviewer_notes]
    return out


def diff_articles(old: Article, new: Article) -> list[SectionDiff]:
    """Per section (matched by title, in the new version's order), what changed."""
    before, after = _rendered(old), _rendered(new)
    titles = list(after) + [t for t in before if t not in after]
    diffs = []
    for title in titles:
        a, b = before.get(title, []), after.get(title, [])
        lines: list[tuple[str, str]] = []
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b).get_opcodes():
            if op == "equal":
                lines += [(" ", t) for t in a[i1:i2]]
                continue
            lines += [("-", t) for t in a[i1:i2]]
            lines += [("+", t) for t in b[j1:j2]]
        diffs.append(SectionDiff(title, lines))
    return diffs
