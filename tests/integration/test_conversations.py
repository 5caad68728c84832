"""Conversations on the real model and KB: a vague start plus answers reaches the seed
cause, an out-of-KB conversation ends in "I don't know", and `sherlog chat` works piped."""

from __future__ import annotations

import json

import pytest

from assistant.conversation import Conversation, Reply
from evals.interactive import simulated_reply
from tests.integration.conftest import run_cli

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("ssh to some vms behind the nsx edges hangs now and then", "nsx-ecmp-edge-firewall"),
        ("vcenter lost one of our esxi hosts, it says not responding", "esxi-hostd-not-responding"),
    ],
)
def test_a_vague_message_and_two_answers_reach_the_seed_cause(sherlog, message, expected):
    conversation = Conversation()
    answer = sherlog.reply(conversation, message)
    before = next((d.confidence for d in answer.diagnoses if d.cause == expected), 0.0)
    for _ in range(2):
        question = answer.next_question
        assert question is not None, "stopped asking before the cause was clear"
        reply = simulated_reply(sherlog.graph, expected, question.symptom)
        answer = sherlog.reply(conversation, reply)
    assert not answer.abstained and answer.diagnoses[0].cause == expected
    assert answer.diagnoses[0].confidence > before + 0.3  # the answers did the work
    assert len(conversation.answers) == 2
    assert len(conversation.asked) == len(set(conversation.asked))  # none asked twice


def test_an_out_of_scope_conversation_ends_in_an_honest_abstention(sherlog):
    conversation = Conversation()
    answer = sherlog.reply(conversation, "our exchange server keeps asking outlook for passwords")
    assert answer.abstained
    for _ in range(2):
        if answer.next_question is None:
            break
        answer = sherlog.reply(conversation, "no idea")
    assert answer.abstained
    assert all(reply is Reply.UNSURE for _, reply in conversation.answers)
    assert not [e for e in conversation.evidence if e.origin.kind.value == "answer"]
    unrelated = sherlog.reply(Conversation(), "what is the capital of France?")
    assert unrelated.abstained and unrelated.next_question is None and not unrelated.checks


def test_an_abstention_with_candidates_says_what_to_collect(sherlog):
    answer = sherlog.reply(
        Conversation(), "ssh to some vms behind the nsx edges hangs now and then"
    )
    assert answer.abstained and answer.checks
    assert answer.checks[0] == answer.next_question
    assert all(q.check and q.check != q.text for q in answer.checks)


def test_a_piped_chat_session(sherlog, real_home, tmp_path):
    state = tmp_path / "conversation.json"
    script = "\n".join(
        [
            "vcenter lost one of our esxi hosts, it says not responding",
            "yes",
            "/why",
            "/log " + str(tmp_path / "nope.log"),
            "/quit",
            "this line is never read",
        ]
    )
    result = run_cli("chat", "--state", str(state), home=real_home, input=script)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.count("Likely causes:") == 2 and "Next question:" in out
    assert 'you answered "yes" to' in out and "your answer" in out  # answer, then /why
    assert "nope.log: no such file" in result.stderr
    assert "never read" not in out
    saved = Conversation.from_json(state.read_text())
    assert len(saved.turns) == 2 and saved.answers[0][1] is Reply.YES
    assert json.loads(state.read_text())["version"] == 1


def test_a_correction_replaces_what_was_said_about_that_symptom(sherlog):
    conversation = Conversation()
    sherlog.reply(
        conversation,
        "one of our VMs keeps losing network for a few seconds, the other VMs on the host are fine",
    )
    before = {e.symptom: e.present for e in conversation.evidence}
    assert before["only-some-vms-affected"] is True
    sherlog.reply(conversation, "actually, other VMs were affected too")
    after = {e.symptom: e for e in conversation.evidence}
    assert after["only-some-vms-affected"].present is False
    assert after["only-some-vms-affected"].origin.text.startswith("actually")
    # what the correction did not speak about stands
    assert set(before) <= set(after)
