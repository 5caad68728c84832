"""The Slack bot's work, apart from Slack's wiring: one conversation per thread, kept in
the store, answered by a bounded pool of workers.

Slack wants every request acknowledged within 3 seconds; the listeners in
:mod:`ui.slack.app` only acknowledge and :meth:`SlackBot.submit` the work here. At most
``workers`` diagnoses run at once and at most ``max_pending`` wait; past that the bot
says it is busy rather than queueing without end. Messages of one thread are answered
in order (a lock per thread), and a message seen twice (Slack retries) is answered once.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError

from assistant.conversation import Conversation
from assistant.engine import Sherlog
from assistant.errors import SherlogError
from assistant.store import ConversationStore, FeedbackKind, Message
from ui.slack.blocks import (
    FeedbackAction,
    ReplyAction,
    answer_blocks,
    answer_text,
    error_blocks,
    escape,
)
from ui.slack.files import download_files

__all__ = ["SlackBot", "Thread"]

log = logging.getLogger("sherlog.slack")

SEEN_CAP = 10_000  # message ids remembered to drop Slack's retries
LOCK_STRIPES = 64  # per-thread ordering without a lock per thread kept forever


@dataclass(frozen=True)
class Thread:
    """A Slack thread: one conversation."""

    team: str
    channel: str
    ts: str  # the thread's parent message

    @property
    def key(self) -> str:
        return f"slack-{self.team}-{self.channel}-{self.ts}"


class SlackBot:
    """Answers Slack threads with Sherlog; see the module docstring."""

    def __init__(
        self,
        sherlog: Sherlog,
        store: ConversationStore,
        max_attachment_bytes: int,
        *,
        workers: int = 4,
        max_pending: int = 200,
        public_url: str | None = None,
    ) -> None:
        self.sherlog = sherlog
        self.store = store
        self.max_attachment_bytes = max_attachment_bytes
        self.public_url = public_url
        self.workers = workers
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sherlog-slack")
        self._slots = threading.BoundedSemaphore(workers + max_pending)
        self._stripes = [threading.Lock() for _ in range(LOCK_STRIPES)]
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._seen_lock = threading.Lock()

    # -- scheduling -------------------------------------------------------------------

    def first_time(self, message_id: str) -> bool:
        """False when this message was already taken (Slack retries unacknowledged events)."""
        with self._seen_lock:
            if message_id in self._seen:
                return False
            self._seen[message_id] = None
            if len(self._seen) > SEEN_CAP:
                self._seen.popitem(last=False)
            return True

    def submit(self, work: Callable[..., None], *args) -> Future | None:
        """Run ``work(*args)`` on the pool; None when the bot is full (the caller says so)."""
        if not self._slots.acquire(blocking=False):
            return None

        def run() -> None:
            try:
                work(*args)
            except Exception:  # a bug: keep the worker, log it with its traceback
                log.exception("sherlog slack: %s failed", getattr(work, "__name__", work))
            finally:
                self._slots.release()

        return self._pool.submit(run)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True)

    def _lock(self, thread: Thread) -> threading.Lock:
        return self._stripes[hash(thread.key) % LOCK_STRIPES]

    # -- work -------------------------------------------------------------------------

    def converse(self, client, thread: Thread, text: str, files: Sequence[dict] = ()) -> None:
        """Add a message (and its files) to the thread's conversation and post the answer."""
        with self._lock(thread):
            self._turn(client, thread, text, files)

    def open_thread(self, client, team: str, channel: str, user: str, text: str) -> None:
        """``/sherlog TEXT``: post the question in the channel, answer in its thread."""
        try:
            posted = client.chat_postMessage(
                channel=channel, text=f"<@{user}> asked Sherlog:\n>{escape(text)}"
            )
        except SlackApiError as err:
            log.error("sherlog slack: cannot post in %s: %s", channel, err.response.get("error"))
            return
        self.converse(client, Thread(team, channel, posted["ts"]), text)

    def answer(self, client, thread: Thread, action: ReplyAction) -> None:
        """A Yes / No / Don't know button: answer the pending question, if it still is."""
        with self._lock(thread):
            stored = self.store.load(thread.key)
            if stored is None or action.turn != len(stored.conversation.turns) - 1:
                self._post(
                    client,
                    thread,
                    error_blocks("That question is no longer the open one in this thread."),
                    "That question is no longer the open one.",
                )
                return
            self._turn(client, thread, action.reply)

    def feedback(self, client, thread: Thread, action: FeedbackAction, user: str) -> None:
        """A feedback button: record it with the conversation, and say so to the user."""
        try:
            self.store.record(thread.key, action.cause, FeedbackKind(action.kind), action.turn)
        except SherlogError as err:
            self._ephemeral(client, thread, user, f"Not recorded: {escape(str(err))}")
            return
        self._ephemeral(
            client, thread, user, f"Thanks, recorded ({action.kind}) for {escape(action.cause)}."
        )

    def known(self, thread: Thread) -> bool:
        """Whether the thread is a conversation (a plain reply in it is for Sherlog)."""
        return thread.key in self.store

    def _turn(self, client, thread: Thread, text: str, files: Sequence[dict] = ()) -> None:
        stored = self.store.load(thread.key)
        conversation = stored.conversation if stored else Conversation()
        transcript = list(stored.transcript) if stored else []
        attachments, errors = download_files(client, files, self.max_attachment_bytes)
        if errors:  # all of it or nothing: an answer without the file would mislead
            message = "\n".join([*errors, "Nothing was read: fix the file and send again."])
            self._post(client, thread, error_blocks(message), escape(message))
            return
        try:
            answer = self.sherlog.reply(conversation, text, attachments)
        except SherlogError as err:
            self._post(client, thread, error_blocks(str(err)), escape(str(err)))
            return
        transcript.append(Message(text, tuple(attachments)))
        self.store.save(thread.key, conversation, transcript)
        turn = len(conversation.turns) - 1
        blocks = answer_blocks(answer, turn=turn, public_url=self.public_url)
        self._post(client, thread, blocks, answer_text(answer))

    def _post(self, client, thread: Thread, blocks: list[dict], text: str) -> None:
        try:
            client.chat_postMessage(
                channel=thread.channel, thread_ts=thread.ts, blocks=blocks, text=text
            )
        except SlackApiError as err:
            log.error(
                "sherlog slack: chat.postMessage in %s failed: %s",
                thread.channel,
                err.response.get("error"),
            )

    def _ephemeral(self, client, thread: Thread, user: str, text: str) -> None:
        try:
            client.chat_postEphemeral(
                channel=thread.channel, thread_ts=thread.ts, user=user, text=text
            )
        except SlackApiError as err:
            log.error("sherlog slack: chat.postEphemeral failed: %s", err.response.get("error"))
