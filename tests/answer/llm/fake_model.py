"""Fake OpenAI-compatible models for the contract tests: plain functions of the request, as
httpx.MockTransport takes them, and a real HTTP server for the tests that need one.

The fakes read what the engine really sent (the passages in its prompt) and answer from it:
``parrot`` copies passages faithfully, the others do one thing wrong on top of that.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

from curbside.answer.llm.client import LLMConfig

KEY = "sk-test-7c1d9e0f-never-shown"
MODEL = "fake-model-1"


def config(base_url: str = "http://llm.test:8080/v1", **overrides) -> LLMConfig:
    from pydantic import SecretStr

    values = {"base_url": base_url, "model": MODEL, "api_key": SecretStr(KEY), **overrides}
    return LLMConfig(**values)


def llm_engine(rt, transport_: httpx.BaseTransport | None = None, **cfg):
    """The LLM engine as engine_for builds it: its fallback knows the library's drug names."""
    from curbside.answer.engines import ExtractiveEngine
    from curbside.answer.llm.engine import LLMEngine

    return LLMEngine(
        config(**cfg), transport_, fallback=ExtractiveEngine(rt.retriever.lexical.vocab)
    )


def request_body(request: httpx.Request) -> dict:
    return json.loads(request.content)


def prompt_blocks(body: dict) -> dict[str, object]:
    """The user message's labelled data blocks, decoded."""
    user = body["messages"][-1]["content"]
    blocks = {}
    for name in ("QUESTION", "CASE", "PASSAGES"):
        match = re.search(rf"^{name} \(data\):\n(.*?)(?=\n\n[A-Z]|\Z)", user, re.S | re.M)
        assert match, f"no {name} block in the prompt"
        blocks[name] = json.loads(match.group(1))
    return blocks


def passages(body: dict) -> list[dict]:
    return prompt_blocks(body)["PASSAGES"]  # type: ignore[return-value]


def parrot_answer(body: dict, bottom: int = 1) -> dict:
    """What an obedient, unimaginative model writes: each passage's text as a statement,
    citing that passage, the first ``bottom`` of them as the bottom line."""
    given = passages(body)
    bullets = [{"text": p["text"], "passages": [p["id"]]} for p in given]
    sections = [{"title": "Key recommendations", "bullets": bullets[bottom:]}] if given else []
    return {"bottom_line": bullets[:bottom], "sections": sections if bullets[bottom:] else []}


def sse_response(content: str, pieces: int = 12, delay: float = 0.0) -> httpx.Response:
    """A streamed chat completion whose deltas add up to ``content``."""
    size = max(1, len(content) // pieces)
    parts = [content[i : i + size] for i in range(0, len(content), size)]

    def lines():
        for part in parts:
            if delay:
                time.sleep(delay)
            chunk = {"choices": [{"index": 0, "delta": {"content": part}}]}
            yield f"data: {json.dumps(chunk)}\n\n".encode()
        yield b"data: [DONE]\n\n"

    return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=lines())


Writer = Callable[[dict], object]  # request body -> the model's reply (dict as JSON, or text)


def model(
    write: Writer, seen: list | None = None, **sse
) -> Callable[[httpx.Request], httpx.Response]:
    """A MockTransport handler: ``write`` gets the request body, its reply is streamed."""

    def handle(request: httpx.Request) -> httpx.Response:
        body = request_body(request)
        if seen is not None:
            seen.append(request)
        reply = write(body)
        return sse_response(reply if isinstance(reply, str) else json.dumps(reply), **sse)

    return handle


def transport(write: Writer, seen: list | None = None, **sse) -> httpx.MockTransport:
    return httpx.MockTransport(model(write, seen, **sse))


class FakeEndpoint:
    """A real OpenAI-compatible server on 127.0.0.1 that streams ``write``'s reply slowly,
    for tests through a real `curbside serve` (the browser test)."""

    def __init__(self, write: Writer, delay: float = 0.05):
        self.write = write
        self.delay = delay
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["content-length"])))
                reply = outer.write(body)
                content = reply if isinstance(reply, str) else json.dumps(reply)
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.end_headers()
                step = max(1, len(content) // 40)
                for i in range(0, len(content), step):
                    chunk = {"choices": [{"index": 0, "delta": {"content": content[i : i + step]}}]}
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                    self.wfile.flush()
                    time.sleep(outer.delay)
                self.wfile.write(b"data: [DONE]\n\n")

            def log_message(self, *args):  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeEndpoint:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
