"""The timestamp a log line starts with, in the formats the logs Sherlog reads print."""

from __future__ import annotations

import re

__all__ = ["line_time", "span_text"]

# Near the start of a line (after an optional level or a bracket): ISO 8601 as ESXi,
# vCenter, PostgreSQL and most services print it; syslog's "Dec  6 07:12:03"; Windows'
# "12/6/2026 7:12:03 AM" (Event Viewer's text export) and SQL Server's errorlog form.
_TIME = re.compile(
    r"""
    (?P<iso>\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2}|\ UTC)?)
    | (?P<syslog>(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\ [ \d]\d\ \d{2}:\d{2}:\d{2})
    | (?P<windows>\d{1,2}/\d{1,2}/\d{4}\ \d{1,2}:\d{2}:\d{2}(?:\ [AP]M)?)
    """,
    re.VERBOSE,
)
_LEAD = 48  # a timestamp further into the line is part of the message, not its time


def line_time(line: str) -> str | None:
    """The time a log line was written, as printed, or None.

    >>> line_time("2026-12-06T07:12:03.123Z cpu1:2097)WARNING: NMP: ...")
    '2026-12-06T07:12:03.123Z'
    >>> line_time("Dec  6 07:12:03 web01 kernel: Out of memory: Killed process 4242 (java)")
    'Dec  6 07:12:03'
    >>> line_time("Warning\\t12/6/2026 7:12:03 AM\\tMicrosoft-Windows-Time-Service\\t36")
    '12/6/2026 7:12:03 AM'
    >>> line_time("psql: could not connect to server: Connection refused") is None
    True
    """
    found = _TIME.search(line, 0, _LEAD + 32)
    if found is None or found.start() > _LEAD:
        return None
    return found.group(0)


def span_text(first: str | None, last: str | None) -> str:
    """ "between FIRST and LAST", shortened when both fall on one day and share a form.

    >>> span_text("2026-12-06T07:12:03.123Z", "2026-12-06T07:22:41.000Z")
    'between 07:12:03 and 07:22:41 (2026-12-06)'
    >>> span_text("Dec  6 07:12:03", "Dec  6 07:12:03")
    'at Dec  6 07:12:03'
    >>> span_text(None, "Dec  6 07:12:03")
    ''
    """
    if not first or not last:
        return ""
    if first == last:
        return f"at {first}"
    a, b = _TIME.fullmatch(first), _TIME.fullmatch(last)
    if a and b and a.group("iso") and b.group("iso") and first[:10] == last[:10]:
        return f"between {first[11:19]} and {last[11:19]} ({first[:10]})"
    return f"between {first} and {last}"
