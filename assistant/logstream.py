"""Read a whole log in one pass, in bounded memory, as fast as the disk gives it.

The log is read in blocks of ``BLOCK`` bytes that end at a line break. One RE2 set holding
every pattern of every KB reader (single-line patterns, ``distinct`` keys, sequence steps)
is run over each block as a whole, in C; only when it finds something does a combined
expression of just the patterns it found locate their lines, and only those lines are
decoded and handed to the readers in Python (:class:`~assistant.logscan.PatternTally`,
the distinct and sequence scans). A line longer than ``MAX_LINE_BYTES`` is read as its
first ``MAX_LINE_BYTES``, so memory is bounded by the block and that cap, not the file.

The lines no pattern explains are sampled, uniformly over the file and at most
``2 * SAMPLE_LINES`` of them, for template mining (:mod:`assistant.templates`): each
sampled line carries the number of unexplained lines it stands for.
"""

from __future__ import annotations

import codecs
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import BinaryIO

import re2

from assistant.logscan import (
    MAX_LINE_CHARS,
    LogHit,
    LogReaders,
    PatternTally,
    chain_hits,
    conflict_hits,
)

__all__ = ["BLOCK", "LineFilter", "SourceScan", "read_blocks", "scan_stream"]

BLOCK = 4 << 20
PATTERNS, DISTINCT, SEQUENCES = 1, 2, 4  # the readers a filter pattern belongs to
MAX_LINE_BYTES = 64 << 10
LOOKAHEAD = 2  # blocks being searched ahead of the one being read, on as many threads
SAMPLE_LINES = 2500  # unexplained lines kept for template mining: between this and twice it

_OPTIONS = re2.Options()
_OPTIONS.never_nl = True  # a pattern matches within one line, even over a whole block
_OPTIONS.never_capture = True  # locating needs no groups, and groups of two patterns clash
_OPTIONS.max_mem = 64 << 20
_OPTIONS.log_errors = False


class LineFilter:
    """Which lines of a block match any of ``patterns``, found in C: one RE2 set says
    which patterns occur in the block, and a combined RE2 expression of just those finds
    their lines. A line found is then read by the KB's own readers (``owners`` says which).

    (Hyperscan was tried for the first step and dropped: the 0.9.1 wheel missed a match
    of ``\\|\\s*connection_mirror\\s*\\|\\s*False\\s*\\|`` after a line break when compiled
    together with another ``\\|\\s*...`` pattern.)

    >>> f = LineFilter([r"All Paths Down", r"^\\s*Duplex: Half"])
    >>> block = b"ok\\nDevice has entered the All Paths Down state\\nfine\\n  Duplex: Half\\n"
    >>> [block[s:e] for s, e in f.lines(block)]
    [b'Device has entered the All Paths Down state', b'  Duplex: Half']
    """

    def __init__(self, patterns: Sequence[str], owners: Sequence[int] | None = None):
        unique = dict.fromkeys(patterns)
        self._patterns = [f"(?m){p}" for p in unique]
        # which readers (bit flags) own each distinct pattern
        owner_of: dict[str, int] = {}
        for pattern, owner in zip(patterns, owners or [1] * len(patterns), strict=True):
            owner_of[pattern] = owner_of.get(pattern, 0) | owner
        self._owners = [owner_of[p] for p in unique]
        self._set = _compiled_set(self._patterns)  # over whole blocks, on the workers
        # over single lines, on the reading thread: a set of its own, so its DFA cache is
        # neither shared with nor thrown away by the block scans
        self._line_set = _compiled_set(self._patterns)
        self._combined: dict[frozenset[int], re2._Regexp] = {}

    def present(self, block: bytes) -> frozenset[int]:
        """Which patterns occur somewhere in ``block``."""
        if not self._patterns:
            return frozenset()
        return frozenset(self._set.Match(block) or ())

    def owners(self, line: bytes) -> int:
        """The readers (the ``owners`` flags given for the patterns, or-ed) with a pattern
        that matches ``line``; 0 for none."""
        flags = 0
        for i in self._line_set.Match(line) or ():
            flags |= self._owners[i]
        return flags

    def lines(self, block: bytes) -> Iterator[tuple[int, int]]:
        """The (start, end) byte offsets, end excluded, of each line of ``block`` in which
        some pattern matches, in order. RE2 releases the GIL while it scans, so the scan
        runs this for the next blocks on worker threads."""
        ids = self.present(block)
        if not ids:
            return
        combined = self._combined.get(ids)
        if combined is None:
            if len(self._combined) > 256:
                self._combined.clear()
            combined = re2.compile(
                "|".join(f"(?:{self._patterns[i]})" for i in sorted(ids)), _OPTIONS
            )
            self._combined[ids] = combined
        pos, size = 0, len(block)
        while pos < size:
            hit = combined.search(block, pos)
            if hit is None:
                return
            start = block.rfind(b"\n", 0, hit.start()) + 1
            end = block.find(b"\n", hit.start())
            end = size if end < 0 else end
            yield start, end
            pos = end + 1


