"""Log patterns: RE2 regexes, compiled once, matched in one pass per line.

RE2 runs in time linear in the input, so a KB pattern cannot backtrack
catastrophically on a hostile log line; features that would need backtracking
(back-references, look-arounds) are refused at load time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import re2

__all__ = [
    "DISTINCT_GROUPS",
    "Chain",
    "Conflict",
    "DistinctSet",
    "PatternSet",
    "SequenceSet",
    "pattern_problem",
]

_OPTIONS = re2.Options()
_OPTIONS.max_mem = 8 << 20  # generous for one log regex, small enough to refuse a blow-up
_OPTIONS.log_errors = False  # we report compile errors ourselves, with file and line


DISTINCT_GROUPS = ("key", "value")


def pattern_problem(pattern: str, groups: tuple[str, ...] = ()) -> str | None:
    """Return why a pattern is unusable, or None when it is fine; ``groups`` names the
    named groups it must have.

    >>> pattern_problem(r"SQL2570N") is None
    True
    >>> pattern_problem(r"(a)\\1")
    'does not compile with RE2 (invalid escape sequence: \\\\1)'
    >>> pattern_problem(r".*")
    'matches an empty line, so it would match every line'
    >>> pattern_problem(r"from (?P<key>[0-9.]+) (?P<mac>[0-9a-f:]+)", DISTINCT_GROUPS)
    'has no named group (?P<value>...)'
    """
    try:
        compiled = re2.compile(pattern, _OPTIONS)
    except re2.error as err:
        reason = err.args[0] if err.args else err
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        return f"does not compile with RE2 ({reason})"
    if compiled.search("") is not None:
        return "matches an empty line, so it would match every line"
    for group in groups:
        if group not in compiled.groupindex:
            return f"has no named group (?P<{group}>...)"
    return None


@dataclass(frozen=True)
class _Entry:
    key: str
    pattern: str


class PatternSet:
    """Many keyed patterns compiled into one RE2 set; ``match`` scans a line once.

    >>> ps = PatternSet([("db2", r"SQL2570N"), ("dfsr", r"Failed to create stage file")])
    >>> ps.match("SQL2570N  An attempt to restore on target OS failed")
    ['db2']
    >>> ps.match("all is well")
    []
    """

    def __init__(self, keyed_patterns: Iterable[tuple[str, str]]):
        self._entries: list[_Entry] = []
        self._set = re2.Set.SearchSet(_OPTIONS)
        self._single: list[re2._Regexp] = []
        for key, pattern in keyed_patterns:
            self._set.Add(pattern)  # RE2 numbers patterns in insertion order
            self._entries.append(_Entry(key, pattern))
            self._single.append(re2.compile(pattern, _OPTIONS))
        self._empty = not self._entries
        if not self._empty:
            self._set.Compile()
        self._by_key: dict[str, list[re2._Regexp]] = {}
        for entry, compiled in zip(self._entries, self._single, strict=True):
            self._by_key.setdefault(entry.key, []).append(compiled)

    def __len__(self) -> int:
        return len(self._entries)

    def match(self, line: str) -> list[str]:
        """Return the keys of every pattern found in ``line``, in KB order, once each."""
        if self._empty:
            return []
        hits = sorted(self._set.Match(line) or ())
        keys: list[str] = []
        for i in hits:
            key = self._entries[i].key
            if key not in keys:
                keys.append(key)
        return keys

    def span(self, key: str, line: str) -> tuple[int, int] | None:
        """Return the span of the first of ``key``'s patterns that matches ``line``."""
        for compiled in self._by_key.get(key, ()):
            found = compiled.search(line)
            if found:
                return found.span()
        return None


@dataclass(frozen=True)
class Conflict:
    """One key seen with two or more different values in one text (an IP answered from
    two MACs), and where."""

    symptom: str
    key: str
    values: tuple[tuple[str, int], ...]  # each different value as printed, with its line
    spans: tuple[tuple[int, int, int], ...]  # (line, start, end) of every line that showed it

    @property
    def summary(self) -> str:
        shown = ", ".join(f"{value} (line {line})" for value, line in self.values)
        return f"{self.key} shows {len(self.values)} different values: {shown}"


_HEX_GROUPS = re2.compile(r"^[0-9a-f]{1,4}(?:[:.-][0-9a-f]{1,4})+$")


