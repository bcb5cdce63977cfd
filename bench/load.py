"""Load test: 50 concurrent clients against `curbside serve --workers 2` on the bundled library.

    .venv/bin/python bench/load.py [--seconds 60] [--clients 50] [--workers 2] \
        [--postgres-url postgresql+psycopg://…]

Runs on SQLite, then on PostgreSQL when a URL is given (in a schema of its own, dropped at
the end). Each run starts a real server in a temporary CURBSIDE_HOME, approves a few
articles, then drives it for ``--seconds`` from this process with ``--clients`` httpx async
clients, each on its own keep-alive connection, each pausing a random think time (mean
``--think`` s) between requests:

- readers (most clients): read approved article pages (GET /a/{slug}); now and then ask a
  new question (POST /api/ask, never asked before, so the engine runs);
- bursts: every ``--burst-every`` s, ``--burst-size`` readers ask the same new question at
  the same moment (each wakes from its pause at the burst's time; one still waiting for a
  reply joins when it has it), which must give one article;
- reviewers (``--reviewers`` clients, each with an API token): read the review queue, claim
  a submitted answer at the version they saw and approve it. Two reviewers taking the same
  answer is expected: the loser gets 409 (compare-and-set), counted as a conflict, not an
  error; an approved answer joins the pages the readers read.

Afterwards the database is read directly: every question answered with 200 must have its
article (none lost) and no question may have two (none duplicated). Targets (issue 12):
0 errors, 0 lost or duplicated articles, article page p99 <= 100 ms. The load generator
runs on the same machine as the server; the load average is sampled during the run.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scratch import postgres_schema

from curbside.articles.identity import question_key
from curbside.eval.metrics import percentile
from curbside.review import accounts, service
from curbside.review.accounts import OPERATOR
from curbside.settings import Settings
from curbside.store.sql import open_store
from curbside.web.testing import ServerProcess
from web import ARTICLE_QUESTIONS, new_questions

PROBE = "page, 1 reader"  # probe_pages
KINDS = ("article page", PROBE, "new question", "burst question", "review queue", "review action")


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter = field(default_factory=Counter)  # (kind, status or exception name)
    conflicts: int = 0
    answered: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # q -> ids

    def record(self, kind: str, started: float, status: int | str, ok: bool) -> None:
        self.latencies[kind].append((time.perf_counter() - started) * 1000)
        if not ok:
            self.errors[(kind, status)] += 1


class Load:
    """The shared state of one run: what is left to ask, what may be read, the bursts."""

    def __init__(self, args, slugs: list[str], questions: list[str], tokens: list[str]):
        self.args = args
        self.slugs = list(slugs)
        self.tokens = tokens
        self.tally = Tally()
        bursts = round(args.seconds / args.burst_every) if args.burst_every else 0
        self.burst_questions = questions[:bursts]
        self.questions = iter(questions[bursts:])
        self.started = self.deadline = 0.0  # set when the run starts
        self.seconds = 0.0  # how long it took, the last replies included

    async def request(self, client, kind, method, path, ok=(200,), **kwargs):
        started = time.perf_counter()
        try:
            response = await client.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            self.tally.record(kind, started, type(exc).__name__, False)
            return None
        self.tally.record(kind, started, response.status_code, response.status_code in ok)
        return response

    async def ask(self, client, kind: str, question: str) -> None:
        response = await self.request(client, kind, "POST", "/api/ask", json={"question": question})
        if response is not None and response.status_code == 200:
            self.tally.answered[question].add(response.json()["id"])

    async def think(self, burst_due: float | None = None) -> None:
        """Pause a random think time, but wake for a burst when one is due before its end."""
        pause = min(random.expovariate(1 / self.args.think), self.deadline - time.monotonic())
        if burst_due is not None:
            pause = min(pause, burst_due - time.monotonic())
        await asyncio.sleep(max(0.0, pause))

    async def reader(self, client: httpx.AsyncClient, index: int) -> None:
        # Readers 0..size-1 make bursts 0, g, 2g …; the next size readers bursts 1, g+1 …
        # Every reader of a burst wakes at its due time, so the idle ones ask at one moment
        # (one still waiting for a reply joins as soon as it has it).
        groups = max(1, (self.args.clients - self.args.reviewers) // self.args.burst_size)
        group = index // self.args.burst_size
        mine = [b for b in range(len(self.burst_questions)) if b % groups == group]
        while time.monotonic() < self.deadline:
            due = self.burst_due(mine)
            if due is not None and time.monotonic() >= due:
                await self.ask(client, "burst question", self.burst_questions[mine.pop(0)])
            elif random.random() < self.args.ask_share:
                question = next(self.questions, None)
                if question is not None:
                    await self.ask(client, "new question", question)
            else:
                await self.request(client, "article page", "GET", f"/a/{random.choice(self.slugs)}")
            await self.think(self.burst_due(mine))

    def burst_due(self, bursts: list[int]) -> float | None:
        return self.started + (bursts[0] + 0.5) * self.args.burst_every if bursts else None

    async def reviewer(self, client: httpx.AsyncClient, token: str) -> None:
        headers = {"Authorization": f"Bearer {token}"}
        while time.monotonic() < self.deadline:
            queue = await self.request(
                client, "review queue", "GET", "/api/review/queue?view=answers", headers=headers
            )
            items = queue.json() if queue is not None and queue.status_code == 200 else []
            waiting = [i for i in items if i["status"] == "submitted"]
            if waiting:
                item = random.choice(waiting[:5])  # reviewers tend to take the oldest
                await self.review(client, headers, item)
            await self.think()

    async def review(self, client, headers: dict, item: dict) -> None:
        """Claim at the version seen, then approve; a 409 is another reviewer's win."""
        version = item["version"]
        for action in ("claim", "approve"):
            done = await self.request(
                client,
                "review action",
                "POST",
                f"/api/articles/{item['id']}/{action}",
                ok=(200, 409),
                json={"seen_version": version},
                headers=headers,
            )
            if done is None or done.status_code != 200:
                self.tally.conflicts += done is not None
                return
            version = done.json()["version"]
        self.slugs.append(item["slug"])  # approved: readers may read it now

    async def run(self, url: str) -> None:
        self.started = time.monotonic()
        self.deadline = self.started + self.args.seconds
        # Idle connections are let go after 4 s, before uvicorn's keep-alive timeout (5 s)
        # closes them: with both at 5 s, a first run had one ReadError in 3,161 requests,
        # most likely a request sent as the server closed its connection.
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1, keepalive_expiry=4)
        clients = [
            httpx.AsyncClient(base_url=url, timeout=30, limits=limits)
            for _ in range(self.args.clients)
        ]
        try:
            readers = clients[self.args.reviewers :]
            tasks = [self.reader(c, i) for i, c in enumerate(readers)]
            tasks += [self.reviewer(c, t) for c, t in zip(clients, self.tokens, strict=False)]
            await asyncio.gather(*tasks)
            self.seconds = time.monotonic() - self.started
        finally:
            await asyncio.gather(*(c.aclose() for c in clients))


