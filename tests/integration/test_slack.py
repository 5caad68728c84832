"""The Slack bot over HTTP on 127.0.0.1: signed requests in, Web API calls out to a local
stub that records them. The real model, a real Chroma, a real SQLite store."""

from __future__ import annotations

import json
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from slack_bolt.authorization import AuthorizeResult
from slack_sdk import WebClient

from assistant.store import ConversationStore
from ui.slack.app import build_app
from ui.slack.bot import SlackBot
from ui.slack.testing import SlackStub, event_body, form_body, serve_bot, signed_post

pytestmark = pytest.mark.integration

SECRET = "test-signing-secret"
TOKEN = "xoxb-test-token"
HOSTD = (
    "<@UBOT> since this morning vCenter shows one of our ESXi hosts as not responding. The "
    "VMs on it are still running and I can SSH to the host, but the Host Client on the host "
    "itself won't load either."
)
VAGUE = "<@UBOT> vCenter shows one of our ESXi hosts as not responding"
APD_LINE = (
    "2021-04-01T14:35:08.074Z: [APDCorrelator] 9413898746us: [vob.storage.apd.start] Device "
    "or filesystem with identifier [naa.60014055c425cd10a874374b415629b3] has entered the "
    "All Paths Down state.\n"
)


def authorize(**_) -> AuthorizeResult:
    return AuthorizeResult(
        enterprise_id=None, team_id="T1", bot_token=TOKEN, bot_user_id="UBOT", bot_id="BBOT"
    )


@pytest.fixture
def stub():
    stub = SlackStub()
    yield stub
    stub.close()


@contextmanager
def running_bot(sherlog, stub: SlackStub, db: Path):
    """A bot on the store at ``db``, served on a free loopback port; yields its URL."""
    store = ConversationStore(db)
    bot = SlackBot(sherlog, store, 1_000_000, workers=2)
    app = build_app(
        bot, signing_secret=SECRET, authorize=authorize, client=WebClient(base_url=stub.base_url)
    )
    try:
        with serve_bot(app) as url:
            yield url
    finally:
        bot.shutdown()
        store.close()


@pytest.fixture
def bot_url(sherlog, stub, tmp_path):
    """The bot's events URL, served by uvicorn on a free loopback port."""
    with running_bot(sherlog, stub, tmp_path / "sherlog.db") as url:
        yield url


def click(button: dict, thread_ts: str) -> dict:
    """The interaction payload Slack sends when ``button`` in a thread is clicked."""
    return {
        "type": "block_actions",
        "team": {"id": "T1"},
        "user": {"id": "U1"},
        "api_app_id": "A1",
        "channel": {"id": "C1"},
        "message": {"ts": f"{thread_ts}9", "thread_ts": thread_ts},
        "actions": [button],
        "trigger_id": "t",
        "container": {"type": "message"},
    }


def thread_reply(text: str, ts: str, thread_ts: str) -> dict:
    """A plain message in a channel thread, with no mention."""
    return {"type": "message", "channel_type": "channel", "user": "U1", "channel": "C1",
            "ts": ts, "thread_ts": thread_ts, "text": text}  # fmt: skip


def mention(text: str, ts: str, **extra) -> dict:
    return {"type": "app_mention", "user": "U1", "text": text, "ts": ts, "channel": "C1", **extra}


def send(bot_url: str, event: dict, event_id: str) -> int:
    status, _, _ = signed_post(bot_url, event_body(event, event_id), SECRET)
    return status


def buttons(blocks: list[dict]) -> list[dict]:
    return [e for b in blocks if b.get("type") == "actions" for e in b["elements"]]


def all_text(blocks: list[dict]) -> str:
    return json.dumps(blocks)


def top_cause(blocks: list[dict]) -> str:
    """The cause id of the first diagnosis, as the blocks show it (`cause-id`)."""
    for block in blocks:
        text = (block.get("text") or {}).get("text", "")
        if text.startswith("*1."):
            return text.split("`")[1]
    raise AssertionError(f"no ranked diagnosis in {all_text(blocks)[:500]}")


