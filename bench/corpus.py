"""Build a benchmark corpus from the real text in ../shared/data, as JSONL for `ingest`.

Sources (read in place, never copied into the repository): the NGC guideline summaries (all
text fields, one document per guideline) and the three BEIR corpora (one document per
record). When more passages are asked for than these hold, the whole set is repeated with
distinct ids ("#r2", "#r3", …) — the benchmark reports how many repetitions it used.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
NGC = SHARED / "ngc_guideline_summaries" / "ngc_guideline_summaries.jsonl.gz"
BEIR = [
    SHARED / "beir" / name / "corpus.jsonl" for name in ("liveqa-medquad", "pubmedqa", "bioasq")
]
PASSAGE_WORDS = 124  # what chunking yields on average here; used only to size the file


def base_records() -> Iterator[dict]:
    with gzip.open(NGC, "rt") as handle:
        for line in handle:
            record = json.loads(line)
            parts = [record.get("major_recommendations") or ""]
            parts += [
                v
                for k, v in (record.get("fields") or {}).items()
                if isinstance(v, str) and k not in ("Major Recommendations",)
            ]
            text = "\n\n".join(p for p in parts if p)
            yield {
                "id": record["ngc_id"],
                "title": record["title"],
                "text": text,
                "publisher": record.get("developer"),
                "year": record.get("date_released"),
            }
    for path in BEIR:
        with path.open() as handle:
            for line in handle:
                record = json.loads(line)
                yield {
                    "id": f"{path.parent.name}:{record['_id']}",
                    "title": record.get("title"),
                    "text": record["text"],
                    "publisher": path.parent.name,
                }


def estimate_passages(record: dict) -> int:
    return max(1, round(len(record["text"].split()) / PASSAGE_WORDS))


def write_corpus(path: Path, passages: int) -> tuple[int, int]:
    """Write records until about ``passages`` passages; return (records, repetitions)."""
    base = list(base_records())
    written = estimated = 0
    repetition = 0
    with path.open("w") as out:
        while estimated < passages:
            repetition += 1
            for record in base:
                if estimated >= passages:
                    break
                copy = dict(record, id=f"{record['id']}#r{repetition}")
                out.write(json.dumps(copy) + "\n")
                written += 1
                estimated += estimate_passages(record)
    return written, repetition


def questions(limit: int = 1000) -> list[str]:
    """Real questions from the three BEIR query sets, interleaved."""
    sets = []
    for path in BEIR:
        with (path.parent / "queries.jsonl").open() as handle:
            sets.append([json.loads(line)["text"] for line in handle])
    out: list[str] = []
    while len(out) < limit and any(sets):
        for s in sets:
            if s and len(out) < limit:
                out.append(s.pop(0))
    return out
