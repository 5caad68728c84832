"""The ``sherlog`` command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from assistant.errors import SherlogError
from assistant.settings import Settings

__all__ = ["main"]

DEMO_QUESTION = (
    "Since this morning vCenter shows one of our ESXi hosts as not responding. "
    "The VMs on it are still running and I can SSH to the host, but the Host Client "
    "on the host itself won't load either."
)


class UserError(click.ClickException):
    """A user mistake: one clear line on stderr, exit status 2."""

    exit_code = 2

    def format_message(self) -> str:
        return self.message


def _progress(message: str) -> None:
    click.echo(f"sherlog: {message}", err=True)


def _settings(kb_dir: Path | None = None) -> Settings:
    try:
        return Settings.from_env(kb_dir=kb_dir)
    except SherlogError as err:
        raise UserError(str(err)) from err


@click.group()
@click.version_option(package_name="sherlog")
def cli() -> None:
    """Sherlog: ranked, cited diagnoses for infrastructure problems."""


@cli.command()
@click.argument("text", required=False, default="")
@click.option(
    "--log",
    "logs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Attach a log file (repeatable).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the Answer as JSON.")
def ask(text: str, logs: tuple[Path, ...], as_json: bool) -> None:
    """Diagnose TEXT, with any attached logs. Use - to read TEXT from stdin."""
    from assistant.attachments import read_attachment
    from assistant.engine import Sherlog
    from ui.render_text import render_text

    if text == "-":
        text = sys.stdin.read()
    settings = _settings()
    try:
        attachments = [read_attachment(p, settings.max_attachment_bytes) for p in logs]
        if not text.strip() and not attachments:
            raise UserError("empty question: describe what you see, or attach a log with --log")
        sherlog = Sherlog.open(settings, progress=_progress)
        answer = sherlog.ask(text, attachments)
    except SherlogError as err:
        raise UserError(str(err)) from err
    if as_json:
        click.echo(json.dumps(answer.to_dict(), indent=2))
    else:
        click.echo(render_text(answer))


@cli.command()
@click.argument("kb_dir", required=False, type=click.Path(path_type=Path))
def ingest(kb_dir: Path | None) -> None:
    """Index the KB in KB_DIR (default: the configured KB); only changes are embedded."""
    from kb.embedding import MiniLMEmbedder
    from kb.index import SherlogIndex
    from kb.loader import load_kb
    from kb.store import open_chroma

    settings = _settings(kb_dir)
    try:
        kb = load_kb(settings.kb_dir)
        index = SherlogIndex(open_chroma(settings.chroma_path), MiniLMEmbedder())
        report = index.ingest(kb, _progress)
    except SherlogError as err:
        raise UserError(str(err)) from err
    click.echo(
        f"{report.articles} articles in index generation {report.generation}: "
        f"{len(report.embedded_articles)} embedded ({report.embedded_passages} passages, "
        f"{report.embedded_phrasings} phrasings), {report.reused_articles} unchanged, "
        f"{len(report.removed_articles)} removed"
    )


@cli.group(name="kb")
def kb_group() -> None:
    """Work with the knowledge base."""


@kb_group.command()
@click.argument("kb_dir", required=False, type=click.Path(path_type=Path))
def validate(kb_dir: Path | None) -> None:
    """Check every article in KB_DIR; print every problem; exit 1 if there is any."""
    from kb.loader import check_kb

    settings = _settings(kb_dir)
    kb, problems = check_kb(settings.kb_dir)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        click.echo(f"{len(problems)} problem(s) in {settings.kb_dir}", err=True)
        sys.exit(1)
    click.echo(
        f"{settings.kb_dir}: {len(kb.articles)} articles, {len(kb.causes)} causes, "
        f"{len(kb.symptoms)} symptoms, {len(kb.fixes)} fixes: OK"
    )


@cli.command()
@click.pass_context
def demo(ctx: click.Context) -> None:
    """Answer a demo question (what `make run` does until the chat page exists)."""
    click.echo(f"sherlog demo question:\n  {DEMO_QUESTION}\n", err=True)
    ctx.invoke(ask, text=DEMO_QUESTION)


def main() -> None:
    cli.main(prog_name="sherlog")


if __name__ == "__main__":
    main()
