"""Where the chat page and the Slack bot keep conversations and what users said of the answers.

One SQLite file, ``SHERLOG_HOME/sherlog.db``, in write-ahead-log mode so that readers never
wait for a writer. A :class:`ConversationStore` keeps one connection, shared by the threads
of one process (Streamlit runs each session on its own thread) behind a lock; several
processes may open the same file, and a writer waits up to ``BUSY_TIMEOUT_MS`` for another.

Each conversation is kept twice: as :meth:`Conversation.to_json` (what Sherlog made of it)
and as a transcript of :class:`Message` (what the user sent, attachment texts included,
which the conversation does not keep). Feedback refers to one answer by its 0-based turn.

:func:`export_cases` turns every conversation marked "this fixed it" into an evaluation
case (the format of ``evals/cases.py``), and :func:`write_cases` writes them as YAML.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import threading
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from assistant.attachments import Attachment
from assistant.conversation import Conversation
from assistant.errors import ConversationError, StoreError
from assistant.redact import redact

if TYPE_CHECKING:
    from assistant.settings import Settings

__all__ = [
    "BUSY_TIMEOUT_MS",
    "DB_NAME",
    "SCHEMA_VERSION",
    "ConversationStore",
    "Export",
    "Feedback",
    "FeedbackKind",
    "Message",
    "Skipped",
    "Stored",
    "export_cases",
    "write_cases",
]

DB_NAME = "sherlog.db"
STORED_ATTACHMENT_BYTES = 1 << 20  # kept as text up to this; bigger ones by name only
SCHEMA_VERSION = 1
BUSY_TIMEOUT_MS = 5000  # how long a writer waits for another process's transaction

_SCHEMA = (
    """CREATE TABLE conversations (
        key TEXT PRIMARY KEY,
        created TEXT NOT NULL,
        updated TEXT NOT NULL,
        conversation TEXT NOT NULL,
        transcript TEXT NOT NULL
    )""",
    """CREATE TABLE feedback (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL REFERENCES conversations (key),
        cause TEXT NOT NULL,
        kind TEXT NOT NULL,
        turn INTEGER NOT NULL,
        at TEXT NOT NULL
    )""",
    "CREATE INDEX feedback_key ON feedback (key)",
)

_ID_PREFIX = "feedback-"
_ID_MAX = 120  # evals.cases: ids are at most 120 characters
_HASH_CHARS = 8


class FeedbackKind(Enum):
    """What a user said of one answer."""

    UP = "up"
    DOWN = "down"
    FIXED = "fixed"  # "this fixed it"


@dataclass(frozen=True)
class Message:
    """One message as the user sent it, with its attachments. The store keeps the text of
    a plain attachment up to ``STORED_ATTACHMENT_BYTES``, redacted; a bigger one or a
    bundle is kept by name only (the conversation keeps the lines that were evidence)."""

    text: str
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class Feedback:
    """A user's word on the answer to turn ``turn`` (0-based) of conversation ``key``."""

    key: str
    cause: str
    kind: FeedbackKind
    turn: int
    at: str  # ISO 8601, UTC


@dataclass(frozen=True)
class Stored:
    """A conversation as kept: what Sherlog made of it and what the user sent."""

    key: str
    conversation: Conversation
    transcript: tuple[Message, ...]
    updated: str  # ISO 8601, UTC


