"""Server-side page rendering: one Jinja2 environment, autoescaping every value.

Library text is untrusted (ingested HTML can carry ``<script>``), so templates never mark
content safe; links from documents pass through ``safe_url``, which keeps only http(s).
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markdown_it import MarkdownIt
from markupsafe import Markup, escape
from starlette.requests import Request

from ..answer.audience import plain_words
from ..answer.pipeline import MAX_QUESTION_CHARS
from ..answer.verify import quantity_spans
from ..articles.model import AUDIENCES as MODEL_AUDIENCES
from ..articles.model import STATUS_LABELS, Article
from ..review import edits
from ..review.views import ReaderView
from .auth import viewer_or_none

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
AUDIENCE_COOKIE = "curbside_audience"
# Labels of the audiences, in the model's order (zip fails loudly if one is added there).
AUDIENCES = dict(zip(MODEL_AUDIENCES, ("Clinician", "Patient or caregiver"), strict=True))

KIND_LABELS = {
    "guideline": "Guideline",
    "review": "Systematic review",
    "trial": "Trial",
    "label": "Drug label",
    "consumer": "Consumer information",
    "textbook": "Textbook",
    "protocol": "Local protocol",
}
# A Markdown list item's marker at the start of a line ("- ", "* ", "• ", "1. ", "2) ").
_LIST_MARKER = re.compile(r"^[ \t]*(?:[-*•]|\d+[.)])[ \t]+", re.MULTILINE)
_NUMBERED = re.compile(r"^[ \t]*\d")
# Raw HTML off: the policy text comes from settings, but is still never trusted as markup.
# markdown-it also refuses javascript:, vbscript: and data: links by default.
_MARKDOWN = MarkdownIt("commonmark", {"html": False})


def markdown(text: str) -> Markup:
    return Markup(_MARKDOWN.render(text or ""))


def safe_url(url: Any) -> str | None:
    """A link a reader may follow: http(s) only, never ``javascript:`` or ``data:``."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


def long_date(stamp: Any) -> str:
    if not stamp:
        return ""
    try:
        return datetime.fromisoformat(str(stamp)).strftime("%-d %b %Y")
    except ValueError:
        return str(stamp)[:10]


def quote_text(text: str) -> str:
    """Evidence quotes and snippets keep the Markdown list markers of their passage; readers
    do not need them."""
    return _LIST_MARKER.sub("", text or "")


def marked_quote(text: str, numbers: list[str]) -> Markup:
    """A quote with the numbers its bullet states in ``<mark>``. Every piece of the quote is
    escaped first and only the marks are markup, so a quote holding HTML stays text."""
    text = quote_text(text)
    wanted = set(numbers or [])
    out: list[str] = []
    at = 0
    for start, end, quantity in quantity_spans(text):
        if f"{quantity.value:f}" not in wanted:
            continue
        out += [escape(text[at:start]), Markup("<mark>"), escape(text[start:end])]
        out.append(Markup("</mark>"))
        at = end
    out.append(escape(text[at:]))
    return Markup("").join(out)


def passage_blocks(text: str) -> list[tuple[str, list[str]]]:
    """A passage as paragraphs and lists: ``[("p", [text]), ("ul", [item, …]), ("ol", …)]``.

    Passages are stored as the Markdown they were cut from, so a list arrives as lines that
    start with "- "; shown as text, the hyphens read as noise. As in Markdown, a line right
    below an item continues it (ingest keeps no indentation); a blank line ends the list.
    """
    blocks: list[tuple[str, list[str]]] = []
    for line in (text or "").splitlines():
        marker = _LIST_MARKER.match(line)
        last = blocks[-1] if blocks else None
        if marker:
            kind = "ol" if _NUMBERED.match(line) else "ul"
            item = line[marker.end() :].strip()
            if last is not None and last[0] == kind:
                last[1].append(item)
            else:
                blocks.append((kind, [item]))
        elif not line.strip():
            blocks.append(("p", []))  # a blank line ends the paragraph or list
        elif last is not None and last[0] in ("ul", "ol"):
            last[1][-1] = f"{last[1][-1]} {line.strip()}"
        elif last is not None and last[0] == "p" and last[1]:
            last[1][0] = f"{last[1][0]}\n{line}"
        else:
            blocks.append(("p", [line]))
    return [(kind, items) for kind, items in blocks if items]


