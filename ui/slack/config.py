"""The bot's settings: tokens and secrets from the environment, read at start, never
logged (``SecretStr`` hides them from reprs and error messages)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from assistant.errors import ConfigError

__all__ = ["Mode", "SlackSettings"]


class Mode(Enum):
    HTTP = "http"  # Events API: Slack calls our URL; requests are signed
    SOCKET = "socket"  # Socket Mode: we dial out to Slack with an app-level token


REQUIRED = {
    Mode.HTTP: ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"),
    Mode.SOCKET: ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"),
}


class SlackSettings(BaseModel):
    """``SLACK_BOT_TOKEN`` (xoxb-), ``SLACK_SIGNING_SECRET`` (HTTP mode), ``SLACK_APP_TOKEN``
    (xapp-, Socket Mode); ``SHERLOG_PUBLIC_URL`` (the chat page's address, for links to
    articles) and ``SHERLOG_SLACK_WORKERS`` (diagnoses at once, default 4)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    bot_token: SecretStr
    signing_secret: SecretStr | None = None
    app_token: SecretStr | None = None
    public_url: str | None = None
    workers: int = Field(default=4, ge=1, le=64)

    @classmethod
    def from_env(cls, mode: Mode, env: Mapping[str, str] | None = None) -> SlackSettings:
        """Read the settings ``mode`` needs; a missing one is an error naming the variable."""
        env = os.environ if env is None else env
        missing = [name for name in REQUIRED[mode] if not env.get(name)]
        if missing:
            raise ConfigError(
                f"sherlog slack --{mode.value} needs {' and '.join(missing)} in the environment "
                "(see the README, section Slack)"
            )
        workers = env.get("SHERLOG_SLACK_WORKERS") or "4"
        if not workers.isdigit() or not 1 <= int(workers) <= 64:
            raise ConfigError(
                f"SHERLOG_SLACK_WORKERS must be a number from 1 to 64, got {workers!r}"
            )
        public_url = (env.get("SHERLOG_PUBLIC_URL") or "").rstrip("/") or None
        if public_url and not public_url.startswith(("http://", "https://")):
            raise ConfigError(
                f"SHERLOG_PUBLIC_URL must start with http:// or https://, got {public_url!r}"
            )
        return cls(
            bot_token=env["SLACK_BOT_TOKEN"],
            signing_secret=env.get("SLACK_SIGNING_SECRET") or None,
            app_token=env.get("SLACK_APP_TOKEN") or None,
            public_url=public_url,
            workers=int(workers),
        )
