"""Slack's wiring: a Bolt app whose listeners acknowledge at once and hand the work to
:class:`ui.slack.bot.SlackBot`.

- A mention in a channel, or any message in a direct message, starts or continues the
  conversation of its thread; a plain reply in a thread Sherlog already answers in
  continues it too.
- ``/sherlog TEXT`` posts the question in the channel and answers in its thread.
- The Yes / No / Don't know and feedback buttons of an answer.
Messages from bots, this one included, are ignored: no loops.
"""

from __future__ import annotations

import logging
import re

from slack_bolt import App

from ui.slack.blocks import FEEDBACK_ACTION, REPLY_ACTION, parse_action
from ui.slack.bot import SlackBot, Thread

__all__ = ["build_app"]

log = logging.getLogger("sherlog.slack")

MENTION = re.compile(r"<@[A-Z0-9]+>")
READ_SUBTYPES = {None, "file_share", "thread_broadcast"}  # edits, joins, bot posts: no
BUSY = "Sherlog is busy with other questions right now; please ask again in a minute."
USAGE = (
    "Describe what you see after /sherlog, e.g. `/sherlog vCenter shows a host as not responding`."
)


def _from_bot(event: dict) -> bool:
    return bool(event.get("bot_id")) or event.get("subtype") == "bot_message"


def build_app(
    bot: SlackBot,
    *,
    signing_secret: str | None,
    token: str | None = None,
    authorize=None,
    client=None,
) -> App:
    """The Bolt app. Give ``token`` to run against Slack (Bolt checks it with auth.test at
    start), or ``authorize`` and a ``client`` whose ``base_url`` is a local stub (tests).
    Without a ``signing_secret`` (Socket Mode only: nothing arrives over HTTP) requests
    are not signature-checked."""
    app = App(
        signing_secret=signing_secret,
        request_verification_enabled=signing_secret is not None,
        token=token,
        authorize=authorize,
        client=client,
        process_before_response=False,
        logger=log,
    )

    def schedule(client, thread: Thread, text: str, files: list[dict]) -> None:
        if bot.submit(bot.converse, client, thread, text, files) is None:
            client.chat_postMessage(channel=thread.channel, thread_ts=thread.ts, text=BUSY)

    @app.event("app_mention")
    def on_mention(event: dict, context, client) -> None:
        if _from_bot(event) or not bot.first_time(f"{event['channel']}:{event['ts']}"):
            return
        thread = Thread(
            context.team_id or "", event["channel"], event.get("thread_ts") or event["ts"]
        )
        schedule(
            client, thread, MENTION.sub("", event.get("text") or "").strip(), event.get("files", [])
        )

    @app.event("message")
    def on_message(event: dict, context, client) -> None:
        if _from_bot(event) or event.get("subtype") not in READ_SUBTYPES:
            return
        text = event.get("text") or ""
        team, channel = context.team_id or "", event["channel"]
        if event.get("channel_type") == "im":
            thread = Thread(team, channel, event.get("thread_ts") or event["ts"])
        elif event.get("thread_ts") and not MENTION.search(text):  # mentions: on_mention
            thread = Thread(team, channel, event["thread_ts"])
            if not bot.known(thread):
                return
        else:
            return
        if bot.first_time(f"{channel}:{event['ts']}"):
            schedule(client, thread, MENTION.sub("", text).strip(), event.get("files", []))

    @app.command("/sherlog")
    def on_command(ack, command: dict, context, client) -> None:
        text = (command.get("text") or "").strip()
        if not text:
            ack(text=USAGE)
            return
        ack(text="Looking into it: the answer will be in a thread in this channel.")
        started = bot.submit(
            bot.open_thread, client, context.team_id or "", command["channel_id"],
            command["user_id"], text,
        )  # fmt: skip
        if started is None:
            client.chat_postEphemeral(
                channel=command["channel_id"], user=command["user_id"], text=BUSY
            )

    @app.action(re.compile(f"^{re.escape(REPLY_ACTION)}"))
    def on_reply(ack, body: dict, action: dict, context, client) -> None:
        ack()
        thread = _thread_of(body, context)
        try:
            parsed = parse_action(action)
        except ValueError as err:
            log.warning("sherlog slack: ignored a button: %s", err)
            return
        if bot.submit(bot.answer, client, thread, parsed) is None:
            client.chat_postMessage(channel=thread.channel, thread_ts=thread.ts, text=BUSY)

    @app.action(re.compile(f"^{re.escape(FEEDBACK_ACTION)}"))
    def on_feedback(ack, body: dict, action: dict, context, client) -> None:
        ack()
        try:
            parsed = parse_action(action)
        except ValueError as err:
            log.warning("sherlog slack: ignored a button: %s", err)
            return
        bot.submit(bot.feedback, client, _thread_of(body, context), parsed, body["user"]["id"])

    @app.error
    def on_error(error: Exception) -> None:
        log.error("sherlog slack: %s: %s", type(error).__name__, error)

    return app


def _thread_of(body: dict, context) -> Thread:
    message = body["message"]
    return Thread(
        context.team_id or "", body["channel"]["id"], message.get("thread_ts") or message["ts"]
    )