def audience_of(request: Request) -> str:
    value = request.cookies.get(AUDIENCE_COOKIE, "clinician")
    return value if value in AUDIENCES else "clinician"


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:10]


def _title_addition(article: Article, title: str) -> edits.ReviewerAddition | None:
    """A section title's reviewer addition, found in patient wording too (the patient page
    shows the title in plain words, while the addition is kept under the reviewed title)."""
    found = edits.title_addition(article, title)
    if found is None and article.audience == "patient":
        for reviewed in article.metadata.get(edits.TITLE_ADDITIONS, {}):
            if plain_words(reviewed) == title:
                return edits.title_addition(article, reviewed)
    return found


def by_quote(items: list) -> list[tuple[object, list[int]]]:
    """Evidence grouped by quote: a statement with two sources is one quote citing both."""
    groups: dict[tuple[str, str], tuple[object, list[int]]] = {}
    for e in items:
        numbers = groups.setdefault((e.passage_id, e.quote), (e, []))[1]
        if e.ref not in numbers:
            numbers.append(e.ref)
    return [(e, sorted(numbers)) for e, numbers in groups.values()]


class Pages:
    """Renders templates with the context every page shares."""

    def __init__(self, can_ask: bool, streams: bool = False):
        """``streams``: the server's engine is the LLM, so the ask form may watch the draft."""
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,
        )
        self.env.filters.update(
            safe_url=safe_url,
            long_date=long_date,
            quote_text=quote_text,
            marked_quote=marked_quote,
            passage_blocks=passage_blocks,
            by_quote=by_quote,
            status_label=lambda s: STATUS_LABELS.get(s, s),
            markdown=markdown,
            json_text=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True),
            kind_label=lambda k: KIND_LABELS.get(k, k),
            bottom_line_addition=edits.bottom_line_addition,
            title_addition=_title_addition,
        )
        # Hash each static file once, at start-up, so URLs change when the file does.
        versions = {p.name: _file_hash(p) for p in STATIC.iterdir() if p.is_file()}
        self.env.globals.update(
            static=lambda name: f"/static/{name}?v={versions.get(name, '0')}",
            audiences=AUDIENCES,
            can_ask=can_ask,
            streams=streams,
            max_question_chars=MAX_QUESTION_CHARS,
        )

    def render(self, template: str, request: Request | None = None, **context: Any) -> str:
        if request is not None:
            context.setdefault("audience", audience_of(request))
            context.setdefault("path", request.url.path)
            viewer = viewer_or_none(request)
            if viewer is not None:
                # The header names them, forms carry their CSRF token, and every role may ask.
                context.setdefault("viewer", viewer)
                context.setdefault("csrf_token", viewer.csrf_token)
                context.setdefault("can_ask", True)
        return self.env.get_template(template).render(**context)

    def render_article(
        self,
        article: Article,
        view: ReaderView,
        base_slug: str,
        parent_question: str | None = None,
        request: Request | None = None,
    ) -> str:
        """The answer page. Without a request it depends only on the article and its review
        state, so the result can be cached; with one it is made for a signed-in viewer."""
        return self.render(
            "article.html",
            request,
            a=article,
            view=view,
            audience=article.audience,
            base_slug=base_slug,
            parent_question=parent_question,
            path=f"/a/{base_slug}",
            demonstration=bool(article.metadata.get("demonstration"))
            or any(r.demonstration for r in article.references),
        )
