"""The ``sherlog`` command line."""

from __future__ import annotations

import dataclasses
import json
import math
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from assistant.errors import SherlogError
from assistant.settings import Settings

if TYPE_CHECKING:
    from graph.inference import InferenceParams

__all__ = ["main"]

REPO = Path(__file__).resolve().parents[1]  # for the default lint corpus in a checkout

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
@click.option(
    "--state",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Keep the conversation in this JSON file: resumed if it exists, saved after every turn.",
)
def chat(state: Path | None) -> None:
    """Talk it through: answers after each message, follow-up questions, /log, /why.

    Reads standard input, a terminal or a pipe; /help lists the commands.
    """
    from assistant.conversation import Conversation
    from assistant.engine import Sherlog
    from ui.chat import chat_session

    settings = _settings()
    conversation = Conversation()
    try:
        if state is not None and state.exists():
            conversation = Conversation.from_json(state.read_text(encoding="utf-8"))
            _progress(f"resumed {len(conversation.turns)} turn(s) from {state}")
        sherlog = Sherlog.open(settings, progress=_progress)
    except SherlogError as err:
        raise UserError(
            f"{state}: {err}" if state and not conversation.turns else str(err)
        ) from err
    except OSError as err:
        raise UserError(f"{state}: {err.strerror}") from err

    def save(c: Conversation) -> None:
        if state is not None:
            tmp = state.with_name(state.name + ".tmp")
            tmp.write_text(c.to_json(), encoding="utf-8")
            tmp.replace(state)  # a crash mid-write never leaves half a conversation

    if sys.stdin.isatty():
        import readline  # noqa: F401  (line editing and history for input())

        click.echo("Describe what you see; /help lists the commands, /quit leaves.", err=True)
        lines = _typed("you> ")
    else:
        lines = iter(sys.stdin.readline, "")
    try:
        chat_session(
            sherlog,
            lines,
            sys.stdout,
            sys.stderr,
            settings.max_attachment_bytes,
            conversation,
            saved=save,
        )
    except KeyboardInterrupt:
        click.echo("", err=True)  # Ctrl-C leaves like /quit; what was said is saved


def _typed(prompt: str):
    """Lines typed at a terminal, with line editing, until end of input."""
    while True:
        try:
            yield input(prompt)
        except EOFError:
            return


@cli.command()
@click.argument("kb_dir", required=False, type=click.Path(path_type=Path))
def ingest(kb_dir: Path | None) -> None:
    """Index the KB in KB_DIR (default: the configured KB); only changes are embedded."""
    from kb.embedding import MiniLMEmbedder
    from kb.index import SherlogIndex
    from kb.loader import load_kb
    from kb.store import chroma_client

    settings = _settings(kb_dir)
    try:
        kb = load_kb(settings.kb_dir)
        index = SherlogIndex(chroma_client(settings), MiniLMEmbedder())
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
    areas = Counter(c.area or "(no area)" for c in kb.causes.values())
    click.echo("causes per area: " + ", ".join(f"{a} {n}" for a, n in sorted(areas.items())))


@kb_group.command()
@click.argument("kb_dir", required=False, type=click.Path(path_type=Path))
@click.option(
    "--corpus",
    "corpus",
    multiple=True,
    type=click.Path(path_type=Path),
    help="YAML files or folders of test lines for the pattern check (repeatable); "
    "default: this repository's evals/cases and tests/data/log_lines.",
)
@click.option("--strict", is_flag=True, help="Exit 1 when an unjustified warning remains.")
def lint(kb_dir: Path | None, corpus: tuple[Path, ...], strict: bool) -> None:
    """Report graph-quality warnings: see kb/lint.py for the list."""
    from kb.embedding import MiniLMEmbedder
    from kb.lint import corpus_texts, lint_kb
    from kb.loader import load_kb

    settings = _settings(kb_dir)
    try:
        kb = load_kb(settings.kb_dir)
    except SherlogError as err:
        raise UserError(str(err)) from err
    paths = list(corpus) or [REPO / "evals" / "cases", REPO / "tests" / "data" / "log_lines"]
    paths = [p for p in paths if p.exists()]
    if not paths:
        _progress("no test corpus found: the pattern-never-matched check is skipped")
    warnings = lint_kb(kb, MiniLMEmbedder(), corpus_texts(paths) if paths else None)
    open_ = [w for w in warnings if w.waived is None]
    for warning in warnings:
        suffix = f"  [justified: {warning.waived}]" if warning.waived else ""
        click.echo(f"{warning}{suffix}", err=True)
    click.echo(
        f"{settings.kb_dir}: {len(open_)} warning(s), "
        f"{len(warnings) - len(open_)} justified in their articles"
    )
    if strict and open_:
        sys.exit(1)


