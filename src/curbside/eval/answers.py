"""``curbside eval answers``: fact recall, support, number fidelity, abstention and latency
over a JSONL case file ``{question, audience?, must_include: [[alternatives…]…],
expect_abstain?}``. Answers are computed fresh and not stored."""

from __future__ import annotations

import json
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..answer.audience import for_patients, patient_text, reading_grade
from ..answer.engines import Engine
from ..answer.pipeline import answer
from ..answer.verify import check, quantities, unsupported_numbers
from ..articles.model import Article
from ..errors import CurbsideError
from ..runtime import Runtime
from .metrics import percentile


@dataclass
class CaseResult:
    question: str
    expect_abstain: bool
    abstained: bool
    facts: int
    found: int
    missing: list[list[str]] = field(default_factory=list)
    bullets: int = 0
    supported: int = 0
    numbers: int = 0
    numbers_found: int = 0
    latency_ms: float = 0.0
    cited_expected: bool | None = None
    # Per ask of the case (``asks`` and ``fact_asks`` in the case file): whether the answer
    # holds at least one of that ask's facts.
    asks_found: list[bool] = field(default_factory=list)
    bottom_line_hit: bool | None = None  # the bottom line holds a must-have fact
    on_topic: bool | None = None  # every cited document is about the case's topic
    dropped: int = 0  # bullets the verifier removed from the draft served
    engine: str = "extractive"  # the engine whose draft was served
    fallback_reason: str | None = None  # why an LLM ask was served the extractive draft
    # The patient wording of an answer (the answer itself when asked for patients): its
    # Flesch–Kincaid grade, and whether every number it states is one of the clinician's.
    patient_grade: float | None = None
    patient_numbers_kept: bool | None = None


def load_cases(path: Path) -> list[dict[str, Any]]:
    cases = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip():
            continue
        try:
            case = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CurbsideError(f"{path}:{number}: invalid JSON: {exc}") from None
        if "question" not in case:
            raise CurbsideError(f"{path}:{number}: a case needs a question")
        cases.append(case)
    return cases


def answer_text(article: Article) -> str:
    return " ".join([article.bottom_line.text] + [b.text for b in article.all_bullets()])


def score_case(
    case: dict[str, Any],
    article: Article,
    latency_ms: float,
    source_ids: dict[str, str] | None = None,
    source_titles: dict[str, str] | None = None,
) -> CaseResult:
    """``source_ids`` maps a cited document id to its source identity (the ingest key), so
    that ``expect_source`` ("ngc-9684") can be matched against what an answer cited."""
    text = answer_text(article).lower()
    facts = case.get("must_include") or []
    missing = [alts for alts in facts if not any(a.lower() in text for a in alts)]
    found_facts = [alts not in missing for alts in facts]
    result = CaseResult(
        question=case["question"],
        expect_abstain=bool(case.get("expect_abstain")),
        abstained=article.abstained,
        facts=len(facts),
        found=len(facts) - len(missing),
        missing=missing,
        latency_ms=latency_ms,
        asks_found=_asks_found(case, found_facts),
        dropped=int(article.metadata.get("unsupported_bullets_dropped") or 0),
        engine=article.engine,
        fallback_reason=(article.metadata.get("llm") or {}).get("fallback_reason"),
    )
    if facts and not article.abstained:
        bottom = article.bottom_line.text.lower()
        result.bottom_line_hit = any(any(a.lower() in bottom for a in alts) for alts in facts)
    units = [(article.bottom_line.text, [e.quote for e in article.bottom_line.evidence])]
    units += [(b.text, [e.quote for e in b.evidence]) for b in article.all_bullets()]
    for text_, quotes in units:
        if not text_ or (article.abstained and not quotes):
            continue
        result.bullets += 1
        # Patient wording swaps words, never numbers: support is judged on numbers there.
        verdict = check(text_, quotes)
        ok = verdict.ok if article.audience == "clinician" else not verdict.missing_numbers
        result.supported += ok
        n = len(quantities(text_))
        result.numbers += n
        result.numbers_found += n - len(unsupported_numbers(text_, quotes))
    if not article.abstained:
        _score_patient_wording(result, article)
    expected = case.get("expect_source")
    if not article.abstained and not case.get("expect_abstain"):
        result.on_topic = on_topic(case, article, (source_titles or {}).get(expected or ""))
    if expected and not article.abstained:
        keys = source_ids or {}
        # An id (document id, ingest key or its record id) must match exactly; a title may be
        # given by its beginning.
        result.cited_expected = any(
            expected
            in {
                r.document_id,
                str(r.url),
                keys.get(r.document_id, ""),
                keys.get(r.document_id, "").rsplit("#", 1)[-1],
            }
            or r.title.startswith(expected)
            or (r.summary_title or "").startswith(expected)
            for r in article.references
        )
    return result


# The target for the patient wording's reading grade (issue 11, item 5).
PATIENT_GRADE_TARGET = 8.0


def _score_patient_wording(result: CaseResult, article: Article) -> None:
    patient = article if article.audience == "patient" else for_patients(article)
    result.patient_grade = reading_grade(patient_text(patient))
    if article.audience == "clinician":
        numbers = {str(q.value) for q in quantities(patient_text(patient))}
        result.patient_numbers_kept = numbers <= {
            str(q.value) for q in quantities(patient_text(article))
        }


