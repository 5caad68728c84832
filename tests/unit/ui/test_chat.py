"""The terminal chat loop, on the pumps KB with the fake embedder."""

from __future__ import annotations

import io

from assistant.conversation import Conversation
from tests.conftest import NOISE
from ui.chat import chat_session, evidence_table, messages


def _chat(sherlog, lines, conversation=None, saved=None):
    out, err = io.StringIO(), io.StringIO()
    c = chat_session(sherlog, lines, out, err, 1_000_000, conversation, saved=saved)
    return c, out.getvalue(), err.getvalue()


def test_a_fenced_block_is_one_message():
    lines = ["first\n", "```\n", "a\n", "\n", "b\n", "```\n", "   \n", "/why\n"]
    assert list(messages(lines)) == ["first", "```\na\n\nb\n```", "/why"]


def test_a_session_answers_each_message_and_takes_a_yes(pump_sherlog):
    fenced = ["```", *NOISE.splitlines(), "```"]
    c, out, err = _chat(pump_sherlog, [*fenced, "yes", "/why", "/quit", "never read"])
    assert out.count("Likely causes:") + out.count("I don't know") == 2
    assert "Next question:" in out and "(yes / no / don't know)" in out
    assert c.answers and c.answers[0][1].value == "yes"
    assert "symptom" in out and "your answer" in out and "message:3" in out
    assert "never read" not in out + err and len(c.turns) == 2


def test_log_reset_unknown_commands_and_errors_keep_the_session_going(pump_sherlog, tmp_path):
    log = tmp_path / "pump.log"
    log.write_text("09:00 start\n09:01 PUMP-NOISE level 9\n", encoding="utf-8")
    (tmp_path / "blob.bin").write_bytes(b"\x00\x01\x02" * 100)
    saves: list[int] = []
    c, out, err = _chat(
        pump_sherlog,
        [
            f"/log {tmp_path / 'missing.log'}",
            f"/log {tmp_path / 'blob.bin'}",
            "/log",
            f"/log {log}",
            "/frobnicate",
            "/reset",
            "/why",
        ],
        saved=lambda conv: saves.append(len(conv.turns)),
    )
    assert "missing.log" in err and "blob.bin" in err and "/log needs a file name" in err
    assert f"attached {log}" in err and "unknown command /frobnicate" in err
    assert f"{log}:2" in out
    assert "(new conversation)" in out and "no evidence yet" in out
    assert c.turns == [] and saves == [1, 0]


def test_a_resumed_conversation_goes_on(pump_sherlog):
    first, _, _ = _chat(pump_sherlog, [NOISE.replace("\n", " ")])
    resumed = Conversation.from_json(first.to_json())
    c, _, _ = _chat(pump_sherlog, ["no"], conversation=resumed)
    assert len(c.turns) == 2 and c.answers[0][1].value == "no"


def test_the_evidence_table_says_when_there_is_none():
    assert evidence_table(Conversation()).startswith("no evidence yet")


def test_a_message_that_opens_with_a_path_is_a_message_not_a_command(pump_sherlog):
    c, _, err = _chat(pump_sherlog, ["/var/log/pump.log shows pump noise alarm", "/frobnicate"])
    assert len(c.turns) == 1 and c.turns[0].text.startswith("/var/log/pump.log")
    assert "unknown command /frobnicate" in err and "unknown command /var" not in err
