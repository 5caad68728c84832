"""``sherlog serve``: one Chroma server, then the chat page and the Slack bot as its
clients, all on 127.0.0.1, supervised until one stops, Ctrl-C or SIGTERM.

Processes that share an embedded Chroma folder see stale results, so every process here
talks to the one server through ``SHERLOG_CHROMA_URL``. :func:`plan` and the checks
are pure (command lines and environments, nothing started); :func:`serve` runs a plan.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import ConfigError, IndexError_
from assistant.settings import Settings
from kb.store import connect_chroma

__all__ = [
    "HOST",
    "Child",
    "Plan",
    "Ports",
    "check_ports",
    "check_slack",
    "plan",
    "serve",
    "stop_all",
    "supervise",
]

HOST = "127.0.0.1"  # nothing here listens beyond loopback
READY_TIMEOUT = 120.0  # seconds for a fresh Chroma server to answer its heartbeat
STOP_TIMEOUT = 10.0  # seconds a child has to exit after SIGTERM before it is killed
POLL = 0.2  # seconds between looks at the children


@dataclass(frozen=True)
class Ports:
    """The loopback port of each server."""

    chroma: int = 8000
    page: int = 8501
    slack: int = 3000


@dataclass(frozen=True)
class Child:
    """One process to start: its name in messages, command line, environment, and what
    it serves (empty for a job that runs to its end)."""

    name: str
    argv: tuple[str, ...]
    env: Mapping[str, str]
    serves: str = ""


@dataclass(frozen=True)
class Plan:
    """What ``sherlog serve`` runs, in order: the Chroma server, the ingest through it,
    then the servers that use it."""

    chroma_url: str
    chroma: Child
    ingest: Child
    servers: tuple[Child, ...]


def plan(
    settings: Settings, ports: Ports, env: Mapping[str, str], slack: bool, python: str
) -> Plan:
    """The command lines and environments, built from ``env`` (the caller's environment)
    and the ``python`` of Sherlog's virtual environment; ``chroma`` is found beside it."""
    url = f"http://{HOST}:{ports.chroma}"
    data = settings.chroma_server_path
    chroma = Child(
        "chroma run",
        (str(Path(python).parent / "chroma"), "run", "--path", str(data),
         "--host", HOST, "--port", str(ports.chroma)),
        # Without RUST_LOG the server logs every request at INFO, burying the others.
        {**env, "ANONYMIZED_TELEMETRY": "False", "RUST_LOG": env.get("RUST_LOG", "warn")},
        f"Chroma at {url} (data in {data})",
    )  # fmt: skip
    client_env = {**env, "SHERLOG_HOME": str(settings.home), "SHERLOG_CHROMA_URL": url}
    sherlog = (python, "-m", "ui.cli")
    ingest = Child("sherlog ingest", (*sherlog, "ingest"), client_env)
    page = Child(
        "sherlog page",
        (*sherlog, "page", "--address", HOST, "--port", str(ports.page)),
        client_env,
        f"the chat page at http://{HOST}:{ports.page}",
    )
    bot = Child(
        "sherlog slack",
        (*sherlog, "slack", "--http", "--address", HOST, "--port", str(ports.slack)),
        client_env,
        f"the Slack bot at http://{HOST}:{ports.slack}/slack/events",
    )
    return Plan(url, chroma, ingest, (page, bot) if slack else (page,))


def check_slack(env: Mapping[str, str]) -> None:
    """Refuse to start when the Slack bot would fail for want of a setting."""
    from ui.slack.config import Mode, SlackSettings

    try:
        SlackSettings.from_env(Mode.HTTP, env)
    except ConfigError as err:
        raise ConfigError(f"{err}; or pass --no-slack to serve without the bot") from err


def check_ports(ports: Ports, slack: bool) -> None:
    """Refuse ports that repeat or that something on 127.0.0.1 already listens on.

    Checked before anything starts: ``chroma run`` on a taken port exits with status 0,
    and the heartbeat would then reach whatever server holds the port.
    """
    named = {"--chroma-port": ports.chroma, "--page-port": ports.page}
    if slack:
        named["--slack-port"] = ports.slack
    if len(set(named.values())) < len(named):
        raise ConfigError(
            "each server needs its own port, got "
            + ", ".join(f"{option} {port}" for option, port in named.items())
        )
    for option, port in named.items():
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers bind
            try:
                probe.bind((HOST, port))
            except OSError as err:
                raise ConfigError(
                    f"{option} {port}: {HOST}:{port} is not free ({err.strerror}); "
                    f"stop what holds it or choose another port with {option}"
                ) from err


def _start(child: Child) -> subprocess.Popen:
    # Its own process group: Ctrl-C reaches only this supervisor, which stops the
    # children in order (the clients before the Chroma server they use).
    return subprocess.Popen(
        child.argv, env=dict(child.env), stdin=subprocess.DEVNULL, process_group=0
    )


Echo = Callable[[str], None]
Running = Sequence[tuple[Child, subprocess.Popen]]


def stop_all(running: Running, echo: Echo, timeout: float = STOP_TIMEOUT) -> None:
    """Stop the children, last started first: SIGTERM, then SIGKILL after ``timeout``."""
    for child, process in reversed(running):
        if process.poll() is not None:
            continue
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            echo(f"{child.name} did not stop within {timeout:g} s after SIGTERM: killed")
            process.kill()
            process.wait()


def _failed(child: Child, status: int) -> str:
    how = f"was killed by signal {-status}" if status < 0 else f"exited with status {status}"
    return f"{child.name} {how}"


def supervise(running: Running, echo: Echo, poll: float = POLL) -> int:
    """Wait until the first child exits; 1 when it failed (named), else 0.

    The caller stops the others (see :func:`serve`).
    """
    while True:
        for child, process in running:
            status = process.poll()
            if status is not None:
                if status == 0:
                    echo(f"{child.name} exited; stopping the others")
                    return 0
                echo(f"{_failed(child, status)}; stopping the others")
                return 1
        time.sleep(poll)


def _wait_for_chroma(plan: Plan, process: subprocess.Popen, echo: Echo) -> bool:
    """Poll the new server's heartbeat; False (said why) when it exits or never answers."""
    url = plan.chroma_url
    deadline = time.monotonic() + READY_TIMEOUT
    while True:
        status = process.poll()
        if status is not None:
            echo(f"{_failed(plan.chroma, status)} before answering at {url}")
            return False
        try:
            connect_chroma(url)
            return True
        except IndexError_ as err:
            if time.monotonic() > deadline:
                echo(f"{plan.chroma.name} did not answer within {READY_TIMEOUT:g} s: {err}")
                return False
        time.sleep(POLL)


def _raise_interrupt(signum, frame) -> None:
    raise KeyboardInterrupt  # SIGTERM stops everything as Ctrl-C does


def serve(plan: Plan, echo: Echo) -> int:
    """Run ``plan`` until a server exits, Ctrl-C or SIGTERM; the exit status (0 when
    asked to stop, 1 when a child failed)."""
    running: list[tuple[Child, subprocess.Popen]] = []
    previous = signal.getsignal(signal.SIGINT), signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        echo(f"starting {plan.chroma.serves}")
        running.append((plan.chroma, _start(plan.chroma)))
        if not _wait_for_chroma(plan, running[0][1], echo):
            return 1
        echo("indexing the knowledge base through the Chroma server")
        running.append((plan.ingest, _start(plan.ingest)))
        status = running[-1][1].wait()
        running.pop()
        if status != 0:
            echo(_failed(plan.ingest, status))
            return 1
        for child in plan.servers:
            running.append((child, _start(child)))
        for child, _ in running:
            echo(f"serving {child.serves} ({child.name})")
        echo("Ctrl-C stops them all")
        return supervise(running, echo)
    except KeyboardInterrupt:
        echo("stopping")
        return 0
    finally:
        # A second Ctrl-C must not leave children behind; each stop is bounded anyway.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stop_all(running, echo)
        signal.signal(signal.SIGINT, previous[0])
        signal.signal(signal.SIGTERM, previous[1])
