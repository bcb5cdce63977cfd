"""The shipped embedding model: pinned, offline, and meaningful where words differ."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from curbside.search import embedding
from curbside.search.embedding import WordPiece, load_embedder
from curbside.search.semantic import TitleVectors

model = load_embedder()
needs_model = pytest.mark.skipif(model is None, reason="requirements-model.txt not installed")


def test_wordpiece_splits_unknown_words_into_known_pieces(tmp_path: Path):
    vocab = tmp_path / "vocab.txt"
    vocab.write_text(
        "\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "otitis", "ex", "##terna", "?"])
    )
    ids = WordPiece(vocab).encode("Otitis externa? zzz")
    assert ids == [2, 4, 5, 6, 7, 1, 3]


def test_a_model_file_that_does_not_match_its_pin_is_refused(tmp_path: Path):
    fake = tmp_path / "model.onnx"
    fake.write_bytes(b"not the model")
    with pytest.raises(RuntimeError, match="sha256"):
        embedding._check(fake, embedding.MODEL_SHA256)


def test_semantic_signals_can_be_switched_off(monkeypatch):
    load_embedder.cache_clear()
    monkeypatch.setenv("CURBSIDE_SEMANTIC", "0")
    try:
        assert load_embedder() is None
    finally:
        load_embedder.cache_clear()


@needs_model
def test_vectors_are_unit_length_and_meaning_beats_word_overlap():
    vectors = model.encode(
        [
            "stuffy blocked nose",
            "nasal congestion",
            "How do I reverse a linked list in Python?",
        ]
    )
    assert vectors.shape == (3, embedding.DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2


@needs_model
def test_title_vectors_are_cached_by_title_and_survive_a_reload(tmp_path: Path):
    path = tmp_path / "titles.npz"
    titles = TitleVectors(path, model)
    assert titles.refresh(["Acute otitis externa", "Gout"]) == 2
    assert titles.refresh(["Acute otitis externa", "Gout"]) == 0  # nothing new to embed
    again = TitleVectors(path, model)
    question = model.encode(["swollen painful ear canal after swimming"])[0]
    ear, gout = again.similarity(question, ["Acute otitis externa", "Gout"])
    assert ear > gout
