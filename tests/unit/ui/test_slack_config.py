"""The bot's settings: what each mode needs, named when missing; secrets never shown."""

from __future__ import annotations

import pytest

from assistant.errors import ConfigError
from ui.slack.config import Mode, SlackSettings

HTTP_ENV = {"SLACK_BOT_TOKEN": "xoxb-secret-1", "SLACK_SIGNING_SECRET": "sign-secret-2"}


def test_http_mode_reads_its_tokens_and_hides_them():
    settings = SlackSettings.from_env(Mode.HTTP, HTTP_ENV)
    assert settings.bot_token.get_secret_value() == "xoxb-secret-1"
    shown = repr(settings) + str(settings)
    assert "xoxb-secret-1" not in shown and "sign-secret-2" not in shown
    assert settings.workers == 4 and settings.public_url is None


@pytest.mark.parametrize(
    ("mode", "env", "named"),
    [
        (Mode.HTTP, {"SLACK_BOT_TOKEN": "x"}, "SLACK_SIGNING_SECRET"),
        (Mode.HTTP, {"SLACK_SIGNING_SECRET": "x"}, "SLACK_BOT_TOKEN"),
        (Mode.SOCKET, {"SLACK_BOT_TOKEN": "x", "SLACK_SIGNING_SECRET": "y"}, "SLACK_APP_TOKEN"),
    ],
)
def test_a_missing_variable_is_named(mode, env, named):
    with pytest.raises(ConfigError, match=named):
        SlackSettings.from_env(mode, env)


def test_a_missing_variable_error_never_shows_the_ones_given():
    with pytest.raises(ConfigError) as err:
        SlackSettings.from_env(Mode.HTTP, {"SLACK_BOT_TOKEN": "xoxb-secret-1"})
    assert "xoxb-secret-1" not in str(err.value)


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("SHERLOG_SLACK_WORKERS", "0", "SHERLOG_SLACK_WORKERS"),
        ("SHERLOG_SLACK_WORKERS", "many", "SHERLOG_SLACK_WORKERS"),
        ("SHERLOG_PUBLIC_URL", "sherlog.example.com", "SHERLOG_PUBLIC_URL"),
    ],
)
def test_bad_optional_settings_are_named(name, value, said):
    with pytest.raises(ConfigError, match=said):
        SlackSettings.from_env(Mode.HTTP, {**HTTP_ENV, name: value})


def test_the_public_url_loses_its_trailing_slash():
    env = {
        **HTTP_ENV,
        "SHERLOG_PUBLIC_URL": "https://sherlog.example.com/",
        "SHERLOG_SLACK_WORKERS": "8",
    }
    settings = SlackSettings.from_env(Mode.HTTP, env)
    assert (settings.public_url, settings.workers) == ("https://sherlog.example.com", 8)


def test_the_manifest_points_slack_at_the_bot_and_asks_for_what_it_uses():
    from pathlib import Path

    import yaml

    from ui.slack.server import EVENTS_PATH

    manifest = yaml.safe_load((Path(__file__).parents[3] / "ui/slack/manifest.yaml").read_text())
    settings = manifest["settings"]
    urls = [
        settings["event_subscriptions"]["request_url"],
        settings["interactivity"]["request_url"],
        manifest["features"]["slash_commands"][0]["url"],
    ]
    assert all(url.endswith(EVENTS_PATH) for url in urls)
    assert manifest["features"]["slash_commands"][0]["command"] == "/sherlog"
    assert {"app_mention", "message.channels", "message.im"} <= set(
        settings["event_subscriptions"]["bot_events"]
    )
    assert {"app_mentions:read", "chat:write", "commands", "files:read", "im:history"} <= set(
        manifest["oauth_config"]["scopes"]["bot"]
    )
