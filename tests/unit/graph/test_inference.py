"""Inference over small hand-built graphs, checked against arithmetic done by hand."""

from __future__ import annotations

import dataclasses
import math

import networkx as nx
import pytest

from graph import (
    UNKNOWN,
    Evidence,
    InferenceParams,
    Origin,
    OriginKind,
    add_cause,
    add_effect,
    add_fix,
    add_symptom,
    build_graph,
    next_question,
    posterior,
    rank_causes,
)
from kb.loader import load_kb

# Plain Bayes (no tempering, silence not counted, a flat P(s | unknown), no look-alikes)
# keeps the worked examples readable.
PARAMS = InferenceParams(
    unknown_prior=0.2,
    leak=0.02,
    unknown_rate=0.05,
    evidence_weight=1.0,
    silence=1.0,
    generic_exponent=0.0,
    lookalike_prior=0.0,
)
ORIGIN = Origin(OriginKind.ANSWER, "answer", "yes")
LOGGED = Origin(OriginKind.LOG, "syslog", "a line", line=1)


def yes(symptom, strength=1.0):
    return Evidence(symptom, True, strength, ORIGIN)


def no(symptom, strength=1.0):
    return Evidence(symptom, False, strength, ORIGIN)


@pytest.fixture
def G():
    """Two causes share symptom 'down'; only 'a' produces 'night'."""
    g = nx.DiGraph()
    add_symptom(g, "down", "Is it down?")
    add_symptom(g, "night", "Only at night?")
    add_cause(g, "a", 0.3)
    add_cause(g, "b", 0.1)
    add_effect(g, "a", "down", 0.9)
    add_effect(g, "b", "down", 0.8)
    add_effect(g, "a", "night", 0.7)
    return g


