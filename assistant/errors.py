"""Sherlog's exceptions, one tree.

::

    SherlogError                 anything Sherlog reports to a user as "what and where"
    ├── KBError                  the knowledge base is invalid (carries every Problem)
    ├── IndexError_              the Chroma index cannot be built or read
    ├── EvidenceError            bad user input: empty question, unreadable or binary log
    ├── ConfigError              a setting is missing or malformed
    ├── ConversationError        a stored conversation cannot be read back
    └── StoreError               the conversation store cannot be opened, read or written

Front ends catch ``SherlogError``, print its message and exit with status 2; anything
else is a bug and keeps its traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "ConfigError",
    "ConversationError",
    "EvidenceError",
    "IndexError_",
    "KBError",
    "Problem",
    "SherlogError",
    "StoreError",
]


class SherlogError(Exception):
    """Base of every error Sherlog reports to a user."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the knowledge base, located as precisely as possible."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class KBError(SherlogError):
    """The knowledge base has problems; ``problems`` lists every one of them."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = tuple(problems)
        count = len(self.problems)
        head = f"the knowledge base has {count} problem{'s' if count != 1 else ''}"
        super().__init__("\n".join([head, *map(str, self.problems)]))


class IndexError_(SherlogError):
    """The passage and phrasing index cannot be built or read."""


class EvidenceError(SherlogError):
    """The user's input cannot be used: empty question, missing, binary or undecodable file."""


class ConfigError(SherlogError):
    """A setting is missing or has a bad value."""


class ConversationError(SherlogError):
    """A stored conversation (JSON) is malformed or was written by another version."""


class StoreError(SherlogError):
    """The conversation store (SQLite) cannot be opened, read or written."""
