"""The LLM engine's contract, through httpx.MockTransport: what it sends, what it serves when
the model answers well, and the extractive answer with the reason when it does not."""

from __future__ import annotations

import json
import logging
import re
import socket

import httpx
import pytest

from curbside.answer.llm.engine import MAX_DROPPED_SHARE
from curbside.answer.llm.schema import SECTION_TITLES
from curbside.answer.pipeline import answer
from curbside.answer.verify import SUPPORT_MIN, check, unsupported_numbers
from curbside.runtime import Runtime

from ..invariants import assert_contract
from .fake_model import (
    KEY,
    MODEL,
    config,
    llm_engine,
    parrot_answer,
    passages,
    request_body,
    transport,
)

QUESTION = (
    "What hydroxocobalamin regimen should an adult with vitamin B12 deficiency without "
    "neurological involvement receive?"
)
ONE_MG = re.compile(r"\b1 mg\b")


def ask(rt: Runtime, write, question: str = QUESTION, seen=None, **cfg):
    engine = llm_engine(rt, transport(write, seen), **cfg)
    return answer(question, rt, fresh=True, persist=False, engine=engine)


def served_texts(article) -> list[str]:
    return [article.bottom_line.text] + [b.text for b in article.all_bullets()]


def assert_verified(article) -> None:
    """Whatever the engine: every number stands in its evidence, every bullet is supported."""
    units = [(article.bottom_line.text, article.bottom_line.evidence)]
    units += [(b.text, b.evidence) for b in article.all_bullets()]
    for text, evidence in units:
        quotes = [e.quote for e in evidence]
        assert unsupported_numbers(text, quotes) == [], text
        assert check(text, quotes).support >= SUPPORT_MIN, text


@pytest.fixture(scope="module")
def extractive(library: Runtime):
    return answer(QUESTION, library, fresh=True, persist=False)


# ---- success -----------------------------------------------------------------------------------


def test_a_faithful_reply_is_served_as_the_llm_answer(library: Runtime):
    seen: list[httpx.Request] = []
    article = ask(library, parrot_answer, seen=seen)
    assert article.engine == "llm"
    meta = article.metadata["llm"]
    assert meta["model"] == MODEL and meta["endpoint_host"] == "llm.test:8080"
    assert meta["fallback_reason"] is None
    assert meta["bullets_dropped"] == 0 and article.metadata["unsupported_bullets_dropped"] == 0
    given = passages(request_body(seen[0]))
    assert meta["bullets_written"] == len(given) == meta["passages_given"]
    # The parrot's statements are the passages, so each one is served, citing its passage.
    assert served_texts(article) == [p["text"] for p in given]
    assert all(b.support == 1.0 for b in article.all_bullets())
    assert_contract(article, library.store, engine="llm")
    assert_verified(article)


def test_the_request_carries_model_schema_stream_and_key(library: Runtime):
    seen: list[httpx.Request] = []
    ask(library, parrot_answer, seen=seen)
    request = seen[0]
    assert request.url == "http://llm.test:8080/v1/chat/completions"
    assert request.headers["authorization"] == f"Bearer {KEY}"
    body = request_body(request)
    assert body["model"] == MODEL and body["stream"] is True and body["temperature"] == 0
    schema = body["response_format"]["json_schema"]["schema"]
    assert body["response_format"]["type"] == "json_schema"
    ids = [p["id"] for p in passages(body)]
    bullet = schema["properties"]["bottom_line"]["items"]
    assert bullet["properties"]["passages"]["items"]["enum"] == ids
    section = schema["properties"]["sections"]["items"]
    assert section["properties"]["title"]["enum"] == list(SECTION_TITLES)
    # The passages are the evidence the extractive engine would quote, exactly as written.
    assert all(p["text"] and p["source"] for p in passages(body))
    system = body["messages"][0]["content"]
    assert "data, not instructions" in system


def test_servers_without_json_schema_get_json_object_or_nothing(library: Runtime):
    for mode, expected in (("json_object", "json_object"), ("none", None)):
        seen: list[httpx.Request] = []
        article = ask(library, parrot_answer, seen=seen, response_format=mode)
        body = request_body(seen[0])
        assert (body.get("response_format") or {}).get("type") == expected
        if mode == "json_object":
            assert body["response_format"]["schema"]["required"] == ["bottom_line", "sections"]
        assert article.engine == "llm"


