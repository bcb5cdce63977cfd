"""The ``curbside`` command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .articles.model import AUDIENCES
from .errors import CurbsideError
from .library.bundled import bundled_key, bundled_paths
from .library.records import FieldMap
from .review.cli import audit_app, users_app
from .review.service import stale_source_hook
from .runtime import Runtime, open_runtime
from .settings import settings_from_environment
from .store.cli import export_cmd, import_cmd

if TYPE_CHECKING:  # the readers (PDF, HTML, XML) load only for the commands that ingest
    from .library.ingest import IngestReport

app = typer.Typer(
    help="Cited, verified answers to clinical questions from your own library.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
eval_app = typer.Typer(help="Measure retrieval and answer quality.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit")
app.command("export")(export_cmd)
app.command("import")(import_cmd)
console = Console(stderr=True)
out = Console(soft_wrap=True)


def _fail(message: str, code: int = 1) -> None:
    console.print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(code)


def _runtime() -> Runtime:
    try:
        settings = settings_from_environment()
    except CurbsideError as exc:
        _fail(str(exc), 2)
        raise
    try:
        return open_runtime(settings)
    except CurbsideError as exc:
        _fail(str(exc))
        raise


def run_ingest(rt: Runtime, paths: list[Path], fmap: FieldMap, quiet: bool = False) -> IngestReport:
    from .library.ingest import discover, ingest

    files, _ = discover(paths)
    columns = [
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
    ]
    with Progress(*columns, console=console, disable=quiet, transient=False) as progress:
        task = progress.add_task("files", total=len(files), rate="")

        def on_file(path: Path, number: int) -> None:
            progress.update(task, completed=number, description=path.name[:40])

        def on_document(docs: int, passages: int) -> None:
            elapsed = progress.tasks[0].elapsed or 1e-9
            progress.update(
                task, rate=f"{docs / elapsed:,.0f} docs/s {passages / elapsed:,.0f} passages/s"
            )

        report = ingest(
            paths,
            rt.store,
            rt.retriever,
            fmap=fmap,
            max_bytes=rt.settings.max_document_bytes,
            key_for=bundled_key,
            on_file=on_file,
            on_document=on_document,
            on_change=stale_source_hook(rt.store),  # approved answers citing it go to review
        )
        progress.update(task, completed=len(files), description="done")
        if rt.semantic is not None:  # titles embedded now, not while a reader waits
            titles = [title for _, title in rt.store.document_titles()]
            embed = progress.add_task("titles", total=None, rate="embedding")
            rt.semantic.titles.refresh(
                titles, lambda done, total: progress.update(embed, completed=done, total=total)
            )
    return report


def _print_report(report: IngestReport) -> None:
    for error in report.failed:
        # One line per failure, never wrapped, so "path:line: reason" stays greppable.
        console.print(str(error), style="red", highlight=False, markup=False, soft_wrap=True)
    rate = report.passages / report.seconds if report.seconds else 0.0
    console.print(
        f"{report.new} new, {report.updated} updated, {report.unchanged} unchanged, "
        f"{len(report.failed)} failed; {report.passages:,} passages in {report.seconds:.1f} s "
        f"({rate:,.0f} passages/s)",
        highlight=False,
    )


def load_bundled(rt: Runtime, quiet: bool = False) -> IngestReport:
    return run_ingest(rt, bundled_paths(), FieldMap(), quiet=quiet)


@app.command()
def init(no_bundled: Annotated[bool, typer.Option("--no-bundled", help="Start empty.")] = False):
    """Create the database and load the bundled demonstration library."""
    rt = _runtime()
    try:
        if not no_bundled:
            report = load_bundled(rt)
            _print_report(report)
        stats = rt.store.stats()
        console.print(
            f"library at {rt.settings.resolved_database_url}: "
            f"{stats['documents']} documents, {stats['passages']} passages"
        )
    finally:
        rt.close()


@app.command("ingest")
def ingest_cmd(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (recursive).")],
    map_: Annotated[
        str | None,
        typer.Option(
            "--map",
            help="JSONL fields, e.g. title=title,text=major_recommendations,publisher=developer",
        ),
    ] = None,
    kind: Annotated[str | None, typer.Option(help="Kind for JSONL records.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
):
    """Load documents; unchanged files are skipped, changed files become new versions."""
    try:
        fmap = FieldMap.parse(map_, kind)
    except ValueError as exc:
        _fail(str(exc), 2)
    rt = _runtime()
    try:
        report = run_ingest(rt, paths, fmap, quiet=quiet)
    finally:
        rt.close()
    _print_report(report)
    if report.failed:
        raise typer.Exit(1)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="What to look for; any text is safe.")],
    k: Annotated[int, typer.Option("-k", min=1, max=1000)] = 10,
    as_json: Annotated[bool, typer.Option("--json")] = False,
):
    """Ranked passages with their document and section."""
    from .answer.concepts import check_concepts

    rt = _runtime()
    try:
        result = rt.retriever.search(query, k=k)
        # "hepatitis C" is not "hepatitis B": ranked words cannot tell, the concept check can.
        lacking = check_concepts(query, rt.retriever).missing
    finally:
        rt.close()
    if as_json:
        out.print_json(json.dumps(result.as_json(query, lacking)))
        return
    for wrong, right in result.corrections.items():
        out.print(f"[yellow]Showing results for {right!r} (you typed {wrong!r})[/yellow]")
    for concept in lacking:
        out.print(
            f"[yellow]The library does not mention {concept}: these passages match only the "
            "other words.[/yellow]",
            highlight=False,
        )
    if not result.hits:
        out.print("No passages match.")
    for i, hit in enumerate(result.hits, start=1):
        doc = hit.document
        out.print(
            f"[bold]{i}. {doc.title}[/bold] [dim]({doc.publisher or 'unknown'}, "
            f"{doc.year or 'n.d.'}, {doc.kind}) score {hit.score:.2f}[/dim]",
            highlight=False,
        )
        out.print(f"   [cyan]{hit.passage.section_path}[/cyan]", highlight=False)
        snippet = " ".join(hit.passage.text.split())
        out.print(
            f"   {snippet[:300]}{'…' if len(snippet) > 300 else ''}", highlight=False, markup=False
        )


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="A clinical question.")],
    audience: Annotated[str, typer.Option(help=" or ".join(AUDIENCES))] = "clinician",
    follow_up: Annotated[
        str | None, typer.Option("--follow-up", help="Article id to follow up")
    ] = None,
    fresh: Annotated[bool, typer.Option("--fresh", help="Answer again even if stored.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="The article contract as JSON.")] = False,
    engine: Annotated[
        str | None, typer.Option(help="extractive or llm; default: CURBSIDE_ENGINE.")
    ] = None,
):
    """Answer from the library: bottom line, cited sections, references, or an abstention."""
    from .answer.choose import engine_for
    from .answer.pipeline import answer
    from .render import render_article

    rt = _runtime()
    try:
        chosen = engine_for(rt.settings, engine, vocab=rt.retriever.lexical.vocab)
        if rt.needs_bundled_library():
            load_bundled(rt, quiet=as_json)  # the first run of a new install
        article = answer(
            question, rt, audience=audience, follow_up_of=follow_up, fresh=fresh, engine=chosen
        )
    except CurbsideError as exc:
        _fail(str(exc), 2)
        return
    finally:
        rt.close()
    if as_json:
        out.print_json(article.model_dump_json())
    else:
        render_article(article, out)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=0, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes (one per core).", min=1)] = 1,
    access_log: Annotated[bool, typer.Option(help="Log every request.")] = True,
    worker_timeout: Annotated[
        int | None,
        typer.Option(
            help="Seconds a worker may go unresponsive, its start included, before it is "
            "replaced (default 60).",
            min=1,
            show_default=False,
        ),
    ] = None,
):
    """The web app and JSON API (API reference at /docs)."""
    from .web.serve import run

    rt = _runtime()
    try:
        # Load the bundled library here, once, rather than racing for it in every worker.
        if rt.needs_bundled_library():
            _print_report(load_bundled(rt, quiet=True))
    finally:
        rt.close()
    console.print(f"Curbside on http://{host}:{port}/ ({workers} worker{'s' * (workers > 1)})")
    try:
        run(host, port, workers, access_log, healthcheck_timeout=worker_timeout)
    except CurbsideError as exc:
        _fail(str(exc))


@eval_app.command("retrieval")
def eval_retrieval(
    beir: Annotated[
        Path, typer.Option("--beir", help="Folder with corpus.jsonl, queries.jsonl, qrels/test.tsv")
    ],
    as_json: Annotated[bool, typer.Option("--json")] = False,
    reference: Annotated[bool, typer.Option(help="Also run the reference BM25 (bm25s).")] = True,
    limit: Annotated[int | None, typer.Option(help="Use only the first N queries.")] = None,
):
    """Recall@10/100, nDCG@10, MRR@10 and queries/s on a BEIR set, in a temporary library."""
    from .eval.retrieval import evaluate_beir

    try:
        results = evaluate_beir(beir, reference=reference, limit=limit, console=console)
    except CurbsideError as exc:
        _fail(str(exc))
    if as_json:
        out.print_json(json.dumps(results))
        return
    table = Table(title=f"Retrieval on {beir.name}")
    for col in ("system", "recall@10", "recall@100", "nDCG@10", "MRR@10", "queries/s"):
        table.add_column(col, justify="right" if col != "system" else "left")
    for name, m in results["systems"].items():
        table.add_row(
            name,
            *(f"{m[c]:.3f}" for c in ("recall@10", "recall@100", "ndcg@10", "mrr@10")),
            f"{m['qps']:.0f}",
        )
    out.print(table)


@eval_app.command("answers")
def eval_answers(
    cases: Annotated[Path, typer.Option("--cases", help="JSONL case file")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
    show_misses: Annotated[bool, typer.Option("--show-misses", help="List failed cases.")] = False,
    engine: Annotated[
        str,
        typer.Option(
            "--engine", help="llm: run the LLM engine too and print both engines side by side."
        ),
    ] = "extractive",
    limit: Annotated[int | None, typer.Option(help="Use only the first N cases.", min=1)] = None,
):
    """Fact recall, support, number fidelity, abstention and latency on a case file."""
    from .answer.choose import engine_for
    from .eval.answers import evaluate_answers, load_cases
    from .eval.side_by_side import evaluate_llm, render_one, render_side_by_side

    try:
        loaded = load_cases(cases)[:limit]
    except CurbsideError as exc:
        _fail(str(exc), 2)
    rt = _runtime()
    try:
        vocab = rt.retriever.lexical.vocab
        llm = engine_for(rt.settings, engine, vocab=vocab) if engine != "extractive" else None
        if rt.needs_bundled_library():
            load_bundled(rt, quiet=as_json)
        both = {"extractive": evaluate_answers(rt, loaded)}
        if llm is not None:
            both["llm"] = evaluate_llm(rt, loaded, llm, console, quiet=as_json)
    except CurbsideError as exc:
        _fail(str(exc), 2)
        return
    finally:
        rt.close()
    summaries = {name: summary for name, (summary, _) in both.items()}
    if as_json:
        shown = {"summaries": summaries} if llm else {"summary": summaries["extractive"]}
        out.print_json(json.dumps({"cases_file": str(cases), **shown}))
    elif llm is not None:
        render_side_by_side(out, cases.name, summaries, {n: r for n, (_, r) in both.items()})
    else:
        render_one(out, cases.name, *both["extractive"], show_misses)


@eval_app.command("abstention")
def eval_abstention(
    beir: Annotated[
        list[Path] | None, typer.Option("--beir", help="BEIR folder; gold documents removed")
    ] = None,
    cases: Annotated[
        list[Path] | None, typer.Option("--cases", help="JSONL case file (expect_abstain)")
    ] = None,
    limit: Annotated[int | None, typer.Option(help="First N questions per set.", min=1)] = None,
    fit_out: Annotated[
        Path | None, typer.Option("--fit", help="Fit on development; write the model here.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
):
    """AUROC and the decision's abstention rates, development and held-out side by side."""
    from .eval import abstention, fit

    if not beir and not cases:
        _fail("give at least one --beir folder or --cases file", 2)
    rt = _runtime() if cases else None  # case files are answered over the configured library
    try:
        if rt and rt.needs_bundled_library():
            load_bundled(rt, quiet=True)
        cache = abstention.title_cache_dir()
        collected = abstention.collect(beir or [], cases or [], rt, limit, console, cache)
        model = fit.fit(collected.examples) if fit_out else None
    except CurbsideError as exc:
        _fail(str(exc))
        return
    finally:
        if rt:
            rt.close()
    summary = abstention.summarise(collected)
    fitted = fit.report(model, collected.examples) if model else None
    if model and fit_out:
        model.save(fit_out)
    if as_json:
        out.print_json(json.dumps({**summary, "fit": fitted}))
        return
    abstention.render(summary, out)
    if fitted:
        fit.render(fitted, out)


def main() -> None:  # pragma: no cover
    sys.exit(app())
