"""Evidence about symptoms, soft and located: what the user said or what a log line shows."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

__all__ = ["Evidence", "Origin", "OriginKind"]


class OriginKind(Enum):
    MESSAGE = "message"  # similarity of the user's words to a symptom phrasing
    LOG = "log"  # a KB pattern matched a log line (message text or attachment)
    TEMPLATE = "template"  # a frequent unexplained log template resembles a symptom
    ANSWER = "answer"  # a yes/no answer to a follow-up question


@dataclass(frozen=True)
class Origin:
    """Where a piece of evidence came from, precisely enough to show it back."""

    kind: OriginKind
    source: str  # "message" or an attachment's file name
    text: str  # the clause or log line
    line: int | None = None  # 1-based line in the source, for log lines
    span: tuple[int, int] | None = None  # character span of the match within ``text``
    matched: str = ""  # the phrasing or pattern it matched
    similarity: float | None = None  # for MESSAGE evidence
    count: int = 1  # how many lines of the source matched, for LOG evidence
    last_line: int | None = None  # the last of them, when there were several
    first_time: str | None = None  # the first and last of them's timestamps, as printed
    last_time: str | None = None


@dataclass(frozen=True)
class Evidence:
    """Soft evidence that a symptom is present (or absent), with its origin.

    ``strength`` in (0, 1] is how sure we are of the observation itself: 1.0 is a hard
    fact, values near 0 barely count.
    """

    symptom: str
    present: bool
    strength: float
    origin: Origin