def _asks_found(case: dict[str, Any], found: list[bool]) -> list[bool]:
    asks, owners = case.get("asks") or [], case.get("fact_asks") or []
    if not asks or len(owners) != len(found):
        return []
    return [
        any(f for f, n in zip(found, owners, strict=True) if n == i + 1) for i in range(len(asks))
    ]


# Words too general to say what a document is about.
_GENERIC = frozenset(
    {
        "guideline",
        "guidelines",
        "clinical",
        "practice",
        "management",
        "treatment",
        "diagnosis",
        "adults",
        "adult",
        "children",
        "patients",
        "recommendations",
        "recommendation",
        "evidence",
        "based",
        "update",
        "national",
        "review",
        "care",
        "acute",
        "chronic",
        "summary",
        "statement",
        "criteria",
        "appropriateness",
        "demonstration",
        "library",
        "curbside",
    }
)


def _topic_words(text: str) -> set[str]:
    words = {w for w in re.findall(r"[a-z]{5,}", text.lower()) if w not in _GENERIC}
    return {w[:6] for w in words}  # a crude stem: "infection" ~ "infections"


def on_topic(case: dict[str, Any], article: Article, expected_title: str | None) -> bool:
    """Every cited document is the case's topic: its title shares a topic word with the case's
    ``topic`` label or with the title of the guideline the case's facts come from."""
    topic = _topic_words(f"{case.get('topic', '')} {expected_title or ''}")
    if not topic:
        return True
    # An attributed reference is judged by the library document that summarises it.
    return all(_topic_words(r.summary_title or r.title) & topic for r in article.references)


def summarise(results: list[CaseResult]) -> dict[str, Any]:
    answerable = [r for r in results if not r.expect_abstain]
    outside = [r for r in results if r.expect_abstain]
    abstained = [r for r in results if r.abstained]
    facts = sum(r.facts for r in answerable if not r.abstained) or 0
    all_facts = sum(r.facts for r in answerable)
    bullets = sum(r.bullets for r in results)
    numbers = sum(r.numbers for r in results)
    latencies = [r.latency_ms for r in results]
    return {
        "cases": len(results),
        "answerable": len(answerable),
        "out_of_library": len(outside),
        "fact_recall": sum(r.found for r in answerable) / all_facts if all_facts else None,
        "fact_recall_when_answered": (sum(r.found for r in answerable if not r.abstained) / facts)
        if facts
        else None,
        "bullet_support": sum(r.supported for r in results) / bullets if bullets else None,
        "number_fidelity": sum(r.numbers_found for r in results) / numbers if numbers else None,
        "abstention_precision": (
            sum(r.expect_abstain for r in abstained) / len(abstained) if abstained else None
        ),
        "abstention_recall": (
            sum(r.abstained for r in outside) / len(outside) if outside else None
        ),
        "false_abstention": (
            sum(r.abstained for r in answerable) / len(answerable) if answerable else None
        ),
        "expected_source_cited": _share([r.cited_expected for r in answerable]),
        "asks": sum(len(r.asks_found) for r in answerable),
        "ask_recall": _share([f for r in answerable for f in r.asks_found] or [None]),
        "bottom_line_hit": _share([r.bottom_line_hit for r in answerable]),
        "on_topic_rate": _share([r.on_topic for r in answerable]),
        **_patient_summary(results),
        "dropped_bullets": sum(r.dropped for r in results),
        "served_by_llm": sum(r.engine == "llm" for r in results),
        "llm_fallbacks": sum(r.fallback_reason is not None for r in results),
        "latency_p50_ms": percentile(latencies, 50),
        "latency_p95_ms": percentile(latencies, 95),
    }


def _patient_summary(results: list[CaseResult]) -> dict[str, Any]:
    grades = [r.patient_grade for r in results if r.patient_grade is not None]
    return {
        "patient_grade_median": statistics.median(grades) if grades else None,
        "patient_grade_p90": percentile(grades, 90) if grades else None,
        "patient_grade_max": max(grades) if grades else None,
        "patient_share_at_most_8": (
            _share([g <= PATIENT_GRADE_TARGET for g in grades]) if grades else None
        ),
        "patient_numbers_kept": _share([r.patient_numbers_kept for r in results]),
    }


def _share(flags: list[bool | None]) -> float | None:
    known = [f for f in flags if f is not None]
    return sum(known) / len(known) if known else None


def evaluate_answers(
    rt: Runtime,
    cases: list[dict[str, Any]],
    engine: Engine | None = None,
    on_case: Callable[[int], None] | None = None,
) -> tuple[dict, list[CaseResult]]:
    """``engine``: the extractive engine when None. ``on_case`` hears each case's number."""
    results = []
    for number, case in enumerate(cases, start=1):
        started = time.perf_counter()
        article = answer(
            case["question"],
            rt,
            audience=case.get("audience", "clinician"),
            fresh=True,
            persist=False,
            engine=engine,
        )
        if on_case is not None:
            on_case(number)
        latency = (time.perf_counter() - started) * 1000
        keys = {r.document_id: rt.store.get_document(r.document_id).key for r in article.references}
        titles = _source_titles(rt, case)
        results.append(score_case(case, article, latency, keys, titles))
    return summarise(results), results


def _source_titles(rt: Runtime, case: dict[str, Any]) -> dict[str, str]:
    """The title of the guideline a case names (``expect_source`` is its record id)."""
    expected = case.get("expect_source")
    if not expected:
        return {}
    found = rt.store.find_documents_by_key_suffix(f"#{expected}")
    return {expected: found[0].title} if found else {}
