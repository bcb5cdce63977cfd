"""What the routes ask of the engine and the store, kept out of the route functions.

``Asker`` runs the answer pipeline behind the rate limiter and loads the bundled library
into an empty install first. ``ArticlePages`` serves answer pages from the store through a
small cache: a page is re-rendered only when the article's status, version or update time
changes, so an existing answer never re-runs the engine and rarely re-renders. Readers see
the version ``review.views.reader_view`` picks (the latest approved one, by default).
"""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from starlette.requests import Request

from ..answer import articles
from ..answer.article import Article
from ..answer.audience import for_patients
from ..answer.pipeline import answer
from ..errors import NotFound
from ..library.bundled import bundled_key, bundled_paths
from ..library.ingest import ingest
from ..library.records import FieldMap
from ..review.views import ReaderView, reader_view
from ..review.workflow import may_ask
from ..runtime import Runtime
from .errors import AskingDisabled
from .pages import Pages
from .ratelimit import SlidingWindowLimiter


class Asker:
    def __init__(self, rt: Runtime, limiter: SlidingWindowLimiter):
        self.rt = rt
        self.limiter = limiter
        self._library_checked = False
        self._library_lock = threading.Lock()

    def ask(
        self,
        question: str,
        audience: str,
        client: str,
        follow_up_of: str | None = None,
        role: str | None = None,
    ) -> Article:
        """Answer (or find the stored answer to) a question for one client.

        ``role`` is the signed-in asker's role; None for an anonymous visitor.
        """
        if not may_ask(role, self.rt.settings.anonymous_can_ask):
            raise AskingDisabled(
                "this Curbside takes questions only from signed-in users; sign in to ask"
            )
        self.limiter.hit(client)
        self.ensure_library()
        return answer(question, self.rt, audience=audience, follow_up_of=follow_up_of)

    def ensure_library(self) -> None:
        """A new install answers at once: the first question loads the bundled library."""
        if self._library_checked:
            return
        with self._library_lock:
            if self._library_checked:
                return
            store = self.rt.store
            if store.stats()["documents"] == 0 and not store.library_version():
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


@dataclass(frozen=True)
class NeedsAnswer:
    """The page asks for an audience version that only the engine can write."""

    article: Article


class ArticlePages:
    """Rendered answer pages, keyed by (slug, audience), each with the stamp it was made from.

    A cached page is trusted for ``revalidate_after`` seconds, then its stamp is read again
    (one indexed query) and the page re-rendered only if the stamp changed. A review status
    change therefore shows within a second, and the hot path costs no query at all.
    """

    def __init__(self, rt: Runtime, pages: Pages, size: int = 1024, revalidate_after: float = 1.0):
        self.rt = rt
        self.pages = pages
        self.size = size
        self.revalidate_after = revalidate_after
        # (slug, audience) -> [stamp, page, checked_at]
        self._cache: OrderedDict[tuple[str, str], list] = OrderedDict()
        self._lock = threading.Lock()

    def cached(self, slug: str, audience: str | None) -> Rendered | Redirect | None:
        """The page if it is cached and still current, else None; NotFound if no article."""
        key = (slug, audience or "")
        now = time.monotonic()
        entry = self._cache.get(key)
        if entry is not None and now - entry[2] < self.revalidate_after:
            return entry[1]
        stamp = self.rt.store.article_stamp(slug)
        if stamp is None:
            raise NotFound(f"no article {slug!r}")
        with self._lock:
            entry = self._cache.get(key)
            if entry is not None and entry[0] == stamp:
                entry[2] = now
                self._cache.move_to_end(key)
                return entry[1]
        return None

    def invalidate(self, article: Article) -> None:
        """Forget every cached page of an article (by slug or id, in any wording): called
        after each review action, so this process never serves the old status, even within
        ``revalidate_after``. Other worker processes notice within ``revalidate_after``."""
        names = {article.slug, article.id}
        with self._lock:
            for key in [k for k in self._cache if k[0] in names]:
                del self._cache[key]

    def build(
        self, slug: str, audience: str | None, request: Request | None = None
    ) -> Rendered | Redirect | NeedsAnswer:
        """Load the article from the store and render it (the cache missed).

        With a request the page is made for that (signed-in) viewer and not cached.
        """
        stamp = self.rt.store.article_stamp(slug)
        if stamp is None:
            raise NotFound(f"no article {slug!r}")
        view = reader_view(self.rt.store, slug)
        article = view.article
        result: Rendered | Redirect
        if audience and audience != article.audience:
            variant = self.rt.store.find_article_variant(
                articles.question_key(article.question), audience, article.follow_up_of
            )
            if variant:
                result = Redirect(f"/a/{variant}")
            elif audience == "patient":
                # Patient wording is a pure function of the clinician article.
                result = self._render(patient_wording(article), view, slug, request)
            else:
                return NeedsAnswer(article)
        else:
            result = self._render(article, view, slug, request)
        if request is not None:
            return result
        with self._lock:
            self._cache[(slug, audience or "")] = [stamp, result, time.monotonic()]
            self._cache.move_to_end((slug, audience or ""))
            while len(self._cache) > self.size:
                self._cache.popitem(last=False)
        return result

    def _render(
        self, article: Article, view: ReaderView, slug: str, request: Request | None
    ) -> Rendered:
        parent_question = None
        if article.follow_up_of:
            try:
                parent_question = self.rt.store.get_article(article.follow_up_of)["question"]
            except NotFound:
                parent_question = None
        html = self.pages.render_article(article, view, slug, parent_question, request).encode()
        tag = hashlib.sha1(html).hexdigest()[:20]
        return Rendered(html, gzip.compress(html, 6), f'"{tag}"')


def patient_wording(article: Article) -> Article:
    """The patient version of a stored article (for_patients keeps reviewers' marks)."""
    return for_patients(article)
