"""Find KB log patterns in text: each hit located by source and line, repeats counted."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import netaddr

from assistant.timestamps import line_time
from graph.evidence import Evidence, Origin, OriginKind
from kb.model import KnowledgeBase
from kb.patterns import Chain, Conflict, DistinctSet, PatternSet, SequenceSet

if TYPE_CHECKING:
    from assistant.logstream import LineFilter

__all__ = [
    "LOG_STRENGTH",
    "LogHit",
    "LogReaders",
    "PatternTally",
    "chain_hits",
    "compile_distinct",
    "compile_patterns",
    "compile_readers",
    "compile_sequences",
    "compile_vendor_rules",
    "conflict_hits",
    "hits_to_evidence",
    "mac_vendor",
    "scan",
    "scan_all",
    "scan_distinct",
    "scan_sequences",
]

LOG_STRENGTH = 0.95  # a product's own message is near-certain evidence of its symptom
# MACs of two vendors answering for one IP are two machines, unless one server bonds NICs
# from two makers: strong evidence, less sure than a product's own message.
VENDOR_STRENGTH = 0.8
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
    strength: float = LOG_STRENGTH
    present: bool = True  # False: the lines show the symptom is not there
    last_line: int | None = None  # the last line that showed it, when more than one did
    first_time: str | None = None  # the timestamps of the first and last line, as printed
    last_time: str | None = None


def compile_patterns(kb: KnowledgeBase) -> PatternSet:
    """One RE2 set over every symptom pattern in the KB, keyed by symptom id."""
    return PatternSet((s.id, p) for s in kb.symptoms.values() for p in s.patterns)


def compile_distinct(kb: KnowledgeBase) -> DistinctSet:
    """Every symptom's ``distinct`` patterns (one key, two values), keyed by symptom id."""
    return DistinctSet((s.id, p) for s in kb.symptoms.values() for p in s.distinct)


def compile_vendor_rules(kb: KnowledgeBase) -> dict[str, tuple[str, ...]]:
    """Symptom with ``distinct`` patterns -> the symptoms seen when the MACs it finds for
    one key come from different vendors (their ``different_vendors``)."""
    rules: dict[str, tuple[str, ...]] = {}
    for s in kb.symptoms.values():
        if s.different_vendors:
            rules[s.different_vendors] = (*rules.get(s.different_vendors, ()), s.id)
    return rules


@functools.lru_cache(maxsize=4096)
def mac_vendor(value: str) -> str | None:
    """The organisation the IEEE registered a MAC address's OUI to, in any notation; None
    for a locally administered MAC (a Windows NLB cluster MAC, a bond's chosen MAC), an
    unregistered prefix or a value that is no MAC. VMware's several OUIs all name one
    organisation, so two VMs' MACs are never "different vendors".

    >>> mac_vendor("00:50:56:9a:12:34"), mac_vendor("000c.2912.3456")
    ('VMware, Inc.', 'VMware, Inc.')
    >>> mac_vendor("3C-52-82-1F-07-E9"), mac_vendor("02-BF-0A-01-01-64"), mac_vendor("10.0.0.1")
    ('Hewlett Packard', None, None)
    """
    try:
        eui = netaddr.EUI(value)
    except (netaddr.AddrFormatError, TypeError, ValueError):
        return None
    if eui.version != 48 or eui.words[0] & 0x02:
        return None
    try:
        return eui.oui.registration().org
    except netaddr.NotRegisteredError:
        return None


def scan_distinct(
    distinct: DistinctSet,
    source: str,
    text: str,
    vendors: Mapping[str, tuple[str, ...]] | None = None,
) -> list[LogHit]:
    """A hit for each symptom whose key shows two values in ``text``, located at the line
    where the second value appeared; the hit's text names the values and their lines.

    ``vendors`` (from :func:`compile_vendor_rules`) adds a hit for each symptom that is
    seen when the values of one key are MACs of two registered vendors."""
    conflicts = distinct.conflicts(text, MAX_LINE_CHARS, every=bool(vendors))
    return conflict_hits(source, conflicts, vendors)


