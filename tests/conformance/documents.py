"""Small documents built in code, for the conformance suites."""

from __future__ import annotations

import hashlib

from curbside.models import Chunk, ParsedDocument


def parsed(key: str, title: str, *texts: str, section: str = "Treatment") -> tuple:
    """A ParsedDocument of the given passage texts and its chunks, as ingest would hand them."""
    chunks, at = [], 0
    for text in texts:
        chunks.append(Chunk((title, section), text, at, at + len(text)))
        at += len(text) + 1
    digest = hashlib.sha256("\0".join((title, *texts)).encode()).hexdigest()
    doc = ParsedDocument(
        key=key,
        title=title,
        sections=[],
        content_hash=digest,
        source_path=f"/library/{key}.md",
        publisher="Conformance Society",
        year=2024,
        kind="guideline",
        meta={"note": "made in a test"},
    )
    return doc, chunks
