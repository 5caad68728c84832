"""Logs at scale: bundles and their limits, the one-pass scan, aggregation, templates and
redaction, on the shipped KB's real patterns and realistic lines."""

from __future__ import annotations

import gzip
import io
import tarfile
import zipfile
from functools import cache
from pathlib import Path

import pytest
import yaml

from assistant.attachments import attachment_from_bytes, read_attachment
from assistant.bundles import UploadLimits
from assistant.errors import EvidenceError
from assistant.logread import occurrences, read_upload
from assistant.logscan import compile_readers, hits_to_evidence, scan_all
from assistant.logstream import read_blocks, scan_stream
from kb.loader import load_kb

ROOT = Path(__file__).resolve().parents[3]
LIMITS = UploadLimits()
APD = (
    "{t} cpu2:2097601)WARNING: NMP: nmp_DeviceStartLoop: NMP Device "
    '"naa.60014055c425cd10a874374b415629b3" has entered the All Paths Down state.'
)
OOM = "Dec  6 07:14:02 web01 kernel: Out of memory: Killed process 4242 (java) total-vm:8123456kB"
NOISE = [
    "2026-12-06T07:11:{s:02d}.100Z cpu1:2097152)NetPort: 1932: enabled port 0x2000{s:03d}",
    "Dec  6 07:11:{s:02d} web01 CRON[{s}1]: (root) CMD (run-parts /etc/cron.hourly)",
]


@cache
def readers():
    return compile_readers(load_kb(ROOT / "kb" / "articles"))


def _log(apd: int = 3, noise: int = 40) -> str:
    lines = [NOISE[i % 2].format(s=i % 60) for i in range(noise)]
    for i in range(apd):
        lines.insert(5 + i * 7, APD.format(t=f"2026-12-06T07:{12 + i:02d}:03.000Z"))
    return "\n".join(lines) + "\n"


