"""Uploads opened for reading: a plain log, a gzip file, or a ``.tar``/``.tar.gz``/
``.tgz``/``.zip`` bundle such as an ESXi ``vm-support`` bundle, walked member by member.

Every member is read as a stream, never whole, within limits that hold for the whole
upload (:class:`UploadLimits`): the uncompressed bytes read, the number of members, and
the compression ratio of every compressed layer (a zip bomb is refused before it has
expanded far). A member that is not a text log is skipped with the reason, so the answer
can say what was not read; an upload that is itself binary is refused by name.
"""

from __future__ import annotations

import codecs
import gzip
import io
import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import BinaryIO

from assistant.errors import EvidenceError

__all__ = [
    "Member",
    "Skipped",
    "Upload",
    "UploadLimits",
    "is_archive",
    "looks_binary",
]

SNIFF = 8 * 1024  # bytes looked at to tell text from binary
RATIO_AFTER = 1 << 20  # a compressed layer's ratio is judged once it has given 1 MiB
MAX_DEPTH = 3  # archives inside archives inside the upload
_GZIP = b"\x1f\x8b"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")  # a member, or an empty archive's directory
# Members that are not text whatever their first bytes say; not read at all.
BINARY_SUFFIXES = {
    ".png": "an image",
    ".jpg": "an image",
    ".jpeg": "an image",
    ".gif": "an image",
    ".ico": "an image",
    ".vmdk": "a virtual disk",
    ".vmsn": "a VM snapshot state file",
    ".vmem": "VM memory",
    ".vmss": "VM suspend state",
    ".nvram": "VM NVRAM",
    ".iso": "a disk image",
    ".dmp": "a memory dump",
    ".core": "a core dump",
    ".zdump": "an ESXi core dump",
    ".pcap": "a packet capture (open it in Wireshark, export the packets as text)",
    ".pcapng": "a packet capture (open it in Wireshark, export the packets as text)",
    ".evtx": "a binary Windows event log (export it as text: wevtutil qe LOG /f:text)",
    ".etl": "a binary Windows trace (convert it with tracerpt or netsh trace convert)",
    ".so": "a shared library",
    ".pyc": "compiled Python",
    ".db": "a database file",
    ".sqlite": "a database file",
}


@dataclass(frozen=True)
class UploadLimits:
    """What one upload may cost. ``max_bytes``: uncompressed bytes read from it, all
    members together (SHERLOG_MAX_ATTACHMENT_BYTES); ``max_members``: members of its
    archives, looked at or not (SHERLOG_MAX_BUNDLE_MEMBERS); ``max_ratio``: uncompressed
    to compressed size of any compressed layer (SHERLOG_MAX_COMPRESSION_RATIO)."""

    max_bytes: int = 200 * 1024 * 1024
    max_members: int = 10_000
    max_ratio: float = 200.0


@dataclass(frozen=True)
class Skipped:
    """A member of a bundle that was not read, and why."""

    member: str
    reason: str


@dataclass(frozen=True)
class Member:
    """One text log to read: its display name (``bundle.tgz:var/log/syslog``) and a
    stream of its raw bytes (still to be decoded: UTF-8, or UTF-16 with a BOM)."""

    name: str
    stream: BinaryIO


def looks_binary(head: bytes) -> bool:
    """True for data no log is made of: NUL bytes, or over 10 % control characters.

    >>> looks_binary(b"2026-12-06T07:12:03Z vmkernel: cpu1: ok\\n")
    False
    >>> looks_binary(b"\\x7fELF\\x02\\x01\\x01\\x00\\x00")
    True
    >>> looks_binary("Ereignis-ID 7036\\r\\n".encode("utf-16"))  # a BOM: UTF-16 text
    False
    """
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if b"\0" in head:
        return True
    if not head:
        return False
    allowed = {9, 10, 12, 13, 27}
    return sum(1 for b in head if b < 32 and b not in allowed) / len(head) > 0.10


class _Budget:
    """The uncompressed bytes and members one upload has used so far."""

    def __init__(self, upload: str, limits: UploadLimits):
        self.upload = upload
        self.limits = limits
        self.bytes = 0
        self.members = 0

    def spend(self, n: int, where: str) -> None:
        self.bytes += n
        if self.bytes > self.limits.max_bytes:
            raise EvidenceError(
                f"{where}: the upload expands past {_mb(self.limits.max_bytes)} of text "
                f"(SHERLOG_MAX_ATTACHMENT_BYTES); attach the logs that matter, or raise "
                f"the limit"
            )

    def member(self, where: str) -> None:
        self.members += 1
        if self.members > self.limits.max_members:
            raise EvidenceError(
                f"{where}: the upload has more than {self.limits.max_members} members "
                f"(SHERLOG_MAX_BUNDLE_MEMBERS); attach the logs that matter, or raise the limit"
            )


