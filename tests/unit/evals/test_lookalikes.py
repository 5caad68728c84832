"""The symptoms' look-alike rates: how they are fitted, and the shipped fit."""

from __future__ import annotations

import networkx as nx
import pytest

from assistant.engine import lookalike_rates
from assistant.settings import DEFAULT_KB
from evals.lookalikes import Observation, fit_rates
from graph import add_cause, add_effect, add_symptom, build_graph
from graph.inference import is_background
from kb.loader import load_kb


@pytest.fixture
def G():
    """c shows 'common' and 'own'; 'ruled-out' is a background fact against c."""
    g = nx.DiGraph()
    add_cause(g, "c", 0.5)
    add_cause(g, "d", 0.5)
    for symptom, p in (("common", 0.9), ("own", 0.9), ("ruled-out", 0.02)):
        add_symptom(g, symptom)
        add_effect(g, "c", symptom, p)
    return g


def seen(expected, first, *symptoms):
    return Observation(expected, first, frozenset(symptoms))


def test_a_symptom_the_lookalikes_share_rates_higher_than_one_only_the_cause_shows(G):
    cases = [seen("c", "c", "common", "own")] * 10 + [seen(None, "c", "common")] * 10
    rates = fit_rates(G, cases)
    assert rates["common"] > 0.9 > 0.1 > rates["own"]


def test_without_cases_a_rate_is_the_default_and_one_case_moves_it_part_way(G):
    assert fit_rates(G, [], default=0.6) == {}  # no case could have shown a symptom
    rates = fit_rates(G, [seen("c", "c", "own")], default=0.6)
    # own: look-alikes 0.6 * 0.3 (no case) against the cause's (1 + 0.3) / 2
    assert rates["own"] == pytest.approx(0.18 / 0.65)
    # common, not seen in the cause's one case: (0.18) against (0 + 0.3) / 2, capped at 1
    assert rates["common"] == 1.0


def test_lookalikes_count_for_the_cause_ranked_first_and_background_facts_get_no_rate(G):
    own_case = [seen("c", "c", "common", "ruled-out")]
    elsewhere = [seen(None, "d", "common")] * 5 + [seen(None, None, "common")]
    rates = fit_rates(G, own_case + elsewhere)
    assert is_background(G, "ruled-out") and set(rates) == {"common", "own"}
    # ranked under d, which does not show 'common', or under no cause: nothing counted
    assert rates == fit_rates(G, own_case)
    assert fit_rates(G, [*own_case, seen(None, "c", "common")])["common"] > rates["common"]


def test_the_shipped_fit_names_only_symptoms_of_the_shipped_kb():
    G = build_graph(load_kb(DEFAULT_KB))
    rates = lookalike_rates()
    assert len(rates) > 100
    unknown = [s for s in rates if s not in G]
    assert not unknown, f"graph/lookalike_rates.json names symptoms the KB lacks: {unknown}"
    assert all(0.0 <= r <= 1.0 for r in rates.values())