class TestAnswers:
    def test_a_mention_is_answered_in_its_thread_with_citations_and_buttons(self, bot_url, stub):
        assert send(bot_url, mention(HOSTD, "100.1"), "Ev1") == 200
        [post] = stub.wait_for(1)
        assert post.params["channel"] == "C1" and post.params["thread_ts"] == "100.1"
        assert post.authorization == f"Bearer {TOKEN}"
        blocks = post.params["blocks"]
        assert top_cause(blocks) == "esxi-hostd-not-responding"
        assert "esxi-management-agents#fix-restart-hostd" in all_text(blocks)
        labels = {b["text"]["text"] for b in buttons(blocks)}
        assert {"Helpful", "Not it", "This fixed it"} <= labels
        assert TOKEN not in all_text(blocks) and SECRET not in all_text(blocks)

    def test_a_yes_button_in_the_thread_changes_the_ranking(self, bot_url, stub):
        send(bot_url, mention(VAGUE, "200.1"), "Ev2")
        [first] = stub.wait_for(1)
        assert top_cause(first.params["blocks"]) == "esxi-vpxa-not-responding"
        yes = next(b for b in buttons(first.params["blocks"]) if b["text"]["text"] == "Yes")
        payload = click(yes, "200.1")
        status, _, _ = signed_post(
            bot_url, form_body({"payload": payload}), SECRET,
            content_type="application/x-www-form-urlencoded",
        )  # fmt: skip
        assert status == 200
        second = stub.wait_for(2)[1]
        assert second.params["thread_ts"] == "200.1"
        assert top_cause(second.params["blocks"]) == "esxi-hostd-not-responding"

    def test_feedback_buttons_are_stored_and_a_stale_question_is_refused(self, bot_url, stub):
        send(bot_url, mention(VAGUE, "250.1"), "Ev20")
        [first] = stub.wait_for(1)
        fixed = next(
            b for b in buttons(first.params["blocks"]) if b["text"]["text"] == "This fixed it"
        )
        yes = next(b for b in buttons(first.params["blocks"]) if b["text"]["text"] == "Yes")
        for button in (fixed, yes, yes):  # the second Yes comes from an answered question
            status, _, _ = signed_post(
                bot_url, form_body({"payload": click(button, "250.1")}), SECRET,
                content_type="application/x-www-form-urlencoded",
            )  # fmt: skip
            assert status == 200
        [thanks] = stub.wait_for(1, "chat.postEphemeral")
        assert "recorded (fixed)" in thanks.params["text"]
        posts = stub.wait_for(3)
        assert top_cause(posts[1].params["blocks"]) == "esxi-hostd-not-responding"
        assert "no longer the open one" in all_text(posts[2].params["blocks"])

    def test_a_plain_reply_in_a_known_thread_continues_the_conversation(self, bot_url, stub):
        send(bot_url, mention(VAGUE, "300.1"), "Ev3")
        stub.wait_for(1)
        send(bot_url, thread_reply("yes", "300.5", "300.1"), "Ev4")
        second = stub.wait_for(2)[1]
        assert top_cause(second.params["blocks"]) == "esxi-hostd-not-responding"

    def test_an_attached_file_reaches_the_log_matcher(self, bot_url, stub):
        stub.files["F1"] = ("vmkernel.log", APD_LINE.encode())
        event = mention("<@UBOT> datastore went inaccessible", "400.1", files=[{"id": "F1"}])
        send(bot_url, event, "Ev5")
        [post] = stub.wait_for(1)
        assert [c.params["file"] for c in stub.posted("files.info")] == ["F1"]
        assert stub.downloads[0].authorization == f"Bearer {TOKEN}"
        assert "vmkernel.log:1" in all_text(post.params["blocks"])
        assert top_cause(post.params["blocks"]) == "esxi-storage-apd"

    def test_a_binary_file_is_refused_by_name(self, bot_url, stub):
        stub.files["F2"] = ("core.dump", b"\x7fELF\x00\x00\x01" * 100)
        send(bot_url, mention("<@UBOT> look at this", "450.1", files=[{"id": "F2"}]), "Ev6")
        [post] = stub.wait_for(1)
        assert "core.dump" in all_text(post.params["blocks"])
        assert "binary" in all_text(post.params["blocks"])

    def test_the_slash_command_acknowledges_at_once_and_answers_in_a_thread(self, bot_url, stub):
        command = {
            "command": "/sherlog",
            "text": HOSTD.removeprefix("<@UBOT> "),
            "user_id": "U1",
            "channel_id": "C9",
            "team_id": "T1",
            "trigger_id": "t",
            "response_url": stub.url,
        }
        status, text, _ = signed_post(
            bot_url, form_body(command), SECRET, content_type="application/x-www-form-urlencoded"
        )
        assert status == 200 and "Looking into it" in text
        parent, answer = stub.wait_for(2)
        assert "asked Sherlog" in parent.params["text"] and "thread_ts" not in parent.params
        assert answer.params["thread_ts"] != "" and answer.params["channel"] == "C9"
        assert top_cause(answer.params["blocks"]) == "esxi-hostd-not-responding"

    def test_a_direct_message_is_answered(self, bot_url, stub):
        dm = {"type": "message", "channel_type": "im", "user": "U1", "channel": "D1",
              "ts": "500.1", "text": HOSTD.removeprefix("<@UBOT> ")}  # fmt: skip
        send(bot_url, dm, "Ev7")
        [post] = stub.wait_for(1)
        assert post.params["channel"] == "D1" and post.params["thread_ts"] == "500.1"

    def test_a_thread_survives_a_restart_of_the_bot(self, sherlog, stub, tmp_path):
        db = tmp_path / "restart.db"
        with running_bot(sherlog, stub, db) as url:
            send(url, mention(VAGUE, "350.1"), "Ev30")
            stub.wait_for(1)
        with running_bot(sherlog, stub, db) as url:  # a new process would do the same
            send(url, thread_reply("yes", "350.7", "350.1"), "Ev31")
            second = stub.wait_for(2)[1]
        assert second.params["thread_ts"] == "350.1"
        assert top_cause(second.params["blocks"]) == "esxi-hostd-not-responding"


