"""``POST /ask/stream``: the ask form's question answered while the asker watches the draft.

The same form fields, the same checks (CSRF, rate limit, who may ask) and the same stored
article as ``POST /ask``; the reply is server-sent events instead of a redirect:

- ``draft``: ``{"statements": [...]}``, the LLM's statements so far with every number
  hidden (answer/llm/preview.py): unverified text never shows a dose;
- ``done``: ``{"location": "/a/slug"}``, the verified article, which replaces the draft;
- ``refused``: ``{"message": ...}``, the question was not answered (the script then sends
  the form the ordinary way, so the reason comes back beside the box as it does without JS).

Only curbside.js uses it, and only where the server's engine is the LLM; without JavaScript
the form posts to ``/ask`` and the browser waits for the verified answer.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
from collections.abc import Iterator
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import StreamingResponse

from ...answer.llm.preview import draft_statements
from ...errors import CurbsideError
from ..auth import FormViewer
from ..deps import ClientDep, WebDep
from ..visitors import asking_as, reader_for
from .articles import remember_audience

router = APIRouter(include_in_schema=False)
log = logging.getLogger(__name__)
# Between two events the stream sends a comment at least this often, so that a proxy does
# not close a connection that is only waiting for the model.
KEEPALIVE_S = 10.0


def _event(kind: str, data: dict) -> str:
    return f"event: {kind}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


@router.post("/ask/stream")
def ask_stream(
    request: Request,
    web: WebDep,
    client: ClientDep,
    viewer: FormViewer,
    question: Annotated[str, Form()] = "",
    audience: Annotated[Literal["clinician", "patient"], Form()] = "clinician",
    follow_up_of: Annotated[str | None, Form(max_length=64)] = None,
) -> StreamingResponse:
    asking = asking_as(request, viewer)
    role = viewer.role if viewer else None
    reader = reader_for(request, viewer)
    events: queue.Queue[tuple[str, dict]] = queue.Queue()

    def on_draft(reply_so_far: str) -> None:
        events.put(("draft", {"statements": draft_statements(reply_so_far)}))

    def work() -> None:
        try:
            article = web.asker.ask(
                question,
                audience,
                client,
                follow_up_of or None,
                role,
                reader,
                asking.asker,
                on_draft=on_draft,
            )
            events.put(("done", {"location": f"/a/{article.slug}"}))
        except CurbsideError as exc:
            events.put(("refused", {"message": str(exc)}))
        except Exception:
            log.exception("answering a streamed question failed")  # no question text logged
            events.put(("refused", {"message": "The question could not be answered."}))

    threading.Thread(target=work, name="ask-stream", daemon=True).start()

    def stream() -> Iterator[str]:
        shown: list[str] | None = None
        while True:
            try:
                kind, data = events.get(timeout=KEEPALIVE_S)
            except queue.Empty:
                yield ": waiting\n\n"
                continue
            if kind == "draft":
                if data["statements"] == shown:
                    continue  # a token inside a word or a passage id changes nothing shown
                shown = data["statements"]
            yield _event(kind, data)
            if kind != "draft":
                return

    response = StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"cache-control": "no-store", "x-accel-buffering": "no"},
    )
    remember_audience(response, audience)
    asking.remember(response, request)  # an anonymous visitor's key to their own answer
    return response
