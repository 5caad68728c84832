"""``sherlog serve``: what it would start (nothing is started to check that), what it
refuses before starting anything, and how it stops its children."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest
from click.testing import CliRunner

from assistant.errors import ConfigError
from assistant.settings import Settings
from ui.cli import cli
from ui.serve import Child, Ports, check_ports, check_slack, plan, stop_all, supervise
from ui.web.testing import free_port

PYTHON = "/opt/sherlog/.venv/bin/python"
SLACK = {"SLACK_BOT_TOKEN": "xoxb-secret-1", "SLACK_SIGNING_SECRET": "sign-secret-2"}


@pytest.fixture
def settings(sherlog_home) -> Settings:
    return Settings.from_env({"SHERLOG_HOME": str(sherlog_home)})


def by_name(p) -> dict[str, Child]:
    return {c.name: c for c in (p.chroma, p.ingest, *p.servers)}


class TestPlan:
    def test_the_command_lines(self, settings):
        children = by_name(plan(settings, Ports(8001, 8502, 3001), {"PATH": "/bin"}, True, PYTHON))
        assert children["chroma run"].argv == (
            "/opt/sherlog/.venv/bin/chroma", "run",
            "--path", str(settings.home / "chroma-server"),
            "--host", "127.0.0.1", "--port", "8001",
        )  # fmt: skip
        cli_ = (PYTHON, "-m", "ui.cli")
        assert children["sherlog ingest"].argv == (*cli_, "ingest")
        assert children["sherlog page"].argv == (
            *cli_, "page", "--address", "127.0.0.1", "--port", "8502",
        )  # fmt: skip
        assert children["sherlog slack"].argv == (
            *cli_,
            "slack",
            "--http",
            "--address",
            "127.0.0.1",
            "--port",
            "3001",
        )

    def test_the_clients_are_sent_to_the_server_and_keep_the_environment(self, settings):
        env = {"PATH": "/bin", "SHERLOG_KB": "/srv/kb", **SLACK}
        p = plan(settings, Ports(chroma=8001), env, True, PYTHON)
        for child in (p.ingest, *p.servers):
            assert child.env["SHERLOG_CHROMA_URL"] == "http://127.0.0.1:8001"
            assert child.env["SHERLOG_HOME"] == str(settings.home)
            assert child.env["SLACK_BOT_TOKEN"] == "xoxb-secret-1"
            assert child.env["SHERLOG_KB"] == "/srv/kb"
            # what each client reads back is that server, validated like a user's value
            assert Settings.from_env(child.env).chroma_url == "http://127.0.0.1:8001"
        assert env == {"PATH": "/bin", "SHERLOG_KB": "/srv/kb", **SLACK}  # caller's untouched

    def test_the_server_runs_without_telemetry_or_request_logs(self, settings):
        chroma = plan(settings, Ports(), {"PATH": "/bin"}, True, PYTHON).chroma
        assert chroma.env["ANONYMIZED_TELEMETRY"] == "False"
        assert chroma.env["RUST_LOG"] == "warn"
        assert "SHERLOG_CHROMA_URL" not in chroma.env

    def test_what_serves_what_is_said_with_its_url(self, settings):
        p = plan(settings, Ports(8001, 8502, 3001), {}, True, PYTHON)
        assert [c.serves for c in (p.chroma, *p.servers)] == [
            f"Chroma at http://127.0.0.1:8001 (data in {settings.home / 'chroma-server'})",
            "the chat page at http://127.0.0.1:8502",
            "the Slack bot at http://127.0.0.1:3001/slack/events",
        ]

    def test_no_slack_serves_the_page_alone(self, settings):
        p = plan(settings, Ports(), {}, False, PYTHON)
        assert [c.name for c in p.servers] == ["sherlog page"]


class TestCheckSlack:
    @pytest.mark.parametrize(
        ("env", "named"),
        [
            ({}, "SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET"),
            ({"SLACK_BOT_TOKEN": "xoxb-secret-1"}, "SLACK_SIGNING_SECRET"),
            ({"SLACK_BOT_TOKEN": "", "SLACK_SIGNING_SECRET": "sign-secret-2"}, "SLACK_BOT_TOKEN"),
        ],
    )
    def test_a_missing_variable_is_named_and_no_secret_shown(self, env, named):
        with pytest.raises(ConfigError) as err:
            check_slack(env)
        message = str(err.value)
        assert f"needs {named} in the environment" in message
        assert "--no-slack" in message
        assert "secret-" not in message

    def test_both_set_is_enough(self):
        check_slack(SLACK)


class TestCheckPorts:
    def test_a_port_used_twice_is_refused(self):
        with pytest.raises(ConfigError, match="--chroma-port 8600, --page-port 8600"):
            check_ports(Ports(8600, 8600, 3000), slack=False)

    def test_the_slack_port_is_free_to_clash_without_slack(self):
        port = free_port()
        check_ports(Ports(free_port(), port, port), slack=False)

    def test_a_port_something_listens_on_is_refused_by_its_option(self):
        with socket.socket() as held:
            held.bind(("127.0.0.1", 0))
            held.listen()
            port = held.getsockname()[1]
            with pytest.raises(ConfigError, match=rf"^--page-port {port}: 127.0.0.1:{port} is"):
                check_ports(Ports(free_port(), port, free_port()), slack=True)


class TestServeCommandRefuses:
    def test_without_slack_variables_nothing_starts(self, sherlog_home, monkeypatch):
        for name in SLACK:
            monkeypatch.delenv(name, raising=False)
        result = CliRunner().invoke(cli, ["serve", "--chroma-port", str(free_port())])
        assert result.exit_code == 2
        assert "SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET" in result.output
        assert "--no-slack" in result.output
        assert not (sherlog_home / "chroma-server").exists()


def python(code: str) -> tuple[str, ...]:
    return (sys.executable, "-c", code)


SLEEPER = "import time; print('ready', flush=True); time.sleep(120)"
STUBBORN = (
    "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
    "print('ready', flush=True); time.sleep(120)"
)


@pytest.fixture
def start():
    """Start small Python children; whatever a test leaves running is killed after it."""
    started: list[subprocess.Popen] = []

    def start(name: str, code: str, *args: str) -> tuple[Child, subprocess.Popen]:
        child = Child(name, (*python(code), *args), {})
        process = subprocess.Popen(child.argv, stdout=subprocess.PIPE, text=True)
        started.append(process)
        if "ready" in code:
            assert process.stdout.readline() == "ready\n"  # its signal handling is in place
        return child, process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()


class TestSupervision:
    def test_a_failing_child_is_named_and_the_status_is_1(self, start):
        running = [start("sleeper", SLEEPER), start("crasher", "raise SystemExit(3)")]
        said: list[str] = []
        assert supervise(running, said.append, poll=0.05) == 1
        stop_all(running, said.append)
        assert said == ["crasher exited with status 3; stopping the others"]
        assert running[0][1].returncode == -15  # the sleeper was terminated

    def test_a_child_that_ends_cleanly_is_not_a_failure(self, start):
        running = [start("sleeper", SLEEPER), start("one-shot", "pass")]
        said: list[str] = []
        assert supervise(running, said.append, poll=0.05) == 0
        assert said == ["one-shot exited; stopping the others"]

    def test_a_child_ignoring_sigterm_is_killed(self, start):
        running = [start("stubborn", STUBBORN)]
        said: list[str] = []
        stop_all(running, said.append, timeout=0.5)
        assert running[0][1].returncode == -9
        assert said == ["stubborn did not stop within 0.5 s after SIGTERM: killed"]

    def test_children_stop_last_started_first(self, start, tmp_path):
        log = tmp_path / "order.log"
        code = (
            "import signal, sys, time\n"
            "def bye(*_):\n"
            f"    open({str(log)!r}, 'a').write(sys.argv[1] + '\\n'); sys.exit(0)\n"
            "signal.signal(signal.SIGTERM, bye)\n"
            "print('ready', flush=True)\n"
            "time.sleep(120)\n"
        )
        running = [start(name, code, name) for name in ("server", "client-1", "client-2")]
        stop_all(running, lambda _: None)
        assert log.read_text().split() == ["client-2", "client-1", "server"]
