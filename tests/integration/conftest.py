"""One real Sherlog per test run: the packaged MiniLM model and an embedded Chroma."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from assistant.engine import Sherlog
from assistant.settings import Settings


@pytest.fixture(scope="session")
def real_home(tmp_path_factory):
    return tmp_path_factory.mktemp("sherlog-real-home")


@pytest.fixture(scope="session")
def sherlog(real_home) -> Sherlog:
    return Sherlog.open(Settings.from_env({"SHERLOG_HOME": str(real_home)}))


def run_cli(*args: str, home, input: str | None = None, env_extra=None, timeout: int = 600):
    """Run ``sherlog ARGS`` as a user would, in its own process, with SHERLOG_HOME=home."""
    env = {**os.environ, "SHERLOG_HOME": str(home), **(env_extra or {})}
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", *args],
        input=input,
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )
