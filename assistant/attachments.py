"""Attached logs: read, size-checked, refused when binary, decoded as text."""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import EvidenceError

__all__ = ["Attachment", "attachment_from_bytes", "read_attachment"]

_SNIFF = 64 * 1024


@dataclass(frozen=True)
class Attachment:
    """A text attachment: its display name and its decoded text."""

    name: str
    text: str


def read_attachment(path: Path, max_bytes: int) -> Attachment:
    """Read a log file for matching; every refusal names the file and the reason."""
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
        data = path.read_bytes()
    except OSError as err:
        raise EvidenceError(f"{path}: cannot read ({err.strerror})") from err
    return attachment_from_bytes(str(path), data, max_bytes)


def attachment_from_bytes(name: str, data: bytes, max_bytes: int) -> Attachment:
    """Decode an uploaded or read log; UTF-8, or UTF-16 with a byte-order mark."""
    if len(data) > max_bytes:
        raise EvidenceError(
            f"{name}: {_mb(len(data))} is over the attachment limit of {_mb(max_bytes)}"
        )
    if not data.strip():
        raise EvidenceError(f"{name}: the file is empty")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return Attachment(name, data.decode("utf-16"))
        except UnicodeDecodeError as err:
            raise EvidenceError(f"{name}: broken UTF-16 text at byte {err.start}") from err
    head = data[:_SNIFF]
    if b"\0" in head or _control_ratio(head) > 0.10:
        raise EvidenceError(
            f"{name}: binary file, not a text log (attach the text log or export it as text)"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise EvidenceError(
            f"{name}:{line}: not UTF-8 text (byte 0x{data[err.start]:02x}); convert it "
            f"first, e.g. iconv -f latin1 -t utf-8"
        ) from err
    return Attachment(name, text)


def _control_ratio(data: bytes) -> float:
    if not data:
        return 0.0
    allowed = {9, 10, 12, 13, 27}
    return sum(1 for b in data if b < 32 and b not in allowed) / len(data)


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
