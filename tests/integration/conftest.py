"""One real Sherlog per test run: the packaged MiniLM model and an embedded Chroma."""

from __future__ import annotations

import pytest

from assistant.engine import Sherlog
from assistant.settings import Settings


@pytest.fixture(scope="session")
def real_home(tmp_path_factory):
    return tmp_path_factory.mktemp("sherlog-real-home")


@pytest.fixture(scope="session")
def sherlog(real_home) -> Sherlog:
    return Sherlog.open(Settings.from_env({"SHERLOG_HOME": str(real_home)}))
