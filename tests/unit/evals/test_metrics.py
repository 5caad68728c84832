"""The metrics, on hand-made results whose right figures are worked out by hand."""

from __future__ import annotations

import math

import pytest

from evals.metrics import (
    CaseResult,
    CitationRef,
    Ranked,
    abstention_frontier,
    abstention_precision_recall,
    accuracy_at_k,
    brier_score,
    citation_validity,
    expected_calibration_error,
    false_answer_rate,
    macro_f1,
    mean_reciprocal_rank,
    percentile,
    reliability_bins,
    summarize,
    summarize_by_tag,
)


def result(expected, *causes, abstained=False, also_ok=(), unknown=0.1, tags=(), conf=None):
    ranked = tuple(
        Ranked(c, conf if conf is not None and i == 0 else 0.5 / (i + 1))
        for i, c in enumerate(causes)
    )
    return CaseResult(
        "x", expected, ranked, abstained, tags=tags, also_ok=also_ok, unknown_confidence=unknown
    )


class TestAccuracy:
    def test_empty_input_has_no_figure(self):
        assert accuracy_at_k([], 1) is None
        assert mean_reciprocal_rank([]) is None
        assert macro_f1([]) is None

    def test_ac_at_k_and_mrr(self):
        results = [
            result("a", "a", "b", "c"),  # rank 1
            result("a", "b", "c", "a"),  # rank 3
            result("a", "b", "c", "d", "a"),  # rank 4
            result("a", "a", abstained=True),  # abstained: a miss everywhere
            result(None, "a"),  # out-of-KB: not counted
        ]
        assert accuracy_at_k(results, 1) == 0.25
        assert accuracy_at_k(results, 3) == 0.5
        assert mean_reciprocal_rank(results) == pytest.approx((1 + 1 / 3 + 1 / 4 + 0) / 4)

    def test_also_ok_counts_at_rank_one(self):
        assert accuracy_at_k([result("a", "b", "a", also_ok=("b",))], 1) == 1.0

    def test_macro_f1_worked_example(self):
        # a: tp 1, fp 1 (from the b case), fn 1 (abstained a case) -> F1 = 2/4 = 0.5
        # b: tp 0, fn 1 -> 0
        results = [result("a", "a"), result("b", "a"), result("a", "a", abstained=True)]
        assert macro_f1(results) == pytest.approx(0.25)


class TestAbstention:
    def test_false_answer_rate_only_looks_out_of_kb(self):
        results = [result(None, "a"), result(None, "a", abstained=True), result("a", "b")]
        assert false_answer_rate(results) == 0.5
        assert false_answer_rate([result("a", "a")]) is None

    def test_empty_ranking_is_an_abstention(self):
        assert false_answer_rate([result(None)]) == 0.0

    def test_precision_and_recall(self):
        results = [
            result(None, "a", abstained=True),  # right abstention
            result("a", "a", abstained=True),  # wrong abstention
            result(None, "a"),  # missed abstention
            result("a", "a"),
        ]
        assert abstention_precision_recall(results) == (0.5, 0.5)
        assert abstention_precision_recall([result("a", "a")]) == (None, None)


class TestCalibration:
    def test_perfectly_calibrated(self):
        confidences = [0.75] * 4
        assert expected_calibration_error(confidences, [True, True, True, False]) == 0.0

    def test_worked_example_over_two_bins(self):
        # bin 9: conf .95, acc 0 -> gap .95, weight 1/4; bin 5: conf .5, acc 2/3 -> 1/6, 3/4
        ece = expected_calibration_error([0.95, 0.5, 0.5, 0.5], [False, True, True, False])
        assert ece == pytest.approx(0.95 / 4 + (1 / 6) * 3 / 4)

    def test_confidence_one_lands_in_the_last_bin(self):
        bins = reliability_bins([1.0, 0.0], [True, False])
        assert bins[9][0] == 1 and bins[0][0] == 1
        assert math.isnan(bins[5][1])

    def test_out_of_range_confidence_is_refused(self):
        with pytest.raises(ValueError, match=r"got 1\.2"):
            reliability_bins([1.2], [True])

    def test_brier(self):
        assert brier_score([0.8, 0.3], [True, False]) == pytest.approx((0.04 + 0.09) / 2)
        assert brier_score([], []) is None

    def test_abstention_is_scored_with_the_unknown_confidence(self):
        right = result(None, "a", abstained=True, unknown=0.9)
        wrong = result("a", "b", conf=0.8)
        assert (right.correct, right.confidence) == (True, 0.9)
        assert (wrong.correct, wrong.confidence) == (False, 0.8)
        summary = summarize([right, wrong])
        assert summary["brier"] == pytest.approx((0.01 + 0.64) / 2)


