"""Attached logs: a file on disk or an upload in memory, checked up front (present, not
over the limit, not empty, not binary) and read later as a stream (:mod:`assistant.bundles`
walks archives; :mod:`assistant.logstream` scans)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.bundles import SNIFF, Upload, UploadLimits, is_archive, looks_binary
from assistant.errors import EvidenceError

__all__ = ["Attachment", "attachment_from_bytes", "attachment_from_text", "read_attachment"]


@dataclass(frozen=True)
class Attachment:
    """A log to read: its display name and either its bytes (an upload) or its path (a
    file, streamed when it is scanned, never read whole)."""

    name: str
    data: bytes | None = None
    path: Path | None = None

    def upload(self, limits: UploadLimits) -> Upload:
        """The attachment opened for reading, member by member (see :class:`Upload`)."""
        return Upload(self.name, self.data, None if self.path is None else str(self.path), limits)

    @property
    def size(self) -> int:
        """Its size as attached (compressed, for an archive)."""
        if self.data is not None:
            return len(self.data)
        return self.path.stat().st_size if self.path is not None else 0

    def text(self, limit: int) -> str | None:
        """Its text when it is plain (not an archive) and at most ``limit`` bytes; else
        None. UTF-8, or UTF-16 with a byte-order mark; bad bytes read as U+FFFD."""
        if (self.data is None and self.path is None) or self.size > limit:
            return None
        data = self.data if self.data is not None else Path(self.path).read_bytes()
        if is_archive(data[:SNIFF]):
            return None
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16", "replace")
        return data.decode("utf-8-sig", "replace")


def read_attachment(path: Path, max_bytes: int) -> Attachment:
    """A log file (plain, gzip, tar.gz/tgz or zip) for matching; every refusal names the
    file and the reason. The file is only looked at here; it is read when scanned."""
    path = Path(path)
    if not path.exists():
        raise EvidenceError(f"{path}: no such file")
    if path.is_dir():
        raise EvidenceError(f"{path}: is a folder, attach the log files in it")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise EvidenceError(
                f"{path}: {_mb(size)} is over the attachment limit of "
                f"{_mb(max_bytes)} (SHERLOG_MAX_ATTACHMENT_BYTES)"
            )
        with path.open("rb") as f:
            head = f.read(SNIFF)
    except OSError as err:
        raise EvidenceError(f"{path}: cannot read ({err.strerror})") from err
    _check_head(str(path), head)
    return Attachment(str(path), path=path)


def attachment_from_bytes(name: str, data: bytes, max_bytes: int) -> Attachment:
    """An uploaded log (plain, gzip, tar.gz/tgz or zip), checked like a file."""
    if len(data) > max_bytes:
        raise EvidenceError(
            f"{name}: {_mb(len(data))} is over the attachment limit of {_mb(max_bytes)}"
        )
    _check_head(name, data[:SNIFF])
    return Attachment(name, data=data)


def attachment_from_text(name: str, text: str) -> Attachment:
    """Log text pasted or downloaded as text, as an attachment."""
    return attachment_from_bytes(name, text.encode("utf-8"), max(1, len(text.encode()) * 2))


def _check_head(name: str, head: bytes) -> None:
    if not head.strip():
        raise EvidenceError(f"{name}: the file is empty")
    if not is_archive(head) and looks_binary(head):
        raise EvidenceError(
            f"{name}: binary file, not a text log (attach the text log or export it as text)"
        )


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
