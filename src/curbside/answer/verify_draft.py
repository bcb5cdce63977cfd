"""Apply the verifier to a whole draft: keep what its evidence carries, count what it drops."""

from __future__ import annotations

from .compose import Draft, DraftBullet
from .verify import check


def _ok(bullet: DraftBullet) -> bool:
    return check(bullet.text, [c.quote for c in bullet.sources]).ok


def verify_draft(draft: Draft) -> tuple[Draft, int]:
    dropped = 0
    bottom = []
    for bullet in draft.bottom_line:
        if _ok(bullet):
            bottom.append(bullet)
        else:
            dropped += 1
    sections = []
    for title, bullets in draft.sections:
        kept = [b for b in bullets if _ok(b)]
        dropped += len(bullets) - len(kept)
        if kept:
            sections.append((title, kept))
    return Draft(bottom_line=bottom, sections=sections), dropped