class TestCitations:
    def test_validity_needs_the_anchor_in_the_causes_own_article(self):
        anchors = {"art-a": {"fix", "cause"}, "art-b": {"fix"}}
        owner = {"a": "art-a", "b": "art-b"}
        cited = CaseResult(
            "x",
            "a",
            (Ranked("a", 0.9),),
            False,
            citations=(
                CitationRef("a", "art-a", "fix"),  # valid
                CitationRef("a", "art-a", "nowhere"),  # no such anchor
                CitationRef("a", "art-b", "fix"),  # another cause's article
                CitationRef("ghost", "art-a", "fix"),  # unknown cause
            ),
        )
        assert citation_validity([cited], anchors, owner) == 0.25
        assert citation_validity([result("a", "a")], anchors, owner) is None


class TestLatencyAndSlices:
    def test_percentiles_interpolate(self):
        assert percentile([5.0], 95) == 5.0
        assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95) == pytest.approx(9.55)
        assert percentile([], 50) is None

    def test_every_metric_is_sliced_by_tag(self):
        results = [
            result("a", "a", tags=("dev", "logs")),
            result("a", "b", tags=("dev",)),
            result(None, "a", tags=("test",)),
        ]
        by_tag = summarize_by_tag(results)
        assert sorted(by_tag) == ["dev", "logs", "test"]
        assert by_tag["dev"]["ac@1"] == 0.5
        assert by_tag["logs"]["ac@1"] == 1.0
        assert by_tag["test"]["false_answer_rate"] == 1.0
        assert by_tag["test"]["ac@1"] is None

    def test_scores_that_are_not_probabilities_get_no_calibration(self):
        summary = summarize([result("a", "a", conf=7.5)], probabilities=False)
        assert summary["ece"] is None and summary["brier"] is None
        assert summary["ac@1"] == 1.0


class TestAbstentionFrontier:
    def cases(self):
        # in-KB: right at rank 1 with unknown 0.2; right at rank 3 with unknown 0.5;
        # ranked out with unknown 0.1. Out-of-KB: unknown 0.3 and 0.7.
        return [
            result("a", "a", "b", unknown=0.2),
            result("b", "c", "d", "b", unknown=0.5),
            result("e", "c", unknown=0.1),
            result(None, "a", unknown=0.3),
            result(None, "b", unknown=0.7),
        ]

    def test_each_cap_gets_the_best_threshold_under_it(self):
        tight, loose, anything = abstention_frontier(self.cases(), [0.0, 0.5, 1.0])
        # no false answer: answer only below 0.3, which keeps the rank-1 case
        assert (tight["threshold"], tight["far"], tight["ac@1"]) == (0.3, 0.0, pytest.approx(1 / 3))
        assert tight["ac@3"] == pytest.approx(1 / 3)
        # one false answer of two buys the rank-3 case
        assert (loose["threshold"], loose["far"], loose["ac@3"]) == (0.7, 0.5, pytest.approx(2 / 3))
        # answering everything reaches no more, so the lower false-answer rate is kept
        assert (anything["far"], anything["ac@3"]) == (0.5, pytest.approx(2 / 3))

    def test_needs_both_kinds_of_case_with_an_unknown_confidence(self):
        assert abstention_frontier(self.cases()[:3]) == []
        assert abstention_frontier([result("a", "a", unknown=None), result(None, "a")]) == []