def _compiled_set(patterns: Sequence[str]) -> re2.Set:
    compiled = re2.Set.SearchSet(_OPTIONS)
    for pattern in patterns:
        compiled.Add(pattern)
    if patterns:
        compiled.Compile()
    return compiled


def read_blocks(stream: BinaryIO, block: int = BLOCK) -> Iterator[bytes]:
    """The bytes of ``stream`` as UTF-8-ish blocks that each end with a line break (the
    last may not), every line cut to ``MAX_LINE_BYTES``. UTF-16 with a byte-order mark
    (Windows exports) is converted to UTF-8 on the way."""
    first = stream.read(block)
    if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        yield from _cut_lines(_utf16_as_utf8(first, stream, block), block)
    else:
        yield from _cut_lines(_chain(first, stream, block), block)


def _chain(first: bytes, stream: BinaryIO, block: int) -> Iterator[bytes]:
    """The stream's bytes, with Windows line ends made plain (a pattern's ``$`` then
    matches at the end of the line, as it does when lines are split)."""
    data = first
    while data:
        if data.endswith(b"\r"):  # a CRLF split by the read: keep the pair together
            data += stream.read(1)
        yield data.replace(b"\r\n", b"\n") if b"\r" in data else data
        data = stream.read(block)


def _utf16_as_utf8(first: bytes, stream: BinaryIO, block: int) -> Iterator[bytes]:
    decoder = codecs.getincrementaldecoder("utf-16")("replace")
    data = first
    while data:
        yield decoder.decode(data).replace("\r\n", "\n").encode("utf-8")
        data = stream.read(block)
    yield decoder.decode(b"", final=True).encode("utf-8")


def _cut_lines(raw: Iterator[bytes], block: int) -> Iterator[bytes]:
    """Re-block ``raw`` so every block ends at a line break. A line still unfinished at
    the end of a read is held over to the next, up to MAX_LINE_BYTES; past that it keeps
    its start only (the rest is dropped up to the next line break), so memory is bounded
    by the block size and that cap whatever the file holds. Line numbers are kept."""
    rest = b""
    dropping = False  # inside the dropped tail of an over-long line
    for data in raw:
        if dropping:
            cut = data.find(b"\n")
            if cut < 0:
                continue
            data, dropping = data[cut + 1 :], False
        data = rest + data if rest else data
        end = data.rfind(b"\n") + 1
        if end == 0:  # no line break: one line still growing
            if len(data) > MAX_LINE_BYTES:
                yield data[:MAX_LINE_BYTES] + b"\n"
                rest, dropping = b"", True
            else:
                rest = data
            continue
        body, rest = data[:end], data[end:]
        if len(rest) > MAX_LINE_BYTES:
            body += rest[:MAX_LINE_BYTES] + b"\n"
            rest, dropping = b"", True
        yield body
    if rest:
        yield rest


@dataclass
class SourceScan:
    """What one pass over one source found: the hits, the sampled unexplained lines (text,
    line number, lines stood for), and what was odd about the text."""

    name: str
    hits: list[LogHit] = field(default_factory=list)
    lines: int = 0
    bytes: int = 0
    invalid_utf8: int = 0  # places where the bytes were not UTF-8, read as U+FFFD
    first_invalid_line: int | None = None
    samples: list[tuple[str, int, float]] = field(default_factory=list)
    unexplained: int = 0  # lines no reader matched


