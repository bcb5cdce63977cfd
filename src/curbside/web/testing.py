"""A real `curbside serve` in a subprocess on 127.0.0.1, shared by the browser tests and
bench/web.py (as haystack ships its test helpers in the package)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


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

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"curbside serve exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(self.url + "/", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"curbside serve not ready after {timeout} s: {self.log.read_text()}")

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