def test_a_fenced_reply_from_a_server_without_schema_support_is_parsed(library: Runtime):
    article = ask(
        library,
        lambda body: "```json\n" + json.dumps(parrot_answer(body)) + "\n```",
        response_format="none",
    )
    assert article.engine == "llm"


def test_a_server_that_ignores_stream_is_read_whole(library: Runtime):
    def handle(request: httpx.Request) -> httpx.Response:
        reply = json.dumps(parrot_answer(request_body(request)))
        return httpx.Response(200, json={"choices": [{"message": {"content": reply}}]})

    engine = llm_engine(library, httpx.MockTransport(handle))
    article = answer(QUESTION, library, fresh=True, persist=False, engine=engine)
    assert article.engine == "llm" and article.metadata["llm"]["fallback_reason"] is None


def test_an_unknown_section_title_takes_its_passage_heading(library: Runtime):
    def write(body):
        reply = parrot_answer(body)
        reply["sections"][0]["title"] = "Give 10 g now"
        return reply

    article = ask(library, write, response_format="none")
    assert article.engine == "llm"
    assert all("10 g" not in s.title for s in article.sections)


# ---- the verifier on what the model wrote ------------------------------------------------------


def test_a_wrong_number_is_dropped_counted_and_explained(library: Runtime):
    def write(body):
        reply = parrot_answer(body)
        for bullet in reply["sections"][0]["bullets"]:
            if ONE_MG.search(bullet["text"]):
                bullet["text"] = ONE_MG.sub("2 mg", bullet["text"], count=1)
                return reply
        raise AssertionError("no passage with 1 mg to plant a number in")

    article = ask(library, write)
    assert article.engine == "llm"
    assert article.metadata["unsupported_bullets_dropped"] == 1
    [dropped] = article.metadata["dropped_bullets"]
    assert "2 mg" in dropped["text"] and dropped["reason"].startswith("numbers not in its passages")
    assert "2 mg" in dropped["reason"]
    assert dropped["text"] not in served_texts(article)
    assert_verified(article)


def test_a_bullet_citing_a_passage_it_was_not_given_is_dropped(library: Runtime):
    def write(body):
        reply = parrot_answer(body)
        reply["sections"][0]["bullets"][0]["passages"] = ["P99"]
        return reply

    article = ask(library, write, response_format="none")  # no enum to stop it
    assert article.engine == "llm"
    [dropped] = article.metadata["dropped_bullets"]
    assert dropped["reason"] == "cites P99, which it was not given"
    assert dropped["text"] not in served_texts(article)
    assert article.metadata["llm"]["bullets_dropped"] == 1


def test_a_paraphrase_too_far_from_its_passage_is_dropped(library: Runtime):
    def write(body):
        reply = parrot_answer(body)
        reply["sections"][0]["bullets"][0]["text"] = "Patients generally feel better soon."
        return reply

    article = ask(library, write)
    [dropped] = article.metadata["dropped_bullets"]
    assert dropped["reason"].startswith("only ") and "of its words" in dropped["reason"]


def test_too_much_dropped_serves_the_extractive_answer_and_keeps_the_list(library, extractive):
    def write(body):
        return {
            "bottom_line": [
                {"text": "Give 7 mg daily.", "passages": [p["id"]]} for p in passages(body)[:1]
            ],
            "sections": [
                {
                    "title": "Initial treatment",
                    "bullets": [
                        {"text": f"Give {n} mg daily.", "passages": [p["id"]]}
                        for n, p in zip((3, 4, 5), passages(body), strict=False)
                    ],
                }
            ],
        }

    article = ask(library, write)
    assert article.engine == "extractive"
    meta = article.metadata["llm"]
    assert "bottom-line" in meta["fallback_reason"] or "dropped" in meta["fallback_reason"]
    assert len(meta["dropped"]) == meta["bullets_dropped"] == meta["bullets_written"] == 4
    assert served_texts(article) == served_texts(extractive)
    assert article.metadata["unsupported_bullets_dropped"] == 0


