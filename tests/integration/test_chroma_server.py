"""One Chroma server, several Sherlog processes: what one writes the next one reads, and
nothing falls back to the embedded index. Then ``sherlog serve`` as a user runs it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.settings import Settings
from tests.integration.conftest import run_cli
from ui.cli import DEMO_QUESTION
from ui.serve import Ports, plan
from ui.web.testing import free_port

pytestmark = pytest.mark.integration

STARTUP = 120  # seconds; a fresh server answers in about one, a loaded machine is slower
PAGE_STARTUP = 600  # seconds; `sherlog serve` indexes, then the page loads the model


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def wait_for(url: str, process: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not answers(url):
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"{url} did not answer (exit status {process.poll()}):\n{log.read_text()}")
        time.sleep(0.25)


def _as_from_a_terminal() -> None:
    # A shell without job control starts a background job with SIGINT ignored, and the
    # child inherits that: under `make test &` serve would never see the test's Ctrl-C.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass(frozen=True)
class Server:
    url: str
    home: Path


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    """A real ``chroma run`` on a free loopback port, started as ``sherlog serve`` would
    (its command line from :func:`ui.serve.plan`), its data in a fresh SHERLOG_HOME."""
    home = tmp_path_factory.mktemp("sherlog-server-home")
    port = free_port()
    chroma = plan(Settings.from_env({"SHERLOG_HOME": str(home)}), Ports(chroma=port), os.environ,
                  False, sys.executable).chroma  # fmt: skip
    log = home.parent / f"{home.name}-chroma.log"
    with log.open("w") as out:
        process = subprocess.Popen(chroma.argv, env=dict(chroma.env), stdout=out, stderr=out)
        try:
            url = f"http://127.0.0.1:{port}"
            wait_for(f"{url}/api/v2/heartbeat", process, log, STARTUP)
            yield Server(url, home)
        finally:
            stop(process)


def test_one_process_indexes_and_the_next_asks_through_the_server(chroma_server):
    through = {"SHERLOG_CHROMA_URL": chroma_server.url}
    ingest = run_cli("ingest", home=chroma_server.home, env_extra=through)
    assert ingest.returncode == 0, ingest.stderr
    assert "in index generation 1:" in ingest.stdout

    asked = run_cli("ask", "--json", DEMO_QUESTION, home=chroma_server.home, env_extra=through)
    assert asked.returncode == 0, asked.stderr
    assert "indexing" not in asked.stderr  # it found the index the first process wrote
    answer = json.loads(asked.stdout)
    assert answer["diagnoses"][0]["cause"] == "esxi-hostd-not-responding"

    assert (chroma_server.home / "chroma-server" / "chroma.sqlite3").exists()
    assert not (chroma_server.home / "chroma").exists()  # the embedded index never opened


def test_the_server_client_has_telemetry_off(chroma_server):
    from kb.store import connect_chroma

    assert connect_chroma(chroma_server.url).get_settings().anonymized_telemetry is False


def test_serve_runs_the_page_on_its_server_and_ctrl_c_stops_everything(tmp_path, kb_dir):
    home = tmp_path / "home"
    chroma, page = free_port(), free_port()
    env = {**os.environ, "SHERLOG_HOME": str(home), "SHERLOG_KB": str(kb_dir)}
    env.pop("SHERLOG_CHROMA_URL", None)
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        serve = subprocess.Popen(
            [sys.executable, "-m", "ui.cli", "serve", "--no-slack",
             "--chroma-port", str(chroma), "--page-port", str(page)],
            env=env, stdout=out, stderr=out, preexec_fn=_as_from_a_terminal,
        )  # fmt: skip
        try:
            wait_for(f"http://127.0.0.1:{page}/_stcore/health", serve, log, PAGE_STARTUP)
            assert answers(f"http://127.0.0.1:{chroma}/api/v2/heartbeat")
            serve.send_signal(signal.SIGINT)  # Ctrl-C reaches serve alone: its own group
            assert serve.wait(timeout=120) == 0, log.read_text()
        finally:
            stop(serve)
    said = log.read_text()
    assert f"serving the chat page at http://127.0.0.1:{page} (sherlog page)" in said
    assert "2 articles in index generation 1" in said  # indexed through the server first
    assert not answers(f"http://127.0.0.1:{page}/_stcore/health")
    assert not answers(f"http://127.0.0.1:{chroma}/api/v2/heartbeat")
    assert (home / "chroma-server").is_dir()
    assert not (home / "chroma").exists()
