"""A real `curbside serve` in a subprocess on 127.0.0.1, shared by the browser tests and
bench/web.py (as haystack ships its test helpers in the package)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

WORKER_STARTED = re.compile(r"Started server process \[(\d+)\]")
WORKER_READY = "Application startup complete."


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def curbside_command() -> list[str]:
    script = Path(sys.executable).with_name("curbside")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from curbside.cli import app; sys.exit(app())"]


class ServerProcess:
    """``with ServerProcess(home) as server: httpx.get(server.url)``; stops itself on exit."""

    def __init__(
        self,
        home: Path,
        workers: int = 1,
        env: dict[str, str] | None = None,
        log: Path | None = None,
        access_log: bool = False,
        database_url: str | None = None,
    ):
        self.home = home
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.env = {**os.environ, "CURBSIDE_HOME": str(home), **(env or {})}
        self.env.pop("CURBSIDE_DATABASE_URL", None)  # the home's SQLite file, unless named
        if database_url:
            self.env["CURBSIDE_DATABASE_URL"] = database_url
        self.log = log or home.parent / "serve.log"
        self.access_log = access_log
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> ServerProcess:
        self.home.mkdir(parents=True, exist_ok=True)
        args = [
            *curbside_command(),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
            "--access-log" if self.access_log else "--no-access-log",
        ]
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                args, env=self.env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        try:
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def wait_ready(self, timeout: float = 120.0) -> None:
        """Until the home page answers and, with several workers, every worker has started."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"curbside serve exited: {self.log.read_text()[-2000:]}")
            try:
                answered = httpx.get(self.url + "/", timeout=2).status_code == 200
            except httpx.HTTPError:
                answered = False
            if answered and self._log_text().count(WORKER_READY) >= self.workers:
                return
            time.sleep(0.1)
        raise TimeoutError(f"curbside serve not ready after {timeout} s: {self.log.read_text()}")

    def _log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def worker_pids(self) -> list[int]:
        """The worker processes uvicorn says it started, in order (one process: itself)."""
        return [int(pid) for pid in WORKER_STARTED.findall(self._log_text())]

    def connections_per_worker(self) -> dict[int, int]:
        """How many open client connections each live worker holds (Linux /proc)."""
        server_side = _established_inodes(self.port)
        counts = {}
        for pid in self.worker_pids():
            try:
                fds = os.listdir(f"/proc/{pid}/fd")
            except OSError:
                continue  # not alive (any more)
            held = 0
            for fd in fds:
                try:
                    target = os.readlink(f"/proc/{pid}/fd/{fd}")
                except OSError:
                    continue
                held += target.startswith("socket:[") and target[8:-1] in server_side
            counts[pid] = held
        return counts

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)

    def __exit__(self, *exc) -> None:
        self.stop()


def _established_inodes(port: int) -> set[str]:
    """Socket inodes of established TCP connections whose local port is ``port``."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local_port = int(fields[1].rsplit(":", 1)[1], 16)
            if local_port == port and fields[3] == "01":  # 01: ESTABLISHED
                inodes.add(fields[9])
    return inodes