class _Counted:
    """A stream that charges what is read from it to the upload's budget (a plain
    ``read``, no second buffer: the scan reads in big blocks)."""

    def __init__(self, inner: BinaryIO, budget: _Budget, where: str):
        self._inner = inner
        self._budget = budget
        self._where = where

    def read(self, n: int = -1) -> bytes:
        data = self._inner.read(n)
        if data:
            self._budget.spend(len(data), self._where)
        return data


class _Inflating(io.RawIOBase):
    """A gzip stream that refuses to go on once it has expanded past ``max_ratio`` times
    the compressed bytes it has read (a gzip bomb), without inflating the rest."""

    def __init__(self, raw: BinaryIO, budget: _Budget, where: str):
        self._raw = raw
        self._consumed = 0
        self._budget = budget
        self._limits = budget.limits
        self._where = where
        self._gz = gzip.GzipFile(fileobj=_Tally(raw, self), mode="rb")
        self._out = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            data = self._gz.read(len(buffer))
        except (OSError, EOFError, zlib.error) as err:
            raise EvidenceError(f"{self._where}: broken gzip data ({err})") from err
        n = len(data)
        buffer[:n] = data
        self._out += n
        self._budget.spend(n, self._where)
        if self._out > RATIO_AFTER and self._out > self._limits.max_ratio * max(self._consumed, 1):
            raise EvidenceError(
                f"{self._where}: refused as a likely decompression bomb: it expands more "
                f"than {self._limits.max_ratio:g} times (SHERLOG_MAX_COMPRESSION_RATIO)"
            )
        return n


class _Tally(io.RawIOBase):
    """Counts the compressed bytes an :class:`_Inflating` stream has pulled."""

    def __init__(self, raw: BinaryIO, owner: _Inflating):
        self._raw = raw
        self._owner = owner

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self._owner._consumed += n
        return n


@dataclass
class Upload:
    """One attachment opened for reading. Iterate it for its text members, in order;
    afterwards ``skipped`` says what was not read and why.

    ``data`` (an upload held in memory) or ``path`` (a file read as it is scanned)."""

    name: str
    data: bytes | None = None
    path: str | None = None
    limits: UploadLimits = field(default_factory=UploadLimits)
    skipped: list[Skipped] = field(default_factory=list)
    members_read: int = 0

    def __iter__(self) -> Iterator[Member]:
        budget = _Budget(self.name, self.limits)
        with self._open_raw() as raw:
            head = _peek(raw, SNIFF)
            if not head.strip(b" \t\r\n\0"):
                raise EvidenceError(f"{self.name}: the file is empty")
            yield from self._walk(self.name, raw, head, budget, depth=0, charged=False)
        if not self.members_read:
            why = "; ".join(f"{s.member}: {s.reason}" for s in self.skipped[:5])
            raise EvidenceError(f"{self.name}: no text log in it ({why})")

    def _open_raw(self) -> BinaryIO:
        if self.data is not None:
            return io.BufferedReader(io.BytesIO(self.data))  # type: ignore[arg-type]
        assert self.path is not None
        try:
            return open(self.path, "rb")
        except OSError as err:
            raise EvidenceError(f"{self.name}: cannot read ({err.strerror})") from err

    def _walk(
        self, where: str, raw: BinaryIO, head: bytes, budget: _Budget, depth: int, charged: bool
    ) -> Iterator[Member]:
        """The text members of the stream ``raw`` (whose first bytes are ``head``);
        ``charged``: its bytes come out of a decompressor that charges them already."""
        top = depth == 0
        if head.startswith(_GZIP):
            inflated = io.BufferedReader(_Inflating(raw, budget, where), 1 << 16)
            inner = _strip_suffix(where, (".gz", ".tgz"))
            ihead = _peek(inflated, SNIFF)
            if _is_tar(ihead) and depth < MAX_DEPTH:
                yield from self._tar(where, inflated, budget, depth, charged=True)
            else:
                yield from self._walk(inner, inflated, ihead, budget, depth, charged=True)
            return
        if head.startswith(_ZIP):
            if depth >= MAX_DEPTH:
                self.skipped.append(Skipped(where, "an archive nested too deep"))
                return
            yield from self._zip(where, raw, budget, depth)
            return
        if _is_tar(head) and depth < MAX_DEPTH:
            yield from self._tar(where, raw, budget, depth, charged)
            return
        if looks_binary(head):
            if top:
                raise EvidenceError(
                    f"{where}: binary file, not a text log (attach the text log or export "
                    f"it as text)"
                )
            self.skipped.append(Skipped(where, "binary, not a text log"))
            return
        self.members_read += 1
        yield Member(where, raw if charged else _Counted(raw, budget, where))  # type: ignore[arg-type]

    def _tar(
        self, where: str, raw: BinaryIO, budget: _Budget, depth: int, charged: bool
    ) -> Iterator[Member]:
        try:
            with tarfile.open(fileobj=raw, mode="r|") as tar:
                for info in tar:
                    name = f"{where}:{info.name}"
                    budget.member(name)
                    if not info.isfile():
                        continue
                    if (reason := _skip_by_name(info.name, info.size)) is not None:
                        self.skipped.append(Skipped(name, reason))
                        continue
                    stream = tar.extractfile(info)
                    if stream is None:
                        continue
                    head = _peek(stream, SNIFF)
                    yield from self._walk(name, stream, head, budget, depth + 1, charged)
        except tarfile.TarError as err:
            raise EvidenceError(f"{where}: broken tar archive ({err})") from err

    def _zip(self, where: str, raw: BinaryIO, budget: _Budget, depth: int) -> Iterator[Member]:
        # A zip's directory is at its end: it needs a seekable file. A zip inside another
        # archive is read into memory first, charged to the budget.
        seekable = raw if raw.seekable() else io.BytesIO(_read_all(raw, budget, where))
        try:
            archive = zipfile.ZipFile(seekable)
        except (zipfile.BadZipFile, OSError) as err:
            raise EvidenceError(f"{where}: broken zip archive ({err})") from err
        with archive:
            for info in archive.infolist():
                name = f"{where}:{info.filename}"
                budget.member(name)
                if info.is_dir():
                    continue
                if info.file_size > self.limits.max_ratio * max(info.compress_size, 1) and (
                    info.file_size > RATIO_AFTER
                ):
                    raise EvidenceError(
                        f"{name}: refused as a likely zip bomb: it expands from "
                        f"{info.compress_size:,} to {info.file_size:,} bytes, more than "
                        f"{self.limits.max_ratio:g} times (SHERLOG_MAX_COMPRESSION_RATIO)"
                    )
                if (reason := _skip_by_name(info.filename, info.file_size)) is not None:
                    self.skipped.append(Skipped(name, reason))
                    continue
                if info.file_size > self.limits.max_bytes - budget.bytes:
                    budget.spend(info.file_size, name)  # raises, naming the member
                try:
                    stream = io.BufferedReader(_Capped(archive.open(info), info), 1 << 16)
                    head = _peek(stream, SNIFF)
                    yield from self._walk(name, stream, head, budget, depth + 1, False)
                except (
                    zipfile.BadZipFile,
                    zlib.error,
                    EOFError,
                    NotImplementedError,
                    RuntimeError,
                ) as err:
                    self.skipped.append(Skipped(name, f"cannot be read ({err})"))


