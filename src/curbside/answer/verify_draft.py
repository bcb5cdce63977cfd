"""Apply the verifier to a whole draft: keep what its evidence carries, count what it drops,
and say why each dropped bullet went (reviewers see the reasons)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from .compose import Draft, DraftBullet
from .verify import SUPPORT_MIN, Verdict, check

BOTTOM_LINE = "bottom line"


@dataclass
class Dropped:
    """A bullet the verifier removed: where it stood, what it said, and why it went."""

    where: str  # "bottom line" or its section's title
    text: str
    passages: list[str]  # the passage ids it cited
    reason: str

    def as_dict(self) -> dict:
        return asdict(self)


def _verdict(bullet: DraftBullet) -> Verdict:
    return check(bullet.text, [c.quote for c in bullet.sources])


def reason_for(verdict: Verdict, cited: int) -> str:
    if not cited:
        return "cites no passage"
    if verdict.missing_numbers:
        return "numbers not in its passages: " + ", ".join(verdict.missing_numbers)
    return (
        f"only {verdict.support:.0%} of its words stand in its passages (needs {SUPPORT_MIN:.0%})"
    )


def _dropped(where: str, bullet: DraftBullet, verdict: Verdict) -> Dropped:
    return Dropped(
        where,
        bullet.text,
        list(dict.fromkeys(c.passage.id for c in bullet.sources)),
        reason_for(verdict, len(bullet.sources)),
    )


def audit_draft(draft: Draft) -> tuple[Draft, list[Dropped]]:
    dropped: list[Dropped] = []
    bottom = []
    for bullet in draft.bottom_line:
        verdict = _verdict(bullet)
        if verdict.ok:
            bottom.append(bullet)
        else:
            dropped.append(_dropped(BOTTOM_LINE, bullet, verdict))
    sections = []
    for title, bullets in draft.sections:
        kept = []
        for bullet in bullets:
            verdict = _verdict(bullet)
            if verdict.ok:
                kept.append(bullet)
            else:
                dropped.append(_dropped(title, bullet, verdict))
        if kept:
            sections.append((title, kept))
    return Draft(bottom_line=bottom, sections=sections), dropped


def verify_draft(draft: Draft) -> tuple[Draft, int]:
    kept, dropped = audit_draft(draft)
    return kept, len(dropped)


# Where an article's metadata lists its dropped bullets. Their text may hold the very number
# the verifier refused, so only reviewers are shown it (web/routes/api.py strips it).
DROPPED_KEY = "dropped_bullets"


def score_support(article) -> None:
    """Record each served bullet's support against its evidence, as the verifier scored it.
    (Extractive bullets are their sources' own sentences and keep the default 1.0.)"""
    for bullet in article.all_bullets():
        bullet.support = round(check(bullet.text, [e.quote for e in bullet.evidence]).support, 3)


def without_dropped_text(metadata: dict) -> dict:
    """The metadata as a reader (not a reviewer) may see it: where each dropped bullet stood
    and why it went, not what it said."""
    out = dict(metadata)
    if DROPPED_KEY in out:
        out[DROPPED_KEY] = [_for_readers(d) for d in out[DROPPED_KEY]]
    llm = out.get("llm")
    if isinstance(llm, dict) and "dropped" in llm:
        out["llm"] = {**llm, "dropped": [_for_readers(d) for d in llm["dropped"]]}
    return out


def _for_readers(dropped: dict) -> dict:
    # "numbers not in its passages: 10 g" names the refused number: readers get the kind only.
    return {**dropped, "text": None, "reason": dropped["reason"].split(":")[0]}
