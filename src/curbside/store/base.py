"""The Store protocol: every query the rest of Curbside needs, and nothing else."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from ..models import Chunk, Document, ParsedDocument, Passage

if TYPE_CHECKING:
    from ..articles.store import ArticleStore
    from ..review.store import ReviewStore


class Store(Protocol):
    """Documents, passages and the index change log, with the article and review stores
    that share its database (``articles``, ``review``).

    >>> store = open_store(Settings(home=tmp))            # doctest: +SKIP
    >>> doc, outcome = store.replace_document(parsed, chunks)  # doctest: +SKIP
    """

    articles: ArticleStore
    review: ReviewStore

    def replace_document(
        self,
        parsed: ParsedDocument,
        chunks: Sequence[Chunk],
        on_replaced: Callable[[Any, str, str], None] | None = None,
    ) -> tuple[Document, str]:
        """Insert a document or a new version of it, with its passages and their index log
        entries, in one transaction; returns it and "new", "updated" or "unchanged".
        ``on_replaced(connection, old id, status)`` runs inside it when a version goes."""
        ...

    def remove_document(
        self, key: str, on_replaced: Callable[[Any, str, str], None] | None = None
    ) -> Document | None:
        """Retire the current version of a key (status "removed"); None if there is none."""
        ...

    def current_document(self, key: str) -> Document | None:
        """The current version of a key, if any."""
        ...

    def get_document(self, document_id: str) -> Document:
        """A document version by id, whatever its status; NotFound if unknown."""
        ...

    def list_documents(
        self, text: str | None = None, limit: int = 50, offset: int = 0
    ) -> list[Document]:
        """Current documents by title, optionally those whose title or publisher holds text."""
        ...

    def find_documents_by_key_suffix(self, suffix: str) -> list[Document]:
        """Current documents whose key ends so (a few at most)."""
        ...

    def document_titles(self) -> list[tuple[str, str]]:
        """(id, title) of every current document."""
        ...

    def document_passages(self, document_id: str) -> list[Passage]:
        """A document version's passages in order."""
        ...

    def get_passages(self, ids: Sequence[str]) -> dict[str, tuple[Passage, Document]]:
        """Passages by id with their documents; unknown ids are left out."""
        ...

    def iter_current_passages(self, batch: int = 5000) -> Iterator[list[Passage]]:
        """Every passage not retired, in batches, by id."""
        ...

    def index_log_after(
        self, seq: int, limit: int = 50_000
    ) -> list[tuple[int, str, str, int | None]]:
        """(seq, passage id, "add" | "del", library version) after ``seq``, in commit order;
        the entries of one transaction share its library version."""
        ...

    def last_log_seq(self) -> int:
        """The highest sequence number the index log has held (0 when never used): the
        generation a search index compares its own with on every request."""
        ...

    def index_log_floor(self) -> int:
        """The highest sequence number trimmed from the log."""
        ...

    def record_index_position(self, follower: str, seq: int) -> None:
        """One search index holds the log up to ``seq``; entries all of them hold go."""
        ...

    def library_version(self) -> int:
        """How many committed changes the library has seen."""
        ...

    def library_uid(self) -> str:
        """An id minted once per database."""
        ...

    def stats(self) -> dict[str, Any]:
        """Counts of current documents and passages, top publishers, last ingest, version."""
        ...

    def count_event(self, bucket: str, limit: int, window: float, at: float) -> float | None:
        """Count one event unless ``limit`` were in the last ``window`` seconds (shared by
        every worker); None if counted, else the seconds until one more may be."""
        ...

    def close(self) -> None:
        """Let go of every connection."""
        ...
