"""One settings object, read once at each entry point and passed down."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from assistant.errors import ConfigError

__all__ = ["DEFAULT_KB", "Settings"]

DEFAULT_KB = Path(__file__).resolve().parent.parent / "kb" / "articles"


class Settings(BaseModel):
    """Where Sherlog keeps its state and finds its knowledge.

    ``SHERLOG_HOME`` (default ``~/.sherlog``) holds everything Sherlog writes: the
    Chroma index lives in ``SHERLOG_HOME/chroma``. ``SHERLOG_KB`` points at the article
    folder (default: the ``kb/articles`` shipped with Sherlog).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    home: Path
    kb_dir: Path = DEFAULT_KB
    max_attachment_bytes: int = 50 * 1024 * 1024

    @property
    def chroma_path(self) -> Path:
        return self.home / "chroma"

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
        values.update({k: v for k, v in overrides.items() if v is not None})
        try:
            return cls.model_validate(values)
        except ValidationError as err:
            first = err.errors()[0]
            raise ConfigError(
                f"setting {first['loc'][0]}: {first['msg']}, got {first['input']!r}"
            ) from err