def _normal(value: str) -> str:
    """One spelling per value: MAC addresses compare equal whatever their notation.

    >>> {_normal(v) for v in ["00:50:56:9A:3C:11", "0:50:56:9a:3c:11", "00-50-56-9a-3c-11",
    ...     "0050.569a.3c11"]}
    {'0050569a3c11'}
    """
    value = value.lower()
    if not _HEX_GROUPS.search(value):
        return value
    parts = value.replace("-", ":").replace(".", ":").split(":")
    width = {6: 2, 3: 4}.get(len(parts), 0)
    return "".join(p.zfill(width) for p in parts)


class DistinctSet:
    """Patterns with groups ``key`` and ``value``, keyed by symptom: the symptom shows when
    one key appears with two or more different values in one text.

    >>> ds = DistinctSet([("two-macs", r"reply from (?P<key>\\S+) \\[(?P<value>[0-9A-F:]+)\\]")])
    >>> [c.summary for c in ds.conflicts("reply from 10.0.0.5 [00:50:56:AA:00:01]\\n"
    ...     "reply from 10.0.0.5 [00:50:56:AA:00:02]\\nreply from 10.0.0.5 [00:50:56:AA:00:01]")]
    ['10.0.0.5 shows 2 different values: 00:50:56:AA:00:01 (line 1), 00:50:56:AA:00:02 (line 2)']
    """

    MAX_KEYS = 100_000  # per text: memory stays bounded on a huge log

    def __init__(self, keyed_patterns: Iterable[tuple[str, str]]):
        self._symptoms: list[str] = []
        self._compiled: list[re2._Regexp] = []
        for symptom, pattern in keyed_patterns:
            self._symptoms.append(symptom)
            self._compiled.append(re2.compile(pattern, _OPTIONS))
        self._set = PatternSet((str(n), p.pattern) for n, p in enumerate(self._compiled))

    def __len__(self) -> int:
        return len(self._symptoms)

    def conflicts(
        self, text: str, max_line_chars: int = 8192, every: bool = False
    ) -> list[Conflict]:
        """The first conflicting key of each symptom in ``text`` (with ``every``, all of
        them), in the order found."""
        scan = self.scanner(every)
        if self._symptoms:
            for number, line in enumerate(text.split("\n"), 1):
                scan.feed(number, line[:max_line_chars])
        return scan.result()

    def scanner(self, every: bool = False) -> DistinctScan:
        """An incremental scan: feed it the lines of one text in order (or only the lines
        that may match, with their numbers), then ask for the conflicts."""
        return DistinctScan(self, every)


class DistinctScan:
    """The state of one :class:`DistinctSet` scan over one text."""

    def __init__(self, distinct: DistinctSet, every: bool):
        self._d = distinct
        self._every = every
        self._seen: dict[tuple[str, str], dict[str, tuple[str, int]]] = {}
        self._spans: dict[tuple[str, str], list[tuple[int, int, int]]] = {}

    def feed(self, number: int, line: str) -> None:
        d = self._d
        for n in d._set.match(line):
            found = d._compiled[int(n)].search(line)
            if found is None:
                continue
            where = (d._symptoms[int(n)], found.group("key").lower())
            if where not in self._seen and len(self._seen) >= d.MAX_KEYS:
                continue
            value = found.group("value")
            self._seen.setdefault(where, {}).setdefault(_normal(value), (value, number))
            kept = self._spans.setdefault(where, [])
            if len(kept) < 1000:
                kept.append((number, *found.span()))

    def result(self) -> list[Conflict]:
        out: list[Conflict] = []
        shown: set[str] = set()
        for (symptom, key), values in self._seen.items():
            if len(values) >= 2 and (self._every or symptom not in shown):
                shown.add(symptom)
                out.append(
                    Conflict(
                        symptom, key, tuple(values.values()), tuple(self._spans[(symptom, key)])
                    )
                )
        return out


@dataclass(frozen=True)
class Chain:
    """A ``first`` line and the ``then`` line that followed it."""

    symptom: str
    first: tuple[int, str]  # line number and text
    then: tuple[int, str]
    count: int  # how many times the sequence completed in the text
    spans: tuple[tuple[int, int, int], ...]  # (line, start, end) of both lines, first time
    absent: bool = False  # the sequence shows the symptom is not there

    @property
    def summary(self) -> str:
        (n1, t1), (n2, t2) = self.first, self.then
        if n1 == n2:
            return t1
        return f"{t1}  ->  line {n2}: {t2}"


