"""`curbside serve --workers 2` as a real subprocess: both workers come up and stay up, and
clients held by both over real HTTP see one database: the same new question asked at once
gives one article, a review action is compare-and-set across workers, and a change made
after pages were cached in both workers shows in both at once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from curbside.review import accounts, service
from curbside.review.accounts import OPERATOR
from curbside.settings import Settings
from curbside.store.sql import open_store
from curbside.web.testing import ServerProcess

pytestmark = pytest.mark.slow

# A new question for the bundled library, asked by every client at once.
QUESTION = "What colchicine dose should treat an acute gout flare in an adult?"
CLIENTS = 12


def _clients_on_both_workers(server: ServerProcess) -> list[httpx.Client]:
    """Keep-alive clients, opened until each worker holds at least one of their connections."""
    clients: list[httpx.Client] = []
    while len(clients) < 4 * CLIENTS:
        client = httpx.Client(base_url=server.url, timeout=120)
        assert client.get("/").status_code == 200  # opens the connection it keeps
        clients.append(client)
        held = server.connections_per_worker()
        if len(clients) >= CLIENTS and len(held) == 2 and min(held.values()) >= 1:
            return clients
    pytest.fail(f"the kernel never gave a connection to both workers: {held}")


def _reviewer_tokens(settings: Settings, count: int) -> list[str]:
    store = open_store(settings)
    try:
        tokens = []
        for i in range(count):
            user = accounts.create_user(
                store, OPERATOR, email=f"rev{i}@example.org", name=f"Dr Rev {i}", role="reviewer"
            )
            tokens.append(accounts.issue_token(store, OPERATOR, user.id)[1])
        return tokens
    finally:
        store.engine.dispose()


def test_two_workers_share_one_database(tmp_path: Path, database_url):
    home = tmp_path / "home"
    settings = Settings(home=home, database_url=database_url)
    env = {"CURBSIDE_ASK_RATE_LIMIT": "10000"}
    with ServerProcess(home, workers=2, env=env, database_url=database_url) as server:
        pids = server.worker_pids()
        assert len(pids) == 2, server.log.read_text()
        clients = _clients_on_both_workers(server)
        try:
            barrier = threading.Barrier(len(clients))

            def ask(client: httpx.Client) -> httpx.Response:
                barrier.wait()
                return client.post("/api/ask", json={"question": QUESTION})

            with ThreadPoolExecutor(len(clients)) as pool:
                asked = list(pool.map(ask, clients))
            assert [r.status_code for r in asked] == [200] * len(clients)
            ids = {r.json()["id"] for r in asked}
            assert len(ids) == 1, ids  # one article, whichever worker answered
            article = asked[0].json()
            assert not article["abstained"]

            # Two reviewers claim the same version through different connections: one wins.
            tokens = _reviewer_tokens(settings, 2)
            claim = f"/api/articles/{article['id']}/claim"
            seen = {"seen_version": article["version"]}
            barrier = threading.Barrier(2)

            def claim_with(client: httpx.Client, token: str) -> tuple[httpx.Response, dict]:
                headers = {"Authorization": f"Bearer {token}"}
                barrier.wait()
                return client.post(claim, json=seen, headers=headers), headers

            with ThreadPoolExecutor(2) as pool:
                claims = list(pool.map(claim_with, [clients[0], clients[-1]], tokens))
            assert sorted(r.status_code for r, _ in claims) == [200, 409]
            claimed, winner = next((r, h) for r, h in claims if r.status_code == 200)

            # Every client now reads as a visitor who did not ask, on connections of both.
            for client in clients:
                client.cookies.clear()
            page = f"/a/{article['slug']}"
            assert {c.get(page).status_code for c in clients} == {404}  # not yet approved
            approved = clients[1].post(
                f"/api/articles/{article['id']}/approve",
                json={"seen_version": claimed.json()["version"]},
                headers=winner,
            )
            assert approved.status_code == 200, approved.text
            before = {c.get(page).text for c in clients}  # now cached by both workers
            assert len(before) == 1 and "Reviewed by" in before.pop()
            store = open_store(settings)
            try:
                cited = article["references"][0]["document_id"]
                service.mark_sources_changed(store, [cited], reason="superseded")
            finally:
                store.engine.dispose()
            after = {c.get(page).text for c in clients}
            assert len(after) == 1 and "Sources updated since approval" in after.pop()
        finally:
            for client in clients:
                client.close()
        assert server.worker_pids() == pids  # no worker was replaced
        assert "died" not in server.log.read_text()
