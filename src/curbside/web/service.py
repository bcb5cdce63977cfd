"""What the routes ask of the engine and the store, kept out of the route functions.

``Asker`` runs the answer pipeline behind the rate limiter and loads the bundled library
into an empty install first. ``ArticlePages`` serves answer pages from the store through a
small cache: a page is re-rendered only when the article's status, version or update time
changes, so an existing answer never re-runs the engine and rarely re-renders. Readers see
the version ``review.views.reader_view`` picks (the latest approved one, by default), and
only what ``review.visibility`` lets them see: each page says whether it is public, and the
routes show one that is not only to its askers and reviewers.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from starlette.requests import Request

from .. import articles
from ..answer import related
from ..answer.choose import engine_for
from ..answer.pipeline import answer
from ..articles.model import Article
from ..articles.store import dedupe_key
from ..errors import NotFound
from ..library.bundled import bundled_key, bundled_paths
from ..library.ingest import ingest
from ..library.records import FieldMap
from ..review import visibility
from ..review.views import ReaderView, reader_view
from ..review.visibility import ANONYMOUS, Reader
from ..review.wording import patient_view
from ..review.workflow import may_ask
from ..runtime import Runtime
from .coalesce import PerKeyLocks
from .errors import AskingDisabled
from .pages import Pages
from .ratelimit import Limiter

# The same words for an answer the reader may not see as for an address that never held one.
NOT_PUBLISHED = (
    "There is no answer at this address that you can see. Answers are shown to others once "
    "a clinical reviewer has approved them."
)


class Asker:
    def __init__(self, rt: Runtime, limiter: Limiter):
        self.rt = rt
        self.limiter = limiter
        self._same_question = PerKeyLocks()
        self._library_checked = False
        self._library_lock = threading.Lock()
        # Tests answer the LLM's HTTP with a function (httpx.MockTransport); None is the network.
        self.llm_transport: httpx.BaseTransport | None = None

    def ask(
        self,
        question: str,
        audience: str,
        client: str,
        follow_up_of: str | None = None,
        role: str | None = None,
        reader: Reader = ANONYMOUS,
        asker: str | None = None,
        parent_checked: bool = False,
        engine: str | None = None,
        on_draft: Callable[[str], None] | None = None,
    ) -> Article:
        """Answer (or find the stored answer to) a question for one client.

        ``role`` is the signed-in asker's role; None for an anonymous visitor. ``reader`` is
        what they may see (a follow-up only of an answer they can see, unless the parent
        came from the store: ``parent_checked``), and ``asker`` who to record as asking, so
        that they see the answer before a reviewer approves it. ``engine`` is the one asked
        for (the server's default when None); ``on_draft`` hears an LLM's reply as it grows.
        """
        if not may_ask(role, self.rt.settings.anonymous_can_ask):
            raise AskingDisabled(
                "this Curbside takes questions only from signed-in users; sign in to ask"
            )
        parent = follow_up_of and not parent_checked
        if parent and not visibility.may_see(self.rt.store, reader, follow_up_of):
            raise NotFound(NOT_PUBLISHED)  # as for an answer that never existed
        chosen = engine_for(
            self.rt.settings, engine, on_draft, self.llm_transport, self.rt.retriever.lexical.vocab
        )
        self.limiter.hit(client)
        self.ensure_library()
        # A plain ask of a question this worker is answering right now waits for that answer
        # (then finds it stored) rather than computing it again; a follow-up is never shared.
        key = (
            None
            if follow_up_of
            else dedupe_key(question, audience, engine or self.rt.settings.engine)
        )
        with self._same_question.holding(key):
            article = answer(
                question, self.rt, audience=audience, follow_up_of=follow_up_of, engine=chosen
            )
        if asker is not None:
            visibility.record_asker(self.rt.store, article.id, asker)
        return article

    def ensure_library(self) -> None:
        """A new install answers at once: the first question loads the bundled library."""
        if self._library_checked:
            return
        with self._library_lock:
            if self._library_checked:
                return
            store = self.rt.store
            if self.rt.needs_bundled_library():
                ingest(
                    bundled_paths(),
                    store,
                    self.rt.retriever,
                    fmap=FieldMap(),
                    max_bytes=self.rt.settings.max_document_bytes,
                    key_for=bundled_key,
                )
                release_index_writer(self.rt)
            self._library_checked = True


def release_index_writer(rt: Runtime) -> None:
    """Commit and let go of the index writer, so `curbside ingest` can run beside the server.

    The web app only reads the index; tantivy allows one writer across processes.
    """
    rt.retriever.close()


@dataclass(frozen=True)
class Rendered:
    html: bytes
    gzipped: bytes  # compressed once, when rendered, not on every request
    etag: str


@dataclass(frozen=True)
class Redirect:
    location: str
    slug: str | None = None  # the article it leads to, when it is one


@dataclass(frozen=True)
class NeedsAnswer:
    """The page asks for an audience version that only the engine can write."""

    article: Article


@dataclass
class Shown:
    """A page and what the route must know before sending it: whose it is, and whether it is
    public (approved) or only for the viewers ``review.visibility`` allows."""

    article_id: str
    public: bool
    page: Rendered | Redirect | NeedsAnswer
    stamp: tuple | None = None
    related: frozenset[str] = frozenset()  # the question keys of its related questions
    shown: frozenset[str] = frozenset()  # of those, the ones the page lists
    checked_at: float = 0.0
    generation: int = -1  # the review generation it was built (or last checked) under
    parent_stamp: tuple | None = None  # a follow-up's: the question it names may be hidden


def related_for(store, reader: Reader, questions: list[str]) -> list[str]:
    """The related questions this reader may see, in the wording of one they may see."""
    keys = [articles.question_key(q) for q in questions]
    visible = visibility.visible_questions(store, reader, keys)
    return [visible[k] for k in dict.fromkeys(keys) if k in visible]


class ArticlePages:
    """Rendered answer pages, keyed by (slug, audience), each with the stamp it was made from.

    Every request reads the review generation (one indexed query), which every review
    action bumps in its own transaction: a page built under an older generation is not
    served before it is checked again, so no worker of any server shows an old status after
    an approval. Otherwise a cached page is trusted for ``revalidate_after`` seconds. A
    check reads what the page was made from: its article's stamp, the stamp of the question
    a follow-up names, and which of its related questions are public (so a related question
    whose answer is rejected leaves every cached page that listed it); the page is rendered
    again only if one of them changed. A review action of one article thus costs the other
    cached pages those few reads, not a rendering each (bench/load.py: with reviewers
    acting about twice a second, re-rendering every page on every action took the workers'
    CPU from 6 to 16 s in 25 s).
    """

    def __init__(self, rt: Runtime, pages: Pages, size: int = 1024, revalidate_after: float = 1.0):
        self.rt = rt
        self.pages = pages
        self.size = size
        self.revalidate_after = revalidate_after
        self._cache: OrderedDict[tuple[str, str], Shown] = OrderedDict()
        self._lock = threading.Lock()

    def cached(self, slug: str, audience: str | None) -> Shown | None:
        """The page if it is cached and still current, else None; NotFound if no article.

        Only public (approved) pages are cached: they are the same for every visitor.
        """
        key = (slug, audience or "")
        now = time.monotonic()
        # Any review action by any worker of any server bumps the generation (in its own
        # transaction): a page built before it is never served after it.
        generation = self.rt.store.review.generation()
        entry = self._cache.get(key)
        if (
            entry is not None
            and entry.generation == generation
            and now - entry.checked_at < self.revalidate_after
        ):
            return entry
        stamp = self.rt.store.articles.article_stamp(slug)
        if stamp is None:
            raise NotFound(NOT_PUBLISHED)
        with self._lock:
            entry = self._cache.get(key)
        if entry is None or entry.stamp != stamp:
            return None
        if entry.parent_stamp and (
            self.rt.store.articles.article_stamp(entry.parent_stamp[0]) != entry.parent_stamp
        ):
            return None
        if entry.related:
            now_shown = visibility.visible_questions(self.rt.store, ANONYMOUS, entry.related)
            if frozenset(now_shown) != entry.shown:
                return None
        with self._lock:
            # Read before the stamps: a review action since then makes the next request check.
            entry.generation = max(entry.generation, generation)
            entry.checked_at = now
            if key in self._cache:
                self._cache.move_to_end(key)
        return entry

    def invalidate(self, article: Article) -> None:
        """Forget every cached page of an article (by slug or id, in any wording): called
        after each review action, so this process never serves the old status, even within
        ``revalidate_after``. Other workers see the bumped review generation."""
        names = {article.slug, article.id}
        with self._lock:
            for key in [k for k in self._cache if k[0] in names]:
                del self._cache[key]

    def build(
        self,
        slug: str,
        audience: str | None,
        request: Request | None = None,
        reader: Reader = ANONYMOUS,
    ) -> Shown:
        """Load the article from the store and render it (the cache missed); NotFound, with
        the same words as for an unknown address, when the reader may not see it.

        A public page without a request is the page for anyone, and is cached. With a request
        (a signed-in viewer: their name, their CSRF token), or for an answer not yet approved
        (its askers: the follow-up's parent they asked), the page is made for this reader.
        """
        generation = self.rt.store.review.generation()  # read before the article, not after
        stamp = self.rt.store.articles.article_stamp(slug)
        if stamp is None:
            raise NotFound(NOT_PUBLISHED)
        view = reader_view(self.rt.store, slug)
        article = view.article
        parent = article.follow_up_of
        parent_stamp = self.rt.store.articles.article_stamp(parent) if parent else None
        # reader_view shows an approved version as "approved", a rejected article as it is.
        public = article.status == "approved"
        if not public and not visibility.may_see(self.rt.store, reader, article.id):
            raise NotFound(NOT_PUBLISHED)
        personal = request is not None or not public
        if not personal:
            reader = ANONYMOUS
        shown = Shown(
            article.id,
            public,
            Redirect("/"),
            stamp,
            generation=generation,
            parent_stamp=parent_stamp,
        )
        if audience == "patient" and article.audience == "clinician":
            # The same article in patient wording, under that wording's own review status.
            worded = patient_view(self.rt.store, slug)
            shown.page = self._render(worded.article, worded, slug, request, reader)
        elif audience and audience != article.audience:
            # Clinician wording of an answer stored for patients before migration 0008.
            variant = self.rt.store.articles.find_article_variant(
                articles.question_key(article.question), audience, article.follow_up_of
            )
            if variant:
                shown.page = Redirect(f"/a/{variant}", variant)
            else:
                shown.page = NeedsAnswer(article)
                return shown
        else:
            shown.page = self._render(article, view, slug, request, reader)
        if personal:
            return shown
        shown.related = frozenset(articles.question_key(q) for q in article.related_questions)
        if shown.related:
            visible = visibility.visible_questions(self.rt.store, ANONYMOUS, shown.related)
            shown.shown = frozenset(visible)
        shown.checked_at = time.monotonic()
        with self._lock:
            self._cache[(slug, audience or "")] = shown
            self._cache.move_to_end((slug, audience or ""))
            while len(self._cache) > self.size:
                self._cache.popitem(last=False)
        return shown

    def _render(
        self,
        article: Article,
        view: ReaderView,
        slug: str,
        request: Request | None,
        reader: Reader,
    ) -> Rendered:
        store = self.rt.store
        parent_question = None
        # A follow-up names its parent only if the reader may see the parent: a reviewer who
        # approves a follow-up has not approved the question it follows.
        if article.follow_up_of and visibility.may_see(store, reader, article.follow_up_of):
            try:
                parent_question = store.articles.get_article(article.follow_up_of)["question"]
            except NotFound:
                parent_question = None
        visible = related_for(store, reader, article.related_questions)
        library = related.for_page(visible, article.library_questions)
        shown = article.model_copy(
            update={"related_questions": visible, "library_questions": library}
        )
        html = self.pages.render_article(shown, view, slug, parent_question, request).encode()
        tag = hashlib.sha1(html).hexdigest()[:20]
        return Rendered(html, gzip.compress(html, 6), f'"{tag}"')