class ConversationStore:
    """Conversations and feedback in one SQLite file; safe to share between threads.

    Parameters
    ----------
    path
        The database file; it and its folder are created when missing. A file that is
        not a Sherlog database is refused and left as it is.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise StoreError(f"{self.path}: cannot create its folder ({err.strerror})") from err
        try:
            self._db = sqlite3.connect(
                self.path,
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,  # transactions are explicit: BEGIN IMMEDIATE ... COMMIT
                check_same_thread=False,  # shared between threads, behind self._lock
            )
        except sqlite3.Error as err:
            raise StoreError(f"{self.path}: cannot open ({err})") from err
        try:
            self._prepare()
        except BaseException:
            self._db.close()
            raise

    @classmethod
    def open(cls, settings: Settings) -> ConversationStore:
        """The store in ``settings.home``."""
        return cls(settings.home / DB_NAME)

    def _prepare(self) -> None:
        """Check the file is ours (before anything writes to it), then set it up."""
        db = self._db
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        except sqlite3.DatabaseError as err:
            if getattr(err, "sqlite_errorname", "") in ("SQLITE_NOTADB", "SQLITE_CORRUPT"):
                raise StoreError(f"{self.path}: not a Sherlog database ({err})") from err
            raise StoreError(f"{self.path}: cannot read ({err})") from err
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: written by a newer Sherlog (schema version {version}, "
                f"this Sherlog reads version {SCHEMA_VERSION})"
            )
        if version == 0 and tables:
            raise StoreError(
                f"{self.path}: not a Sherlog database (it holds other tables: "
                f"{', '.join(sorted(tables))})"
            )
        try:
            mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            db.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as err:
            raise StoreError(f"{self.path}: cannot set up ({err})") from err
        if str(mode).lower() != "wal":
            raise StoreError(
                f"{self.path}: cannot use write-ahead logging (journal mode stays {mode!r}); "
                "put SHERLOG_HOME on a local disk"
            )
        if version == 0:
            with self._write("create the tables") as db:
                # Another process may have created them since we looked.
                if db.execute("PRAGMA user_version").fetchone()[0] == 0:
                    for statement in _SCHEMA:
                        db.execute(statement)
                    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    # Transactions ----------------------------------------------------------------------

    @contextmanager
    def _write(self, doing: str) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once so that no reader has to upgrade."""
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                yield self._db
                self._db.execute("COMMIT")
            except sqlite3.Error as err:
                self._rollback()
                raise StoreError(f"{self.path}: cannot {doing} ({err})") from err
            except BaseException:
                self._rollback()
                raise

    @contextmanager
    def _read(self, doing: str) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                yield self._db
            except sqlite3.Error as err:
                raise StoreError(f"{self.path}: cannot {doing} ({err})") from err

    def _rollback(self) -> None:
        with suppress(sqlite3.Error):
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")

    # Conversations ---------------------------------------------------------------------

    def save(self, key: str, conversation: Conversation, transcript: Sequence[Message]) -> None:
        """Keep ``conversation`` and its transcript under ``key``, replacing what was there.

        The transcript has one message per turn of the conversation.
        """
        _check_key(key)
        transcript = tuple(transcript)
        if len(transcript) != len(conversation.turns):
            raise StoreError(
                f"conversation {key!r}: the transcript has {len(transcript)} message(s) "
                f"for {len(conversation.turns)} turn(s); it needs one per turn"
            )
        row = (key, _now(), conversation.to_json(), _transcript_to_json(transcript))
        with self._write(f"save conversation {key!r}") as db:
            db.execute(
                "INSERT INTO conversations (key, created, updated, conversation, transcript) "
                "VALUES (?1, ?2, ?2, ?3, ?4) ON CONFLICT (key) DO UPDATE SET "
                "updated = excluded.updated, conversation = excluded.conversation, "
                "transcript = excluded.transcript",
                row,
            )

    def load(self, key: str) -> Stored | None:
        """The conversation kept under ``key``, or None when there is none."""
        with self._read(f"load conversation {key!r}") as db:
            row = db.execute(
                "SELECT conversation, transcript, updated FROM conversations WHERE key = ?",
                (key,),
            ).fetchone()
        if row is None:
            return None
        conversation_json, transcript_json, updated = row
        try:
            conversation = Conversation.from_json(conversation_json)
        except ConversationError as err:
            raise StoreError(f"{self.path}: conversation {key!r}: {err}") from err
        try:
            transcript = _transcript_from_json(transcript_json)
        except (ValueError, TypeError, KeyError) as err:
            raise StoreError(f"{self.path}: conversation {key!r}: transcript: {err}") from err
        return Stored(key, conversation, transcript, updated)

    def __contains__(self, key: object) -> bool:
        """Whether a conversation is kept under ``key``, without reading it back."""
        with self._read(f"look up conversation {key!r}") as db:
            found = db.execute("SELECT 1 FROM conversations WHERE key = ?", (key,)).fetchone()
        return found is not None

    def keys(self) -> list[str]:
        """Every conversation's key, oldest conversation first."""
        with self._read("list conversations") as db:
            return [r[0] for r in db.execute("SELECT key FROM conversations ORDER BY rowid")]

    # Feedback --------------------------------------------------------------------------

    def record(self, key: str, cause: str, kind: FeedbackKind | str, turn: int) -> Feedback:
        """Keep a user's word on the answer to turn ``turn`` (0-based) of conversation ``key``.

        Parameters
        ----------
        key
            A conversation already saved.
        cause
            The cause the answer put first (the one "this fixed it" confirms).
        kind
            A :class:`FeedbackKind` or its value: ``"up"``, ``"down"``, ``"fixed"``.
        turn
            Which answer, counted from 0; there is one answer per turn.
        """
        kind = _feedback_kind(key, kind)
        if not isinstance(cause, str):
            raise StoreError(
                f"conversation {key!r}: feedback cause must be a string, got {cause!r}"
            )
        if isinstance(turn, bool) or not isinstance(turn, int) or turn < 0:
            raise StoreError(
                f"conversation {key!r}: feedback turn must be a non-negative integer, got {turn!r}"
            )
        feedback = Feedback(key, cause, kind, turn, _now())
        with self._write(f"record feedback on conversation {key!r}") as db:
            row = db.execute(
                "SELECT json_array_length(transcript) FROM conversations WHERE key = ?", (key,)
            ).fetchone()
            if row is None:
                raise StoreError(f"{self.path}: no conversation {key!r} to give feedback on")
            if turn >= row[0]:
                raise StoreError(
                    f"conversation {key!r}: feedback turn {turn} is past its last answer "
                    f"(it has {row[0]} turn(s), counted from 0)"
                )
            db.execute(
                "INSERT INTO feedback (key, cause, kind, turn, at) VALUES (?, ?, ?, ?, ?)",
                (key, cause, kind.value, turn, feedback.at),
            )
        return feedback

    def feedback(self, key: str | None = None) -> list[Feedback]:
        """Every feedback (on conversation ``key``, when given), oldest first."""
        query = "SELECT key, cause, kind, turn, at FROM feedback"
        with self._read("read feedback") as db:
            if key is None:
                rows = db.execute(query + " ORDER BY id").fetchall()
            else:
                rows = db.execute(query + " WHERE key = ? ORDER BY id", (key,)).fetchall()
        out = []
        for k, cause, kind, turn, at in rows:
            try:
                out.append(Feedback(k, cause, FeedbackKind(kind), turn, at))
            except ValueError as err:
                raise StoreError(
                    f"{self.path}: conversation {k!r}: unknown feedback kind {kind!r}"
                ) from err
        return out

    # Lifetime --------------------------------------------------------------------------

    def close(self) -> None:
        """Close the database; the store cannot be used afterwards."""
        with self._lock:
            self._db.close()

    def __enter__(self) -> ConversationStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"ConversationStore({str(self.path)!r})"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _check_key(key: object) -> None:
    if not isinstance(key, str) or not key:
        raise StoreError(f"a conversation key must be a non-empty string, got {key!r}")