class TestPosterior:
    def test_empty_graph_is_all_unknown(self):
        assert posterior(nx.DiGraph(), [yes("anything")]) == {UNKNOWN: 1.0}

    def test_priors_without_evidence(self, G):
        post = posterior(G, [], PARAMS)
        # causes share 0.8 in proportion 3:1
        assert post == pytest.approx({"a": 0.6, "b": 0.2, UNKNOWN: 0.2})

    def test_hard_evidence_by_hand(self, G):
        post = posterior(G, [yes("down"), no("night")], PARAMS)
        a = 0.6 * 0.9 * (1 - 0.7)  # 0.162
        b = 0.2 * 0.8 * (1 - 0.02)  # 0.1568
        u = 0.2 * 0.05 * (1 - 0.05)  # 0.0095
        z = a + b + u
        assert post == pytest.approx({"a": a / z, "b": b / z, UNKNOWN: u / z})

    def test_a_symptom_many_causes_share_is_likelier_under_unknown(self, G):
        params = dataclasses.replace(PARAMS, generic_exponent=1.0)
        post = posterior(G, [yes("down"), no("night")], params)
        a = 0.6 * 0.9 * (1 - 0.7)
        b = 0.2 * 0.8 * (1 - 0.02)
        u = 0.2 * (0.05 * 2) * (1 - 0.05)  # 'down' has two causes; 'night' one
        z = a + b + u
        assert post == pytest.approx({"a": a / z, "b": b / z, UNKNOWN: u / z})

    def test_lookalikes_by_hand(self, G):
        """Half of unknown's prior goes to the look-alikes, in the causes' proportions.
        They show 'down' as often as its causes do, and 'night' at the unknown rate."""
        params = dataclasses.replace(PARAMS, lookalike_prior=0.5)
        G.nodes["down"]["lookalike"], G.nodes["night"]["lookalike"] = 1.0, 0.0
        post = posterior(G, [yes("down"), no("night")], params, lookalikes=True)
        a = 0.6 * 0.9 * (1 - 0.7)
        b = 0.2 * 0.8 * (1 - 0.02)
        u = 0.1 * 0.05 * (1 - 0.05)
        like_a = 0.1 * 0.75 * 0.9 * (1 - 0.05)
        like_b = 0.1 * 0.25 * 0.8 * (1 - 0.05)
        z = a + b + u + like_a + like_b
        expected = {"a": a, "b": b, UNKNOWN: u, "lookalike:a": like_a, "lookalike:b": like_b}
        assert post == pytest.approx({h: v / z for h, v in expected.items()})
        folded = posterior(G, [yes("down"), no("night")], params)
        assert folded == pytest.approx({"a": a / z, "b": b / z, UNKNOWN: (u + like_a + like_b) / z})

    def test_a_symptom_only_the_cause_shows_sets_it_apart_from_its_lookalike(self, G):
        params = dataclasses.replace(PARAMS, lookalike_prior=0.5)
        G.nodes["down"]["lookalike"], G.nodes["night"]["lookalike"] = 1.0, 0.0
        surface = posterior(G, [yes("down")], params, lookalikes=True)
        both = posterior(G, [yes("down"), yes("night")], params, lookalikes=True)
        # 'down' leaves a and its look-alike at their prior odds; 'night' decides
        assert surface["lookalike:a"] / surface["a"] == pytest.approx((0.1 * 0.75) / 0.6)
        assert both["lookalike:a"] / both["a"] == pytest.approx((0.1 * 0.75 * 0.05) / (0.6 * 0.7))

    def test_soft_evidence_by_hand(self, G):
        post = posterior(G, [yes("night", strength=0.5)], PARAMS)
        w = 0.75  # (1 + 0.5) / 2
        a = 0.6 * (w * 0.7 + (1 - w) * 0.3)
        b = 0.2 * (w * 0.02 + (1 - w) * 0.98)
        u = 0.2 * (w * 0.05 + (1 - w) * 0.95)
        z = a + b + u
        assert post["a"] == pytest.approx(a / z)
        assert post[UNKNOWN] == pytest.approx(u / z)

    def test_evidence_weight_tempers_what_was_read_from_logs_and_words(self, G):
        params = dataclasses.replace(PARAMS, evidence_weight=2.0)
        read = [dataclasses.replace(e, origin=LOGGED) for e in (yes("down"), no("night"))]
        post = posterior(G, read, params)
        a = 0.6 * (0.9 * 0.3) ** 2
        b = 0.2 * (0.8 * 0.98) ** 2
        u = 0.2 * (0.05 * 0.95) ** 2
        assert post["b"] == pytest.approx(b / (a + b + u))

    def test_a_direct_answer_is_not_tempered(self, G):
        params = dataclasses.replace(PARAMS, evidence_weight=2.0)
        assert posterior(G, [yes("down"), no("night")], params) == pytest.approx(
            posterior(G, [yes("down"), no("night")], PARAMS)
        )

    def test_silence_favours_unknown_when_nothing_was_recognised(self, G):
        params = dataclasses.replace(PARAMS, silence=0.1)
        post = posterior(G, [], params)
        z = 0.6 * 0.1 + 0.2 * 0.1 + 0.2
        assert post[UNKNOWN] == pytest.approx(0.2 / z)
        assert posterior(G, [yes("down")], params) == posterior(G, [yes("down")], PARAMS)

    def test_strongest_observation_per_symptom_counts_once(self, G):
        once = posterior(G, [yes("down")], PARAMS)
        twice = posterior(G, [yes("down", 0.3), yes("down"), yes("down", 0.5)], PARAMS)
        assert twice == pytest.approx(once)

    def test_unknown_symptom_id_is_ignored(self, G):
        assert posterior(G, [yes("no-such-symptom")], PARAMS) == posterior(G, [], PARAMS)

    def test_unexplained_evidence_favours_unknown(self, G):
        add_symptom(G, "printer-jam")
        post = posterior(G, [yes("printer-jam")], PARAMS)
        a, b, u = 0.6 * 0.02, 0.2 * 0.02, 0.2 * 0.05  # no cause produces it: leak only
        assert post[UNKNOWN] == pytest.approx(u / (a + b + u))  # 0.385, up from 0.2


