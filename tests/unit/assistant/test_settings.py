"""SHERLOG_CHROMA_URL: a server's address, refused by name when it is not one."""

from __future__ import annotations

import pytest

from assistant.errors import ConfigError
from assistant.settings import Settings

HOME = {"SHERLOG_HOME": "/tmp/sherlog-settings-test"}


def chroma_url(value: str) -> str | None:
    return Settings.from_env({**HOME, "SHERLOG_CHROMA_URL": value}).chroma_url


class TestChromaUrl:
    def test_unset_means_the_embedded_index(self):
        assert Settings.from_env(HOME).chroma_url is None
        assert Settings.from_env({**HOME, "SHERLOG_CHROMA_URL": ""}).chroma_url is None

    @pytest.mark.parametrize(
        ("value", "kept"),
        [
            ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
            ("http://localhost:8000/", "http://localhost:8000"),
            (" https://chroma.internal:443 ", "https://chroma.internal:443"),
        ],
    )
    def test_a_server_address_is_kept(self, value, kept):
        assert chroma_url(value) == kept

    @pytest.mark.parametrize(
        ("value", "said"),
        [
            ("http://127.0.0.1", "the port is missing"),
            ("ftp://127.0.0.1:8000", "starting with http:// or https://"),
            ("127.0.0.1:8000", "starting with http:// or https://"),
            ("http://:8000", "the host is missing"),
            ("http://127.0.0.1:80000", "the port a number in 1-65535"),
            ("http://127.0.0.1:chroma", "the port a number in 1-65535"),
            ("http://127.0.0.1:8000/api/v2", "with no user, path or query"),
        ],
    )
    def test_a_bad_value_is_named_with_the_variable(self, value, said):
        with pytest.raises(ConfigError) as err:
            chroma_url(value)
        message = str(err.value)
        assert message.startswith("SHERLOG_CHROMA_URL: must be http(s)://HOST:PORT")
        assert said in message
        assert repr(value) in message

    def test_an_override_is_named_as_a_setting(self):
        with pytest.raises(ConfigError, match=r"^setting chroma_url: .*port is missing"):
            Settings.from_env(HOME, chroma_url="http://127.0.0.1")