class _Sampler:
    """A uniform sample of a source's unexplained lines, by byte position: the line at
    every ``stride``-th byte, each line once; when the sample reaches twice SAMPLE_LINES,
    every other line is dropped and the stride doubles. A kept line stands for about
    stride / its length lines (at least itself)."""

    def __init__(self, size_hint: int | None = None) -> None:
        # Knowing the size, the sample starts with the stride it will end near.
        self.stride = max(1, (size_hint or 0) // (2 * SAMPLE_LINES))
        self.next = 0  # the source offset to sample at next
        self.kept: list[tuple[int, str, int]] = []  # (line number, text, length)

    def keep(self, number: int, text: str, length: int) -> None:
        self.kept.append((number, text, length))
        if len(self.kept) >= 2 * SAMPLE_LINES:
            self.kept = self.kept[::2]
            self.stride *= 2

    def samples(self) -> list[tuple[str, int, float]]:
        return [
            (text, number, max(1.0, self.stride / max(length, 1)))
            for number, text, length in self.kept
        ]


def scan_stream(
    readers: LogReaders,
    name: str,
    stream: BinaryIO,
    block: int = BLOCK,
    size_hint: int | None = None,
) -> SourceScan:
    """One pass over a log: every reader's hits, located and counted, and a sample of the
    lines none of them explains. ``size_hint``: the stream's size when known."""
    result = SourceScan(name)
    tally = PatternTally(readers.patterns, name, keep_spans=False)
    distinct = readers.distinct.scanner(every=bool(readers.vendors))
    sequences = readers.sequences.scanner()
    sampler = _Sampler(size_hint)
    line_base = 0  # lines before this block
    offset = 0  # bytes before this block
    explained = 0
    for data, candidates in _ahead(readers.filter, read_blocks(stream, block)):
        explained += len(candidates)
        size, ci, last, number = len(data), 0, 0, line_base
        # Walk the block once, in order, through its candidate lines and sampled lines,
        # counting line breaks between them (in C) to number them.
        while True:
            at = sampler.next - offset
            sample = data.rfind(b"\n", 0, at) + 1 if 0 < at < size else (0 if at == 0 else -1)
            cand = candidates[ci][0] if ci < len(candidates) else -1
            if cand < 0 and sample < 0:
                break
            if cand >= 0 and (sample < 0 or cand <= sample):
                start, end = candidates[ci]
                ci += 1
                number += data.count(b"\n", last, start)
                last = start
                raw = data[start : min(end, start + 4 * MAX_LINE_CHARS)]
                owners = readers.filter.owners(raw)
                line = _text(raw)
                if owners & PATTERNS:
                    tally.feed(number + 1, line)
                if owners & DISTINCT:
                    distinct.feed(number + 1, line)
                if owners & SEQUENCES:
                    sequences.feed(number + 1, line)
                if cand == sample:  # the sample fell on an explained line: take the next
                    sampler.next = offset + end + 1
                continue
            end = data.find(b"\n", sample)
            end = size if end < 0 else end
            number += data.count(b"\n", last, sample)
            last = sample
            text = _text(data[sample : min(end, sample + 4 * MAX_LINE_CHARS)])
            sampler.keep(number + 1, text, end - sample + 1)
            sampler.next = max(sampler.next + sampler.stride, offset + end + 1)
        # the rest of the block's line breaks: every line ends with one but maybe the last
        number += data.count(b"\n", last)
        _check_utf8(data, result, line_base)
        line_base = number + (0 if data.endswith(b"\n") else 1)
        offset += size
    result.lines, result.bytes = line_base, offset
    result.unexplained = line_base - explained
    hits = [
        *tally.hits(),
        *conflict_hits(name, distinct.result(), readers.vendors),
        *chain_hits(name, sequences.result()),
    ]
    shown = {h.symptom for h in hits if h.present}
    result.hits = [h for h in hits if h.present or h.symptom not in shown]
    result.samples = sampler.samples()
    return result


def _ahead(
    line_filter: LineFilter, blocks: Iterator[bytes]
) -> Iterator[tuple[bytes, list[tuple[int, int]]]]:
    """Each block with its candidate lines, found ``LOOKAHEAD`` blocks ahead on worker
    threads: RE2 releases the GIL while it scans, so the set match and line search of the
    next blocks run on the other core while this one's lines are read in Python."""
    with ThreadPoolExecutor(LOOKAHEAD, thread_name_prefix="sherlog-scan") as pool:
        pending: deque[tuple[bytes, Future]] = deque()
        for data in blocks:
            pending.append((data, pool.submit(_candidates, line_filter, data)))
            if len(pending) > LOOKAHEAD:
                done, job = pending.popleft()
                yield done, job.result()
        while pending:
            done, job = pending.popleft()
            yield done, job.result()


def _candidates(line_filter: LineFilter, data: bytes) -> list[tuple[int, int]]:
    return list(line_filter.lines(data))


def _text(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("utf-8", "replace")
    return text[:MAX_LINE_CHARS].rstrip("\r")


def _check_utf8(data: bytes, result: SourceScan, line_base: int) -> None:
    """Count the bytes of ``data`` that are not UTF-8, and note the first bad line."""
    if data.isascii():
        return
    try:
        data.decode("utf-8")
        return
    except UnicodeDecodeError as err:
        if result.first_invalid_line is None:
            result.first_invalid_line = line_base + data.count(b"\n", 0, err.start) + 1
    replaced = data.decode("utf-8", "replace").count("\ufffd")
    result.invalid_utf8 += replaced - data.decode("utf-8", "ignore").count("\ufffd")