@cli.command(name="eval")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "json_out", type=click.Path(path_type=Path), help="Write records here.")
@click.option("--tags", default="", help="Only cases carrying any of these (comma-separated).")
@click.option(
    "--report",
    "report_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write latest.md and reliability.png into this folder.",
)
@click.option("--baselines/--no-baselines", default=True, help="Also run BM25 and dense RAG.")
@click.option(
    "--tune-tag",
    default="dev",
    show_default=True,
    help="Baseline abstention thresholds are chosen on the cases with this tag.",
)
@click.option(
    "--interactive",
    is_flag=True,
    help="After each case's turns, a simulated user answers follow-up questions from "
    "the ground truth; Sherlog's questions and random ones are compared.",
)
@click.option(
    "--questions",
    "max_questions",
    default=3,
    show_default=True,
    type=click.IntRange(1, 10),
    help="With --interactive: the most follow-up questions per case.",
)
@click.option(
    "--param",
    "overrides",
    multiple=True,
    metavar="NAME=VALUE",
    help="Run with this inference parameter changed (repeatable), to measure another "
    "setting on the same cases; e.g. --param unknown_prior=0.4.",
)
def eval_command(
    paths: tuple[Path, ...],
    json_out: Path | None,
    tags: str,
    report_dir: Path | None,
    baselines: bool,
    tune_tag: str,
    interactive: bool,
    max_questions: int,
    overrides: tuple[str, ...],
) -> None:
    """Run evaluation cases (files or folders) and report accuracy, calibration, abstention."""
    from assistant.engine import Sherlog
    from evals.cases import load_cases, select
    from evals.report import render_terminal, write_report
    from evals.runner import run_eval

    settings = _settings()
    wanted = [t.strip() for t in tags.split(",") if t.strip()]
    params = inference_params(overrides)
    try:
        sherlog = Sherlog.open(settings, progress=_progress)
        sherlog.params = params
        cases = select(load_cases(paths, known_causes=sherlog.kb.causes), wanted)
        if not cases:
            raise UserError(f"no case carries any of the tags {', '.join(wanted)}")
        _progress(f"{len(cases)} cases")
        run = run_eval(
            sherlog,
            cases,
            baselines=baselines,
            tune_tag=tune_tag,
            progress=_progress,
            interactive=max_questions if interactive else 0,
        )
    except SherlogError as err:
        raise UserError(str(err)) from err
    click.echo(render_terminal(run))
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(run.to_dict(), indent=2) + "\n", encoding="utf-8")
        _progress(f"records written to {json_out}")
    if report_dir:
        kb = sherlog.kb
        command = "sherlog eval " + " ".join(
            [
                *map(str, paths),
                *(["--tags", tags] if wanted else []),
                *(["--interactive", "--questions", str(max_questions)] if interactive else []),
                *(f"--param {o}" for o in overrides),
            ]
        )
        areas = {c.area for c in kb.causes.values()} - {None}
        kb_line = (
            f"KB: {len(kb.articles)} articles, {len(kb.causes)} causes in {len(areas)} "
            f"areas, {len(kb.symptoms)} symptoms."
        )
        written = write_report(run, report_dir, command, kb_line)
        _progress(f"report written to {written}")


def inference_params(overrides: Sequence[str]) -> InferenceParams:
    """The default :class:`~graph.inference.InferenceParams` with ``NAME=VALUE``
    overrides; an override without ``=``, a name that is not a parameter, or a value
    that is not a number in its range (above 0; below 1 too for the probabilities and
    the similarity floor) is refused by name.

    >>> inference_params(["unknown_prior=0.4", "evidence_weight=3"]).unknown_prior
    0.4
    >>> inference_params(["prior=0.4"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ui.cli.UserError: --param prior=0.4: no such parameter; one of evidence_weight, ...
    """
    from graph.inference import DEFAULT  # networkx: loaded only by the commands that need it

    names = sorted(f.name for f in dataclasses.fields(DEFAULT))
    changed: dict[str, float] = {}
    for override in overrides:
        name, sep, value = override.partition("=")
        name = name.strip()
        if not sep:
            raise UserError(f"--param {override}: expected NAME=VALUE")
        if name not in names:
            raise UserError(f"--param {override}: no such parameter; one of {', '.join(names)}")
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        limit = 1.0 if name in _BELOW_ONE else math.inf
        if not (0.0 < number < limit):
            raise UserError(
                f"--param {override}: {name} must be a number above 0"
                + (" and below 1" if limit == 1.0 else "")
            )
        changed[name] = number
    return dataclasses.replace(DEFAULT, **changed)


# probabilities, and the cosine similarity at which a passage is neutral
_BELOW_ONE = frozenset(
    {"unknown_prior", "leak", "unknown_rate", "silence", "resemblance_floor", "other_product"}
)


PAGE = Path(__file__).resolve().parent / "web" / "app.py"


