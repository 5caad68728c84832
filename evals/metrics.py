"""Scoring: pure functions over case results, unit-tested on hand-made inputs.

Conventions, applied to Sherlog and the baselines alike:

- A case is *in-KB* when it expects a cause, *out-of-KB* when it expects abstention.
- An abstention answers nothing: on an in-KB case it is a miss for AC@1, AC@3 and MRR,
  whatever candidates were listed beside the "I don't know".
- The top-1 decision of an answer is its first cause, or "abstain"; its confidence is
  that cause's, or the confidence in "unknown" when it abstained. Calibration (ECE,
  Brier) is measured on that decision over every case, so a confident abstention on an
  out-of-KB case counts as a confident right answer.
- A metric with no case to measure it on is ``None``, shown as a dash.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

__all__ = [
    "CaseResult",
    "CitationRef",
    "Ranked",
    "abstention_frontier",
    "abstention_precision_recall",
    "accuracy_at_k",
    "brier_score",
    "citation_validity",
    "expected_calibration_error",
    "false_answer_rate",
    "macro_f1",
    "mean_reciprocal_rank",
    "percentile",
    "reliability_bins",
    "summarize",
    "summarize_by_tag",
]

ECE_BINS = 10


@dataclass(frozen=True)
class Ranked:
    cause: str
    confidence: float


@dataclass(frozen=True)
class CitationRef:
    """A citation shown under a diagnosis: the cause it supports and where it points."""

    cause: str
    article: str
    anchor: str


@dataclass(frozen=True)
class CaseResult:
    """What one system answered on one case."""

    id: str
    expected: str | None
    ranked: tuple[Ranked, ...]
    abstained: bool
    tags: tuple[str, ...] = ()
    also_ok: tuple[str, ...] = ()
    unknown_confidence: float | None = None
    citations: tuple[CitationRef, ...] = ()
    questions: tuple[str, ...] = ()
    latency_ms: float = 0.0
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def in_kb(self) -> bool:
        return self.expected is not None

    @property
    def answered(self) -> bool:
        return not self.abstained and bool(self.ranked)

    @property
    def prediction(self) -> str | None:
        """The top cause, or None for "I don't know"."""
        return self.ranked[0].cause if self.answered else None

    @property
    def accepted(self) -> frozenset[str | None]:
        return frozenset({self.expected, *self.also_ok})

    @property
    def correct(self) -> bool:
        return self.prediction in self.accepted

    @property
    def confidence(self) -> float | None:
        """Confidence in the top-1 decision (see the module docstring)."""
        if self.answered:
            return self.ranked[0].confidence
        return self.unknown_confidence

    def rank(self) -> int | None:
        """1-based rank of the first accepted cause, None if absent or abstained."""
        if not self.answered:
            return None
        for n, r in enumerate(self.ranked, start=1):
            if r.cause in self.accepted:
                return n
        return None


def _ratio(hits: int, total: int) -> float | None:
    return hits / total if total else None


def accuracy_at_k(results: Iterable[CaseResult], k: int) -> float | None:
    """Share of in-KB cases whose expected cause is in the top ``k``.

    >>> r = lambda exp, *causes: CaseResult("x", exp, tuple(Ranked(c, 0.5) for c in causes), False)
    >>> accuracy_at_k([r("a", "a", "b"), r("a", "b", "a"), r(None, "a")], 1)
    0.5
    >>> accuracy_at_k([r("a", "a", "b"), r("a", "b", "a")], 3)
    1.0
    """
    ranks = [r.rank() for r in results if r.in_kb]
    return _ratio(sum(1 for n in ranks if n is not None and n <= k), len(ranks))


def mean_reciprocal_rank(results: Iterable[CaseResult]) -> float | None:
    """Mean of 1/rank of the expected cause over in-KB cases (0 when absent)."""
    ranks = [r.rank() for r in results if r.in_kb]
    if not ranks:
        return None
    return sum(1 / n for n in ranks if n is not None) / len(ranks)


def macro_f1(results: Iterable[CaseResult]) -> float | None:
    """Unweighted mean F1 over causes, on in-KB cases, from the top-1 decision.

    Labels are every expected cause and every cause predicted at rank 1; a prediction in
    ``also_ok`` counts as the expected cause; an abstention predicts no label.

    >>> r = lambda exp, pred: CaseResult("x", exp, (Ranked(pred, 0.9),), False)
    >>> macro_f1([r("a", "a"), r("b", "a")])  # F1(a) = 2/3, F1(b) = 0
    0.3333333333333333
    """
    pairs = []
    for r in results:
        if not r.in_kb:
            continue
        predicted = r.expected if r.correct else r.prediction
        pairs.append((r.expected, predicted))
    if not pairs:
        return None
    labels = {e for e, _ in pairs} | {p for _, p in pairs if p is not None}
    scores = []
    for label in sorted(labels):
        tp = sum(1 for e, p in pairs if e == label and p == label)
        fp = sum(1 for e, p in pairs if e != label and p == label)
        fn = sum(1 for e, p in pairs if e == label and p != label)
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores)


def false_answer_rate(results: Iterable[CaseResult]) -> float | None:
    """Share of out-of-KB cases that got a diagnosis instead of "I don't know"."""
    outside = [r for r in results if not r.in_kb]
    return _ratio(sum(1 for r in outside if r.answered), len(outside))


def abstention_precision_recall(
    results: Iterable[CaseResult],
) -> tuple[float | None, float | None]:
    """Precision and recall of abstaining, over every case (positive: "should abstain")."""
    results = list(results)
    abstained = [r for r in results if not r.answered]
    should = [r for r in results if not r.in_kb]
    right = sum(1 for r in abstained if not r.in_kb)
    return _ratio(right, len(abstained)), _ratio(right, len(should))


FRONTIER_LIMITS = (0.05, 0.10, 0.20)


def abstention_frontier(
    results: Iterable[CaseResult], limits: Sequence[float] = FRONTIER_LIMITS
) -> list[dict[str, float]]:
    """What a threshold on the confidence in "unknown" could reach instead of Sherlog's
    rule (abstain when "unknown" has the largest posterior): for each limit on the
    false-answer rate, the threshold t (answer when the confidence in "unknown" is under
    t, with the causes as ranked) that gives the best AC@3, then AC@1, on these cases, and
    what it gives. This is an oracle chosen on the cases it is scored on: it shows the
    trade-off between the two kinds of error, not a setting. Empty without both in-KB
    and out-of-KB cases that carry an "unknown" confidence (the baselines have none).

    >>> r = lambda i, exp, u, *causes: CaseResult(
    ...     i, exp, tuple(Ranked(c, 0.5) for c in causes), u >= 0.5, unknown_confidence=u)
    >>> cases = [r("1", "a", 0.1, "a"), r("2", "b", 0.6, "b"), r("3", None, 0.3, "a"),
    ...          r("4", None, 0.9, "a")]
    >>> [(f["limit"], f["threshold"], f["far"], f["ac@3"]) for f in abstention_frontier(cases)]
    [(0.05, 0.3, 0.0, 0.5), (0.1, 0.3, 0.0, 0.5), (0.2, 0.3, 0.0, 0.5)]
    >>> abstention_frontier(cases, [0.5])[0]["ac@3"]  # answering case 3 wrongly buys case 2
    1.0
    """
    scored = [r for r in results if r.unknown_confidence is not None]
    in_kb = [r for r in scored if r.in_kb]
    outside = [r for r in scored if not r.in_kb]
    if not in_kb or not outside:
        return []

    # the rank each in-KB case would have if it answered
    ranks = [(r.unknown_confidence, replace(r, abstained=False).rank()) for r in in_kb]
    unknowns = sorted({u for u, _ in ranks} | {r.unknown_confidence for r in outside})
    points = []
    for t in [*unknowns, math.inf]:
        far = sum(1 for r in outside if r.ranked and r.unknown_confidence < t) / len(outside)
        hits = [n for u, n in ranks if u < t and n is not None]
        ac3 = sum(1 for n in hits if n <= 3) / len(in_kb)
        ac1 = sum(1 for n in hits if n == 1) / len(in_kb)
        points.append((t, far, ac1, ac3))
    frontier = []
    for limit in limits:
        allowed = [p for p in points if p[1] <= limit + 1e-12]
        t, far, ac1, ac3 = max(allowed, key=lambda p: (p[3], p[2], -p[1]))
        frontier.append({"limit": limit, "threshold": t, "far": far, "ac@1": ac1, "ac@3": ac3})
    return frontier


def reliability_bins(
    confidences: Sequence[float], correct: Sequence[bool], bins: int = ECE_BINS
) -> list[tuple[int, float, float]]:
    """Per equal-width bin: (count, mean confidence, accuracy); empty bins give (0, nan, nan)."""
    if len(confidences) != len(correct):
        raise ValueError("confidences and correct differ in length")
    members: list[list[int]] = [[] for _ in range(bins)]
    for i, c in enumerate(confidences):
        if not 0.0 <= c <= 1.0:
            raise ValueError(f"confidence must lie in [0, 1], got {c}")
        members[min(int(c * bins), bins - 1)].append(i)
    out = []
    for idx in members:
        if not idx:
            out.append((0, math.nan, math.nan))
            continue
        out.append(
            (
                len(idx),
                sum(confidences[i] for i in idx) / len(idx),
                sum(1 for i in idx if correct[i]) / len(idx),
            )
        )
    return out


def expected_calibration_error(
    confidences: Sequence[float], correct: Sequence[bool], bins: int = ECE_BINS
) -> float | None:
    """ECE: the count-weighted gap between accuracy and confidence, equal-width bins.

    >>> expected_calibration_error([0.9, 0.9, 0.2, 0.2], [True, False, False, False])
    0.3
    """
    if not confidences:
        return None
    total = len(confidences)
    gap = sum(
        n / total * abs(accuracy - mean)
        for n, mean, accuracy in reliability_bins(confidences, correct, bins)
        if n
    )
    return round(gap, 12)


def brier_score(confidences: Sequence[float], correct: Sequence[bool]) -> float | None:
    """Mean squared gap between the top-1 confidence and the 0/1 outcome.

    >>> brier_score([1.0, 0.5], [True, False])
    0.125
    """
    if not confidences:
        return None
    return sum((c - float(k)) ** 2 for c, k in zip(confidences, correct, strict=True)) / len(
        confidences
    )


def citation_validity(
    results: Iterable[CaseResult],
    anchors: Mapping[str, Iterable[str]],
    cause_article: Mapping[str, str],
) -> float | None:
    """Share of shown citations that name an existing anchor of their cause's own article.

    ``anchors`` maps article id to its section anchors, ``cause_article`` cause id to the
    article that defines it.
    """
    known = {article: set(a) for article, a in anchors.items()}
    cited = [c for r in results for c in r.citations]
    valid = sum(
        1
        for c in cited
        if cause_article.get(c.cause) == c.article and c.anchor in known.get(c.article, ())
    )
    return _ratio(valid, len(cited))


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (0..100), linearly interpolated like numpy's default.

    >>> percentile([10, 20, 30, 40], 50)
    25.0
    """
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summarize(
    results: Sequence[CaseResult],
    anchors: Mapping[str, Iterable[str]] | None = None,
    cause_article: Mapping[str, str] | None = None,
    probabilities: bool = True,
) -> dict[str, Any]:
    """Every metric for one system on one set of cases.

    ``probabilities`` says whether the confidences are probabilities; ECE and Brier are
    only computed for those (a BM25 score is not one).
    """
    results = list(results)
    decided = [r for r in results if r.confidence is not None]
    confidences = [r.confidence for r in decided]
    correct = [r.correct for r in decided]
    precision, recall = abstention_precision_recall(results)
    latencies = [r.latency_ms for r in results]
    return {
        "cases": len(results),
        "in_kb": sum(1 for r in results if r.in_kb),
        "out_of_kb": sum(1 for r in results if not r.in_kb),
        "ac@1": accuracy_at_k(results, 1),
        "ac@3": accuracy_at_k(results, 3),
        "mrr": mean_reciprocal_rank(results),
        "macro_f1": macro_f1(results),
        "false_answer_rate": false_answer_rate(results),
        "abstention_precision": precision,
        "abstention_recall": recall,
        "ece": expected_calibration_error(confidences, correct) if probabilities else None,
        "brier": brier_score(confidences, correct) if probabilities else None,
        "citation_validity": (
            citation_validity(results, anchors, cause_article)
            if anchors is not None and cause_article is not None
            else None
        ),
        "latency_p50_ms": percentile(latencies, 50),
        "latency_p95_ms": percentile(latencies, 95),
    }


def summarize_by_tag(results: Sequence[CaseResult], **kwargs: Any) -> dict[str, dict[str, Any]]:
    """:func:`summarize` for the cases carrying each tag, tags sorted."""
    tags = sorted({t for r in results for t in r.tags})
    return {t: summarize([r for r in results if t in r.tags], **kwargs) for t in tags}
