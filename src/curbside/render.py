"""Render an article in the terminal the way the answer page shows it."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel

from .articles.model import STATUS_LABELS, Article


def _marks(citations: list[int]) -> str:
    return "".join(f"[{n}]" for n in citations)


def render_article(article: Article, console: Console) -> None:
    if article.emergency_notice:
        console.print(
            Panel(escape(article.emergency_notice), title="Emergency", border_style="red")
        )
    console.print(f"[bold]{escape(article.question)}[/bold]")
    status = STATUS_LABELS.get(article.status, article.status)
    line = f"[dim]{status} · updated {article.updated_at[:10]} · {article.audience}"
    if article.status != "approved":
        line += " · pending human review"
    console.print(line + "[/dim]")
    if article.metadata.get("demonstration"):
        console.print(
            "[yellow]Built from the bundled demonstration library: summaries not "
            "clinically reviewed.[/yellow]"
        )
    for wrong, right in article.corrections.items():
        console.print(
            f"[yellow]Searched for {escape(right)!r} (you typed {escape(wrong)!r})[/yellow]"
        )
    console.print()
    if article.frame:
        console.print(f"[italic]{escape(article.frame)}[/italic]\n")
    console.print("[bold]Bottom line[/bold]")
    console.print(
        f"{escape(article.bottom_line.text)} {_marks(article.bottom_line.citations)}",
        highlight=False,
    )
    if article.abstained and article.metadata.get("abstain_reason"):
        console.print(escape(article.metadata["abstain_reason"]), style="dim", highlight=False)
    unanswered = article.metadata.get("unanswered_asks") or []
    if unanswered and not article.abstained:
        console.print(
            "\n[yellow]The library holds no answer to this part of the question:[/yellow]"
        )
        for ask in unanswered:
            console.print(f"  • {escape(ask)}", highlight=False)
    lacking = article.metadata.get("lacking") or []
    if article.abstained and lacking:
        parts = escape(", ".join(lacking))
        console.print(f"The part of the question the library lacks: {parts}", highlight=False)
    if article.abstained and article.closest_topics:
        console.print("\nClosest topics in the library:")
        for topic in article.closest_topics:
            console.print(f"  • {escape(topic)}", highlight=False)
    for section in article.sections:
        console.print(f"\n[bold]{escape(section.title)}[/bold]")
        for bullet in section.bullets:
            console.print(f"  • {escape(bullet.text)} {_marks(bullet.citations)}", highlight=False)
    if article.references:
        console.print("\n[bold]References[/bold]")
        for ref in article.references:
            bits = [ref.publisher or "unknown publisher", str(ref.year or "n.d."), ref.kind]
            if ref.demonstration and not ref.source_key:
                bits.append("demonstration, not clinically reviewed")
            console.print(
                f"  [{ref.n}] {escape(ref.title)} ({escape(', '.join(bits))})", highlight=False
            )
            for source in ref.sources[:4]:
                console.print(
                    f"      summarises: {escape(str(source.get('title')))} — "
                    f"{escape(str(source.get('publisher')))} "
                    f"{escape(str(source.get('year')))}",
                    highlight=False,
                )
            if ref.url:
                console.print(f"      {escape(ref.url)}", highlight=False)
            if ref.note:
                summary = f" (library: {ref.summary_title})" if ref.summary_title else ""
                console.print(f"      [dim]{escape(ref.note + summary)}[/dim]", highlight=False)
    if article.related_questions or article.library_questions:
        console.print("\n[bold]Related questions[/bold]")
        for q in article.related_questions:
            console.print(f"  • {escape(q)}", highlight=False)
        for q in article.library_questions:
            console.print(
                f"  • {escape(q)} [dim](from the library's topics)[/dim]", highlight=False
            )
    console.print(f"\n[dim]{escape(article.disclaimer)}[/dim]")
    console.print(f"[dim]Article {article.id} · follow up with --follow-up {article.id}[/dim]")
