"""``curbside eval abstention``: how well the engine's abstention decision separates questions
the library can answer from questions it cannot, on large labelled sets nobody wrote answers
for.

* A BEIR folder (corpus.jsonl, queries.jsonl, qrels/test.tsv) becomes a temporary library.
  Each query with gold documents gives two examples: ANSWERABLE over the library as it is,
  and UNANSWERABLE over the same library with that query's gold documents left out
  (``search.filtered.WithoutDocuments``).
* A case file (JSONL ``{question, expect_abstain?}``) is answered over the configured library:
  ``expect_abstain`` is unanswerable, anything else answerable.

Every example is put in the development or the held-out part before anything is fitted: BEIR
queries by a stable hash of the query id (both examples of a query land together), case files
by name (a name containing "holdout" is held out).

Known label noise: a BEIR corpus may hold documents that answer a query without being judged
for it (BioASQ snippets of a related question, a near-duplicate MedQuAD answer), so some
"unanswerable" examples are answerable; AUROC measured here is a lower bound in that respect.
"""

from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.measure import Measurement
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..answer.pipeline import answer
from ..errors import BadRequest
from ..runtime import Runtime
from ..search.filtered import library_without
from ..search.semantic import TitleVectors
from .answers import load_cases
from .metrics import abstention_rates, auroc
from .retrieval import beir_library, corpus_id, load_beir

DEVELOPMENT, HELD_OUT = "development", "held-out"
SPLITS = (DEVELOPMENT, HELD_OUT)
ALL = "all"
# Salted so that this split is not correlated with any other hash of the same ids.
_SPLIT_SALT = b"curbside-eval-abstention\0"


@dataclass
class Example:
    set: str
    source: str  # "beir" or "cases"
    split: str
    qid: str
    question: str
    answerable: bool
    score: float
    abstained: bool
    features: dict[str, float] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return "answerable" if self.answerable else "unanswerable"