@cli.command()
@click.option("--address", default="localhost", show_default=True, help="Interface to serve on.")
@click.option("--port", default=8501, show_default=True, type=click.IntRange(1, 65535))
def page(address: str, port: int) -> None:
    """Serve the chat page (Streamlit). The KB is indexed first when the index is stale,
    with progress here, so the page opens ready."""
    import os

    from assistant.engine import Sherlog

    settings = _settings()
    try:
        Sherlog.open(settings, progress=_progress)
    except SherlogError as err:
        raise UserError(str(err)) from err
    _progress(f"serving the chat page at http://{address}:{port} (Ctrl-C stops it)")
    upload_mb = max(1, -(-settings.max_attachment_bytes // (1024 * 1024)))
    args = [
        sys.executable, "-m", "streamlit", "run", str(PAGE),
        "--server.address", address,
        "--server.port", str(port),
        "--server.headless", "true",
        "--server.fileWatcherType", "none",
        "--server.maxUploadSize", str(upload_mb),
        "--browser.gatherUsageStats", "false",
        "--global.developmentMode", "false",
        "--client.toolbarMode", "minimal",
    ]  # fmt: skip
    sys.stdout.flush()
    sys.stderr.flush()
    # One process owns the embedded Chroma at a time: this one is replaced by the server.
    os.execv(sys.executable, args)


PORT = click.IntRange(1, 65535)


@cli.command()
@click.option("--socket", "mode", flag_value="socket", help="Socket Mode (SLACK_APP_TOKEN).")
@click.option("--http", "mode", flag_value="http", help="Events API over HTTP (signed requests).")
@click.option("--address", default="127.0.0.1", show_default=True, help="HTTP: interface.")
@click.option("--port", default=3000, show_default=True, type=click.IntRange(1, 65535))
def slack(mode: str | None, address: str, port: int) -> None:
    """Run the Slack bot: answers mentions, DMs and /sherlog in threads.

    Needs SLACK_BOT_TOKEN, and SLACK_SIGNING_SECRET (--http) or SLACK_APP_TOKEN (--socket);
    the README's Slack section says how to create the app.
    """
    if mode is None:
        raise click.UsageError("choose --http (Events API) or --socket (Socket Mode)")
    from ui.slack.config import Mode
    from ui.slack.run import run

    try:
        run(Mode(mode), address, port, _progress)
    except SherlogError as err:
        raise UserError(str(err)) from err


@cli.command()
@click.option("--chroma-port", default=8000, show_default=True, type=PORT)
@click.option("--page-port", default=8501, show_default=True, type=PORT)
@click.option("--slack-port", default=3000, show_default=True, type=PORT)
@click.option("--no-slack", is_flag=True, help="Serve the page only, without the Slack bot.")
def serve(chroma_port: int, page_port: int, slack_port: int, no_slack: bool) -> None:
    """Serve the page and the Slack bot on 127.0.0.1, sharing one Chroma server.

    Starts `chroma run` (data in SHERLOG_HOME/chroma-server), indexes the KB through
    it, then `sherlog page` and `sherlog slack --http` with SHERLOG_CHROMA_URL set;
    when one stops, or on Ctrl-C, stops them all.
    """
    import os

    from ui.serve import Ports, check_ports, check_slack, plan
    from ui.serve import serve as run_plan

    settings = _settings()
    env = dict(os.environ)
    ports = Ports(chroma_port, page_port, slack_port)
    try:
        if not no_slack:
            check_slack(env)
        check_ports(ports, slack=not no_slack)
    except SherlogError as err:
        raise UserError(str(err)) from err
    sys.exit(run_plan(plan(settings, ports, env, not no_slack, sys.executable), _progress))


@cli.group(name="feedback")
def feedback_group() -> None:
    """Work with the conversations and feedback kept in SHERLOG_HOME."""


@feedback_group.command(name="export")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def feedback_export(out: Path) -> None:
    """Write every conversation marked "this fixed it" to OUT as eval cases (YAML)."""
    from assistant.store import ConversationStore, export_cases, write_cases
    from kb.loader import load_kb

    settings = _settings()
    try:
        causes = load_kb(settings.kb_dir).causes
        with ConversationStore.open(settings) as store:
            export = export_cases(store, causes)
        for skipped in export.skipped:
            _progress(f"skipped conversation {skipped}")
        if not export.cases and export.skipped:
            raise UserError(
                f'{out}: not written: every conversation with "this fixed it" feedback was skipped'
            )
        write_cases(out, export.cases)
    except SherlogError as err:
        raise UserError(str(err)) from err
    count = len(export.cases)
    click.echo(f"wrote {count} case{'s' if count != 1 else ''} to {out}")


@cli.command()
@click.pass_context
def demo(ctx: click.Context) -> None:
    """Answer a demo question on the command line."""
    click.echo(f"sherlog demo question:\n  {DEMO_QUESTION}\n", err=True)
    ctx.invoke(ask, text=DEMO_QUESTION)


def main() -> None:
    cli.main(prog_name="sherlog")


if __name__ == "__main__":
    main()
