"""Running the app under uvicorn, one process or several sharing one listening socket."""

from __future__ import annotations

import copy
import socket

import uvicorn
from uvicorn.config import LOGGING_CONFIG
from uvicorn.supervisors import Multiprocess

from ..errors import ConfigError

APP = "curbside.web.app:app_from_environment"

# How long a worker may go without answering the supervisor's health check before it is
# killed and replaced. uvicorn's default, 5 s, also covers a new worker's start: a spawned
# worker first re-imports the `curbside` command (1.1-1.2 s of CPU, 2.4-3.2 s of wall time
# on this 2-core machine while busy) before it can answer, then builds its app. Shared with
# other work (load average 6-7), that took over 5 s, so every worker was killed before it
# came up, in a loop. Fitted on that machine: 60 s lets a worker start under such load and
# still replaces a hung one.
WORKER_HEALTHCHECK_TIMEOUT_S = 60


def log_config() -> dict:
    """uvicorn's logging, with the access log's paths stripped of question words."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"redact": {"()": "curbside.web.logredact.RedactQuestions"}}
    config["handlers"]["access"]["filters"] = ["redact"]
    return config


def tcp_listener(host: str, port: int) -> socket.socket:
    """A listening socket whose protocol is stated as TCP.

    uvicorn's own socket for ``--workers`` leaves the protocol as 0, and asyncio only sets
    TCP_NODELAY on connections whose protocol is IPPROTO_TCP; without it every response
    written in two parts waits ~40 ms for a delayed ACK (measured: 360 instead of 2,000+
    requests/s on the article page).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ConfigError(f"cannot listen on {host}:{port}: {exc}") from exc
    sock.set_inheritable(True)
    return sock


def run(
    host: str,
    port: int,
    workers: int = 1,
    access_log: bool = True,
    healthcheck_timeout: int | None = None,
) -> None:
    """Serve until interrupted. Each worker builds its own app from the environment."""
    config = uvicorn.Config(
        APP,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=access_log,
        log_config=log_config(),
        log_level="info",
        # X-Forwarded-* are believed only from CURBSIDE_TRUSTED_PROXIES (web/app.py), never
        # from uvicorn's FORWARDED_ALLOW_IPS, whose default trusts 127.0.0.1.
        proxy_headers=False,
        timeout_worker_healthcheck=healthcheck_timeout or WORKER_HEALTHCHECK_TIMEOUT_S,
    )
    if workers == 1:
        uvicorn.Server(config).run()
        return
    Multiprocess(config, sockets=[tcp_listener(host, port)]).run()
