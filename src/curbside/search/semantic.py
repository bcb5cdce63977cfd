"""Semantic relevance of documents to a question, by their titles.

A guideline's title names its topic in the library's words ("acute otitis externa"); a
vignette names it in the clinician's ("woke up with a swollen ear canal after swimming").
Their embeddings meet where the words do not. Title vectors are computed once per title and
kept in a file beside the search index, keyed by a hash of the title, so a rebuild embeds
only new titles; a question costs one encoding and a few dot products.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from .embedding import Embedder

BATCH = 32
TECHNICAL_LETTERS = 7
# Missing titles embedded while answering a question, at most (the rest wait for an ingest).
MAX_LAZY = 12


class TitleVectors:
    """Unit vectors of document titles, cached in ``path`` (a .npz file)."""

    def __init__(self, path: Path, embedder: Embedder):
        self.path = path
        self.embedder = embedder
        self.lock = threading.Lock()
        self.vectors: dict[str, np.ndarray] = {}  # title hash -> vector
        if path.exists():
            with np.load(path) as data:
                self.vectors = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))

    def refresh(
        self,
        titles: Sequence[str],
        on_progress: Callable[[int, int], None] | None = None,
    ) -> int:
        """Embed every title not cached yet; returns how many were embedded."""
        missing = list(dict.fromkeys(t for t in titles if _key(t) not in self.vectors))
        for start in range(0, len(missing), BATCH):
            batch = missing[start : start + BATCH]
            self._store(batch, self.embedder.encode(batch))
            if on_progress:
                on_progress(min(start + BATCH, len(missing)), len(missing))
        if missing:
            self.save()
        return len(missing)

    def similarity(self, vector: np.ndarray, titles: Sequence[str]) -> list[float]:
        """Cosine of ``vector`` to each title (a title not cached yet is embedded now, up to
        MAX_LAZY of them; beyond that it scores 0)."""
        missing = [t for t in dict.fromkeys(titles) if _key(t) not in self.vectors][:MAX_LAZY]
        if missing:
            self._store(missing, self.embedder.encode(missing))
        out = []
        for title in titles:
            found = self.vectors.get(_key(title))
            out.append(float(found.astype(np.float32) @ vector) if found is not None else 0.0)
        return out

    def save(self) -> None:
        with self.lock:
            keys = np.array(list(self.vectors), dtype="U40")
            matrix = np.vstack(list(self.vectors.values())) if self.vectors else np.zeros((0, 1))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".partial.npz")
        np.savez(partial, keys=keys, vectors=matrix.astype(np.float16))
        partial.replace(self.path)  # readers never see half a file

    def _store(self, titles: list[str], matrix: np.ndarray) -> None:
        with self.lock:
            for title, row in zip(titles, matrix, strict=True):
                self.vectors[_key(title)] = row.astype(np.float16)


def _key(title: str) -> str:
    return hashlib.sha1(title.strip().lower().encode()).hexdigest()


class Semantic:
    """The embedder and the title vectors together: what the answer pipeline asks of them."""

    def __init__(self, embedder: Embedder, titles: TitleVectors):
        self.embedder = embedder
        self.titles = titles
        self._library: tuple[int, list[str], np.ndarray] | None = None

    def nearest_documents(
        self,
        vector: np.ndarray,
        version: int,
        documents: Callable[[], list[tuple[str, str]]],
        k: int,
    ) -> list[tuple[str, float]]:
        """The k documents whose titles come closest to the question, with their cosines.

        ``documents`` lists the library's current (id, title) pairs; it is called, and the
        matrix of title vectors rebuilt, only when the library ``version`` changes. Titles not
        embedded yet (no ingest ran with the model) are left out rather than embedded now.
        """
        if self._library is None or self._library[0] != version:
            known = [(d, _key(t)) for d, t in documents() if _key(t) in self.titles.vectors]
            matrix = (
                np.vstack([self.titles.vectors[key] for _, key in known]).astype(np.float32)
                if known
                else np.zeros((0, vector.shape[0]), dtype=np.float32)
            )
            self._library = (version, [d for d, _ in known], matrix)
        _, ids, matrix = self._library
        if not ids:
            return []
        scores = matrix @ vector
        top = np.argsort(-scores)[:k]
        return [(ids[i], float(scores[i])) for i in top]

    def encode(self, text: str) -> np.ndarray:
        return self.embedder.encode([text])[0]

    def looks_technical(self, word: str) -> bool:
        """A long word the model's vocabulary knows only in pieces ("x-ano-mel-ine"): a drug,
        a rare disease or a trade term rather than an everyday word ("swimmer")."""
        pieces = getattr(self.embedder, "pieces", None)
        return len(word) >= TECHNICAL_LETTERS and pieces is not None and pieces(word) >= 3

    def closest_title(self, vector: np.ndarray, titles: Sequence[str]) -> float:
        """The highest cosine between the question and any of these documents' titles."""
        return max(self.titles.similarity(vector, titles), default=0.0)


def open_semantic(index_dir: Path) -> Semantic | None:
    """The shipped model with its title cache in ``index_dir``, or None without the model."""
    from .embedding import load_embedder

    embedder = load_embedder()
    if embedder is None:
        return None
    return Semantic(embedder, TitleVectors(index_dir / f"titles-{embedder.name}.npz", embedder))