class TestBackgroundSymptoms:
    """A symptom linked only with a tiny p (a fact that rules its causes out)."""

    @pytest.fixture
    def H(self, G):
        add_symptom(G, "fast-link", "Is the link 10G?")
        add_effect(G, "a", "fast-link", 0.01)
        return G

    def test_it_rules_out_its_cause_and_leaves_the_others_as_they_were(self, H):
        before = posterior(H, [yes("down")], PARAMS)
        after = posterior(H, [yes("down"), yes("fast-link")], PARAMS)
        assert after["a"] < before["a"] / 10
        # b and unknown keep their ratio: the fact says nothing about them
        assert after["b"] / after[UNKNOWN] == pytest.approx(before["b"] / before[UNKNOWN])

    def test_denying_it_is_mild_evidence_for_its_cause(self, H):
        # P(slow link | a) = 0.99 against 0.5 for everything else: about twice as likely
        before = posterior(H, [yes("down")], PARAMS)
        after = posterior(H, [yes("down"), no("fast-link")], PARAMS)
        odds = lambda p: p["a"] / (1 - p["a"])  # noqa: E731
        assert odds(after) / odds(before) == pytest.approx(0.99 / 0.5, rel=0.1)

    def test_one_clause_read_both_ways_keeps_its_weight_against_unknown(self, H):
        # "the link is a slow 1G one, and it is down" read as one clause: "down" for
        # every hypothesis, and for a also as the denial of the fact that rules a out.
        # Unknown must not read it as that denial, which is the same at any value and
        # would hide what the clause says against unknown.
        said = Origin(OriginKind.MESSAGE, "message", "the slow link is down", span=(0, 21))
        down = Evidence("down", True, 1.0, said)
        slow = Evidence("fast-link", False, 1.0, said)
        alone = posterior(H, [down], PARAMS)
        both = posterior(H, [down, slow], PARAMS)
        assert both["b"] / both[UNKNOWN] == pytest.approx(alone["b"] / alone[UNKNOWN])
        assert both["a"] / both[UNKNOWN] == pytest.approx(alone["a"] / alone[UNKNOWN], rel=0.1)

    def test_a_symptom_a_cause_produces_is_not_background(self, H):
        add_effect(H, "b", "fast-link", 0.6)
        after = posterior(H, [yes("down"), yes("fast-link")], PARAMS)
        assert after["b"] > after["a"]


class TestResemblance:
    """The description's similarity to each cause's passages: one more likelihood ratio."""

    PARAMS = dataclasses.replace(PARAMS, resemblance_weight=10.0, resemblance_floor=0.6)

    def test_by_hand(self, G):
        post = posterior(G, [], self.PARAMS, resemblance={"a": 0.7, "b": 0.5})
        a, b, u = 0.6 * math.exp(10 * 0.1), 0.2 * math.exp(10 * -0.1), 0.2
        assert post == pytest.approx(
            {"a": a / (a + b + u), "b": b / (a + b + u), UNKNOWN: u / (a + b + u)}
        )

    def test_a_description_resembling_nothing_does_not_count_against_every_cause(self, G):
        # nothing reaches the floor: it drops to the best similarity, 0.3
        post = posterior(G, [], self.PARAMS, resemblance={"a": 0.3, "b": 0.2})
        a, b, u = 0.6, 0.2 * math.exp(10 * -0.1), 0.2
        assert post == pytest.approx(
            {"a": a / (a + b + u), "b": b / (a + b + u), UNKNOWN: u / (a + b + u)}
        )

    def test_a_cause_without_a_similarity_gets_no_factor(self, G):
        post = posterior(G, [], self.PARAMS, resemblance={"a": 0.6})
        assert post == pytest.approx(posterior(G, [], self.PARAMS))

    def test_rank_causes_reports_it(self, G):
        ranked = rank_causes(G, [yes("down")], self.PARAMS, resemblance={"b": 0.9})
        assert [(d.cause, d.resemblance) for d in ranked] == [("b", 0.9), ("a", None)]


