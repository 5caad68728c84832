"""Conversations: answers to follow-up questions, corrections, no repeated question,
and the JSON round trip; on the pumps KB with the fake embedder."""

from __future__ import annotations

import json

import pytest

from assistant.answer import MAX_CHECKS, compose_answer
from assistant.conversation import Conversation, Reply, Turn, parse_reply
from assistant.engine import ANSWER_STRENGTH
from assistant.errors import ConversationError
from graph import Diagnosis, Evidence, OriginKind, Question, rank_questions
from graph.evidence import Origin
from tests.conftest import NOISE


def _said(symptom: str, present: bool, strength: float) -> Evidence:
    return Evidence(symptom, present, strength, Origin(OriginKind.MESSAGE, "message", "x"))


class TestParseReply:
    @pytest.mark.parametrize(
        ("text", "reply", "rest"),
        [
            ("yes", Reply.YES, ""),
            ("Yep, since Monday", Reply.YES, "since Monday"),
            ("y", Reply.YES, ""),
            ("It does.", Reply.YES, ""),
            ("no", Reply.NO, ""),
            ("No, it works", Reply.NO, "it works"),
            ("nope", Reply.NO, ""),
            ("they don't", Reply.NO, ""),
            ("not sure", Reply.UNSURE, ""),
            ("no idea, the switch is not ours", Reply.UNSURE, "the switch is not ours"),
            ("I don't know", Reply.UNSURE, ""),
            ("dunno", Reply.UNSURE, ""),
        ],
    )
    def test_answers_and_their_variants(self, text, reply, rest):
        assert parse_reply(text) == (reply, rest)

    @pytest.mark.parametrize(
        "text",
        [
            "No space left on device on /var",
            "no errors in the log",
            "right after the reboot it failed again",
            "it is still down",
            "the pump leaks",
        ],
    )
    def test_reports_that_open_like_answers_are_not_answers(self, text):
        assert parse_reply(text) == (None, text)


class TestConversation:
    def test_a_question_is_asked_about_what_splits_the_candidates(self, pump_sherlog):
        c = Conversation()
        answer = pump_sherlog.reply(c, NOISE)
        assert answer.next_question.symptom in {"pump-hot", "pump-leaks"}
        assert c.pending == answer.next_question
        assert c.asked == [answer.next_question.symptom]

    def test_yes_is_hard_evidence_for_the_asked_symptom_and_moves_the_ranking(self, pump_sherlog):
        c = Conversation()
        asked = pump_sherlog.reply(c, NOISE).next_question.symptom
        answer = pump_sherlog.reply(c, "yep")
        (given,) = [e for e in c.evidence if e.origin.kind is OriginKind.ANSWER]
        assert (given.symptom, given.present, given.strength) == (asked, True, ANSWER_STRENGTH)
        expected = "pump-bearing" if asked == "pump-hot" else "pump-seal"
        assert answer.diagnoses[0].cause == expected
        assert c.answers == [(asked, Reply.YES)]

    def test_no_counts_against_the_causes_that_produce_the_symptom(self, pump_sherlog):
        c = Conversation()
        asked = pump_sherlog.reply(c, NOISE).next_question.symptom
        answer = pump_sherlog.reply(c, "no, it works")
        (given,) = [e for e in c.evidence if e.origin.kind is OriginKind.ANSWER]
        assert (given.symptom, given.present) == (asked, False)
        other = "pump-seal" if asked == "pump-hot" else "pump-bearing"
        assert answer.diagnoses[0].cause == other

    def test_no_question_is_asked_twice_nor_about_an_observed_symptom(self, pump_sherlog):
        c = Conversation()
        first = pump_sherlog.reply(c, NOISE).next_question.symptom
        second = pump_sherlog.reply(c, "not sure").next_question
        assert not [e for e in c.evidence if e.origin.kind is OriginKind.ANSWER]
        assert second is None or second.symptom not in {first, "pump-noise"}
        for _ in range(3):
            answer = pump_sherlog.reply(c, "don't know")
        assert len(c.asked) == len(set(c.asked))
        assert "pump-noise" not in c.asked
        assert answer.next_question is None  # every question has been asked

    def test_a_free_reply_is_matched_like_any_message(self, pump_sherlog):
        c = Conversation()
        pump_sherlog.reply(c, NOISE)
        pump_sherlog.reply(c, "water puddle under pump")
        assert c.turns[-1].reply is None
        assert any(e.symptom == "pump-leaks" and e.present for e in c.evidence)

    def test_an_answer_with_more_words_also_reads_the_words(self, pump_sherlog):
        c = Conversation()
        pump_sherlog.reply(c, NOISE)
        c.pose(pump_sherlog.reply(c, "pump noise alarm").next_question)  # keep a pending one
        pending = c.pending.symptom
        pump_sherlog.reply(c, "yes, and a water puddle under pump")
        symptoms = {e.symptom for e in c.turns[-1].evidence}
        assert pending in symptoms
        if pending != "pump-leaks":
            assert "pump-leaks" in symptoms

    def test_words_that_read_the_asked_symptom_the_other_way_outvote_the_yes(self, pump_sherlog):
        c = Conversation()
        pump_sherlog.reply(c, NOISE)
        c.pose(Question("pump-leaks", "Does the pump leak water?", 0.5))
        pump_sherlog.reply(c, "yeah, there is no water puddle under pump at all")
        (leaks,) = [e for e in c.evidence if e.symptom == "pump-leaks"]
        assert not leaks.present and leaks.origin.kind is OriginKind.MESSAGE
        assert c.turns[-1].reply is None and c.answers == []

    def test_when_the_unknown_wins_it_lists_checks_to_run(self, pump_sherlog):
        questions = rank_questions(pump_sherlog.graph, [_said("pump-noise", True, 0.5)])
        assert [q.check for q in questions if q.symptom == "pump-hot"] == [
            "Touch the casing with the back of the hand."
        ]
        seen = (_said("pump-noise", True, 0.5),)

        def answer(confidence: float, unknown: float):
            ranking = [Diagnosis("pump-bearing", "Worn pump bearing", confidence, seen, ())]
            return compose_answer(
                "q",
                pump_sherlog.graph,
                pump_sherlog.kb,
                ranking,
                unknown,
                seen,
                questions[0],
                [],
                informative=questions,
            )

        unsure = answer(0.3, 0.6)
        assert unsure.abstained and unsure.checks == tuple(questions[:MAX_CHECKS])
        assert unsure.next_question == questions[0]
        leaning = answer(0.6, 0.3)
        assert leaning.checks == () and leaning.next_question == questions[0]
        sure = answer(0.95, 0.01)
        assert sure.confident and sure.next_question is None and sure.checks == ()


