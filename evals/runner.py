"""Run cases through Sherlog and the baselines, and gather the per-case results.

A case's turns go, in order, to one conversation; the last answer is scored. The
baselines see the same text: every turn's message and attachment, joined.
"""

from __future__ import annotations

import dataclasses
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.attachments import Attachment
from assistant.conversation import Conversation
from assistant.errors import SherlogError
from evals.baselines import BM25Baseline, DenseBaseline, ThresholdChoice, choose_threshold
from evals.cases import Case
from evals.interactive import POLICIES, play, summarize_interactive
from evals.metrics import CaseResult, CitationRef, Ranked, summarize, summarize_by_tag

__all__ = ["SPLITS", "EvalRun", "SystemRun", "run_baseline", "run_eval", "run_sherlog"]

SPLITS = ("dev", "test")
# Thresholds used when a run holds no dev case to choose them on: the values chosen on
# the project's dev split for evals/reports/latest.md (2026-11-23).
DEFAULT_THRESHOLDS = {"bm25": 5.292, "dense": 0.533}

Progress = Callable[[str], None]


@dataclass
class SystemRun:
    """One system's results on every case of a run."""

    name: str
    results: list[CaseResult]
    probabilities: bool
    threshold: ThresholdChoice | None = None

    def summary(self, cases: Sequence[str] | None = None, **kwargs: Any) -> dict[str, Any]:
        chosen = [r for r in self.results if cases is None or r.id in cases]
        return summarize(chosen, probabilities=self.probabilities, **kwargs)