def conflict_hits(
    source: str, conflicts: list[Conflict], vendors: Mapping[str, tuple[str, ...]] | None
) -> list[LogHit]:
    """Hits from the conflicts of a :class:`DistinctSet` scan (see :func:`scan_distinct`)."""
    vendors = vendors or {}
    hits: dict[str, LogHit] = {}
    for c in conflicts:
        line = c.values[1][1]  # where the second value appeared
        hits.setdefault(
            c.symptom, LogHit(c.symptom, source, line, c.summary, None, len(c.spans), c.spans)
        )
    for c in conflicts:
        for symptom in vendors.get(c.symptom, ()):
            if symptom not in hits and (hit := _vendor_hit(symptom, source, c)):
                hits[symptom] = hit
    return list(hits.values())


# what a registrant's name ends with that does not tell companies apart
_LEGAL_FORM = re.compile(
    r"[,.]|\b(?:inc|incorporated|corp|corporat(?:e|ion)|co|company|ltd|limited|llc|gmbh|ag"
    r"|sa|s\.a|bv|b\.v|plc|oy|ab|kk)\b",
    re.IGNORECASE,
)


def vendor_family(org: str) -> str:
    """A registrant's name without its legal form, first two words: one company registers
    OUIs under several names ("Hewlett Packard", "Hewlett Packard Enterprise"; "Intel
    Corporate", "Intel Corporation"), and two of them are no sign of two vendors.

    >>> vendor_family("Hewlett Packard Enterprise") == vendor_family("Hewlett Packard")
    True
    >>> vendor_family("Intel Corporate") == vendor_family("Intel Corporation")
    True
    >>> vendor_family("Shenzhen Foo Technology") == vendor_family("Shenzhen Bar Co., Ltd")
    False
    """
    return " ".join(_LEGAL_FORM.sub(" ", org).lower().split()[:2])


def _vendor_hit(symptom: str, source: str, conflict: Conflict) -> LogHit | None:
    named: dict[str, tuple[str, str, int]] = {}  # vendor family -> its name, MAC, line
    for value, line in conflict.values:
        if (org := mac_vendor(value)) is not None:
            named.setdefault(vendor_family(org), (org, value, line))
    if len(named) < 2:
        return None
    (org1, mac1, line1), (org2, mac2, line2) = list(named.values())[:2]
    text = (
        f"{conflict.key} answers from two vendors' NICs: {mac1} ({org1}, line {line1}) "
        f"and {mac2} ({org2}, line {line2})"
    )
    spans = tuple(s for s in conflict.spans if s[0] in (line1, line2))
    return LogHit(symptom, source, line2, text, None, len(spans), spans, VENDOR_STRENGTH)


def compile_sequences(kb: KnowledgeBase) -> SequenceSet:
    """Every symptom's line sequences (a command, then its telling result)."""
    return SequenceSet(
        (s.id, q.first, q.then, q.within, q.until, q.absent)
        for s in kb.symptoms.values()
        for q in s.sequences
    )


def scan_sequences(sequences: SequenceSet, source: str, text: str) -> list[LogHit]:
    """A hit for each symptom whose sequence completes in ``text``, located at the line
    that completed it; the hit's text shows both lines. An absent sequence gives a hit
    with ``present=False`` (:func:`scan_all` lets a hit showing the symptom outweigh it)."""
    return chain_hits(source, sequences.chains(text, MAX_LINE_CHARS))


def chain_hits(source: str, chains: list[Chain]) -> list[LogHit]:
    """Hits from the chains of a :class:`SequenceSet` scan (see :func:`scan_sequences`)."""
    return [
        LogHit(
            c.symptom, source, c.then[0], c.summary, None, c.count, c.spans, present=not c.absent
        )
        for c in chains
    ]


@dataclass(frozen=True)
class LogReaders:
    """Every way the KB reads a log, compiled once: single-line patterns, keys showing
    two values (and the vendor rules on them), and line sequences; ``filter`` holds all
    their patterns at once, to find the lines of a big log that any of them may read."""

    patterns: PatternSet
    distinct: DistinctSet
    sequences: SequenceSet
    vendors: Mapping[str, tuple[str, ...]]
    filter: LineFilter


