"""One settings object, read once at each entry point and passed down."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from assistant.bundles import UploadLimits
from assistant.errors import ConfigError

__all__ = ["DEFAULT_KB", "HttpAddress", "Settings", "parse_http_url"]

DEFAULT_KB = Path(__file__).resolve().parent.parent / "kb" / "articles"

# Where each setting comes from, so a bad value is reported under the name the user set.
VARIABLES = {
    "home": "SHERLOG_HOME",
    "kb_dir": "SHERLOG_KB",
    "max_attachment_bytes": "SHERLOG_MAX_ATTACHMENT_BYTES",
    "chroma_url": "SHERLOG_CHROMA_URL",
    "max_bundle_members": "SHERLOG_MAX_BUNDLE_MEMBERS",
    "max_compression_ratio": "SHERLOG_MAX_COMPRESSION_RATIO",
    "redact_addresses": "SHERLOG_REDACT_ADDRESSES",
}


@dataclass(frozen=True)
class HttpAddress:
    """A server's host and port, and whether it speaks TLS."""

    host: str
    port: int
    ssl: bool


def parse_http_url(url: str) -> HttpAddress:
    """Split ``http(s)://HOST:PORT`` into its parts; ``ValueError`` says what is wrong.

    >>> parse_http_url("http://127.0.0.1:8000")
    HttpAddress(host='127.0.0.1', port=8000, ssl=False)
    >>> parse_http_url("http://127.0.0.1")
    Traceback (most recent call last):
    ...
    ValueError: must be http(s)://HOST:PORT, the port is missing
    """
    form = "must be http(s)://HOST:PORT"
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"{form}, starting with http:// or https://")
    try:
        port = parts.port
    except ValueError:  # not a number, or over 65535
        port = 0
    if not parts.hostname:
        raise ValueError(f"{form}, the host is missing")
    if port is None:
        raise ValueError(f"{form}, the port is missing")
    if port == 0:
        raise ValueError(f"{form}, the port a number in 1-65535")
    # Chroma's client ignores anything after the port; refuse it rather than drop it.
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise ValueError(f"{form}, with no user, path or query")
    return HttpAddress(parts.hostname, port, parts.scheme == "https")


class Settings(BaseModel):
    """Where Sherlog keeps its state and finds its knowledge.

    ``SHERLOG_HOME`` (default ``~/.sherlog``) holds everything Sherlog writes: the
    Chroma index lives in ``SHERLOG_HOME/chroma``. ``SHERLOG_KB`` points at the article
    folder (default: the ``kb/articles`` shipped with Sherlog).

    ``SHERLOG_CHROMA_URL`` (e.g. ``http://127.0.0.1:8000``, unset by default) makes
    Sherlog use the Chroma server there (``chroma run``) instead of the embedded index in
    ``SHERLOG_HOME/chroma``: needed whenever more than one process reads the index (the
    page and the Slack bot), since processes sharing an embedded Chroma folder see stale
    results. ``sherlog serve`` starts such a server and sets it for what it runs.

    Logs: ``SHERLOG_MAX_ATTACHMENT_BYTES`` (default 200 MiB) caps the uncompressed text
    read from one upload, all members of a bundle together; ``SHERLOG_MAX_BUNDLE_MEMBERS``
    (default 10,000) the members of its archives; ``SHERLOG_MAX_COMPRESSION_RATIO``
    (default 200) how far any compressed layer may expand (a zip bomb is refused).
    Secrets in log lines are always masked before they are shown or stored;
    ``SHERLOG_REDACT_ADDRESSES=1`` masks IP and MAC addresses as well.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    home: Path
    kb_dir: Path = DEFAULT_KB
    max_attachment_bytes: int = Field(default=200 * 1024 * 1024, gt=0)
    chroma_url: str | None = None
    max_bundle_members: int = Field(default=10_000, gt=0)
    max_compression_ratio: float = Field(default=200.0, gt=1)
    redact_addresses: bool = False

    @property
    def upload_limits(self) -> UploadLimits:
        return UploadLimits(
            self.max_attachment_bytes, self.max_bundle_members, self.max_compression_ratio
        )

    @field_validator("chroma_url")
    @classmethod
    def _check_chroma_url(cls, url: str | None) -> str | None:
        if url is None:
            return None
        try:
            parse_http_url(url)
        except ValueError as err:
            raise PydanticCustomError("url", str(err)) from err
        return url.strip().rstrip("/")

    @property
    def chroma_path(self) -> Path:
        return self.home / "chroma"

    @property
    def chroma_server_path(self) -> Path:
        """Where the Chroma server ``sherlog serve`` starts keeps its data."""
        return self.home / "chroma-server"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides) -> Settings:
        """Read settings from ``env`` (default ``os.environ``); keyword arguments win."""
        env = os.environ if env is None else env
        values: dict[str, object] = {
            "home": Path(env.get("SHERLOG_HOME") or Path.home() / ".sherlog").expanduser(),
        }
        if env.get("SHERLOG_KB"):
            values["kb_dir"] = Path(env["SHERLOG_KB"]).expanduser()
        if env.get("SHERLOG_MAX_ATTACHMENT_BYTES"):
            values["max_attachment_bytes"] = env["SHERLOG_MAX_ATTACHMENT_BYTES"]
        if env.get("SHERLOG_CHROMA_URL"):
            values["chroma_url"] = env["SHERLOG_CHROMA_URL"]
        for field_name in ("max_bundle_members", "max_compression_ratio", "redact_addresses"):
            if env.get(VARIABLES[field_name]):
                values[field_name] = env[VARIABLES[field_name]]
        overrides = {k: v for k, v in overrides.items() if v is not None}
        values.update(overrides)
        try:
            return cls.model_validate(values)
        except ValidationError as err:
            first = err.errors()[0]
            field = str(first["loc"][0])
            where = f"setting {field}" if field in overrides else VARIABLES.get(field, field)
            raise ConfigError(f"{where}: {first['msg']}, got {first['input']!r}") from err