async def sample_load_average(samples: list[float], every: float = 5.0) -> None:
    while True:
        samples.append(os.getloadavg()[0])
        await asyncio.sleep(every)


def probe_pages(url: str, slugs: list[str], seconds: float, every: float = 0.1) -> list[float]:
    """One more reader, in a process of its own: a page every ``every`` s, one at a time.

    The async clients share one Python process, whose own queueing (under load, on a busy
    machine) adds to the latency they see; this reader shows the server's side more nearly.
    """
    latencies = []
    deadline = time.monotonic() + seconds
    with httpx.Client(base_url=url, timeout=30) as client:
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                ok = client.get(f"/a/{random.choice(slugs)}").status_code == 200
            except httpx.HTTPError:
                ok = False
            latencies.append((time.perf_counter() - started) * 1000 if ok else -1.0)
            time.sleep(every)
    return latencies


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time the processes have used (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def prepare(server: ServerProcess, settings: Settings, reviewers: int) -> tuple[list, list]:
    """Approved articles for the readers, and an API token per reviewer."""
    with httpx.Client(base_url=server.url, timeout=120) as client:
        asked = [client.post("/api/ask", json={"question": q}) for q in ARTICLE_QUESTIONS]
    for response in asked:
        response.raise_for_status()
    store = open_store(settings)
    try:
        chief = accounts.create_user(
            store, OPERATOR, email="chief@example.org", name="Chief", role="reviewer"
        )
        for response in asked:
            article = response.json()
            claimed = service.claim(store, chief, article["id"], article["version"])
            service.approve(store, chief, article["id"], claimed.version)
        tokens = []
        for i in range(reviewers):
            user = accounts.create_user(
                store, OPERATOR, email=f"rev{i}@example.org", name=f"Rev {i}", role="reviewer"
            )
            tokens.append(accounts.issue_token(store, OPERATOR, user.id)[1])
    finally:
        store.engine.dispose()
    slugs = [r.json()["slug"] for r in asked]
    with httpx.Client(base_url=server.url, timeout=60) as client:
        for i in range(100):  # every worker renders and caches every page once
            client.get(f"/a/{slugs[i % len(slugs)]}").raise_for_status()
    return slugs, tokens


def check_database(database_url: str, answered: dict[str, set[str]]) -> tuple[int, int, int]:
    """(questions answered, lost, duplicated), read from the articles table itself."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT id, question_key FROM articles "
                    "WHERE parent_id IS NULL AND audience = 'clinician'"
                )
            ).all()
    finally:
        engine.dispose()
    by_key: dict[str, set[str]] = defaultdict(set)
    for article_id, key in rows:
        by_key[key].add(article_id)
    stored = {article_id for article_id, _ in rows}
    keys = {question_key(q) for q in answered}
    lost = sum(not by_key.get(k) for k in keys)
    lost += sum(bool(ids - stored) for ids in answered.values())  # an id given, not stored
    duplicated = sum(len(by_key.get(k, ())) > 1 for k in keys)
    duplicated += sum(len(ids) > 1 for ids in answered.values())  # two ids for one question
    return len(keys), lost, duplicated


def run_backend(args, name: str, database_url: str | None, questions: list[str]) -> dict:
    with tempfile.TemporaryDirectory(prefix="curbside-bench-load-") as tmp:
        home = Path(tmp) / "home"
        settings = Settings(home=home, database_url=database_url)
        env = {"CURBSIDE_ASK_RATE_LIMIT": "1000000"}  # every client is 127.0.0.1 here
        print(f"{name}: starting curbside serve --workers {args.workers} …", file=sys.stderr)
        with ServerProcess(
            home, workers=args.workers, env=env, database_url=database_url
        ) as server:
            slugs, tokens = prepare(server, settings, args.reviewers)
            load = Load(args, slugs, questions, tokens)
            samples: list[float] = []
            print(f"{name}: {args.clients} clients for {args.seconds:.0f} s …", file=sys.stderr)

            async def drive() -> None:
                sampler = asyncio.create_task(sample_load_average(samples))
                await load.run(server.url)
                sampler.cancel()

            server_cpu, own_cpu = cpu_seconds(server.worker_pids()), time.process_time()
            with multiprocessing.get_context("fork").Pool(1) as pool:
                probe = pool.apply_async(probe_pages, (server.url, slugs, args.seconds))
                asyncio.run(drive())
                probed = probe.get()  # -1: not a 200
            load.tally.latencies[PROBE] = [ms for ms in probed if ms >= 0]
            if failed := sum(ms < 0 for ms in probed):
                load.tally.errors[(PROBE, "not 200")] += failed
            seconds = load.seconds
            server_cpu = cpu_seconds(server.worker_pids()) - server_cpu
            own_cpu = time.process_time() - own_cpu
            restarted = "died" in server.log.read_text()
        asked, lost, duplicated = check_database(
            settings.resolved_database_url, load.tally.answered
        )
    return {
        "name": name,
        "tally": load.tally,
        "seconds": seconds,
        "load": samples,
        "asked": asked,
        "lost": lost,
        "duplicated": duplicated,
        "restarted": restarted,
        "server_cpu": server_cpu,
        "own_cpu": own_cpu,
    }


def print_report(args, results: list[dict], before: tuple[float, float, float]) -> None:
    print(
        f"\n{args.clients} clients ({args.reviewers} reviewers), think time mean {args.think} s, "
        f"bursts of {args.burst_size} every {args.burst_every:.0f} s; curbside serve "
        f"--workers {args.workers}; {os.cpu_count()} cores, load generator on the same machine"
    )
    print(f"load average before: {before[0]:.2f} {before[1]:.2f} {before[2]:.2f}")
    for r in results:
        t: Tally = r["tally"]
        load = r["load"] or [float("nan")]
        print(
            f"\n{r['name']}: {r['seconds']:.0f} s, load average (1 min) during the run "
            f"mean {sum(load) / len(load):.2f}, max {max(load):.2f}; CPU used: server workers "
            f"{r['server_cpu']:.0f} s, load generator {r['own_cpu']:.0f} s"
        )
        header = f"| {'requests':<16} | {'count':>7} | {'req/s':>6} | {'errors':>6} |"
        header += f" {'p50 ms':>7} | {'p95 ms':>7} | {'p99 ms':>7} |"
        print(header)
        print("|" + "|".join("-" * (len(c)) for c in header.split("|")[1:-1]) + "|")
        for kind in KINDS:
            ms = t.latencies.get(kind, [])
            errors = sum(n for (k, _), n in t.errors.items() if k == kind)
            p = [percentile(ms, q) if ms else float("nan") for q in (50, 95, 99)]
            print(
                f"| {kind:<16} | {len(ms):>7,} | {len(ms) / r['seconds']:>6.1f} | {errors:>6} |"
                f" {p[0]:>7.1f} | {p[1]:>7.1f} | {p[2]:>7.1f} |"
            )
        total = sum(len(v) for v in t.latencies.values())
        print(
            f"total {total:,} requests, {total / r['seconds']:.1f}/s; errors "
            f"{sum(t.errors.values())} {dict(t.errors) or ''}; review conflicts (409) "
            f"{t.conflicts}; workers restarted: {'yes' if r['restarted'] else 'no'}"
        )
        print(
            f"database: {r['asked']} questions answered, {r['lost']} lost, "
            f"{r['duplicated']} duplicated"
        )
    print("targets: 0 errors, 0 lost or duplicated, article page p99 <= 100 ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="per backend")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--reviewers", type=int, default=4, help="of the clients")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--think", type=float, default=1.0, help="mean pause, seconds")
    parser.add_argument("--burst-every", type=float, default=15.0, help="seconds; 0: none")
    parser.add_argument("--burst-size", type=int, default=10, help="clients per burst")
    parser.add_argument(
        "--ask-share", type=float, default=0.03, help="of readers' requests: new questions"
    )
    parser.add_argument("--postgres-url", help="also run on this PostgreSQL server")
    args = parser.parse_args()
    random.seed(12)
    before = os.getloadavg()
    questions = new_questions(100_000, set(ARTICLE_QUESTIONS))
    random.shuffle(questions)
    results = [run_backend(args, "SQLite", None, questions)]
    if args.postgres_url:
        with postgres_schema(args.postgres_url, "load") as url:
            results.append(run_backend(args, "PostgreSQL", url, questions))
    print_report(args, results, before)
    bad = [r for r in results if sum(r["tally"].errors.values()) or r["lost"] or r["duplicated"]]
    idle = [r["name"] for r in results if not r["tally"].latencies.get("article page")]
    if idle:  # a run that read no page measured nothing
        print(f"no article page was read on {', '.join(idle)}", file=sys.stderr)
    return 1 if bad or idle else 0


if __name__ == "__main__":
    sys.exit(main())
