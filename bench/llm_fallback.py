"""How much an LLM endpoint that is down costs an answer: the LLM engine pointed at a closed
port on 127.0.0.1 against the extractive engine, question by question, warm.

    python bench/llm_fallback.py [--library CURBSIDE_HOME] [--cases eval/cases/bundled.jsonl]

The issue's target: the fallback within the engine's own budget plus 200 ms. A refused
connection fails at once, so the extra is the failed connect and the extractive draft; this
prints it per question as p50/p95/max over the cases.
"""

from __future__ import annotations

import argparse
import socket
import sys
import tempfile
import time
from pathlib import Path

from curbside.answer.choose import engine_for
from curbside.answer.pipeline import answer
from curbside.cli import load_bundled
from curbside.eval.answers import load_cases
from curbside.eval.metrics import percentile
from curbside.runtime import open_runtime
from curbside.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
ROUNDS = 3


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", type=Path)
    parser.add_argument("--cases", type=Path, default=ROOT / "eval" / "cases" / "bundled.jsonl")
    parser.add_argument("--limit", type=int, default=60)
    args = parser.parse_args()
    home = args.library or Path(tempfile.mkdtemp()) / "home"
    settings = Settings(
        home=home,
        database_url=None,
        llm_base_url=f"http://127.0.0.1:{closed_port()}/v1",
        llm_model="down",
    )
    rt = open_runtime(settings)
    if rt.store.stats()["documents"] == 0:
        load_bundled(rt, quiet=True)
    cases = [c for c in load_cases(args.cases) if not c.get("expect_abstain")][: args.limit]
    extra, reasons = [], set()
    for case in cases:
        q = case["question"]
        answer(q, rt, fresh=True, persist=False)  # warm
        timed: dict[str, float] = {}
        for _ in range(ROUNDS):  # the best of a few rounds: a loaded machine's noise is large
            for name in ("extractive", "llm"):
                started = time.perf_counter()
                engine = engine_for(settings, name, vocab=rt.retriever.lexical.vocab)
                article = answer(q, rt, fresh=True, persist=False, engine=engine)
                ms = (time.perf_counter() - started) * 1000
                timed[name] = min(timed.get(name, ms), ms)
        if "llm" in article.metadata:
            reasons.add(article.metadata["llm"]["fallback_reason"])
        extra.append(timed["llm"] - timed["extractive"])
    rt.close()
    print(f"{len(extra)} questions, LLM endpoint down (budget {settings.llm_timeout_s:g} s)")
    print(
        f"extra over extractive: p50 {percentile(extra, 50):.1f} ms, "
        f"p95 {percentile(extra, 95):.1f} ms, max {max(extra):.1f} ms"
    )
    print("fallback reasons:", sorted(reasons))
    sys.exit(0 if max(extra) < 200 else 1)


if __name__ == "__main__":
    main()
