"""Interactive evaluation: the simulated user, both question policies, and the summary."""

from __future__ import annotations

import random

import pytest

from assistant.conversation import Conversation
from evals.interactive import play, random_question, simulated_reply, summarize_interactive
from tests.conftest import NOISE


def _step(cause, confidence, abstained=False):
    ranked = [] if cause is None else [{"cause": cause, "confidence": confidence}]
    return {
        "asked": None,
        "question": None,
        "reply": None,
        "ranked": ranked,
        "abstained": abstained,
        "unknown": 0.1,
        "confident": confidence >= 0.9 and not abstained,
    }


class TestPlay:
    @pytest.mark.parametrize("policy", ["voi", "random"])
    def test_simulated_answers_lead_to_the_expected_cause(self, pump_sherlog, policy):
        c = Conversation()
        answer = pump_sherlog.reply(c, NOISE)
        steps = play(pump_sherlog, c, answer, "pump-seal", policy, random.Random("case"))
        assert steps[0].asked is None and 1 <= len(steps) - 1 <= 3
        for step in steps[1:]:
            assert step.reply == simulated_reply(pump_sherlog.graph, "pump-seal", step.asked)
        assert steps[-1].ranked[0][0] == "pump-seal"
        assert len({s.asked for s in steps[1:]}) == len(steps) - 1  # never asked twice

    def test_out_of_kb_cases_get_dont_know_and_change_nothing(self, pump_sherlog):
        c = Conversation()
        answer = pump_sherlog.reply(c, NOISE)
        steps = play(pump_sherlog, c, answer, None, "voi", random.Random("x"))
        assert {s.reply for s in steps[1:]} == {"don't know"}
        assert {s.ranked for s in steps} == {steps[0].ranked}

    def test_random_questions_come_from_the_shown_candidates_and_repeat_with_the_seed(
        self,
        pump_sherlog,
    ):
        c = Conversation()
        answer = pump_sherlog.reply(c, NOISE)
        picks = {
            random_question(pump_sherlog.graph, c, answer, random.Random(s)).symptom
            for s in "abcdefgh"
        }
        assert picks <= {"pump-hot", "pump-leaks"} and "pump-noise" not in picks
        again = [
            random_question(pump_sherlog.graph, c, answer, random.Random("a")) for _ in range(2)
        ]
        assert again[0] == again[1]

    def test_an_unknown_policy_is_refused(self, pump_sherlog):
        c = Conversation()
        answer = pump_sherlog.reply(c, NOISE)
        with pytest.raises(ValueError, match="unknown question policy 'psychic'"):
            play(pump_sherlog, c, answer, "pump-seal", "psychic", random.Random(0))


class TestSummary:
    def test_figures_after_each_question_carry_the_last_state_forward(self):
        records = [
            {  # right after one question, confident
                "expected": "a",
                "interactive": {"voi": [_step("b", 0.5), _step("a", 0.95)]},
            },
            {  # never right
                "expected": "a",
                "interactive": {"voi": [_step("b", 0.6), _step("b", 0.7), _step("b", 0.8)]},
            },
            {  # right from the start, not confident until the second question
                "expected": "c",
                "also_ok": ["d"],
                "interactive": {"voi": [_step("d", 0.5), _step("c", 0.8), _step("c", 0.92)]},
            },
            {  # out of the KB: answered at first, abstains after a question
                "expected": None,
                "interactive": {"voi": [_step("a", 0.5), _step(None, 0.0, abstained=True)]},
            },
        ]
        got = summarize_interactive(records, max_questions=3)["voi"]
        assert [k["ac@1"] for k in got["by_questions"]] == pytest.approx(
            [1 / 3, 2 / 3, 2 / 3, 2 / 3]
        )
        assert [k["false_answer_rate"] for k in got["by_questions"]] == [1.0, 0.0, 0.0, 0.0]
        assert got["questions_to_confident"] == pytest.approx((1 + 4 + 2) / 3)
        assert got["questions_to_confident_reached"] == pytest.approx(1.5)
        assert got["reached_confident"] == 2
        assert got["mean_questions_asked"] == pytest.approx((1 + 2 + 2 + 1) / 4)
        assert "random" not in summarize_interactive(records)
