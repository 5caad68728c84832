"""Which Chroma Sherlog talks to: the embedded index, or the server SHERLOG_CHROMA_URL
names, which must answer; there is no silent fallback from one to the other."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from assistant.errors import IndexError_
from assistant.settings import Settings
from kb.store import chroma_client, connect_chroma
from ui.cli import cli
from ui.web.testing import free_port


@pytest.fixture
def dead_url() -> str:
    """A loopback URL nothing listens on."""
    return f"http://127.0.0.1:{free_port()}"


class TestChromaClient:
    def test_without_a_url_the_index_is_embedded_in_home(self, sherlog_home, monkeypatch):
        monkeypatch.delenv("SHERLOG_CHROMA_URL", raising=False)
        settings = Settings.from_env()
        client = chroma_client(settings)
        client.get_or_create_collection("probe", embedding_function=None).add(
            ids=["a"], embeddings=[[1.0, 0.0]]
        )
        assert (settings.chroma_path / "chroma.sqlite3").exists()
        assert client.get_settings().anonymized_telemetry is False
        assert not settings.chroma_server_path.exists()

    def test_with_a_url_nothing_answers_at_the_error_names_it(
        self, sherlog_home, dead_url, monkeypatch
    ):
        monkeypatch.setenv("SHERLOG_CHROMA_URL", dead_url)
        settings = Settings.from_env()
        with pytest.raises(IndexError_) as err:
            chroma_client(settings)
        message = str(err.value)
        assert f"no Chroma server answers at {dead_url}" in message
        port = dead_url.rsplit(":", 1)[1]
        assert (
            f"chroma run --path {settings.chroma_server_path} --host 127.0.0.1 --port {port}"
            in message
        )
        assert not settings.chroma_path.exists()  # no fallback to the embedded index

    def test_a_malformed_url_is_refused_by_connect(self):
        with pytest.raises(IndexError_, match=r"Chroma server 'localhost:8000': must be"):
            connect_chroma("localhost:8000")


class TestFrontEndsUseTheServer:
    """``ask`` (through ``Sherlog.open``) and ``ingest`` follow SHERLOG_CHROMA_URL."""

    @pytest.mark.parametrize("args", [("ask", "vcenter lost a host"), ("ingest",)])
    def test_an_unreachable_server_is_one_line_and_status_2(self, args, dead_url, sherlog_home):
        result = CliRunner().invoke(cli, list(args), env={"SHERLOG_CHROMA_URL": dead_url})
        assert result.exit_code == 2, result.output
        assert f"no Chroma server answers at {dead_url}" in result.output
        assert "Traceback" not in result.output
        assert not (sherlog_home / "chroma").exists()

    def test_a_malformed_url_is_refused_by_name(self):
        result = CliRunner().invoke(cli, ["ingest"], env={"SHERLOG_CHROMA_URL": "http://h"})
        assert result.exit_code == 2
        assert "SHERLOG_CHROMA_URL: must be http(s)://HOST:PORT, the port is missing" in (
            result.output
        )