class TestCorrection:
    def test_a_later_weaker_word_does_not_overturn_a_stronger_one(self):
        c = Conversation([Turn("a", (), (_said("s", True, 0.9),))])
        c.turns.append(Turn("b", (), (_said("s", False, 0.3),)))
        assert [e.present for e in c.evidence] == [True]

    def test_a_correction_saying_the_same_thing_more_weakly_does_not_replace(self):
        c = Conversation([Turn("only this VM", (), (_said("s", True, 0.9),))])
        c.turns.append(Turn("actually, this VM", (), (_said("s", True, 0.3),), correction=True))
        assert [(e.present, e.strength) for e in c.evidence] == [(True, 0.9)]

    def test_a_turn_that_says_it_corrects_replaces_whatever_its_strength(self):
        c = Conversation([Turn("only this VM", (), (_said("s", True, 0.9),))])
        c.turns.append(
            Turn("actually, other VMs were hit too", (), (_said("s", False, 0.3),), correction=True)
        )
        assert [(e.present, e.strength) for e in c.evidence] == [(False, 0.3)]

    def test_the_engine_marks_corrections(self, pump_sherlog):
        c = Conversation()
        pump_sherlog.reply(c, "pump noise alarm")
        pump_sherlog.reply(c, "Actually, the pump is not noisy")
        assert c.turns[-1].correction and not c.turns[0].correction


class TestSerialisation:
    def test_round_trip_keeps_every_turn_and_the_pending_question(self, pump_sherlog):
        c = Conversation()
        pump_sherlog.reply(c, NOISE)
        pump_sherlog.reply(c, "no")
        pump_sherlog.reply(c, "Actually, water puddle under pump")
        back = Conversation.from_json(c.to_json())
        assert back == c
        assert back.pending == c.pending and back.answers == c.answers
        assert json.loads(c.to_json())["version"] == 1

    def test_a_restored_conversation_goes_on_like_the_original(self, pump_sherlog):
        c = Conversation()
        pump_sherlog.reply(c, NOISE)
        copy = Conversation.from_json(c.to_json())
        a, b = pump_sherlog.reply(c, "yes"), pump_sherlog.reply(copy, "yes")
        assert [d.cause for d in a.diagnoses] == [d.cause for d in b.diagnoses]
        assert c == copy

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("{", "not JSON (line 1, column 2"),
            ("[]", "expected a JSON object"),
            ('{"version": 9, "turns": []}', "format version 9"),
            ('{"version": 1, "turns": {}}', "'turns' must be a list"),
            ('{"version": 1, "turns": [{"attachments": []}]}', "turns[0]: missing field 'text'"),
            (
                '{"version": 1, "turns": [{"text": "x", "evidence": [{"symptom": "s", '
                '"present": true, "strength": 7, "origin": {"kind": "log", "source": "a", '
                '"text": "t"}}]}]}',
                "turns[0]: evidence strength must be in (0, 1], got 7",
            ),
            (
                '{"version": 1, "turns": [{"text": "x", "reply": "perhaps"}]}',
                "turns[0]: 'perhaps' is not a valid Reply",
            ),
        ],
    )
    def test_bad_stored_conversations_say_what_and_where(self, text, message):
        with pytest.raises(ConversationError, match=None) as err:
            Conversation.from_json(text)
        assert message in str(err.value)
