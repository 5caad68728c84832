"""Attachments and log pattern scanning: located hits, counts, and clear refusals."""

from __future__ import annotations

import pytest

from assistant.attachments import attachment_from_bytes, read_attachment
from assistant.errors import EvidenceError
from assistant.logscan import (
    compile_patterns,
    hits_to_evidence,
    scan,
    scan_distinct,
    scan_sequences,
)
from graph.evidence import OriginKind
from kb.loader import load_kb
from kb.patterns import DistinctSet, SequenceSet

LIMIT = 1024 * 1024


class TestScan:
    def test_hits_have_file_line_and_count(self, kb_dir):
        patterns = compile_patterns(load_kb(kb_dir))
        text = "boot ok\n2024-01-01 WIDGET-BETA-FAIL code 7\nnoise\nWIDGET-BETA-FAIL again\n"
        (hit,) = scan(patterns, "app.log", text)
        assert (hit.symptom, hit.source, hit.first_line, hit.count) == (
            "beta-symptom",
            "app.log",
            2,
            2,
        )
        assert hit.text[hit.span[0] : hit.span[1]] == "WIDGET-BETA-FAIL"
        (evidence,) = hits_to_evidence([hit])
        assert evidence.origin.kind is OriginKind.LOG and evidence.origin.line == 2

    def test_no_patterns_no_hits(self, kb_dir):
        assert scan(compile_patterns(load_kb(kb_dir)), "x.log", "all quiet\n") == []

    def test_a_key_with_two_values_is_one_hit_at_the_second_value(self):
        distinct = DistinctSet([("two-macs", r"from (?P<key>[0-9.]+) \[(?P<value>[0-9A-F:]+)\]")])
        text = (
            "ARPING 10.0.0.5\n"
            "reply from 10.0.0.5 [00:50:56:AA:00:01]\n"
            "reply from 10.0.0.9 [00:50:56:AA:00:07]\n"
            "reply from 10.0.0.5 [00:50:56:AA:00:02]\n"
            "reply from 10.0.0.5 [00:50:56:AA:00:01]\n"
        )
        (hit,) = scan_distinct(distinct, "arping.txt", text)
        assert (hit.symptom, hit.first_line, hit.count) == ("two-macs", 4, 3)
        assert hit.text == (
            "10.0.0.5 shows 2 different values: 00:50:56:AA:00:01 (line 2), "
            "00:50:56:AA:00:02 (line 4)"
        )
        assert [line for line, _, _ in hit.spans] == [2, 4, 5]
        assert scan_distinct(distinct, "arping.txt", text.replace(":02]", ":01]")) == []

    def test_macs_of_two_vendors_for_one_key_show_the_vendor_symptom(self):
        distinct = DistinctSet([("two-macs", r"from (?P<key>[0-9.]+) \[(?P<value>[0-9A-F:]+)\]")])
        vendors = {"two-macs": ("another-device",)}
        vmware_hp = (
            "reply from 10.0.0.5 [00:50:56:9A:12:34]\n"
            "reply from 10.0.0.5 [3C:52:82:1F:07:E9]\n"
            "reply from 10.0.0.5 [00:50:56:9A:12:34]\n"
        )
        two, other = scan_distinct(distinct, "arping.txt", vmware_hp, vendors)
        assert (two.symptom, other.symptom, other.first_line) == ("two-macs", "another-device", 2)
        assert "00:50:56:9A:12:34 (VMware, Inc., line 1)" in other.text
        assert "3C:52:82:1F:07:E9 (Hewlett Packard, line 2)" in other.text
        assert hits_to_evidence([other])[0].strength == 0.8 < hits_to_evidence([two])[0].strength
        # Two VMware OUIs are one vendor; a locally administered MAC (NLB) has none.
        for second in ("00:0C:29:11:22:33", "02:BF:0A:01:01:64"):
            text = vmware_hp.replace("3C:52:82:1F:07:E9", second)
            hits = scan_distinct(distinct, "x", text, vendors)
            assert [h.symptom for h in hits] == ["two-macs"]

    def test_a_sequence_completes_within_its_window_and_not_past_the_next_command(self):
        seqs = SequenceSet([("df", r"ping -M do -s 1472", r"100% packet loss", 3, r"^\$ ping")])
        ok = "$ ping -M do -s 1472 h\nPING h\n\n3 packets transmitted, 100% packet loss\n"
        (hit,) = scan_sequences(seqs, "ping.txt", ok + ok)
        assert (hit.first_line, hit.count, hit.text.startswith("$ ping -M do")) == (4, 2, True)
        assert [line for line, _, _ in hit.spans] == [1, 4]
        late = "$ ping -M do -s 1472 h\n.\n.\n.\n.\n100% packet loss\n"
        other = "$ ping -M do -s 1472 h\n0% packet loss\n$ ping h\n100% packet loss\n"
        assert scan_sequences(seqs, "x", late) == scan_sequences(seqs, "x", other) == []


class TestAttachments:
    def test_reads_utf8_and_utf16(self, tmp_path):
        (tmp_path / "a.log").write_text("héllo\n", encoding="utf-8")
        (tmp_path / "b.log").write_text("héllo\n", encoding="utf-16")
        assert read_attachment(tmp_path / "a.log", LIMIT).text(LIMIT) == "héllo\n"
        assert read_attachment(tmp_path / "b.log", LIMIT).text(LIMIT) == "héllo\n"

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (b"\x7fELF\x02\x01\x00\x00binary", "binary file"),
            (b"   \n", "the file is empty"),
        ],
    )
    def test_refusals_say_what_and_where(self, data, message):
        with pytest.raises(EvidenceError, match=message.replace("(", r"\(").replace(")", r"\)")):
            attachment_from_bytes("upload.log", data, LIMIT)

    def test_missing_folder_and_oversized(self, tmp_path):
        with pytest.raises(EvidenceError, match="no such file"):
            read_attachment(tmp_path / "nope.log", LIMIT)
        with pytest.raises(EvidenceError, match="is a folder"):
            read_attachment(tmp_path, LIMIT)
        big = tmp_path / "big.log"
        big.write_bytes(b"x" * 2048)
        with pytest.raises(EvidenceError, match="over the attachment limit"):
            read_attachment(big, 1024)