class SequenceSet:
    """Line sequences keyed by symptom: a line matching ``first``, then a line matching
    ``then`` after it on the same line or within the next ``within`` lines, with no line
    matching ``until`` between them. Each item is ``(symptom, first, then, within, until)``
    with an optional sixth ``absent`` flag: its chains show the symptom is not there.

    >>> ss = SequenceSet([("df-ping", r"vmkping .*-d -s 8972", r"100% packet loss", 3, None)])
    >>> (c,) = ss.chains("vmkping -d -s 8972 10.0.0.2\\nPING 10.0.0.2\\n100% packet loss")
    >>> c.first[0], c.then[0], c.summary
    (1, 3, 'vmkping -d -s 8972 10.0.0.2  ->  line 3: 100% packet loss')
    >>> ss.chains("3 packets, 100% packet loss\\nvmkping -d -s 8972 10.0.0.2")
    []
    """

    def __init__(
        self,
        keyed: Iterable[
            tuple[str, str, str, int, str | None] | tuple[str, str, str, int, str | None, bool]
        ],
    ):
        keyed = [(*k, False) if len(k) == 5 else tuple(k) for k in keyed]  # absent: False
        self._items = [
            (symptom, re2.compile(first, _OPTIONS), re2.compile(then, _OPTIONS), within)
            for symptom, first, then, within, _, _ in keyed
        ]
        self._absent = [k[5] for k in keyed]
        self._firsts = PatternSet((str(n), it[1].pattern) for n, it in enumerate(self._items))
        self._thens = PatternSet((str(n), it[2].pattern) for n, it in enumerate(self._items))
        self._untils = PatternSet((str(n), k[4]) for n, k in enumerate(keyed) if k[4])

    def __len__(self) -> int:
        return len(self._items)

    def chains(self, text: str, max_line_chars: int = 8192) -> list[Chain]:
        """The first completed sequence of each symptom in ``text`` (and of each absent
        one), with a count."""
        scan = self.scanner()
        if self._items:
            for number, line in enumerate(text.split("\n"), 1):
                scan.feed(number, line[:max_line_chars])
        return scan.result()

    def scanner(self) -> SequenceScan:
        """An incremental scan: feed it the lines of one text in order (lines no pattern
        of the set matches may be left out), then ask for the chains."""
        return SequenceScan(self)


class SequenceScan:
    """The state of one :class:`SequenceSet` scan over one text."""

    def __init__(self, sequences: SequenceSet):
        self._s = sequences
        self._open: dict[int, tuple[int, str, tuple[int, int]]] = {}  # item -> its first line
        self._found: dict[tuple[str, bool], Chain] = {}

    def feed(self, number: int, line: str) -> None:
        s, open_at = self._s, self._open
        firsts = {int(n) for n in s._firsts.match(line)}
        thens = {int(n) for n in s._thens.match(line)}
        untils = {int(n) for n in s._untils.match(line)} if open_at else set()
        for n in sorted(firsts | thens | untils):
            symptom, first, then, within = s._items[n]
            hit = first.search(line) if n in firsts else None
            if hit:  # a new first: its own result comes later on the line or after it
                after = then.search(line, hit.end()) if n in thens else None
                if after:
                    self._record(
                        (symptom, s._absent[n]),
                        (number, line, hit.span()),
                        (number, line, after.span()),
                    )
                    open_at.pop(n, None)
                else:
                    open_at[n] = (number, line, hit.span())
                continue
            start = open_at.get(n)
            if start is None:
                continue
            if n in untils or number - start[0] > within:
                del open_at[n]
                continue
            after = then.search(line) if n in thens else None
            if after:
                self._record((symptom, s._absent[n]), start, (number, line, after.span()))
                del open_at[n]

    def result(self) -> list[Chain]:
        return list(self._found.values())

    def _record(self, key, first, then) -> None:
        found = self._found
        symptom, absent = key
        if key in found:
            old = found[key]
            found[key] = Chain(symptom, old.first, old.then, old.count + 1, old.spans, absent)
            return
        spans = ((first[0], *first[2]), (then[0], *then[2]))
        found[key] = Chain(
            symptom, (first[0], first[1].strip()), (then[0], then[1].strip()), 1, spans, absent
        )
