"""graph.view: the neighbourhood of the candidates, and its DOT drawing."""

from __future__ import annotations

import networkx as nx
import pytest

from graph.build import add_cause, add_effect, add_fix, add_symptom
from graph.view import DENIED, OBSERVED, UNOBSERVED, neighbourhood, to_dot


@pytest.fixture
def G() -> nx.DiGraph:
    G = nx.DiGraph()
    add_cause(G, "loop", 0.1, 'STP "loop"')
    add_cause(G, "iphash", 0.1, "IP hash without EtherChannel")
    add_cause(G, "far", 0.1, "Unrelated")
    for s in ("flap", "storm", "one-port", "s1", "s2", "s3", "s4", "s5", "other"):
        add_symptom(G, s, text=f"symptom {s}")
    add_effect(G, "loop", "flap", 0.9)
    add_effect(G, "loop", "storm", 0.8)
    add_effect(G, "iphash", "flap", 0.9)
    add_effect(G, "iphash", "one-port", 0.7)
    for n, s in enumerate(("s1", "s2", "s3", "s4", "s5")):
        add_effect(G, "iphash", s, 0.1 + n / 10)
    add_effect(G, "far", "other", 0.9)
    add_fix(G, "loop", "fix-loop", "Break the loop")
    return G


class TestNeighbourhood:
    def test_empty_graph(self):
        assert neighbourhood(nx.DiGraph(), {"loop": 0.5}).number_of_nodes() == 0

    def test_unknown_ids_and_non_causes_are_left_out(self, G):
        assert set(neighbourhood(G, {"ghost": 0.5, "flap": 0.3, "fix-loop": 0.1})) == set()

    def test_keeps_the_candidates_their_known_symptoms_and_likeliest_unknown_ones(self, G):
        H = neighbourhood(G, {"loop": 0.6, "iphash": 0.3}, observed={"flap"}, denied={"s1"})
        assert "far" not in H and "other" not in H and "fix-loop" not in H
        assert {"flap", "storm", "one-port", "s1"} <= set(H)
        # at most four unobserved effects per cause, the most likely ones
        assert "s2" not in H and {"s5", "s4", "s3"} <= set(H)
        assert H.edges["iphash", "flap"]["p"] == 0.9


class TestToDot:
    def test_empty_graph_is_an_empty_drawing(self):
        assert to_dot(nx.DiGraph(), {}) == (
            "digraph sherlog {\n  rankdir=LR;\n"
            '  node [fontname="Helvetica", fontsize=10, style=filled];\n'
            '  edge [color="#777777", fontsize=8];\n}'
        )

    def test_symptom_colours_say_observed_denied_unknown(self, G):
        dot = to_dot(G, {"loop": 0.9}, observed={"flap"}, denied={"storm"})
        line = {
            n: next(x for x in dot.splitlines() if x.startswith(f'  "{n}" ['))
            for n in ("flap", "storm")
        }
        assert OBSERVED in line["flap"] and DENIED in line["storm"]
        assert UNOBSERVED in to_dot(G, {"iphash": 0.2})

    def test_causes_are_shaded_by_confidence_and_quotes_are_escaped(self, G):
        dot = to_dot(G, {"loop": 1.0, "iphash": 0.0})
        assert '"loop" [shape=box, label="STP \\"loop\\"\\n100%", fillcolor="#1565c0"' in dot
        assert 'fillcolor="#ffffff"' in dot
        assert '"loop" -> "flap" [label="0.90"];' in dot