class TestProducts:
    """A cause specific to a product is weighed down when another product of its family is
    named and none of its own."""

    @pytest.fixture
    def P(self, G):
        G.nodes["a"]["products"] = ("postgresql",)
        return G

    def test_another_product_of_the_family_weighs_it_down_by_other_product(self, P):
        before = posterior(P, [yes("down")], PARAMS)
        after = posterior(P, [yes("down")], PARAMS, products=frozenset({"oracle"}))
        ratio = (after["a"] / after[UNKNOWN]) / (before["a"] / before[UNKNOWN])
        assert ratio == pytest.approx(PARAMS.other_product)
        assert after["b"] / after[UNKNOWN] == pytest.approx(before["b"] / before[UNKNOWN])

    @pytest.mark.parametrize(
        "named", [frozenset(), {"postgresql"}, {"postgresql", "oracle"}, {"vsphere", "f5"}]
    )
    def test_its_own_product_or_another_family_changes_nothing(self, P, named):
        before = posterior(P, [yes("down")], PARAMS)
        assert posterior(P, [yes("down")], PARAMS, products=frozenset(named)) == before

    def test_rank_causes_says_which_products_count_against_it(self, P):
        ranked = rank_causes(P, [yes("down")], PARAMS, products=frozenset({"oracle", "f5"}))
        assert {d.cause: d.other_products for d in ranked} == {"a": ("oracle",), "b": ()}

    def test_its_own_product_said_to_be_absent_weighs_it_down_too(self, P):
        before = posterior(P, [yes("down")], PARAMS)
        after = posterior(P, [yes("down")], PARAMS, absent=frozenset({"postgresql"}))
        ratio = (after["a"] / after[UNKNOWN]) / (before["a"] / before[UNKNOWN])
        assert ratio == pytest.approx(PARAMS.other_product)
        ranked = rank_causes(P, [yes("down")], PARAMS, absent=frozenset({"postgresql"}))
        assert {d.cause: d.other_products for d in ranked} == {"a": ("postgresql",), "b": ()}
        # another product's absence says nothing about it
        assert posterior(P, [yes("down")], PARAMS, absent=frozenset({"oracle"})) == before


class TestRankCauses:
    def test_empty_graph(self):
        assert rank_causes(nx.DiGraph(), []) == []

    def test_evidence_for_and_against(self, G):
        ranked = rank_causes(G, [yes("down"), yes("night")], PARAMS)
        assert [d.cause for d in ranked] == ["a", "b"]
        assert [e.symptom for e in ranked[0].supporting] == ["down", "night"]
        assert [e.symptom for e in ranked[1].contradicting] == ["night"]

    def test_a_denial_speaks_only_for_the_causes_it_concerns(self, G):
        # 'down' is shared by a and b, so it is common outside the KB too (0.1): denying
        # it tells against unknown, but it is no reason for a cause that never shows it
        add_cause(G, "c", 0.1)
        shared = dataclasses.replace(PARAMS, generic_exponent=1.0)
        ranked = {d.cause: d for d in rank_causes(G, [no("down"), yes("night")], shared)}
        assert ranked["c"].supporting == ()
        assert [e.symptom for e in ranked["a"].supporting] == ["night"]

    def test_denial_flips_the_ranking(self, G):
        ranked = rank_causes(G, [yes("down"), no("night")], PARAMS)
        assert ranked[0].confidence == pytest.approx(0.162 / (0.162 + 0.1568 + 0.0095))
        ranked = rank_causes(G, [yes("down"), no("night", 0.99)], PARAMS)
        assert [e.symptom for e in ranked[0].contradicting] == ["night"]


class TestNextQuestion:
    def test_empty_graph(self):
        assert next_question(nx.DiGraph(), []) is None

    def test_asks_the_obviously_discriminating_symptom(self, G):
        q = next_question(G, [yes("down")], params=PARAMS)
        assert (q.symptom, q.text) == ("night", "Only at night?")

    def test_never_asks_observed_or_already_asked(self, G):
        assert next_question(G, [yes("down"), no("night")], params=PARAMS) is None
        assert next_question(G, [yes("down")], asked={"night"}, params=PARAMS) is None

    def test_unknown_evidence_id_does_not_break_it(self, G):
        assert next_question(G, [yes("ghost")], params=PARAMS).symptom in {"down", "night"}


class TestBuildGraph:
    def test_from_kb(self, kb_dir):
        G = build_graph(load_kb(kb_dir))
        assert G.edges["alpha-cause", "alpha-symptom"]["p"] == 0.9
        assert list(G.successors("alpha-cause")) == ["alpha-symptom", "alpha-fix"]
        assert G.nodes["alpha-fix"]["steps"][0].anchor == "fix"

    def test_fix_nodes_are_shared(self):
        G = nx.DiGraph()
        add_cause(G, "a", 0.1)
        add_cause(G, "b", 0.1)
        add_fix(G, "a", "reboot", "Reboot")
        add_fix(G, "b", "reboot", "Reboot")
        assert sorted(G.predecessors("reboot")) == ["a", "b"]

    def test_malformed_article_never_reaches_the_graph(self, kb_dir):
        from assistant.errors import KBError
        from tests.conftest import write_article

        write_article(kb_dir, "broken", "---\nid: broken\ntitle: x\n---\n")
        with pytest.raises(KBError, match="sources: required field is missing"):
            build_graph(load_kb(kb_dir))
