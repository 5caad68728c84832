"""Find KB log patterns in text: each hit located by source and line, repeats counted."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from graph.evidence import Evidence, Origin, OriginKind
from kb.model import KnowledgeBase
from kb.patterns import DistinctSet, PatternSet, SequenceSet

__all__ = [
    "LOG_STRENGTH",
    "LogHit",
    "compile_distinct",
    "compile_patterns",
    "compile_sequences",
    "hits_to_evidence",
    "scan",
    "scan_distinct",
    "scan_sequences",
]

LOG_STRENGTH = 0.95  # a product's own message is near-certain evidence of its symptom
MAX_LINE_CHARS = 8192  # longer lines are matched on their first 8 KiB
MAX_LINES_KEPT = 1000


@dataclass(frozen=True)
class LogHit:
    """Every line of one source that shows one symptom."""

    symptom: str
    source: str
    first_line: int
    text: str
    span: tuple[int, int] | None
    count: int
    spans: tuple[tuple[int, int, int], ...] = ()  # (line, start, end), up to MAX_LINES_KEPT


def compile_patterns(kb: KnowledgeBase) -> PatternSet:
    """One RE2 set over every symptom pattern in the KB, keyed by symptom id."""
    return PatternSet((s.id, p) for s in kb.symptoms.values() for p in s.patterns)


def compile_distinct(kb: KnowledgeBase) -> DistinctSet:
    """Every symptom's ``distinct`` patterns (one key, two values), keyed by symptom id."""
    return DistinctSet((s.id, p) for s in kb.symptoms.values() for p in s.distinct)


def scan_distinct(distinct: DistinctSet, source: str, text: str) -> list[LogHit]:
    """A hit for each symptom whose key shows two values in ``text``, located at the line
    where the second value appeared; the hit's text names the values and their lines."""
    return [
        LogHit(
            c.symptom,
            source,
            c.values[1][1],
            c.summary,
            None,
            len(c.spans),
            c.spans,
        )
        for c in distinct.conflicts(text, MAX_LINE_CHARS)
    ]


def compile_sequences(kb: KnowledgeBase) -> SequenceSet:
    """Every symptom's line sequences (a command, then its telling result)."""
    return SequenceSet(
        (s.id, q.first, q.then, q.within, q.until)
        for s in kb.symptoms.values()
        for q in s.sequences
    )


def scan_sequences(sequences: SequenceSet, source: str, text: str) -> list[LogHit]:
    """A hit for each symptom whose sequence completes in ``text``, located at the line
    that completed it; the hit's text shows both lines."""
    return [
        LogHit(c.symptom, source, c.then[0], c.summary, None, c.count, c.spans)
        for c in sequences.chains(text, MAX_LINE_CHARS)
    ]


def scan(patterns: PatternSet, source: str, text: str) -> list[LogHit]:
    """Hits of ``patterns`` in ``text``, one per symptom, with the first line and a count."""
    first: dict[str, tuple[int, str]] = {}
    counts: dict[str, int] = {}
    where: dict[str, list[tuple[int, int, int]]] = {}
    for number, line in enumerate(text.split("\n"), 1):
        line = line[:MAX_LINE_CHARS]
        for symptom in patterns.match(line):
            counts[symptom] = counts.get(symptom, 0) + 1
            first.setdefault(symptom, (number, line))
            kept = where.setdefault(symptom, [])
            if len(kept) < MAX_LINES_KEPT:
                start, end = patterns.span(symptom, line) or (0, len(line))
                kept.append((number, start, end))
    return [
        LogHit(
            symptom,
            source,
            number,
            line.strip(),
            patterns.span(symptom, line.strip()),
            counts[symptom],
            tuple(where[symptom]),
        )
        for symptom, (number, line) in first.items()
    ]


def hits_to_evidence(hits: Iterable[LogHit]) -> list[Evidence]:
    """Hard-ish evidence that each hit's symptom is present."""
    return [
        Evidence(
            h.symptom,
            True,
            LOG_STRENGTH,
            Origin(OriginKind.LOG, h.source, h.text, line=h.first_line, span=h.span, count=h.count),
        )
        for h in hits
    ]