def title_cache_dir() -> Path:
    """Where title vectors are kept between runs: the user's cache folder (XDG)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "curbside"


def split_of(qid: str) -> str:
    """Development or held-out, 50/50, the same on every machine and every run."""
    even = hashlib.sha256(_SPLIT_SALT + qid.encode()).digest()[0] % 2 == 0
    return DEVELOPMENT if even else HELD_OUT


def case_file_split(path: Path) -> str:
    return HELD_OUT if "holdout" in path.name.lower() else DEVELOPMENT


def decision_signals(article: Any) -> tuple[str, float, dict[str, float]]:
    """(score name, score, features) of an answer: higher score = more answerable.

    The one place that knows which metadata the answer pipeline provides: ``answerability``
    and ``decision_features`` once the combined decision lands, the coverage the single
    threshold used (``evidence_strength``) until then.
    """
    meta = article.metadata
    if "answerability" in meta:
        features = meta.get("decision_features") or {}
        return (
            "answerability",
            float(meta["answerability"]),
            {str(k): float(v) for k, v in features.items()},
        )
    strength = float(meta.get("evidence_strength", 0.0))
    return "evidence_strength", strength, {"evidence_strength": strength}


@dataclass
class Collection:
    examples: list[Example] = field(default_factory=list)
    score_names: set[str] = field(default_factory=set)
    skipped: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    ingest_failures: dict[str, int] = field(default_factory=dict)
    untitled: dict[str, tuple[int, int]] = field(default_factory=dict)  # (untitled, documents)
    leaks: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, article: Any, **fields: Any) -> None:
        name, score, features = decision_signals(article)
        self.score_names.add(name)
        self.examples.append(
            Example(**fields, score=score, abstained=article.abstained, features=features)
        )


def _answer(question: str, rt: Runtime, audience: str = "clinician"):
    return answer(question, rt, audience=audience, fresh=True, persist=False)


def _beir_items(folder: Path, limit: int | None):
    corpus, queries, qrels = load_beir(folder)
    items = [
        (qid, text, {doc for doc, grade in qrels[qid].items() if grade > 0})
        for qid, text in queries.items()
    ]
    items = [item for item in items if item[2]]
    return corpus, items[:limit] if limit else items


def collect_beir(
    folder: Path,
    out: Collection,
    limit: int | None = None,
    progress: Progress | None = None,
    title_cache: Path | None = None,
) -> None:
    name = folder.name
    corpus, items = _beir_items(folder, limit)
    task = progress.add_task(f"{name}: ingest", total=2 * len(items)) if progress else None
    with beir_library(corpus) as (rt, report):
        out.ingest_failures[name] = len(report.failed)
        # One query over the documents, not a walk over every passage.
        every = rt.store.list_documents(limit=rt.store.stats()["documents"] + 1)
        document_of = {corpus_id(document): document.id for document in every}
        # A record without a title is titled "corpus #<id>" at ingest; any signal that reads
        # titles (semantic title similarity) sees nothing there, which the numbers inherit.
        untitled = {d.id for d in every if d.title == f"{corpus.stem} #{corpus_id(d)}"}
        out.untitled[name] = (len(untitled), len(every))
        titled = [d.title for d in every if d.id not in untitled]
        _embed_titles(rt, titled, progress, name, title_cache)
        if progress is not None and task is not None:
            progress.update(task, description=name)
        for qid, text, gold in items:
            removed = {document_of[c] for c in gold if c in document_of}
            if not removed:  # its gold documents failed to ingest: answerable by nothing
                out.skipped[name] += 1
                _advance(progress, task, 2)
                continue
            common = {"set": name, "source": "beir", "split": split_of(qid), "qid": qid}
            try:
                out.add(_answer(text, rt), **common, question=text, answerable=True)
                with library_without(rt, removed):
                    article = _answer(text, rt)
                out.add(article, **common, question=text, answerable=False)
                # A way of finding documents that bypasses the filter would make every
                # unanswerable example a little answerable: count it where it shows.
                out.leaks[name] += bool(removed & {r.document_id for r in article.references})
            except BadRequest:  # nothing left of the question once cleaned
                out.skipped[name] += 1
            _advance(progress, task, 2)


def _embed_titles(
    rt: Runtime, titles: list[str], progress: Progress | None, name: str, cache: Path | None
) -> None:
    """Embed the titles now, as ``curbside ingest`` does, so that semantic title search sees
    the whole library from the first question, as it would in use. Untitled records are left
    to be embedded lazily: "corpus #<id>" means nothing, and there are tens of thousands.

    ``cache``: a folder whose title vectors outlive the temporary library. A vector depends on
    the model and the title only, and embedding MedQuAD's titles takes minutes on two cores.
    """
    if rt.semantic is None or not titles:
        return
    if cache is not None:
        path = cache / f"eval-titles-{rt.semantic.embedder.name}.npz"
        rt.semantic.titles = TitleVectors(path, rt.semantic.embedder)
    task = progress.add_task(f"{name}: titles", total=None) if progress else None

    def on_progress(done: int, total: int) -> None:
        if progress is not None and task is not None:
            progress.update(task, completed=done, total=total)

    embedded = rt.semantic.titles.refresh(titles, on_progress)
    if progress is not None and task is not None:
        progress.update(task, completed=embedded, total=embedded)


def collect_cases(
    path: Path,
    rt: Runtime,
    out: Collection,
    limit: int | None = None,
    progress: Progress | None = None,
) -> None:
    cases = load_cases(path)[:limit] if limit else load_cases(path)
    name, split = path.stem, case_file_split(path)
    task = progress.add_task(name, total=len(cases)) if progress else None
    for number, case in enumerate(cases, start=1):
        try:
            article = _answer(case["question"], rt, case.get("audience", "clinician"))
        except BadRequest:
            out.skipped[name] += 1
        else:
            out.add(
                article,
                set=name,
                source="cases",
                split=split,
                qid=f"{name}:{number}",
                question=case["question"],
                answerable=not case.get("expect_abstain"),
            )
        _advance(progress, task, 1)


def _advance(progress: Progress | None, task: Any, steps: int) -> None:
    if progress is not None and task is not None:
        progress.advance(task, steps)


def collect(
    beir: Sequence[Path],
    cases: Sequence[Path],
    rt: Runtime | None = None,
    limit: int | None = None,
    console: Console | None = None,
    title_cache: Path | None = None,
) -> Collection:
    """Answer every example, with a progress bar on ``console`` (none without one)."""
    out = Collection()
    columns = [
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    ]
    if cases and rt is None:
        raise ValueError("case files are answered over a library: pass its runtime")
    with Progress(*columns, console=console, disable=console is None) as progress:
        for folder in beir:
            collect_beir(folder, out, limit, progress, title_cache)
        for path in cases:
            collect_cases(path, rt, out, limit, progress)
    return out


# ---- reporting ------------------------------------------------------------------------------
def groups(examples: Sequence[Example]) -> Iterator[tuple[str, str, list[Example]]]:
    """(set, split, examples) for every set and split, then every split over all sets."""
    by_set: dict[str, list[Example]] = defaultdict(list)
    for ex in examples:
        by_set[ex.set].append(ex)
    names = list(by_set) + ([ALL] if len(by_set) > 1 else [])
    for name in names:
        chosen = list(examples) if name == ALL else by_set[name]
        for split in SPLITS:
            yield name, split, [ex for ex in chosen if ex.split == split]


def measure(examples: Sequence[Example]) -> dict[str, Any]:
    labels = [ex.answerable for ex in examples]
    return {
        "answerable": sum(labels),
        "unanswerable": len(labels) - sum(labels),
        "auroc": auroc([ex.score for ex in examples], labels),
        **abstention_rates([ex.abstained for ex in examples], labels),
    }


def summarise(collection: Collection) -> dict[str, Any]:
    sets: dict[str, dict[str, Any]] = defaultdict(dict)
    for name, split, chosen in groups(collection.examples):
        sets[name][split] = measure(chosen)
    return {
        "score": " + ".join(sorted(collection.score_names)) or "none",
        "examples": len(collection.examples),
        "skipped": dict(collection.skipped),
        "ingest_failures": collection.ingest_failures,
        "untitled_documents": collection.untitled,
        "removed_documents_cited": dict(collection.leaks),
        "sets": dict(sets),
    }


def _shown(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


METRIC_COLUMNS = (
    ("AUROC", "auroc"),
    ("recall", "abstention_recall"),
    ("FA", "false_abstention"),
    ("prec", "precision"),
)
CAPTION = (
    "a/u: answerable/unanswerable examples; AUROC of the score (answerable high); at the "
    "decision: recall = abstention recall on unanswerable, FA = false abstention on answerable, "
    "prec = share of abstentions that were on unanswerable"
)


def metric_table(title: str) -> Table:
    """A set per row; development on the left, held-out on the right."""
    table = Table(title=title, caption=CAPTION)
    table.add_column("set")
    for split in ("dev", "held-out"):
        table.add_column(f"{split}\na/u", justify="right")
        for header, _ in METRIC_COLUMNS:
            table.add_column(f"{split}\n{header}", justify="right")
    return table


def fill(table: Table, sets: dict[str, dict[str, dict[str, Any]]]) -> Table:
    """One row per set from {set: {split: measure(...)}}, the pooled row set apart."""
    for name, parts in sets.items():
        if name == ALL:
            table.add_section()
        row = [name]
        for split in SPLITS:
            m = parts[split]
            row.append(f"{m['answerable']}/{m['unanswerable']}")
            row += [_shown(m[key]) for _, key in METRIC_COLUMNS]
        table.add_row(*row)
    return table


def show(table: Table, console: Console) -> None:
    """Print a table; into a file or a pipe, at its natural width. Squeezed to the default 80
    columns it would truncate the very numbers it exists to show ("0.6…"), and nothing
    wraps a long line in a file. A terminal keeps its own width."""
    if console.is_terminal:
        console.print(table)
        return
    unbounded = console.options.update_width(10_000)
    natural = Measurement.get(console, unbounded, table).maximum
    saved = console.width
    console.width = max(saved, natural)
    try:
        console.print(table)
    finally:
        console.width = saved


def render(summary: dict[str, Any], console: Console) -> None:
    title = f"Abstention (score: {summary['score']}; decision: the engine's own)"
    show(fill(metric_table(title), summary["sets"]), console)
    notes = [f"{n} skipped in {s}" for s, n in summary["skipped"].items() if n]
    notes += [f"{n} ingest failures in {s}" for s, n in summary["ingest_failures"].items() if n]
    notes += [
        f"{s}: {n:,} of {total:,} documents have no title (titled 'corpus #id')"
        for s, (n, total) in summary["untitled_documents"].items()
        if n
    ]
    if notes:
        console.print("; ".join(notes), style="yellow", highlight=False)
    for s, n in summary["removed_documents_cited"].items():
        if n:
            console.print(
                f"{s}: {n} unanswerable answers cited a removed document; some retrieval path "
                "bypasses search.filtered, so those examples were answerable",
                style="red",
                highlight=False,
            )