def compile_readers(kb: KnowledgeBase) -> LogReaders:
    from assistant.logstream import DISTINCT, PATTERNS, SEQUENCES, LineFilter

    owned = [
        *((p, PATTERNS) for s in kb.symptoms.values() for p in s.patterns),
        *((p, DISTINCT) for s in kb.symptoms.values() for p in s.distinct),
        *(
            (p, SEQUENCES)
            for s in kb.symptoms.values()
            for q in s.sequences
            for p in (q.first, q.then, q.until)
            if p
        ),
    ]
    return LogReaders(
        compile_patterns(kb),
        compile_distinct(kb),
        compile_sequences(kb),
        compile_vendor_rules(kb),
        LineFilter([p for p, _ in owned], [o for _, o in owned]),
    )


def scan_all(readers: LogReaders, source: str, text: str) -> list[LogHit]:
    """Log hits in one text from every reader. Lines that show a symptom outweigh lines
    that show it absent (df on five filesystems, one of them full)."""
    hits = [
        *scan(readers.patterns, source, text),
        *scan_distinct(readers.distinct, source, text, readers.vendors),
        *scan_sequences(readers.sequences, source, text),
    ]
    shown = {h.symptom for h in hits if h.present}
    return [h for h in hits if h.present or h.symptom not in shown]


def scan(patterns: PatternSet, source: str, text: str) -> list[LogHit]:
    """Hits of ``patterns`` in ``text``, one per symptom, with the first line and a count."""
    tally = PatternTally(patterns, source)
    for number, line in enumerate(text.split("\n"), 1):
        tally.feed(number, line[:MAX_LINE_CHARS])
    return tally.hits()


class PatternTally:
    """Every line of one source that shows each symptom, aggregated as it is read: the
    first and last line, their timestamps, how many, and where (up to MAX_LINES_KEPT)."""

    def __init__(self, patterns: PatternSet, source: str, keep_spans: bool = True):
        self._patterns = patterns
        self._source = source
        self._keep_spans = keep_spans  # every line's span: for a message's pasted lines
        self._first: dict[str, tuple[int, str]] = {}
        self._last: dict[str, tuple[int, str]] = {}
        self._counts: dict[str, int] = {}
        self._where: dict[str, list[tuple[int, int, int]]] = {}

    def feed(self, number: int, line: str) -> None:
        for symptom in self._patterns.match(line):
            self._counts[symptom] = self._counts.get(symptom, 0) + 1
            self._first.setdefault(symptom, (number, line))
            self._last[symptom] = (number, line)
            kept = self._where.setdefault(symptom, [])
            if self._keep_spans and len(kept) < MAX_LINES_KEPT:
                start, end = self._patterns.span(symptom, line) or (0, len(line))
                kept.append((number, start, end))

    def hits(self) -> list[LogHit]:
        out = []
        for symptom, (number, line) in self._first.items():
            last_number, last = self._last[symptom]
            repeated = self._counts[symptom] > 1
            out.append(
                LogHit(
                    symptom,
                    self._source,
                    number,
                    line.strip(),
                    self._patterns.span(symptom, line.strip()),
                    self._counts[symptom],
                    tuple(self._where[symptom]),
                    last_line=last_number if repeated else None,
                    first_time=line_time(line),
                    last_time=line_time(last) if repeated else None,
                )
            )
        return out


def hits_to_evidence(hits: Iterable[LogHit]) -> list[Evidence]:
    """Hard-ish evidence that each hit's symptom is present (or, for a hit of an absent
    sequence, that it is not)."""
    return [
        Evidence(
            h.symptom,
            h.present,
            h.strength,
            Origin(
                OriginKind.LOG,
                h.source,
                h.text,
                line=h.first_line,
                span=h.span,
                count=h.count,
                last_line=h.last_line,
                first_time=h.first_time,
                last_time=h.last_time,
            ),
        )
        for h in hits
    ]
