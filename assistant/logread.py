"""One attachment read end to end: its members walked (:mod:`assistant.bundles`), each
scanned in one pass (:mod:`assistant.logstream`), the unexplained lines mined into
templates (:mod:`assistant.templates`), and everything that will be shown redacted
(:mod:`assistant.redact`) before it leaves here."""

from __future__ import annotations

import tarfile
import zipfile
import zlib
from dataclasses import dataclass, replace

from assistant.attachments import Attachment
from assistant.bundles import Skipped, UploadLimits
from assistant.errors import EvidenceError
from assistant.logscan import LogHit, LogReaders
from assistant.logstream import scan_stream
from assistant.redact import redact
from assistant.templates import Template, TemplateMiner
from assistant.timestamps import span_text
from graph.evidence import Origin

__all__ = [
    "LogReport",
    "MemberReport",
    "occurrences",
    "read_upload",
    "redact_hit",
    "template_lines",
]

# What a broken archive raises while a member is read (gzip errors are already named).
UNREADABLE = (OSError, EOFError, zlib.error, tarfile.TarError, zipfile.BadZipFile)
TOP_TEMPLATES = 5
MIN_TEMPLATE_SHARE = 0.01  # a template under 1 % of the unexplained lines is not shown
# Drain3 costs tens of microseconds a line, more on varied free text: an upload's sampled
# lines (every member's together) are thinned to at most twice this before mining.
MAX_MINED = 1000
MAX_CLUSTERS = 300


@dataclass(frozen=True)
class MemberReport:
    """One text log read: how big, and whether its bytes were all UTF-8."""

    name: str
    lines: int
    bytes: int
    invalid_utf8: int = 0  # places read as U+FFFD
    first_invalid_line: int | None = None


@dataclass(frozen=True)
class LogReport:
    """What reading one attachment gave besides its hits: the logs read, the members
    skipped and why, and the most frequent templates of the lines no pattern explains."""

    name: str
    members: tuple[MemberReport, ...]
    skipped: tuple[Skipped, ...] = ()
    templates: tuple[Template, ...] = ()
    unexplained: int = 0

    @property
    def lines(self) -> int:
        return sum(m.lines for m in self.members)

    @property
    def bytes(self) -> int:
        return sum(m.bytes for m in self.members)

    def notes(self) -> list[str]:
        """Plain sentences: what was read, what was not, and what was odd.

        >>> LogReport("a.tgz", (MemberReport("a.tgz:x.log", 10, 2048, 2, 7),),
        ...     (Skipped("a.tgz:core.1.zdump", "an ESXi core dump"),)).notes()
        ['a.tgz: read 1 log, 10 lines (2 KB).', 'a.tgz:x.log: 2 places were not UTF-8 \
(first on line 7); read as \ufffd.', 'a.tgz:core.1.zdump: not read: an ESXi core dump.']
        """
        logs = len(self.members)
        out = [
            f"{self.name}: read {logs} log{'s' if logs != 1 else ''}, "
            f"{self.lines:,} lines ({_size(self.bytes)})."
        ]
        out += [
            f"{m.name}: {m.invalid_utf8:,} place{'s were' if m.invalid_utf8 != 1 else ' was'} "
            f"not UTF-8 (first on line {m.first_invalid_line}); read as \ufffd."
            for m in self.members
            if m.invalid_utf8
        ]
        shown = self.skipped[:20]
        out += [f"{s.member}: not read: {s.reason}." for s in shown]
        if len(self.skipped) > len(shown):
            out.append(f"{self.name}: {len(self.skipped) - len(shown)} more members not read.")
        return out


