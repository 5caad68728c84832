"""Start the bot: settings from the environment, Sherlog opened once, then HTTP or
Socket Mode until stopped. ``sherlog slack`` calls :func:`run`."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt.error import BoltError
from slack_sdk.errors import SlackApiError

from assistant.engine import Sherlog
from assistant.errors import ConfigError
from assistant.settings import Settings
from assistant.store import ConversationStore
from ui.slack.app import build_app
from ui.slack.bot import SlackBot
from ui.slack.config import Mode, SlackSettings
from ui.slack.server import serve_http, serve_socket

__all__ = ["run"]


def run(mode: Mode, address: str, port: int, progress: Callable[[str], None]) -> None:
    """Serve until stopped. A missing token or secret fails here, before anything
    starts, naming the variable (a ``ConfigError``)."""
    slack = SlackSettings.from_env(mode)
    settings = Settings.from_env()
    sherlog = Sherlog.open(settings, progress=progress)
    sherlog.embedder.embed_query("warm up")  # load the model before the first mention
    store = ConversationStore.open(settings)
    bot = SlackBot(
        sherlog,
        store,
        settings.max_attachment_bytes,
        workers=slack.workers,
        public_url=slack.public_url,
    )
    secret = slack.signing_secret.get_secret_value() if slack.signing_secret else None
    try:  # Bolt checks the token with Slack's auth.test here
        app = build_app(bot, signing_secret=secret, token=slack.bot_token.get_secret_value())
    except (OSError, BoltError, SlackApiError) as err:
        bot.shutdown()
        store.close()
        reason = getattr(err, "reason", None) or type(err).__name__
        raise ConfigError(
            f"Slack did not accept SLACK_BOT_TOKEN, or cannot be reached to check it ({reason})"
        ) from err
    try:
        if mode is Mode.HTTP:
            progress(f"Slack events: POST http://{address}:{port}/slack/events")
            serve_http(app, address, port)
        else:
            progress("Slack Socket Mode: connecting")
            serve_socket(app, slack.app_token.get_secret_value())
    finally:
        bot.shutdown()
        store.close()