@dataclass
class EvalRun:
    """Everything one ``sherlog eval`` measured."""

    cases: list[Case]
    systems: list[SystemRun]
    anchors: dict[str, set[str]] = field(default_factory=dict)
    cause_article: dict[str, str] = field(default_factory=dict)
    max_questions: int = 0  # > 0: an interactive run, with this question budget

    def interactive(self) -> dict[str, Any]:
        """:func:`summarize_interactive` per split (and "all"); empty unless interactive."""
        if not self.max_questions:
            return {}
        records = {r.id: _record(r) for r in self.sherlog.results}
        return {
            split: summarize_interactive([records[i] for i in ids], self.max_questions)
            for split, ids in self.splits().items()
        }

    @property
    def sherlog(self) -> SystemRun:
        return self.systems[0]

    def splits(self) -> dict[str, list[str]]:
        """Case ids per split present in the run, then "all"."""
        out = {s: [c.id for c in self.cases if s in c.tags] for s in SPLITS}
        out = {s: ids for s, ids in out.items() if ids}
        out["all"] = [c.id for c in self.cases]
        return out

    def summarize(self, system: SystemRun, ids: Sequence[str] | None = None) -> dict[str, Any]:
        return system.summary(ids, anchors=self.anchors, cause_article=self.cause_article)

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` document: one record per case, and the summary."""
        extra = {s.name: {r.id: r for r in s.results} for s in self.systems[1:]}
        records = []
        for r in self.sherlog.results:
            record = _record(r)
            record["baselines"] = {
                name: {
                    "ranked": [dataclasses.asdict(x) for x in found[r.id].ranked[:5]],
                    "abstained": not found[r.id].answered,
                    "latency_ms": round(found[r.id].latency_ms, 2),
                }
                for name, found in extra.items()
            }
            records.append(record)
        summary: dict[str, Any] = {}
        for system in self.systems:
            block = {
                **self.summarize(system),
                "splits": {s: self.summarize(system, ids) for s, ids in self.splits().items()},
                "by_tag": summarize_by_tag(
                    system.results,
                    anchors=self.anchors,
                    cause_article=self.cause_article,
                    probabilities=system.probabilities,
                ),
            }
            if system.threshold is not None:
                block["threshold"] = dataclasses.asdict(system.threshold)
            if system is self.sherlog:
                summary.update(block)
            else:
                summary.setdefault("baselines", {})[system.name] = block
        if self.max_questions:
            summary["interactive"] = {
                "max_questions": self.max_questions,
                "splits": self.interactive(),
            }
        return {"cases": records, "summary": summary}


def _record(r: CaseResult) -> dict[str, Any]:
    return {
        "id": r.id,
        "tags": list(r.tags),
        "expected": r.expected,
        "also_ok": list(r.also_ok),
        "ranked": [dataclasses.asdict(x) for x in r.ranked],
        "abstained": r.abstained,
        "unknown_confidence": r.unknown_confidence,
        "correct": r.correct,
        "citations": [dataclasses.asdict(c) for c in r.citations],
        "questions": list(r.questions),
        "latency_ms": round(r.latency_ms, 2),
        **dict(r.extra),
    }


def run_sherlog(
    sherlog,
    cases: Sequence[Case],
    progress: Progress | None = None,
    interactive: int = 0,
) -> list[CaseResult]:
    """Each case as one conversation with ``sherlog``; the last answer is scored.

    With ``interactive`` > 0 the conversation then goes on under each question policy
    of :mod:`evals.interactive`, up to that many simulated answers; the states are kept
    in the record's ``interactive`` field (the scored answer stays the scripted one).
    """
    results = []
    for n, case in enumerate(cases, start=1):
        if progress and (n % 10 == 0 or n == len(cases)):
            progress(f"{n}/{len(cases)} cases diagnosed")
        conversation = Conversation()
        answer, error = None, None
        start = time.perf_counter()
        try:
            for turn in case.turns:
                attachments = [Attachment(name, text.encode()) for name, text in turn.attachments]
                answer = sherlog.reply(conversation, turn.message, attachments)
        except SherlogError as err:  # the case is scored as unanswered, and the error shown
            error = str(err)
        latency = (time.perf_counter() - start) * 1000
        extra: dict[str, Any] = {"turns": len(case.turns)} | ({"error": error} if error else {})
        if answer is None or error:
            results.append(_result(case, (), True, None, (), (), latency, extra))
            continue
        questions = tuple(q.text for q in conversation.questions)
        if interactive:
            snapshot = conversation.to_dict()
            extra["interactive"] = {
                policy: [
                    step.to_dict()
                    for step in play(
                        sherlog,
                        Conversation.from_dict(snapshot),
                        answer,
                        case.expected,
                        policy,
                        random.Random(case.id),
                        interactive,
                    )
                ]
                for policy in POLICIES
            }
        citations = tuple(
            dict.fromkeys(
                CitationRef(d.cause, step.citation.article, step.citation.anchor)
                for d in answer.diagnoses
                for plan in d.fixes
                for step in plan.steps
            )
        )
        results.append(
            _result(
                case,
                tuple(Ranked(d.cause, d.confidence) for d in answer.diagnoses),
                answer.abstained,
                answer.unknown_confidence,
                citations,
                questions,
                latency,
                extra,
            )
        )
    return results


def _result(case, ranked, abstained, unknown, citations, questions, latency, extra) -> CaseResult:
    return CaseResult(
        id=case.id,
        expected=case.expected,
        ranked=ranked,
        abstained=abstained,
        tags=case.tags,
        also_ok=case.also_ok,
        unknown_confidence=unknown,
        citations=citations,
        questions=questions,
        latency_ms=latency,
        extra=extra,
    )


def case_text(case: Case) -> str:
    """Everything the user typed and attached, as one retrieval query."""
    parts = []
    for turn in case.turns:
        parts.append(turn.message)
        parts += [text for _, text in turn.attachments]
    return "\n".join(p for p in parts if p.strip())


def run_baseline(baseline, cases: Sequence[Case]) -> list[CaseResult]:
    """The baseline's ranking for each case, before any abstention threshold."""
    results = []
    for case in cases:
        start = time.perf_counter()
        ranked = baseline.rank(case_text(case))
        latency = (time.perf_counter() - start) * 1000
        results.append(_result(case, ranked, False, None, (), (), latency, {}))
    return results


def _with_threshold(results: list[CaseResult], threshold: float) -> list[CaseResult]:
    return [
        dataclasses.replace(r, abstained=not r.ranked or r.ranked[0].confidence < threshold)
        for r in results
    ]


def _tuned(name: str, results: list[CaseResult], tune_tag: str) -> SystemRun:
    dev = [r for r in results if tune_tag in r.tags]
    outcomes = [
        (r.ranked[0].confidence if r.ranked else None, r.in_kb, r.prediction in r.accepted)
        for r in dev
    ]
    choice = choose_threshold(
        outcomes,
        chosen_on=f"{len(dev)} cases tagged {tune_tag!r}",
        default=DEFAULT_THRESHOLDS[name],
    )
    return SystemRun(name, _with_threshold(results, choice.threshold), False, choice)


def run_eval(
    sherlog,
    cases: Sequence[Case],
    baselines: bool = True,
    tune_tag: str = "dev",
    progress: Progress | None = None,
    interactive: int = 0,
) -> EvalRun:
    """Run Sherlog and, unless told not to, both baselines over ``cases``; with
    ``interactive`` > 0, also up to that many simulated follow-up answers per case."""
    kb = sherlog.kb
    warm_up = getattr(sherlog.embedder, "warm_up", None)
    if warm_up:  # the model loads once, before the clock starts on the first case
        warm_up()
    systems = [SystemRun("sherlog", run_sherlog(sherlog, cases, progress, interactive), True)]
    if baselines:
        for baseline in (BM25Baseline(kb), DenseBaseline(kb, sherlog.index)):
            if progress:
                progress(f"baseline {baseline.name} on {len(cases)} cases")
            systems.append(_tuned(baseline.name, run_baseline(baseline, cases), tune_tag))
    return EvalRun(
        list(cases),
        systems,
        anchors={a.id: {s.anchor for s in a.sections} for a in kb.articles},
        cause_article={c.id: c.article for c in kb.causes.values()},
        max_questions=interactive,
    )