def _targz(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def _read(name: str, data: bytes, limits: UploadLimits = LIMITS, addresses: bool = False):
    return read_upload(readers(), attachment_from_bytes(name, data, 1 << 30), limits, addresses)


class TestBundles:
    def test_a_vm_support_bundle_is_walked_with_nested_paths_and_rotated_logs(self):
        bundle = _targz(
            {
                "esx-01-2026-12-06/var/run/log/vmkernel.log": _log().encode(),
                "esx-01-2026-12-06/var/run/log/vmkernel.0.gz": gzip.compress(OOM.encode()),
                "esx-01-2026-12-06/var/core/vmkernel-zdump.1.zdump": b"\x00" * 64,
                "esx-01-2026-12-06/commands/lspci.bin": b"\x00\x01\x02ELF" * 100,
                "esx-01-2026-12-06/etc/empty.conf": b"",
            }
        )
        hits, report = _read("vm-support.tgz", bundle)
        where = {h.symptom: h.source for h in hits}
        assert where["esxi-apd-logged"] == (
            "vm-support.tgz:esx-01-2026-12-06/var/run/log/vmkernel.log"
        )
        assert where["kernel-oom-killer-log"] == (
            "vm-support.tgz:esx-01-2026-12-06/var/run/log/vmkernel.0"
        )
        skipped = {s.member.rsplit("/", 1)[1]: s.reason for s in report.skipped}
        assert skipped == {
            "vmkernel-zdump.1.zdump": "an ESXi core dump",
            "lspci.bin": "binary, not a text log",
            "empty.conf": "empty",
        }
        notes = report.notes()
        assert notes[0] == "vm-support.tgz: read 2 logs, 44 lines (3 KB)."
        assert any("lspci.bin: not read: binary, not a text log." in n for n in notes)

    def test_a_zip_bundle_and_a_plain_tar(self):
        hits, _ = _read("logs.zip", _zip({"a/b/c/syslog": OOM.encode()}))
        assert [(h.symptom, h.source) for h in hits if h.symptom == "kernel-oom-killer-log"] == [
            ("kernel-oom-killer-log", "logs.zip:a/b/c/syslog")
        ]
        plain = io.BytesIO()
        with tarfile.open(fileobj=plain, mode="w") as tar:
            info = tarfile.TarInfo("var/log/syslog")
            info.size = len(OOM)
            tar.addfile(info, io.BytesIO(OOM.encode()))
        hits, _ = _read("logs.tar", plain.getvalue())
        assert "kernel-oom-killer-log" in {h.symptom for h in hits}

    def test_a_zip_bomb_is_refused_before_it_is_inflated(self):
        bomb = _zip({"huge.log": b"A" * (8 << 20)})  # 8 MiB of one byte: ~1000x
        with pytest.raises(EvidenceError, match=r"bomb.py.zip:huge.log: refused as a likely"):
            _read("bomb.py.zip", bomb)

    def test_a_truncated_or_corrupt_bundle_is_an_error_naming_it(self):
        bundle = _targz({"var/log/syslog": (_log(noise=4000)).encode()})
        with pytest.raises(EvidenceError, match=r"^cut.tgz"):
            _read("cut.tgz", bundle[: len(bundle) // 2])
        broken = bytearray(_zip({"a/syslog": _log(noise=400).encode()}))
        broken[60:70] = b"\xff" * 10  # inside the member's deflated data
        with pytest.raises(EvidenceError, match=r"^bad.zip: no text log in it \(bad.zip:a/sys"):
            _read("bad.zip", bytes(broken))

    def test_a_core_dump_in_a_zip_is_skipped_whatever_its_size(self):
        _, report = _read(
            "z.zip",
            _zip({"var/core/vmkernel-zdump.1.zdump": b"\0" * 4096, "syslog": OOM.encode()}),
            UploadLimits(max_bytes=2048),
        )
        assert [s.reason for s in report.skipped] == ["an ESXi core dump"]

    def test_a_gzip_bomb_is_refused_while_it_streams(self):
        bomb = gzip.compress(b"\n" * (16 << 20))
        with pytest.raises(EvidenceError, match=r"boom.log.gz: refused as a likely decompression"):
            _read("boom.log.gz", bomb)
        # the same file is fine with a ratio limit that allows it
        _read("boom.log.gz", bomb, UploadLimits(max_ratio=10_000))

    def test_the_size_and_member_limits_name_the_upload(self):
        with pytest.raises(EvidenceError, match=r"expands past 0 MB.*SHERLOG_MAX_ATTACHMENT_BYTES"):
            _read("big.log.gz", gzip.compress(_log().encode()), UploadLimits(max_bytes=100))
        many = _targz({f"log/{i}.log": b"ok\n" for i in range(5)})
        with pytest.raises(EvidenceError, match=r"more than 3 members.*MAX_BUNDLE_MEMBERS"):
            _read("many.tgz", many, UploadLimits(max_members=3))

    def test_binary_uploads_are_refused_by_name(self, tmp_path):
        with pytest.raises(EvidenceError, match=r"core.bin: binary file, not a text log"):
            attachment_from_bytes("core.bin", b"\x7fELF\x02\x01\x01\x00" * 10, 1 << 20)
        (tmp_path / "dump.log").write_bytes(b"\x00\x00\x00" * 50)
        with pytest.raises(EvidenceError, match=r"dump.log: binary file"):
            read_attachment(tmp_path / "dump.log", 1 << 20)
        # inside a gzip, found when it is read
        with pytest.raises(EvidenceError, match=r"x.bin: binary file"):
            _read("x.bin.gz", gzip.compress(b"\x00\x01\x02" * 1000))
        with pytest.raises(EvidenceError, match=r"no text log in it"):
            _read("all-binary.tgz", _targz({"a.bin": b"\x00" * 100}))

    def test_invalid_utf8_is_read_with_replacement_and_reported(self):
        data = b"ok\ncaf\xe9 ferm\xe9\n" + OOM.encode() + b"\n"
        hits, report = _read("latin.log", data)
        assert "kernel-oom-killer-log" in {h.symptom for h in hits}
        (member,) = report.members
        assert (member.invalid_utf8, member.first_invalid_line) == (2, 2)
        assert "latin.log: 2 places were not UTF-8 (first on line 2); read as \ufffd." in (
            report.notes()
        )

    def test_utf16_and_crlf_logs_read_like_utf8(self):
        text = "Speed: 10000Mb/s\r\nDuplex: Half\r\n"
        plain = {h.symptom for h in scan_all(readers(), "x", text.replace("\r\n", "\n"))}
        assert plain  # the anchored ethtool patterns read these lines
        for data in (text.encode("utf-16"), text.encode()):
            hits, _ = _read("ethtool.txt", data)
            assert {h.symptom for h in hits} == plain


class TestOnePassScan:
    def test_repeated_lines_are_one_hit_with_count_and_first_and_last_time(self):
        hits, _ = _read("vmkernel.log", _log(apd=6).encode())
        (apd,) = [h for h in hits if h.symptom == "esxi-apd-logged"]
        assert (apd.count, apd.first_line, apd.last_line) == (6, 6, 41)
        assert (apd.first_time, apd.last_time) == (
            "2026-12-06T07:12:03.000Z",
            "2026-12-06T07:17:03.000Z",
        )
        (evidence,) = [e for e in hits_to_evidence([apd])]
        assert occurrences(evidence.origin) == (
            "between 07:12:03 and 07:17:03 (2026-12-06), lines 6–41"
        )

    @pytest.mark.parametrize("block", [64, 1000, 4 << 20])
    def test_the_stream_scan_finds_what_a_line_by_line_scan_finds(self, block):
        corpus = []
        for path in sorted((ROOT / "tests" / "data" / "log_lines").glob("*.yaml")):
            for lines in yaml.safe_load(path.read_text()).values():
                corpus += [line for line in lines if "\n" not in line]
        text = "\n".join(corpus) + "\n"
        expected = {(h.symptom, h.first_line, h.count) for h in scan_all(readers(), "f", text)}
        scan = scan_stream(readers(), "f", io.BytesIO(text.encode()), block=block)
        assert {(h.symptom, h.first_line, h.count) for h in scan.hits} == expected
        assert scan.lines == len(corpus)

    def test_a_crlf_split_by_a_read_is_still_one_line_end(self):
        data = b"abc\r\n  Duplex: Half\r\n"
        for size in range(1, len(data) + 1):
            assert b"".join(read_blocks(io.BytesIO(data), block=size)) == (b"abc\n  Duplex: Half\n")

    def test_a_huge_line_is_cut_and_the_lines_after_it_keep_their_numbers(self):
        data = b"x" * (300 << 10) + b"\n" + APD.format(t="2026-12-06T07:12:03Z").encode()
        blocks = list(read_blocks(io.BytesIO(data), block=32 << 10))
        assert max(len(b) for b in blocks) <= (64 << 10) + 1
        scan = scan_stream(readers(), "long.log", io.BytesIO(data), block=32 << 10)
        assert [(h.symptom, h.first_line) for h in scan.hits if "apd" in h.symptom] == [
            ("esxi-apd-logged", 2)
        ]


class TestTemplates:
    def test_unexplained_lines_are_mined_most_frequent_first(self):
        hits, report = _read("mixed.log", _log(apd=2, noise=300).encode())
        assert {h.symptom for h in hits} >= {"esxi-apd-logged"}
        first, second = report.templates[:2]
        assert "NetPort" in first.text and "CRON" in second.text
        assert (first.estimate, second.estimate) == (150, 150)
        assert first.example.startswith("2026-12-06T07:11:00.100Z cpu1:2097152)NetPort")
        assert report.unexplained == 300
        # a sample never lands on an explained line, however long it is
        long_apd = APD.format(t="2026-12-06T07:12:03Z") + " " + "x" * 5000
        scan = scan_stream(readers(), "f", io.BytesIO(f"{long_apd}\nok one\nok two\n".encode()))
        assert sorted(t for t, _, _ in scan.samples) == ["ok one", "ok two"]


class TestRedaction:
    def test_secrets_in_matched_lines_and_templates_are_masked(self):
        secret = "password=Hunter2!"
        line = f"{OOM} cmdline: java -Ddb.{secret}"
        noise = [
            f"Dec  6 07:1{i % 10}:00 app01 app[1]: login token=abc{i}def ok" for i in range(50)
        ]
        hits, report = _read("app.log", "\n".join([*noise, line]).encode())
        (oom,) = [h for h in hits if h.symptom == "kernel-oom-killer-log"]
        assert "Hunter2" not in oom.text and "password=[redacted]" in oom.text
        assert oom.text[oom.span[0] : oom.span[1]].startswith("Out of memory")
        assert all("abc" not in t.example and "abc" not in t.text for t in report.templates)

    def test_addresses_are_masked_only_when_asked(self):
        line = f"{OOM} from 10.20.30.40 mac 00:50:56:9a:12:34"
        (kept,) = [h for h in _read("a.log", line.encode())[0] if "oom" in h.symptom]
        (masked,) = [
            h for h in _read("a.log", line.encode(), addresses=True)[0] if "oom" in h.symptom
        ]
        assert "10.20.30.40" in kept.text
        assert "10.20.30.40" not in masked.text and "00:50:56:9a:12:34" not in masked.text