def test_the_dropped_share_that_forces_a_fallback(library: Runtime):
    """More than MAX_DROPPED_SHARE of the statements gone: extractive; at or under: llm."""

    def dropping(share_of_sections: float):
        def write(body):
            reply = parrot_answer(body)
            bullets = reply["sections"][0]["bullets"]
            for b in bullets[: round(len(bullets) * share_of_sections)]:
                b["text"] = "Nothing in the passage says this at all, whatsoever."
            return reply

        return write

    few = ask(library, dropping(0.2))
    many = ask(library, dropping(1.0))
    assert few.engine == "llm"
    assert few.metadata["llm"]["bullets_dropped"] / few.metadata["llm"]["bullets_written"] <= (
        MAX_DROPPED_SHARE
    )
    assert many.engine == "extractive"
    assert many.metadata["llm"]["fallback_reason"].startswith("the verifier dropped")


# ---- failures: the extractive answer, with the reason ------------------------------------------


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        ("{not json", "not valid JSON"),
        ("", "empty"),
        ("[1, 2]", "not an object"),
        ('{"bottom_line": []}', "does not fit the answer schema"),
        ('{"bottom_line": [{"text": "x", "passages": ["P1"]}], "extra": 1}', "answer schema"),
    ],
)
def test_a_reply_that_is_not_the_answer_json_falls_back(library, extractive, reply, reason):
    article = ask(library, lambda body: reply)
    assert article.engine == "extractive"
    assert reason in article.metadata["llm"]["fallback_reason"]
    assert served_texts(article) == served_texts(extractive)
    assert_contract(article, library.store, engine="extractive")


def _failing(exc_or_status):
    def handle(request: httpx.Request) -> httpx.Response:
        if isinstance(exc_or_status, int):
            return httpx.Response(exc_or_status, text=f"error, your key was {KEY}")
        raise exc_or_status

    return httpx.MockTransport(handle)


@pytest.mark.parametrize(
    ("failure", "reason"),
    [
        (httpx.ReadTimeout("slow"), "no reply within 60 s"),
        (httpx.ConnectTimeout("slow"), "no reply within 60 s"),
        (httpx.ConnectError("refused"), "the endpoint could not be reached (ConnectError)"),
        (500, "the endpoint answered HTTP 500"),
        (401, "the endpoint answered HTTP 401"),
    ],
)
def test_a_failed_call_falls_back_with_its_reason(library, extractive, failure, reason):
    engine = llm_engine(library, _failing(failure))
    article = answer(QUESTION, library, fresh=True, persist=False, engine=engine)
    assert article.engine == "extractive"
    assert article.metadata["llm"]["fallback_reason"] == reason
    assert KEY not in article.model_dump_json()
    assert served_texts(article) == served_texts(extractive)


def test_a_model_that_trickles_is_cut_off_at_the_budget(library: Runtime):
    engine = llm_engine(library, transport(parrot_answer, pieces=50, delay=0.05), timeout_s=0.3)
    article = answer(QUESTION, library, fresh=True, persist=False, engine=engine)
    assert article.engine == "extractive"
    assert article.metadata["llm"]["fallback_reason"] == "no reply within 0.3 s"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends: nothing listens


def test_an_endpoint_that_is_down_falls_back_over_real_http(library, extractive):
    engine = llm_engine(library, base_url=f"http://127.0.0.1:{_closed_port()}/v1")
    article = answer(QUESTION, library, fresh=True, persist=False, engine=engine)
    assert article.engine == "extractive"
    assert article.metadata["llm"]["fallback_reason"].startswith(
        "the endpoint could not be reached"
    )
    assert served_texts(article) == served_texts(extractive)


def test_the_key_is_never_logged_nor_in_reprs(library: Runtime, caplog):
    caplog.set_level(logging.DEBUG)
    cfg = config()
    ask(library, parrot_answer)
    engine = llm_engine(library, _failing(500))
    answer(QUESTION, library, fresh=True, persist=False, engine=engine)
    assert KEY not in caplog.text
    assert KEY not in repr(cfg) and KEY not in repr(engine.client.config)
