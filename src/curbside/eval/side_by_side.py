"""The answer eval with both engines in one table: a row per engine, the columns issue 13
names, then why the LLM engine fell back, reason by reason."""

from __future__ import annotations

from collections import Counter

from rich.console import Console
from rich.table import Table

from .answers import CaseResult

COLUMNS = (
    ("fact recall", "fact_recall"),
    ("bottom-line hit", "bottom_line_hit"),
    ("support", "bullet_support"),
    ("number fidelity", "number_fidelity"),
    ("dropped bullets", "dropped_bullets"),
    ("served by llm", "served_by_llm"),
    ("fallbacks", "llm_fallbacks"),
    ("p50 ms", "latency_p50_ms"),
    ("p95 ms", "latency_p95_ms"),
)


def _shown(value) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.0f}" if value >= 100 else f"{value:.3f}"
    return str(value)


def render_side_by_side(
    out: Console,
    name: str,
    summaries: dict[str, dict],
    results: dict[str, list[CaseResult]],
) -> None:
    cases = next(iter(summaries.values()))["cases"]
    table = Table(title=f"Answers on {name} ({cases} cases), both engines")
    table.add_column("engine")
    for label, _ in COLUMNS:
        table.add_column(label, justify="right")
    for engine, summary in summaries.items():
        table.add_row(engine, *(_shown(summary.get(key)) for _, key in COLUMNS))
    out.print(table)
    reasons = Counter(_kind(r.fallback_reason) for r in results.get("llm", []) if r.fallback_reason)
    for reason, count in reasons.most_common():
        out.print(f"  fallback x{count}: {reason}", highlight=False, markup=False)


def _kind(reason: str) -> str:
    """A reason without the figures that make every case's different."""
    if reason.startswith("the verifier dropped") and " of " in reason:
        return "the verifier dropped more than half of the statements"
    return reason.split(" (")[0] if reason.startswith("the model's reply") else reason