class TestNoLoopsNoRepeats:
    def test_bot_messages_are_ignored(self, bot_url, stub):
        own = {"type": "message", "channel_type": "im", "user": "UBOT", "bot_id": "BBOT",
               "channel": "D1", "ts": "600.1", "text": "Likely causes: ..."}  # fmt: skip
        other = {**own, "bot_id": "BOTHER", "user": "U7", "ts": "600.2"}
        assert send(bot_url, own, "Ev8") == 200 and send(bot_url, other, "Ev9") == 200
        send(bot_url, mention(HOSTD, "600.3"), "Ev10")  # a real one, to know the others are done
        stub.wait_for(1)
        time.sleep(1)
        assert [c.params["thread_ts"] for c in stub.posted()] == ["600.3"]

    def test_a_retried_event_is_answered_once(self, bot_url, stub):
        event = mention(HOSTD, "700.1")
        assert send(bot_url, event, "Ev11") == 200
        assert send(bot_url, event, "Ev11") == 200  # Slack's retry of the same event
        stub.wait_for(1)
        time.sleep(2)
        assert len(stub.posted()) == 1


class TestSignatures:
    def test_a_forged_signature_gets_401_and_changes_nothing(self, bot_url, stub):
        body = event_body(mention(HOSTD, "800.1"), "Ev12")
        status, _, _ = signed_post(bot_url, body, SECRET, signature="v0=" + "0" * 64)
        assert status == 401
        status, _, _ = signed_post(bot_url, body, "not-the-secret")
        assert status == 401
        time.sleep(1)
        assert stub.calls == []

    def test_a_six_minute_old_request_gets_401(self, bot_url, stub):
        body = event_body(mention(HOSTD, "900.1"), "Ev13")
        status, _, _ = signed_post(bot_url, body, SECRET, timestamp=int(time.time()) - 360)
        assert status == 401
        time.sleep(1)
        assert stub.calls == []

    def test_an_unsigned_request_gets_401(self, bot_url, stub):
        import urllib.error
        import urllib.request

        request = urllib.request.Request(
            bot_url, data=event_body(mention(HOSTD, "950.1"), "Ev14").encode(), method="POST",
            headers={"Content-Type": "application/json"},
        )  # fmt: skip
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(request, timeout=10)
        with err.value:
            assert err.value.code == 401
