"""Web benchmark: a real `curbside serve` driven from this separate process on 127.0.0.1.

    .venv/bin/python bench/web.py [--workers 2] [--pages 8000] [--asks 240] [--processes 2]

Starts the server over the bundled library in a temporary CURBSIDE_HOME, creates a few
articles, then runs a bounded Python load generator (httpx, keep-alive clients on threads in
a few processes, a fixed number of requests and a time cap) against:

- article pages: GET /a/{slug} over the pre-created articles, approved by a reviewer (the
  page every reader gets, served from the store; an unapproved one is its asker's alone);
- /api/ask, new questions: every request a question not asked before, so the engine runs;
- /api/ask, stored question: the same question again (the answer comes from the store).

Where `wrk` is installed, article pages are also measured with it (a C load generator uses
far less of the machine's two cores than Python does). Targets, from issue 5: article pages
>= 1,000 requests/s with p99 <= 50 ms; /api/ask >= 20 requests/s with p99 <= 500 ms; no errors.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from curbside.review import accounts, service  # noqa: E402
from curbside.settings import Settings  # noqa: E402
from curbside.store.sql import open_store  # noqa: E402
from curbside.web.testing import ServerProcess  # noqa: E402

CASES = ROOT / "eval" / "cases" / "bundled.jsonl"
ARTICLE_QUESTIONS = [
    "What cyanocobalamin dose and schedule should be used for a patient with severe vitamin "
    "B12 deficiency when only cyanocobalamin is available?",
    "What intramuscular adrenaline dose should I give an 8-year-old with anaphylaxis?",
    "What amoxicillin dose for acute otitis media in children?",
    "How should hyperkalaemia with ECG changes be treated?",
    "What aspirin dose prevents pre-eclampsia in high-risk pregnancy?",
]
# A question varied by a leading phrase is a new question to the engine (another key).
VARIATIONS = ["", "In adults, ", "Briefly, ", "In primary care, ", "For a new patient, "]


def approve_all(home: Path, article_ids: list[str]) -> None:
    """Approve the articles as a reviewer would: only approved answers are public pages."""
    store = open_store(Settings(home=home, database_url=None))
    try:
        reviewer = accounts.create_user(
            store, accounts.OPERATOR, email="bench@example.org", name="Bench", role="reviewer"
        )
        for article_id in article_ids:
            seen = store.articles.get_article(article_id)["version"]
            claimed = service.claim(store, reviewer, article_id, seen)
            service.approve(store, reviewer, article_id, claimed.version)
    finally:
        store.engine.dispose()


@dataclass
class Row:
    name: str
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]
    target: str
    tool: str = "python"

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    body: dict | None = None


def _send_httpx(client: httpx.Client, call: Call) -> int:
    return client.request(call.method, call.path, json=call.body).status_code


def _run_share(
    base_url: str, calls: list[Call], threads: int, deadline: float
) -> tuple[list[float], int]:
    """One load-generator process: ``threads`` keep-alive clients sharing ``calls``."""
    todo = iter(calls)
    lock = threading.Lock()
    latencies: list[float] = []
    errors = 0

    def worker() -> None:
        nonlocal errors
        mine: list[float] = []
        failed = 0
        with httpx.Client(base_url=base_url, timeout=30) as client:
            while time.monotonic() < deadline:
                with lock:
                    call = next(todo, None)
                if call is None:
                    break
                started = time.perf_counter()
                try:
                    ok = _send_httpx(client, call) == 200
                except httpx.HTTPError:
                    ok = False
                mine.append((time.perf_counter() - started) * 1000)
                failed += not ok
        with lock:
            latencies.extend(mine)
            errors += failed

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return latencies, errors


def drive(
    name: str,
    base_url: str,
    calls: list[Call],
    processes: int,
    threads: int,
    target: str,
    time_cap: float,
) -> Row:
    """Send every call from ``processes`` x ``threads`` clients, stopping at ``time_cap`` s.

    Several processes, because one Python process spends about as much CPU per request as
    the server does and the GIL would make the generator, not the server, the limit.
    """
    deadline = time.monotonic() + time_cap
    shares = [(base_url, calls[i::processes], threads, deadline) for i in range(processes)]
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        results = pool.starmap(_run_share, shares)
    seconds = time.perf_counter() - started
    latencies = [ms for share, _ in results for ms in share]
    errors = sum(e for _, e in results)
    row = Row(name, len(latencies), errors, seconds, latencies, target)
    row.tool = f"httpx {processes}x{threads}"
    return row


def wrk_article_pages(base_url: str, slugs: list[str], seconds: int, connections: int) -> Row:
    """Article pages under wrk, cycling over the slugs with a small Lua script."""
    script = "\n".join(
        [
            "local paths = {" + ", ".join(f'"/a/{s}"' for s in slugs) + "}",
            "local i = 0",
            "request = function()",
            "  i = i % #paths + 1",
            '  return wrk.format("GET", paths[i], {["Accept-Encoding"] = "gzip"})',
            "end",
            "done = function(summary, latency, requests)",
            '  io.write(string.format("JSON {\\"p50\\": %f, \\"p99\\": %f, \\"errors\\": %d}\\n",',
            "    latency:percentile(50) / 1000, latency:percentile(99) / 1000,",
            "    summary.errors.status + summary.errors.connect + summary.errors.read",
            "    + summary.errors.write + summary.errors.timeout))",
            "end",
        ]
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    try:
        out = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", f.name, base_url],
            capture_output=True,
            text=True,
            timeout=seconds + 30,
            check=True,
        ).stdout
    finally:
        os.unlink(f.name)
    total = int(re.search(r"(\d+) requests in", out).group(1))
    elapsed = float(re.search(r"requests in ([\d.]+)s", out).group(1))
    stats = json.loads(out.split("JSON ", 1)[1].splitlines()[0])
    row = Row(
        "article pages", total, stats["errors"], elapsed, [], ">= 1,000/s, p99 <= 50 ms", "wrk"
    )
    row.latencies_ms = [stats["p50"], stats["p99"]]  # already percentiles
    return row


def new_questions(count: int, skip: set[str]) -> list[str]:
    cases = [json.loads(line)["question"] for line in CASES.read_text().splitlines() if line]
    questions = [v + q[0].lower() + q[1:] if v else q for v in VARIATIONS for q in cases]
    return [q for q in questions if q not in skip][:count]


def print_table(rows: list[Row], workers: int, access_log: bool) -> None:
    log = "access log on" if access_log else "access log off"
    print(f"\ncurbside serve, {workers} worker(s), {log}, {os.cpu_count()} cores, bundled library")
    header = f"{'scenario':<32} {'tool':<11} {'requests':>8} {'errors':>6} {'req/s':>8} "
    header += f"{'p50 ms':>8} {'p99 ms':>8}  target"
    print(header)
    print("-" * (len(header) + 26))
    for r in rows:
        if r.tool == "wrk":
            p50, p99 = r.latencies_ms
        else:
            p50, p99 = r.percentile(0.50), r.percentile(0.99)
        print(
            f"{r.name:<32} {r.tool:<11} {r.requests:>8,} {r.errors:>6} {r.rate:>8,.0f} "
            f"{p50:>8.1f} {p99:>8.1f}  {r.target}"
        )
    print(
        "new questions: each is stored, so the answered-question library grows by one per "
        "request;\nthe related-question lookup reads the stored questions (not their bodies), "
        "so later questions cost a little more."
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pages", type=int, default=8000, help="article page requests")
    parser.add_argument("--asks", type=int, default=240, help="new questions to ask")
    parser.add_argument("--processes", type=int, default=2, help="load-generator processes")
    parser.add_argument("--threads", type=int, default=4, help="clients per process, pages")
    parser.add_argument("--ask-threads", type=int, default=2, help="clients per process, ask")
    parser.add_argument("--time-cap", type=float, default=30.0, help="seconds per scenario")
    parser.add_argument("--no-wrk", action="store_true", help="skip wrk even if installed")
    parser.add_argument("--access-log", action="store_true", help="serve with the access log on")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="curbside-bench-web-") as tmp:
        home = Path(tmp) / "home"
        env = {"CURBSIDE_ASK_RATE_LIMIT": "1000000"}  # one client sends everything here
        print(f"starting curbside serve ({args.workers} workers) …", file=sys.stderr)
        with ServerProcess(
            home, workers=args.workers, env=env, access_log=args.access_log
        ) as server:
            with httpx.Client(base_url=server.url, timeout=60) as client:
                slugs, ids = [], []
                for q in ARTICLE_QUESTIONS:
                    response = client.post("/api/ask", json={"question": q})
                    response.raise_for_status()
                    slugs.append(response.json()["slug"])
                    ids.append(response.json()["id"])
                approve_all(home, ids)
                client.cookies.clear()  # read as any visitor does, not as the asker
                for i in range(200):  # every worker renders and caches every page once
                    client.get(f"/a/{slugs[i % len(slugs)]}").raise_for_status()
            pages = [Call("GET", f"/a/{slugs[i % len(slugs)]}") for i in range(args.pages)]
            rows = [
                drive(
                    "article pages GET /a/{slug}",
                    server.url,
                    pages,
                    args.processes,
                    args.threads,
                    ">= 1,000/s, p99 <= 50 ms",
                    args.time_cap,
                )
            ]
            if shutil.which("wrk") and not args.no_wrk:
                rows.append(wrk_article_pages(server.url, slugs, 10, 16))
            questions = new_questions(args.asks, set(ARTICLE_QUESTIONS))
            rows.append(
                drive(
                    "POST /api/ask, new questions",
                    server.url,
                    [Call("POST", "/api/ask", {"question": q}) for q in questions],
                    args.processes,
                    args.ask_threads,
                    ">= 20/s, p99 <= 500 ms",
                    args.time_cap,
                )
            )
            stored = {"question": ARTICLE_QUESTIONS[0]}
            rows.append(
                drive(
                    "POST /api/ask, stored question",
                    server.url,
                    [Call("POST", "/api/ask", stored)] * (args.asks * 4),
                    args.processes,
                    args.ask_threads,
                    "(cached variant)",
                    args.time_cap,
                )
            )
    print_table(rows, args.workers, args.access_log)
    return 0 if all(r.errors == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