def _feedback_kind(key: str, kind: object) -> FeedbackKind:
    """``kind`` as a FeedbackKind, from the enum or its value.

    >>> _feedback_kind("k", "fixed")
    <FeedbackKind.FIXED: 'fixed'>
    >>> _feedback_kind("k", "meh")
    Traceback (most recent call last):
    ...
    assistant.errors.StoreError: conversation 'k': feedback kind must be one of 'up', 'down', 'fixed', got 'meh'
    """  # noqa: E501
    if isinstance(kind, FeedbackKind):
        return kind
    try:
        return FeedbackKind(kind)
    except ValueError as err:
        valid = ", ".join(repr(k.value) for k in FeedbackKind)
        raise StoreError(
            f"conversation {key!r}: feedback kind must be one of {valid}, got {kind!r}"
        ) from err


def _transcript_to_json(transcript: Sequence[Message]) -> str:
    return json.dumps(
        [{"text": m.text, "attachments": [_stored(a) for a in m.attachments]} for m in transcript],
        ensure_ascii=False,
    )


def _stored(attachment: Attachment) -> dict[str, Any]:
    text = attachment.text(STORED_ATTACHMENT_BYTES)
    if text is None:
        return {"name": attachment.name, "text": None, "bytes": attachment.size}
    return {"name": attachment.name, "text": redact(text)}


def _transcript_from_json(text: str) -> tuple[Message, ...]:
    raw = json.loads(text)
    if not isinstance(raw, list):
        raise TypeError("expected a JSON list")
    return tuple(
        Message(
            _string(m["text"]),
            tuple(
                Attachment(_string(a["name"]))
                if a["text"] is None
                else Attachment(_string(a["name"]), _string(a["text"]).encode())
                for a in m["attachments"]
            ),
        )
        for m in raw
    )


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


# Export ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Skipped:
    """A conversation marked "this fixed it" that could not become a case, and why."""

    key: str
    reason: str

    def __str__(self) -> str:
        return f"{self.key}: {self.reason}"


