"""The LLM engine: prompt → one streamed call → strict parse → the verifier → a draft, or the
extractive engine's draft with the reason it was served instead.

What reaches the article is only what the verifier keeps: a bullet whose numbers are not in
its cited passages, whose words are not enough theirs, or that cites a passage the model was
not given is dropped, counted, and listed with its reason for reviewers. When the call fails,
runs out of time, returns something that is not the answer's JSON, or too much is dropped,
the extractive answer is served and the article's metadata says why.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence

import httpx

from ..analyse import Analysis
from ..compose import Draft, DraftBullet, section_title
from ..engines import Engine, ExtractiveEngine, Written, run
from ..evidence import Candidate
from ..verify_draft import BOTTOM_LINE, Dropped, audit_draft
from .client import ChatClient, LLMConfig, LLMError
from .prompt import Numbered, build_messages, number_passages
from .schema import SECTION_TITLES, AnswerError, LLMAnswer, LLMBullet, answer_schema, parse_answer

# A draft that loses more than this share of its bullets to the verifier is not served: what
# is left would read as an answer while having lost what the model meant to say. A policy
# choice, not a fitted constant (the extractive engine loses none on every case file).
MAX_DROPPED_SHARE = 0.5
# The prompt's own citation marks, which some models also write into the text: "[P3]", "(P3)".
_MARKS = re.compile(r"\s*[\[(]\s*P\d+(?:\s*,\s*P\d+)*\s*[\])]")

OnDraft = Callable[[str], None]


class LLMEngine:
    name = "llm"

    def __init__(
        self,
        config: LLMConfig,
        transport: httpx.BaseTransport | None = None,
        on_draft: OnDraft | None = None,
        fallback: Engine | None = None,
    ):
        self.config = config
        self.client = ChatClient(config, transport)
        self.on_draft = on_draft
        self.fallback = fallback or ExtractiveEngine()

    def write(
        self, analysis: Analysis, chosen: list[Candidate], asks: Sequence[str] = ()
    ) -> Written:
        started = time.perf_counter()
        numbered = number_passages(chosen)
        meta: dict = {
            "model": self.config.model,
            "endpoint_host": self.config.host,
            "passages_given": len(numbered.ids),
            "passages_withheld": numbered.withheld,
        }
        if not numbered.ids:
            return self._fall_back(
                analysis, chosen, asks, "no passage to give the model", meta, started
            )
        try:
            reply = self.client.complete(
                build_messages(analysis, numbered, asks),
                answer_schema(numbered.ids),
                self.on_draft,
            )
            parsed = parse_answer(reply)
        except (LLMError, AnswerError) as exc:
            return self._fall_back(analysis, chosen, asks, str(exc), meta, started)
        meta["reply_chars"] = len(reply)
        draft, unknown = to_draft(parsed, numbered)
        kept, unsupported = audit_draft(draft)
        dropped = unknown + unsupported
        written = parsed.bullet_count()
        meta.update(bullets_written=written, bullets_dropped=len(dropped))
        reason = _too_much_dropped(kept, written, len(dropped))
        if reason:
            return self._fall_back(analysis, chosen, asks, reason, meta, started, dropped)
        meta.update(fallback_reason=None, latency_ms=_ms(started))
        return Written(kept, "llm", {"llm": meta}, dropped)

    def _fall_back(
        self,
        analysis: Analysis,
        chosen: list[Candidate],
        asks: Sequence[str],
        reason: str,
        meta: dict,
        started: float,
        dropped: list[Dropped] | None = None,
    ) -> Written:
        out = run(self.fallback, analysis, chosen, asks)
        meta.update(fallback_reason=reason, latency_ms=_ms(started))
        # The LLM's dropped bullets stay listed for reviewers (llm.dropped in the metadata),
        # but the article's own count is of the draft it serves.
        if dropped:
            meta["dropped"] = [d.as_dict() for d in dropped]
        return Written(out.draft, out.engine, {**out.metadata, "llm": meta}, out.dropped)


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def _too_much_dropped(kept: Draft, written: int, dropped: int) -> str | None:
    if not kept.bottom_line:
        return "the verifier dropped every bottom-line statement"
    if written and dropped / written > MAX_DROPPED_SHARE:
        return f"the verifier dropped {dropped} of {written} statements"
    return None


def tidy_text(text: str) -> str:
    """The statement without the prompt's citation marks; nothing else is changed."""
    return " ".join(_MARKS.sub("", text).split())


def _bullet(
    bullet: LLMBullet, numbered: Numbered, where: str
) -> tuple[DraftBullet | None, Dropped | None]:
    cited = list(dict.fromkeys(bullet.passages))
    unknown = [p for p in cited if p not in numbered.by_id]
    text = tidy_text(bullet.text)
    if unknown:
        reason = f"cites {', '.join(unknown)}, which it was not given"
        return None, Dropped(where, text, cited, reason)
    return DraftBullet(text, [numbered.by_id[p] for p in cited]), None


def to_draft(parsed: LLMAnswer, numbered: Numbered) -> tuple[Draft, list[Dropped]]:
    """The parsed reply as a draft of the chosen candidates, less the bullets that cite a
    passage the model was not given. A section title outside the canonical list (a server
    without schema support) is replaced by the title its first passage's heading gives."""
    dropped: list[Dropped] = []
    bottom = []
    for item in parsed.bottom_line:
        bullet, gone = _bullet(item, numbered, BOTTOM_LINE)
        if bullet:
            bottom.append(bullet)
        if gone:
            dropped.append(gone)
    sections: dict[str, list[DraftBullet]] = {}
    for section in parsed.sections:
        bullets = []
        for item in section.bullets:
            bullet, gone = _bullet(item, numbered, section.title)
            if bullet:
                bullets.append(bullet)
            if gone:
                dropped.append(gone)
        if not bullets:
            continue
        title = section.title
        if title not in SECTION_TITLES:
            title = section_title(bullets[0].sources[0])
        sections.setdefault(title, []).extend(bullets)
    return Draft(bottom_line=bottom, sections=list(sections.items())), dropped
