"""The obvious alternatives Sherlog must beat: retrieval over the same KB passages.

Both baselines rank passages for the user's text and read the answer off the best ones:
the cause a passage speaks for. A passage speaks for

- a cause whose ``cite`` names it (the section explaining that cause), and a cause whose
  fix steps cite it;
- otherwise, every cause of its article (ties go to the higher prior);
- no cause at all when its article defines none (triage and raw articles).

A cause's score is that of its best passage; causes are ranked by score. Each baseline
abstains when its best score is under a threshold chosen on the dev split
(:func:`choose_threshold`), the same treatment for both.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from evals.metrics import Ranked
from kb.model import KnowledgeBase

__all__ = [
    "BM25Baseline",
    "DenseBaseline",
    "ThresholdChoice",
    "choose_threshold",
]


def _rank(
    scored: Sequence[tuple[tuple[str, str], float]],
    owners: dict[tuple[str, str], tuple[str, ...]],
) -> tuple[Ranked, ...]:
    best: dict[str, float] = {}
    for key, score in sorted(scored, key=lambda item: -item[1]):
        for cause in owners.get(key, ()):
            best.setdefault(cause, score)
    return tuple(Ranked(c, s) for c, s in best.items())


def _documents(kb: KnowledgeBase) -> tuple[list[tuple[str, str]], list[str]]:
    keys, texts = [], []
    for article in kb.articles:
        for section in article.sections:
            keys.append((article.id, section.anchor))
            texts.append(f"{article.title}. {section.heading}\n{section.text}")
    return keys, texts


class BM25Baseline:
    """Okapi BM25 keyword retrieval over the article passages (the ``bm25s`` library)."""

    name = "bm25"
    probabilities = False

    def __init__(self, kb: KnowledgeBase) -> None:
        import bm25s

        self._bm25s = bm25s
        self._owners = kb.passage_causes
        self._keys, texts = _documents(kb)
        self._retriever = bm25s.BM25()
        self._retriever.index(self._tokens(texts), show_progress=False)

    def _tokens(self, texts: list[str]):
        return self._bm25s.tokenize(texts, stopwords="en", show_progress=False)

    def rank(self, text: str) -> tuple[Ranked, ...]:
        (query,) = self._bm25s.tokenize(
            [text], stopwords="en", show_progress=False, return_ids=False
        )
        if not query:
            return ()
        scores = self._retriever.get_scores(query)
        return _rank(
            [(k, float(s)) for k, s in zip(self._keys, scores, strict=True) if s > 0],
            self._owners,
        )


class DenseBaseline:
    """Plain LangChain RAG retrieval: the same MiniLM vectors in the same Chroma index."""

    name = "dense"
    probabilities = False  # cosine similarity, not a probability

    def __init__(self, kb: KnowledgeBase, index) -> None:
        self._owners = kb.passage_causes
        self._store = index.passage_store()
        self._k = sum(len(a.sections) for a in kb.articles) or 1  # rank every passage

    def rank(self, text: str) -> tuple[Ranked, ...]:
        # Chroma returns cosine distances (the collections are cosine-space); the score is
        # the cosine similarity, as Sherlog's own passage search reports it.
        found = self._store.similarity_search_with_score(text, k=self._k)
        return _rank(
            [((d.metadata["article"], d.metadata["anchor"]), 1.0 - float(s)) for d, s in found],
            self._owners,
        )


@dataclass(frozen=True)
class ThresholdChoice:
    """An abstention threshold and how it was chosen."""

    threshold: float
    right: int  # dev cases decided right at this threshold
    cases: int
    chosen_on: str


def choose_threshold(
    outcomes: Sequence[tuple[float | None, bool, bool]],
    chosen_on: str = "dev",
    default: float = 0.0,
) -> ThresholdChoice:
    """The top-score threshold under which abstaining decides the most cases right.

    ``outcomes`` holds, per case, (best score or None when nothing was retrieved,
    whether the case expects a cause, whether the top cause is acceptable). A case is
    decided right when it is answered correctly at or above the threshold, or abstained
    on below it while expecting no cause. Among equally good thresholds the lowest wins:
    answer when in doubt, as a retrieval pipeline would.

    >>> choose_threshold([(0.9, True, True), (0.4, False, False), (0.6, True, True)]).threshold
    0.6
    """
    if not outcomes:
        return ThresholdChoice(default, 0, 0, "default (no dev cases)")
    candidates = sorted({s for s, _, _ in outcomes if s is not None} | {0.0, math.inf})

    def right(t: float) -> int:
        return sum(
            (score is not None and score >= t and in_kb and ok)
            or ((score is None or score < t) and not in_kb)
            for score, in_kb, ok in outcomes
        )

    best = max(candidates, key=lambda t: (right(t), -t))
    return ThresholdChoice(best, right(best), len(outcomes), chosen_on)