class _Capped(io.RawIOBase):
    """A zip member that may not give more bytes than its directory entry declared (a
    forged entry cannot slip past the ratio check)."""

    def __init__(self, inner: BinaryIO, info: zipfile.ZipInfo):
        self._inner = inner
        self._left = info.file_size
        self._name = info.filename

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._inner.read(min(len(buffer), self._left + 1))
        if len(data) > self._left:
            raise EvidenceError(f"{self._name}: more data than its zip entry declares")
        self._left -= len(data)
        buffer[: len(data)] = data
        return len(data)


def _skip_by_name(name: str, size: int) -> str | None:
    if size == 0:
        return "empty"
    suffix = PurePosixPath(name.lower()).suffix
    if suffix in BINARY_SUFFIXES:
        return BINARY_SUFFIXES[suffix]
    return None


def _is_tar(head: bytes) -> bool:
    return len(head) >= 262 and head[257:262] == b"ustar"


def is_archive(head: bytes) -> bool:
    """Whether data starting with ``head`` is gzip, zip or tar (a bundle to walk, not a
    binary file to refuse).

    >>> is_archive(b"\\x1f\\x8b\\x08"), is_archive(b"PK\\x03\\x04"), is_archive(b"\\x7fELF")
    (True, True, False)
    """
    return head.startswith(_GZIP) or head.startswith(_ZIP) or _is_tar(head)


def _peek(stream: BinaryIO, n: int) -> bytes:
    """The first ``n`` bytes of a buffered stream, left unread."""
    peek = getattr(stream, "peek", None)
    if peek is None:
        raise TypeError("stream must be buffered")
    return peek(n)[:n]


def _read_all(raw: BinaryIO, budget: _Budget, where: str) -> bytes:
    parts = []
    while block := raw.read(1 << 20):
        budget.spend(len(block), where)
        parts.append(block)
    return b"".join(parts)


def _strip_suffix(name: str, suffixes: tuple[str, ...]) -> str:
    for suffix in suffixes:
        if name.lower().endswith(suffix):
            return name[: -len(suffix)] + (".tar" if suffix == ".tgz" else "")
    return name


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"
