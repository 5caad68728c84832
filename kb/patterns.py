"""Log patterns: RE2 regexes, compiled once, matched in one pass per line.

RE2 runs in time linear in the input, so a KB pattern cannot backtrack
catastrophically on a hostile log line; features that would need backtracking
(back-references, look-arounds) are refused at load time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import re2

__all__ = ["PatternSet", "pattern_problem"]

_OPTIONS = re2.Options()
_OPTIONS.max_mem = 8 << 20  # generous for one log regex, small enough to refuse a blow-up
_OPTIONS.log_errors = False  # we report compile errors ourselves, with file and line


def pattern_problem(pattern: str) -> str | None:
    """Return why a pattern is unusable, or None when it is fine.

    >>> pattern_problem(r"SQL2570N") is None
    True
    >>> pattern_problem(r"(a)\\1")
    'does not compile with RE2 (invalid escape sequence: \\\\1)'
    >>> pattern_problem(r".*")
    'matches an empty line, so it would match every line'
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
        for entry, compiled in zip(self._entries, self._single, strict=True):
            if entry.key == key:
                found = compiled.search(line)
                if found:
                    return found.span()
        return None