@dataclass(frozen=True)
class Export:
    """The evaluation cases made from confirmed conversations, and those left out."""

    cases: tuple[dict[str, Any], ...]
    skipped: tuple[Skipped, ...]


def export_cases(store: ConversationStore, causes: Collection[str]) -> Export:
    """One evaluation case per conversation with "this fixed it" feedback.

    The case replays the user's messages up to the confirmed answer (the latest one, when
    several were confirmed) and expects its cause. A conversation whose confirmed cause is
    not in ``causes`` (the KB's cause ids), or that cannot be read back, is skipped.
    """
    confirmed: dict[str, Feedback] = {}
    for feedback in store.feedback():
        if feedback.kind is FeedbackKind.FIXED:
            confirmed[feedback.key] = feedback  # oldest first: the latest one stays
    cases: list[dict[str, Any]] = []
    skipped: list[Skipped] = []
    taken: set[str] = set()
    for key in store.keys():  # noqa: SIM118 (a store, not a dict)
        if key not in confirmed:
            continue
        fixed = confirmed[key]
        if fixed.cause not in causes:
            skipped.append(Skipped(key, f"cause {fixed.cause!r} is not in the knowledge base"))
            continue
        try:
            stored = store.load(key)
        except StoreError as err:
            skipped.append(Skipped(key, str(err)))
            continue
        messages = stored.transcript[: fixed.turn + 1] if stored else ()
        if len(messages) <= fixed.turn:
            skipped.append(
                Skipped(
                    key,
                    f"'this fixed it' refers to turn {fixed.turn}, "
                    f"but the conversation has {len(messages)} turn(s)",
                )
            )
            continue
        empty = [n for n, m in enumerate(messages) if not m.text.strip() and not m.attachments]
        if empty:
            skipped.append(Skipped(key, f"turn {empty[0]} has neither text nor attachments"))
            continue
        unkept = [a.name for m in messages for a in m.attachments if a.data is None]
        if unkept:
            skipped.append(
                Skipped(key, f"{unkept[0]} was too big to keep or a bundle; it cannot be replayed")
            )
            continue
        cases.append(
            {
                "id": _unique(_case_id(key), taken),
                "tags": ["feedback"],
                "turns": [_case_turn(m) for m in messages],
                "expect": {"cause": fixed.cause},
            }
        )
    return Export(tuple(cases), tuple(skipped))


def _case_turn(message: Message) -> dict[str, Any]:
    turn: dict[str, Any] = {"message": message.text}
    if message.attachments:
        turn["attachments"] = [
            {"name": a.name, "text": a.text(STORED_ATTACHMENT_BYTES)} for a in message.attachments
        ]
    return turn


def _case_id(key: str) -> str:
    """The case id for a conversation key: the key itself when it is a valid id, else a
    slug of it and a hash of the whole key, so that two keys never share an id.

    >>> _case_id("3f2a9c01")
    'feedback-3f2a9c01'
    >>> _case_id("C024BE91L:1712345678.123")
    'feedback-c024be91l-1712345678-123-94c8d96b'
    >>> len(_case_id("x" * 500))
    120
    """
    slug = re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")
    if slug == key and len(_ID_PREFIX) + len(slug) <= _ID_MAX:
        return _ID_PREFIX + slug
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:_HASH_CHARS]
    room = _ID_MAX - len(_ID_PREFIX) - len(digest) - 1
    head = slug[:room].rstrip("-")
    return f"{_ID_PREFIX}{head}-{digest}" if head else _ID_PREFIX + digest


def _unique(case_id: str, taken: set[str]) -> str:
    """``case_id``, or it with a counter when an earlier case has it already."""
    candidate, n = case_id, 2
    while candidate in taken:
        suffix = f"-{n}"
        candidate = case_id[: _ID_MAX - len(suffix)] + suffix
        n += 1
    taken.add(candidate)
    return candidate


def write_cases(path: Path, cases: Sequence[dict[str, Any]]) -> None:
    """Write ``cases`` as an evaluation case file (YAML); a crash never leaves half a file."""
    path = Path(path)
    if not cases:
        raise StoreError(f'{path}: not written: no conversation has "this fixed it" feedback yet')
    text = yaml.safe_dump({"cases": [dict(c) for c in cases]}, sort_keys=False, allow_unicode=True)
    tmp = path.with_name(path.name + ".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError as err:
        with suppress(OSError):
            tmp.unlink()
        raise StoreError(f"{path}: cannot write ({err.strerror})") from err
