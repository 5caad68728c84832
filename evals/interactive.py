"""Interactive evaluation: after a case's scripted turns, a simulated user answers
Sherlog's follow-up questions from the case's ground truth.

The simulated user answers "yes" when the asked symptom is an effect of the expected
cause with p >= ``YES_AT``, "no" otherwise, and "don't know" when the case expects an
abstention. Its answers go through ``Sherlog.reply`` as text, like a user's.

Two question policies run on the same conversation state, in the same run:

- ``voi``: Sherlog's own question, the largest expected information gain;
- ``random``: a question drawn (seeded by the case id) from the unreported, unasked
  symptoms of the candidates shown in the current answer (at most five).

Both stop at ``max_questions``, when the top cause is confident
(``assistant.answer.CONFIDENT``), or when they have nothing to ask. The state after k
questions of a conversation that stopped earlier is its last state.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from assistant.answer import Answer
from assistant.conversation import Conversation
from graph import Question
from graph.questions import question_about

__all__ = [
    "MAX_QUESTIONS",
    "POLICIES",
    "YES_AT",
    "Step",
    "play",
    "random_question",
    "simulated_reply",
    "summarize_interactive",
]

MAX_QUESTIONS = 3
YES_AT = 0.5
POLICIES = ("voi", "random")


@dataclass(frozen=True)
class Step:
    """The state of a conversation after k answered questions (k = 0: scripted turns)."""

    asked: str | None  # the symptom asked before this state, None for k = 0
    question: str | None
    reply: str | None
    ranked: tuple[tuple[str, float], ...]  # (cause, confidence), best first, at most 5
    abstained: bool
    unknown: float
    confident: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "asked": self.asked,
            "question": self.question,
            "reply": self.reply,
            "ranked": [{"cause": c, "confidence": round(p, 4)} for c, p in self.ranked],
            "abstained": self.abstained,
            "unknown": round(self.unknown, 4),
            "confident": self.confident,
        }


def simulated_reply(G: nx.DiGraph, expected: str | None, symptom: str) -> str:
    """What a user whose problem is ``expected`` answers about ``symptom``.

    >>> G = nx.DiGraph(); G.add_edge("c", "s", p=0.8); G.add_edge("c", "t", p=0.3)
    >>> [simulated_reply(G, "c", s) for s in ("s", "t", "u")], simulated_reply(G, None, "s")
    (['yes', 'no', 'no'], "don't know")
    """
    if expected is None:
        return "don't know"
    edge = G.get_edge_data(expected, symptom)
    return "yes" if edge and edge["p"] >= YES_AT else "no"


def random_question(
    G: nx.DiGraph, conversation: Conversation, answer: Answer, rng: random.Random
) -> Question | None:
    """A random question among the unreported, unasked symptoms (with a question) of the
    candidates the answer shows."""
    observed = {e.symptom for e in conversation.evidence} | set(conversation.asked)
    pool = sorted(
        {
            s
            for d in answer.diagnoses[:5]
            for s in G.successors(d.cause)
            if s not in observed and question_about(G, s) is not None
        }
    )
    return question_about(G, rng.choice(pool)) if pool else None


def _state(answer: Answer, asked: Question | None, reply: str | None) -> Step:
    return Step(
        asked.symptom if asked else None,
        asked.text if asked else None,
        reply,
        tuple((d.cause, d.confidence) for d in answer.diagnoses[:5]),
        answer.abstained,
        answer.unknown_confidence,
        answer.confident,
    )


def play(
    sherlog,
    conversation: Conversation,
    answer: Answer,
    expected: str | None,
    policy: str,
    rng: random.Random,
    max_questions: int = MAX_QUESTIONS,
) -> list[Step]:
    """Continue ``conversation`` (changed in place) with up to ``max_questions`` simulated
    answers under ``policy``; returns the states, the first being the one given."""
    steps = [_state(answer, None, None)]
    for _ in range(max_questions):
        if answer.confident:
            break
        if policy == "voi":
            question = answer.next_question
        elif policy == "random":
            question = random_question(sherlog.graph, conversation, answer, rng)
            if question is not None:
                conversation.pose(question)
        else:
            raise ValueError(f"unknown question policy {policy!r}, expected one of {POLICIES}")
        if question is None:
            break
        reply = simulated_reply(sherlog.graph, expected, question.symptom)
        answer = sherlog.reply(conversation, reply)
        steps.append(_state(answer, question, reply))
    return steps


def _at(steps: Sequence[Mapping[str, Any]], k: int) -> Mapping[str, Any]:
    return steps[min(k, len(steps) - 1)]


def _top(step: Mapping[str, Any]) -> str | None:
    if step["abstained"] or not step["ranked"]:
        return None
    return step["ranked"][0]["cause"]


def summarize_interactive(
    records: Sequence[Mapping[str, Any]], max_questions: int = MAX_QUESTIONS
) -> dict[str, Any]:
    """Per policy: AC@1 and AC@3 on in-KB cases and the false-answer rate on out-of-KB
    cases after 0..max_questions questions; the mean number of questions asked; and the
    mean number of questions until the expected cause is the confident top answer.

    ``records`` hold ``expected``, ``also_ok`` and ``interactive`` (policy -> list of
    :meth:`Step.to_dict`). A case that never reaches a confident right answer within
    the budget counts as ``max_questions + 1`` in ``questions_to_confident`` (a
    lower bound), and is left out of ``questions_to_confident_reached``.
    """
    out: dict[str, Any] = {}
    for policy in POLICIES:
        rows = [r for r in records if policy in r.get("interactive", {})]
        if not rows:
            continue
        in_kb = [r for r in rows if r["expected"] is not None]
        oos = [r for r in rows if r["expected"] is None]
        by_k = []
        for k in range(max_questions + 1):
            hits1 = hits3 = 0
            for r in in_kb:
                accepted = {r["expected"], *r.get("also_ok", ())}
                step = _at(r["interactive"][policy], k)
                hits1 += _top(step) in accepted
                ranked = [] if step["abstained"] else [x["cause"] for x in step["ranked"][:3]]
                hits3 += bool(accepted & set(ranked))
            false = sum(_top(_at(r["interactive"][policy], k)) is not None for r in oos)
            by_k.append(
                {
                    "questions": k,
                    "ac@1": hits1 / len(in_kb) if in_kb else None,
                    "ac@3": hits3 / len(in_kb) if in_kb else None,
                    "false_answer_rate": false / len(oos) if oos else None,
                }
            )
        reached, censored = [], []
        for r in in_kb:
            accepted = {r["expected"], *r.get("also_ok", ())}
            steps = r["interactive"][policy]
            k = next(
                (n for n, s in enumerate(steps) if s["confident"] and _top(s) in accepted), None
            )
            censored.append(max_questions + 1 if k is None else k)
            if k is not None:
                reached.append(k)
        asked = [len(r["interactive"][policy]) - 1 for r in rows]
        out[policy] = {
            "cases": len(rows),
            "in_kb": len(in_kb),
            "out_of_kb": len(oos),
            "by_questions": by_k,
            "mean_questions_asked": sum(asked) / len(asked),
            "questions_to_confident": sum(censored) / len(censored) if censored else None,
            "questions_to_confident_reached": sum(reached) / len(reached) if reached else None,
            "reached_confident": len(reached),
        }
    return out
