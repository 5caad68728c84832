"""Composing an Answer from a ranking: what is shown, and when Sherlog abstains."""

from __future__ import annotations

from assistant.answer import compose_answer
from graph import Diagnosis, build_graph
from kb.index import PassageHit
from kb.loader import load_kb


def _answer(kb_dir, ranking, unknown, resembling=None, unlike=None):
    kb = load_kb(kb_dir)
    return compose_answer(
        "q", build_graph(kb), kb, ranking, unknown, [], None, [], resembling, unlike=unlike
    )


def test_a_cause_nothing_speaks_for_is_not_shown_and_sherlog_abstains(kb_dir):
    ranking = [Diagnosis("alpha-cause", "Cause of alpha", 0.6, (), ())]
    answer = _answer(kb_dir, ranking, 0.4)
    assert answer.diagnoses == () and answer.abstained


def test_a_cause_whose_passage_the_description_resembles_is_shown_with_it(kb_dir):
    near = PassageHit("alpha", "symptoms", "Symptoms", "Widget alpha fails.", 0.71)
    ranking = [
        Diagnosis("alpha-cause", "Cause of alpha", 0.6, (), (), resemblance=0.71),
        Diagnosis("beta-cause", "Cause of beta", 0.1, (), (), resemblance=0.3),
    ]
    answer = _answer(kb_dir, ranking, 0.3, {"alpha-cause": near})
    (shown,) = answer.diagnoses
    assert (shown.cause, shown.resembles) == ("alpha-cause", near)
    assert not answer.abstained and shown.fixes[0].steps[0].citation.anchor == "fix"
    assert shown.unlike is None


def test_a_look_alike_the_description_resembles_more_goes_with_its_cause(kb_dir):
    near = PassageHit("alpha", "symptoms", "Symptoms", "Widget alpha fails.", 0.71)
    closer = PassageHit("alpha", "not-alpha", "Not alpha: a loose cable", "", 0.8)
    ranking = [Diagnosis("alpha-cause", "Cause of alpha", 0.6, (), (), resemblance=0.62)]
    answer = _answer(kb_dir, ranking, 0.3, {"alpha-cause": near}, {"alpha-cause": closer})
    assert answer.diagnoses[0].unlike == closer
    assert answer.to_dict()["diagnoses"][0]["unlike"]["anchor"] == "not-alpha"
