"""A small client for one OpenAI-compatible call: POST {base}/chat/completions, streamed.

httpx rather than the ``openai`` package: it is already a dependency (the web tests use it),
it speaks to any server that follows the protocol's wire format (vLLM, llama.cpp, Ollama,
OpenAI) without the package's retries and its own timeouts between us and the budget, and its
``MockTransport`` lets the contract tests answer with a plain function (STYLE.md).

The whole call has one deadline (``timeout_s``): a server that trickles tokens is cut off at
it just like one that never answers. The API key goes only into the Authorization header; it
is never part of an error message, a log line or a repr.
"""

from __future__ import annotations

import json
import logging
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import certifi
import httpx
from pydantic import SecretStr

from ...settings import Settings

log = logging.getLogger(__name__)


class LLMError(RuntimeError):
    """The call gave no usable reply; the message is the reason an article may record."""


@dataclass(frozen=True)
class LLMConfig:
    base_url: str
    model: str
    api_key: SecretStr | None = field(default=None, repr=False)
    timeout_s: float = 60.0
    connect_timeout_s: float = 3.0
    max_tokens: int = 1024
    response_format: str = "json_schema"

    @property
    def host(self) -> str:
        """Where answers come from, for the article: the endpoint's host, never its path or
        credentials."""
        parts = urlsplit(self.base_url)
        return parts.hostname + (f":{parts.port}" if parts.port else "") if parts.hostname else ""

    @classmethod
    def from_settings(cls, settings: Settings) -> LLMConfig | None:
        if not settings.llm_configured:
            return None
        return cls(
            base_url=str(settings.llm_base_url),
            model=str(settings.llm_model),
            api_key=settings.llm_api_key,
            timeout_s=settings.llm_timeout_s,
            connect_timeout_s=settings.llm_connect_timeout_s,
            max_tokens=settings.llm_max_tokens,
            response_format=settings.llm_response_format,
        )


@lru_cache(maxsize=1)
def _tls() -> ssl.SSLContext:
    """One TLS context for every call: httpx builds a new one per client otherwise, which
    costs ~0.5 s on a loaded machine (measured), more than the fallback's whole allowance."""
    return ssl.create_default_context(cafile=certifi.where())


class ChatClient:
    def __init__(self, config: LLMConfig, transport: httpx.BaseTransport | None = None):
        self.config = config
        self.transport = transport

    def _body(self, messages: list[dict[str, str]], schema: dict[str, Any]) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.config.model,
            "messages": messages,
            "temperature": 0,
            "max_tokens": self.config.max_tokens,
            "stream": True,
        }
        if self.config.response_format == "json_schema":
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "curbside_answer", "strict": True, "schema": schema},
            }
        elif self.config.response_format == "json_object":
            body["response_format"] = {"type": "json_object", "schema": schema}
        return body

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "text/event-stream"}
        if self.config.api_key is not None:
            headers["Authorization"] = f"Bearer {self.config.api_key.get_secret_value()}"
        return headers

    def complete(
        self,
        messages: list[dict[str, str]],
        schema: dict[str, Any],
        on_text: Callable[[str], None] | None = None,
    ) -> str:
        """The model's whole reply. ``on_text`` gets the reply so far after each piece."""
        cfg = self.config
        deadline = time.monotonic() + cfg.timeout_s
        timeout = httpx.Timeout(cfg.timeout_s, connect=min(cfg.connect_timeout_s, cfg.timeout_s))
        url = cfg.base_url.rstrip("/") + "/chat/completions"
        try:
            with (
                httpx.Client(transport=self.transport, timeout=timeout, verify=_tls()) as http,
                http.stream(
                    "POST", url, json=self._body(messages, schema), headers=self._headers()
                ) as response,
            ):
                if response.status_code >= 400:
                    raise LLMError(f"the endpoint answered HTTP {response.status_code}")
                kind = response.headers.get("content-type", "")
                if "text/event-stream" not in kind:  # a server that ignores "stream"
                    body = _read_all(response, deadline)
                    return _message_content(body)
                return _read_stream(response, deadline, on_text)
        except httpx.TimeoutException:
            raise LLMError(f"no reply within {cfg.timeout_s:g} s") from None
        except httpx.HTTPError as exc:
            # The exception's class names what failed (ConnectError, ReadError, …); its text
            # may hold the URL, which is the operator's, not a secret, but is left out anyway.
            raise LLMError(f"the endpoint could not be reached ({type(exc).__name__})") from None


def _check_deadline(deadline: float) -> None:
    if time.monotonic() > deadline:
        raise httpx.ReadTimeout("the whole call's budget is spent")


def _read_all(response: httpx.Response, deadline: float) -> bytes:
    chunks = []
    for chunk in response.iter_bytes():
        chunks.append(chunk)
        _check_deadline(deadline)
    return b"".join(chunks)


def _message_content(body: bytes) -> str:
    try:
        data = json.loads(body)
        content = data["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        raise LLMError("the endpoint's reply is not a chat completion") from None
    if not isinstance(content, str):
        raise LLMError("the endpoint's reply holds no text")
    return content


def _read_stream(
    response: httpx.Response, deadline: float, on_text: Callable[[str], None] | None
) -> str:
    """Server-sent events of chat-completion chunks, up to ``data: [DONE]``."""
    pieces: list[str] = []
    for line in response.iter_lines():
        _check_deadline(deadline)
        if not line.startswith("data:"):
            continue  # comments, event names, keep-alives
        data = line[5:].strip()
        if data == "[DONE]":
            break
        try:
            chunk = json.loads(data)
        except ValueError:
            raise LLMError("the endpoint's stream holds a line that is not JSON") from None
        if not isinstance(chunk, dict):
            raise LLMError("the endpoint's stream holds a line that is not a chunk")
        if chunk.get("error"):
            raise LLMError("the endpoint reported an error while answering")
        for choice in chunk.get("choices") or []:
            delta = (choice.get("delta") or {}).get("content")
            if isinstance(delta, str) and delta:
                pieces.append(delta)
                if on_text is not None:
                    on_text("".join(pieces))
    return "".join(pieces)
