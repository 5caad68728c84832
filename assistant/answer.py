"""The Answer value every front end renders, and how it is composed from a ranking.

A step without a citation cannot be built: :class:`FixStep` requires one, and the
citation carries the quoted passage, resolved against the loaded KB.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

import networkx as nx

from graph import Diagnosis, Evidence, Question
from kb.index import PassageHit

if TYPE_CHECKING:
    from assistant.logread import LogReport
from kb.model import KnowledgeBase
from kb.products import product_note

__all__ = [
    "CONFIDENT",
    "MAX_DIAGNOSES",
    "Answer",
    "Citation",
    "FixPlan",
    "FixStep",
    "RankedCause",
    "compose_answer",
]

MAX_DIAGNOSES = 5
MAX_CHECKS = 3
MIN_SHOWN_CONFIDENCE = 0.01
# At or above this posterior the top cause is the answer: Sherlog stops asking and gives
# the fix. Below it, it asks the most informative question. The posteriors are fitted on
# the dev split for calibration (ECE in evals/reports/latest.md), so 0.9 means about one
# such answer in ten is wrong.
CONFIDENT = 0.9


@dataclass(frozen=True)
class Citation:
    """The KB passage a step comes from, quoted."""

    article: str
    anchor: str
    heading: str
    passage: str


@dataclass(frozen=True)
class FixStep:
    text: str
    citation: Citation


@dataclass(frozen=True)
class FixPlan:
    fix: str
    title: str
    steps: tuple[FixStep, ...]


@dataclass(frozen=True)
class RankedCause:
    """A candidate root cause as shown to the user."""

    cause: str
    title: str
    article: str
    confidence: float
    supporting: tuple[Evidence, ...]
    contradicting: tuple[Evidence, ...]
    fixes: tuple[FixPlan, ...]
    resembles: PassageHit | None = None  # the passage the description is closest to
    # why the products the user named count against it (kb.products), or ""
    product_note: str = ""
    # a differential passage (a look-alike of this cause) the description resembles more
    # than any passage about the cause itself: it counts against the cause
    unlike: PassageHit | None = None


@dataclass(frozen=True)
class Answer:
    """Everything Sherlog has to say about one question."""

    query: str
    diagnoses: tuple[RankedCause, ...]
    unknown_confidence: float
    abstained: bool
    next_question: Question | None
    related: tuple[PassageHit, ...]
    evidence: tuple[Evidence, ...]
    notes: tuple[str, ...] = ()
    # when Sherlog does not know: the most informative things nobody has reported yet,
    # as checks to run (the data to collect next)
    checks: tuple[Question, ...] = ()
    # what was read of each attachment of the turn: logs, skipped members, templates
    logs: tuple[LogReport, ...] = ()

    @property
    def confident(self) -> bool:
        """The top cause is sure enough to stop asking (``CONFIDENT``)."""
        return (
            not self.abstained
            and bool(self.diagnoses)
            and self.diagnoses[0].confidence >= CONFIDENT
        )

    @property
    def citations(self) -> list[Citation]:
        """Every citation of every shown fix step, in order, without repeats."""
        seen: dict[tuple[str, str], Citation] = {}
        for diagnosis in self.diagnoses:
            for plan in diagnosis.fixes:
                for step in plan.steps:
                    key = (step.citation.article, step.citation.anchor)
                    seen.setdefault(key, step.citation)
        return list(seen.values())

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (enums as their values)."""
        return _plain(dataclasses.asdict(self)) | {
            "citations": [dataclasses.asdict(c) for c in self.citations]
        }


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _fix_plans(G: nx.DiGraph, kb: KnowledgeBase, cause: str) -> tuple[FixPlan, ...]:
    plans = []
    for fix_id in G.successors(cause):
        fix = kb.fixes.get(fix_id)
        if fix is None:
            continue
        steps = []
        for step in fix.steps:
            section = kb.passage(step.article, step.anchor)
            if section is None:  # the loader refuses such a KB; never show an uncited step
                continue
            steps.append(
                FixStep(
                    step.text, Citation(step.article, step.anchor, section.heading, section.text)
                )
            )
        if steps:
            plans.append(FixPlan(fix.id, fix.title, tuple(steps)))
    return tuple(plans)


def compose_answer(
    query: str,
    G: nx.DiGraph,
    kb: KnowledgeBase,
    ranking: Sequence[Diagnosis],
    unknown_confidence: float,
    evidence: Sequence[Evidence],
    question: Question | None,
    related: Sequence[PassageHit],
    resembling: Mapping[str, PassageHit] | None = None,
    notes: Sequence[str] = (),
    informative: Sequence[Question] = (),
    unlike: Mapping[str, PassageHit] | None = None,
) -> Answer:
    """Turn a ranking into an Answer: top candidates with cited fixes, or an abstention.

    A candidate is shown when something speaks for it: a supporting observation, or a
    description that resembles its passages (``resembling`` holds only the causes whose
    closest passage is above the resemblance floor). ``unlike`` holds, for a cause, the
    differential passage the description resembles more than the cause's own passages.

    ``question`` is asked unless the top cause is confident (``CONFIDENT``) or nothing
    points at any cause. On an abstention with candidates, the first ``MAX_CHECKS`` of
    ``informative`` (unobserved symptoms, most informative first) become the checks to
    run next.
    """
    resembling = resembling or {}
    unlike = unlike or {}
    top = ranking[0].confidence if ranking else 0.0
    shown = tuple(
        RankedCause(
            d.cause,
            d.title,
            G.nodes[d.cause].get("article", ""),
            d.confidence,
            d.supporting,
            d.contradicting,
            _fix_plans(G, kb, d.cause),
            resembling.get(d.cause),
            product_note(G.nodes[d.cause].get("products", ()), d.other_products),
            unlike.get(d.cause),
        )
        for d in ranking[:MAX_DIAGNOSES]
        if d.confidence >= MIN_SHOWN_CONFIDENCE and (d.supporting or d.cause in resembling)
    )
    # Nothing said points at any cause: a prior is not a diagnosis, whatever its size.
    abstained = unknown_confidence >= top or not shown
    checks: tuple[Question, ...] = ()
    if top >= CONFIDENT or not shown:
        question = None
    elif abstained:
        checks = tuple(informative[:MAX_CHECKS])
    return Answer(
        query,
        shown,
        unknown_confidence,
        abstained,
        question,
        tuple(related),
        tuple(evidence),
        tuple(notes),
        checks,
    )