def read_upload(
    readers: LogReaders,
    attachment: Attachment,
    limits: UploadLimits,
    addresses: bool = False,
) -> tuple[list[LogHit], LogReport]:
    """Every hit in every text log of ``attachment``, and the report on it; what either
    shows of the logs is redacted (``addresses``: IPs and MACs too). Raises
    ``EvidenceError`` naming the upload (and member) for what cannot be read."""
    upload = attachment.upload(limits)
    hits: list[LogHit] = []
    members: list[MemberReport] = []
    pooled: list[tuple[str, str, int, float]] = []  # (text, member, line, weight)
    hint = attachment.size or None  # known for a plain upload or file, not a member
    for member in upload:
        plain = member.name == attachment.name  # not inside an archive: its size is known
        try:
            scan = scan_stream(
                readers, member.name, member.stream, size_hint=hint if plain else None
            )
        except UNREADABLE as err:  # a truncated or corrupt archive, found while reading
            raise EvidenceError(f"{member.name}: cannot be read to the end ({err})") from err
        hits += [redact_hit(readers, h, addresses) for h in scan.hits]
        members.append(
            MemberReport(
                member.name, scan.lines, scan.bytes, scan.invalid_utf8, scan.first_invalid_line
            )
        )
        pooled += [(text, member.name, number, weight) for text, number, weight in scan.samples]
        while len(pooled) > 2 * MAX_MINED:  # many members: keep every other, worth twice
            pooled = [(t, m, n, 2 * w) for t, m, n, w in pooled[::2]]
    miner = TemplateMiner(max_clusters=MAX_CLUSTERS)
    for text, name, number, weight in pooled:
        miner.add(text, name, number, weight)
    templates = tuple(
        replace(t, text=redact(t.text, addresses), example=redact(t.example, addresses))
        for t in miner.top(TOP_TEMPLATES, MIN_TEMPLATE_SHARE)
    )
    report = LogReport(
        attachment.name,
        tuple(members),
        tuple(upload.skipped),
        templates,
        miner.estimated_total,
    )
    return hits, report


def occurrences(origin: Origin) -> str:
    """When and where a repeated log symptom showed, for display after its count: "" for
    a single line or when nothing more is known.

    >>> from graph.evidence import Origin, OriginKind
    >>> occurrences(Origin(OriginKind.LOG, "vmkernel.log", "x", line=12, count=412,
    ...     last_line=9120, first_time="2026-12-06T07:12:03.1Z", last_time="2026-12-06T07:22:41Z"))
    'between 07:12:03 and 07:22:41 (2026-12-06), lines 12–9120'
    >>> occurrences(Origin(OriginKind.LOG, "syslog", "x", line=3, count=2, last_line=8))
    'lines 3–8'
    """
    if origin.count <= 1:
        return ""
    when = span_text(origin.first_time, origin.last_time)
    lines = f"lines {origin.line}–{origin.last_line}" if origin.last_line else ""
    return ", ".join(part for part in (when, lines) if part)


def template_lines(report: LogReport) -> list[str]:
    """The most frequent unexplained templates of a report, as plain text.

    >>> from assistant.templates import Template
    >>> one = Template("<TS> unit failed", 1, 1, "x", "a.log", 3)
    >>> many = Template("<TS> disk offline", 9, 1200, "y", "a.log", 9)
    >>> template_lines(LogReport("a.log", (), templates=(many, one), unexplained=1500))
    ['≈1,200 lines like: <TS> disk offline', '≈1 line like: <TS> unit failed']
    """
    approx = (
        "≈"
        if report.templates and report.unexplained > sum(t.sampled for t in report.templates)
        else ""
    )
    return [
        f"{approx}{t.estimate:,} {'line' if t.estimate == 1 else 'lines'} like: {t.text}"
        for t in report.templates
    ]


def redact_hit(readers: LogReaders, hit: LogHit, addresses: bool = False) -> LogHit:
    """The hit with the secrets in its line masked (``addresses``: IPs and MACs too)."""
    text = redact(hit.text, addresses)
    if text == hit.text:
        return hit
    # the marked words moved, or were masked themselves: find them again
    span = readers.patterns.span(hit.symptom, text) if hit.span is not None else None
    return replace(hit, text=text, span=span)


def _size(n: int) -> str:
    for unit, size in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= size:
            return f"{n / size:.0f} {unit}"
    return f"{n} bytes"
