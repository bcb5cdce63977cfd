"""What `curbside eval answers` prints: one engine's metrics, or both engines in one table
(a row per engine, the columns issue 13 names, then why the LLM engine fell back)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..answer.engines import Engine
from ..runtime import Runtime
from .answers import CaseResult, evaluate_answers

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


def evaluate_llm(
    rt: Runtime, cases: list[dict[str, Any]], engine: Engine, console: Console, quiet: bool
) -> tuple[dict, list[CaseResult]]:
    """The LLM engine over the cases, with a progress bar: a small local model takes minutes
    per case."""
    columns = [TextColumn("llm"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=console, disable=quiet) as progress:
        task = progress.add_task("llm", total=len(cases))
        return evaluate_answers(
            rt, cases, engine, on_case=lambda n: progress.update(task, completed=n)
        )


def render_one(
    out: Console, name: str, summary: dict, results: list[CaseResult], show_misses: bool
) -> None:
    table = Table(title=f"Answers on {name}")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for metric, value in summary.items():
        shown = (
            "n/a" if value is None else (f"{value:.3f}" if isinstance(value, float) else str(value))
        )
        table.add_row(metric, shown)
    out.print(table)
    if not show_misses:
        return
    for r in results:
        if r.abstained != r.expect_abstain or r.missing:
            tag = (
                "ABSTAINED"
                if r.abstained and not r.expect_abstain
                else ("ANSWERED" if r.expect_abstain and not r.abstained else "MISSING")
            )
            out.print(f"[red]{tag}[/red] {r.question}", highlight=False, markup=True)
            for alts in r.missing:
                out.print(f"    missing {alts}", highlight=False, markup=False)
