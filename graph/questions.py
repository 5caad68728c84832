"""Choose the next question: the unobserved symptom with the largest expected entropy drop."""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

import networkx as nx

from graph.build import symptoms
from graph.evidence import Evidence
from graph.inference import DEFAULT, UNKNOWN, InferenceParams, _p, posterior

__all__ = [
    "Question",
    "expected_information_gain",
    "next_question",
    "question_about",
    "rank_questions",
]

MIN_GAIN_BITS = 0.01  # below this a question is not worth the user's time


@dataclass(frozen=True)
class Question:
    """A follow-up question about one symptom, with its expected information gain."""

    symptom: str
    text: str
    gain_bits: float
    check: str = ""  # the same thing as something to run or look at


def question_about(G: nx.DiGraph, node: str, gain_bits: float = 0.0) -> Question | None:
    """The question the KB asks about a symptom node, or None when it has none (a cause
    or fix node, or a symptom without a question).

    >>> from graph.build import add_symptom
    >>> G = nx.DiGraph(); add_symptom(G, "s", "Is it down?")
    >>> question_about(G, "s")
    Question(symptom='s', text='Is it down?', gain_bits=0.0, check='Is it down?')
    """
    text = G.nodes[node].get("question")
    if not text:
        return None
    return Question(node, text, gain_bits, G.nodes[node].get("check") or text)


def _entropy(dist: Iterable[float]) -> float:
    return -sum(p * math.log2(p) for p in dist if p > 0)


def expected_information_gain(
    G: nx.DiGraph, current: dict[str, float], symptom: str, params: InferenceParams = DEFAULT
) -> float:
    """Expected reduction in entropy (bits) over the hypotheses from learning ``symptom``.

    >>> from graph.build import add_cause, add_symptom, add_effect
    >>> G = nx.DiGraph(); add_symptom(G, "s")
    >>> add_cause(G, "a", 0.5); add_cause(G, "b", 0.5); add_effect(G, "a", "s", 1.0)
    >>> round(expected_information_gain(G, {"a": 0.5, "b": 0.5}, "s"), 2)
    0.93
    """
    p_given = {h: _p(G, h, symptom, params) for h in current}
    p_yes = sum(current[h] * p_given[h] for h in current)
    gain = _entropy(current.values())
    for answer_prob, weight in (
        (p_yes, p_given),
        (1 - p_yes, {h: 1 - p for h, p in p_given.items()}),
    ):
        if answer_prob <= 0:
            continue
        post = [current[h] * weight[h] / answer_prob for h in current]
        gain -= answer_prob * _entropy(post)
    return gain


def rank_questions(
    G: nx.DiGraph,
    evidence: Iterable[Evidence],
    asked: Collection[str] = (),
    params: InferenceParams = DEFAULT,
    resemblance: Mapping[str, float] | None = None,
    products: frozenset[str] = frozenset(),
    absent: frozenset[str] = frozenset(),
) -> list[Question]:
    """Questions about symptoms not yet observed nor asked, most informative first.

    Only questions expected to gain at least ``MIN_GAIN_BITS`` are returned; the first is
    the one to ask, and the next few are the data worth collecting when Sherlog does not
    know.

    >>> from graph.build import add_cause, add_symptom, add_effect
    >>> G = nx.DiGraph()
    >>> rank_questions(G, [])
    []
    >>> add_symptom(G, "both", "Is it down?"); add_symptom(G, "split", "Only at night?")
    >>> add_cause(G, "a", 0.5); add_cause(G, "b", 0.5)
    >>> for c in "ab": add_effect(G, c, "both", 0.9)
    >>> add_effect(G, "a", "split", 0.9)
    >>> from graph.evidence import Origin, OriginKind
    >>> down = Evidence("both", True, 1.0, Origin(OriginKind.ANSWER, "answer", "yes"))
    >>> [q.symptom for q in rank_questions(G, [down])]
    ['split']
    >>> rank_questions(G, [down], asked=["split"])
    []
    """
    evidence = list(evidence)
    observed = {e.symptom for e in evidence}
    # each look-alike apart: the best question also tells a cause from its look-alikes
    current = posterior(G, evidence, params, resemblance, products, absent, lookalikes=True)
    if len(current) < 2 or current.get(UNKNOWN, 0.0) >= 1.0:
        return []
    found = []
    for symptom in symptoms(G):
        if symptom in observed or symptom in asked or not G.nodes[symptom].get("question"):
            continue
        if not any(True for _ in G.predecessors(symptom)):
            continue
        gain = expected_information_gain(G, current, symptom, params)
        if gain >= MIN_GAIN_BITS:
            found.append(question_about(G, symptom, gain))
    return sorted(found, key=lambda q: -q.gain_bits)


def next_question(
    G: nx.DiGraph,
    evidence: Iterable[Evidence],
    asked: Collection[str] = (),
    params: InferenceParams = DEFAULT,
    resemblance: Mapping[str, float] | None = None,
    products: frozenset[str] = frozenset(),
) -> Question | None:
    """The most informative question about a symptom not yet observed nor asked, or None
    when no question is expected to gain at least ``MIN_GAIN_BITS``."""
    ranked = rank_questions(G, evidence, asked, params, resemblance, products)
    return ranked[0] if ranked else None
