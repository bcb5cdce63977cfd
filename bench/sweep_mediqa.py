"""Robustness sweep: the 4,639 real clinician questions of MEDIQA 2019 RQE through `ask --json`.

    python bench/sweep_mediqa.py [--library DIR] [--limit N]

Each question goes through the CLI command itself (`curbside ask QUESTION --json --fresh`,
invoked in-process with Typer's runner so that 4,639 runs take minutes, not hours) over a
library of the 1,416 NGC guideline summaries. Every answer is parsed back into the article
contract and checked against the PRODUCT.md invariants. Reports crashes, contract violations,
the abstention rate and latency.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from lxml import etree
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import NGC, SHARED

from curbside.answer.verify import unsupported_numbers
from curbside.articles.model import Article
from curbside.cli import app
from curbside.eval.metrics import percentile

RQE = SHARED / "mediqa2019" / "MEDIQA2019-Task2-RQE-TrainingSet-AMIA2016.xml"
NGC_MAP = "title=title,text=major_recommendations,publisher=developer,year=date_released"


def clinician_questions() -> list[str]:
    root = etree.parse(str(RQE)).getroot()
    seen: dict[str, None] = {}
    for chq in root.iter("chq"):
        text = " ".join((chq.text or "").split())
        if text:
            seen.setdefault(text, None)
    return list(seen)


def violations(article: Article) -> list[str]:
    """The PRODUCT.md invariants an answer must hold."""
    problems = []
    refs = {r.n for r in article.references}
    if article.abstained and article.sections:
        problems.append("abstained answer has sections")
    for bullet in [article.bottom_line, *article.all_bullets()]:
        if not bullet.text:
            continue
        if any(c not in refs for c in bullet.citations):
            problems.append("citation without a reference")
        if not article.abstained and not bullet.evidence:
            problems.append("statement without evidence")
        quotes = [e.quote for e in bullet.evidence]
        if quotes and unsupported_numbers(bullet.text, quotes):
            problems.append("number not in its evidence")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", type=Path, help="CURBSIDE_HOME holding the NGC library")
    parser.add_argument("--limit", type=int)
    args = parser.parse_args()
    if not RQE.exists() or not NGC.exists():
        sys.exit(f"shared data not found at {SHARED}")
    runner = CliRunner()
    home = args.library or Path(tempfile.mkdtemp(prefix="curbside-sweep-"))
    env = {"CURBSIDE_HOME": str(home)}
    os.environ.update(env)
    if not (home / "curbside.db").exists():
        result = runner.invoke(app, ["ingest", "-q", str(NGC), "--map", NGC_MAP], env=env)
        print(result.output[-300:], flush=True)
    questions = clinician_questions()[: args.limit]
    crashes, broken, abstained, latencies = [], [], 0, []
    for i, question in enumerate(questions, 1):
        started = time.perf_counter()
        result = runner.invoke(app, ["ask", question, "--json", "--fresh"], env=env)
        latencies.append((time.perf_counter() - started) * 1000)
        if result.exit_code != 0 or result.exception:
            crashes.append((question, result.exit_code, repr(result.exception)[:200]))
            continue
        article = Article.model_validate(json.loads(result.output))
        abstained += article.abstained
        problems = violations(article)
        if problems:
            broken.append((question, problems))
        if i % 500 == 0:
            print(f"{i:,} questions, {len(crashes)} crashes, {len(broken)} broken", flush=True)
    n = len(questions)
    print(
        f"\n| measure | value |\n|---|---|\n| questions | {n:,} |\n"
        f"| crashes (non-zero exit or exception) | {len(crashes)} |\n"
        f"| answers breaking the contract | {len(broken)} |\n"
        f"| abstention rate | {abstained / n:.1%} |\n"
        f"| latency p50 / p95 (ms, whole CLI command) | {percentile(latencies, 50):.0f} / "
        f"{percentile(latencies, 95):.0f} |"
    )
    for item in (crashes + broken)[:10]:
        print(item)


if __name__ == "__main__":
    main()
