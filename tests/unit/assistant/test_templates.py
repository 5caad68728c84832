"""Mining unexplained log lines into templates: ranking, masks, weighted estimates, speed."""

from __future__ import annotations

import logging
import random
import time

import pytest
from drain3.template_miner_config import TemplateMinerConfig

from assistant.templates import (
    MAX_LINE_CHARS,
    Template,
    TemplateMiner,
    mask_line,
    sample_weight,
    shape,
    template_text_for_matching,
)

NETPORT = (
    "2024-03-01T10:15:{s:02d}.{ms:03d}Z cpu{cpu}:{world})NetPort: {n}: "
    "disabled port 0x{port:x} with mac 00:50:56:{a:02x}:{b:02x}:0c"
)
SSHD = (
    "Mar {d:2d} 10:{m:02d}:{s:02d} esx{host:02d} sshd[{pid}]: Accepted publickey for root from {ip}"
)


def netport(i: int) -> str:
    return NETPORT.format(
        s=i % 60, ms=i * 7 % 1000, cpu=i % 48, world=2097152 + i * 31, n=1000 + i,
        port=0x4000000 + i, a=i % 256, b=i * 3 % 256,
    )  # fmt: skip


def sshd(i: int) -> str:
    ip = f"10.{i % 7}.{i % 250}.{i % 13 + 1}"
    return SSHD.format(d=i % 28 + 1, m=i % 60, s=i * 7 % 60, host=i % 4, pid=4000 + i, ip=ip)


def only_template(line: str) -> str:
    miner = TemplateMiner()
    miner.add(line, "x.log", 1)
    (template,) = miner.top()
    return template.text


class TestRanking:
    def test_two_templates_rank_by_count(self):
        miner = TemplateMiner()
        for i in range(10):
            miner.add(sshd(i), "syslog", 2 * i + 1)
            miner.add(netport(i), "vmkernel.log", 2 * i + 2)
        for i in range(10, 30):
            miner.add(netport(i), "vmkernel.log", i + 100)
        first, second = miner.top()
        assert first.text == (
            "<TS> cpu<NUM>:<NUM>)NetPort: <NUM>: disabled port <HEX> with mac <MAC>"
        )
        assert (first.sampled, first.estimate) == (30, 30)
        assert second.text == "<TS> esx<NUM> sshd[<NUM>]: Accepted publickey for root from <IP>"
        assert (second.sampled, second.estimate) == (10, 10)
        assert len(miner) == 40 and miner.estimated_total == 40

    def test_n_and_min_share(self):
        miner = TemplateMiner()
        for i in range(9):
            miner.add(netport(i), "vmkernel.log", i + 1)
        miner.add(sshd(0), "syslog", 1)
        assert len(miner.top(1)) == 1 and len(miner.top(0)) == 0
        assert [t.sampled for t in miner.top(5, min_share=0.2)] == [9]
        assert [t.sampled for t in miner.top(5, min_share=0.1)] == [9, 1]

    def test_template_read_when_asked_as_drain_generalises_it(self):
        # The third line has the first one's shape and skips Drain3, yet the template it
        # is counted in is the one the second line generalised.
        miner = TemplateMiner()
        miner.add("user alice logged in from 10.0.0.1", "auth.log", 1)
        miner.add("user bob logged in from 10.0.0.2", "auth.log", 2)
        miner.add("user alice logged in from 10.0.0.3", "auth.log", 3)
        (template,) = miner.top()
        assert (template.text, template.sampled) == ("user <*> logged in from <IP>", 3)

    def test_caches_change_no_result(self):
        class PlainDrain3(TemplateMiner):
            def _cluster_id(self, line: str) -> int:
                return self._miner.add_log_message(line)["cluster_id"]

        rng = random.Random(5)
        users = ["root", "admin", "svc-backup", "alice"]
        makers = [
            netport,
            sshd,
            lambda i: f"{i % 24:02d}:{i % 60:02d}:00 sudo: {rng.choice(users)} : COMMAND=/bin/ls",
            lambda i: f"disk sd{'abc'[i % 3]} error {i} at lba {i * 8}",
        ]
        lines = [rng.choice(makers)(i) for i in range(600)]
        cached, plain = TemplateMiner(), PlainDrain3()
        for miner in (cached, plain):
            for i, line in enumerate(lines, 1):
                miner.add(line, "mixed.log", i)
        assert cached.top(10) == plain.top(10)
        assert len(cached.top(10)) == 4

    def test_clusters_evicted_by_drain_keep_their_counts(self):
        miner = TemplateMiner(max_clusters=2)
        for i, line in enumerate(["a b", "c d e", "f g h i", "c d e"], 1):
            miner.add(line, "x.log", i)
        assert [(t.text, t.sampled) for t in miner.top()] == [
            ("c d e", 2),
            ("a b", 1),
            ("f g h i", 1),
        ]

    def test_empty_miner(self):
        miner = TemplateMiner()
        assert miner.top() == [] and len(miner) == 0 and miner.estimated_total == 0

    def test_blank_lines_are_not_mined(self):
        miner = TemplateMiner()
        miner.add("   \n", "x.log", 1)
        assert miner.top() == [] and len(miner) == 0


class TestMasks:
    @pytest.mark.parametrize(
        ("line", "template"),
        [
            (
                "2024-03-01T10:15:22.123Z cpu12:2097152)NetPort: 1234: disabled port "
                "0x4000002 with mac 00:50:56:aa:bb:cc",
                "<TS> cpu<NUM>:<NUM>)NetPort: <NUM>: disabled port <HEX> with mac <MAC>",
            ),
            (
                "Mar  1 10:15:22 esx01 sshd[12345]: Accepted publickey from 10.0.0.5 port 52311",
                "<TS> esx<NUM> sshd[<NUM>]: Accepted publickey from <IP> port <NUM>",
            ),
            (
                "3/1/2024 10:15:22 AM Error Service Control Manager 7031 service stopped",
                "<TS> Error Service Control Manager <NUM> service stopped",
            ),
            (
                "2024-03-01 10:15:22,123 INFO started on 192.168.1.10:8080 in 12.5 s",
                "<TS> INFO started on <IP>:<NUM> in <NUM>.<NUM> s",
            ),
            (
                "neighbor fe80::250:56ff:fe9a:1%vmk0 and 2001:db8:0:0:0:ff00:42:8329 up",
                "neighbor <IP> and <IP> up",
            ),
            (
                'NMP device "naa.600508b1001c3a7f5e2d8c9b0a1f2e3d" vm '
                "564d5e2b-1a2b-3c4d-5e6f-7a8b9c0d1e2f wwn 20:00:00:25:b5:0a:00:1f",
                'NMP device "<ID>" vm <ID> wwn <ID>',
            ),
            (
                'opID=5a1b2c3d-01-7f8e session deadbeef1234abcd file "/vmfs/volumes/ds1/a.vmx"',
                'opID=<ID> session <ID> file "<PATH>"',
            ),
            ("cisco mac 0050.56aa.bbcc at 10:15:22.5", "cisco mac <MAC> at <TS>"),
        ],
    )
    def test_variable_parts_are_masked(self, line, template):
        assert mask_line(line) == template
        assert only_template(line) == template

    def test_lines_of_one_shape_mask_alike_and_keep_no_digit(self):
        rng = random.Random(3)
        for line in [netport(5), sshd(8), "3/1/2024 10:15:22 AM x 0x1f 10.0.0.1 ab12cd34ef"]:
            other = "".join(rng.choice("0123456789") if c.isdigit() else c for c in line)
            assert shape(other) == shape(line)
            assert mask_line(other) == mask_line(line)
            assert not any(c.isdigit() for c in mask_line(line))

    def test_text_for_matching_drops_masks(self):
        template = Template(
            "<TS> cpu<NUM>:<NUM>)NetPort: <NUM>: disabled port <HEX> with mac <MAC>",
            sampled=1, estimate=1, example="", source="", line=1,
        )  # fmt: skip
        assert template_text_for_matching(template) == "NetPort: disabled port with mac"


class TestEstimates:
    def test_sources_sampled_at_different_rates(self):
        # vmkernel.log: 1,000 unexplained lines, 10 sampled (8 NetPort, 2 sshd);
        # syslog: 50 unexplained lines, all sampled (10 NetPort, 40 sshd).
        miner = TemplateMiner()
        heavy = sample_weight(1_000, 10)
        for i in range(8):
            miner.add(netport(i), "vmkernel.log", i + 1, weight=heavy)
        for i in range(2):
            miner.add(sshd(i), "vmkernel.log", i + 20, weight=heavy)
        light = sample_weight(50, 50)
        for i in range(10):
            miner.add(netport(100 + i), "syslog", i + 1, weight=light)
        for i in range(40):
            miner.add(sshd(100 + i), "syslog", i + 11, weight=light)
        netports, sshds = miner.top()
        assert (netports.sampled, netports.estimate) == (18, 8 * 100 + 10)
        assert (sshds.sampled, sshds.estimate) == (42, 2 * 100 + 40)
        assert miner.estimated_total == 1_050

    def test_estimate_rounds_the_sum_of_weights(self):
        miner = TemplateMiner()
        weight = sample_weight(1_000, 3)
        for i in range(3):
            miner.add(netport(i), "vmkernel.log", i + 1, weight=weight)
        assert miner.top()[0].estimate == 1_000

    def test_bad_weights_are_refused(self):
        with pytest.raises(ValueError):
            TemplateMiner().add("x", "x.log", 1, weight=0)
        with pytest.raises(ValueError):
            sample_weight(3, 0)


class TestExamples:
    def test_first_line_seen_is_the_example(self):
        miner = TemplateMiner()
        miner.add(netport(1), "esx01/vmkernel.log", 417)
        miner.add(netport(2), "esx02/vmkernel.log", 9)
        (template,) = miner.top()
        assert (template.example, template.source, template.line) == (
            netport(1),
            "esx01/vmkernel.log",
            417,
        )

    def test_long_lines_are_cut(self):
        miner = TemplateMiner()
        miner.add("payload " + "x" * 10_000 + "\n", "big.log", 3)
        (template,) = miner.top()
        assert len(template.example) == MAX_LINE_CHARS
        assert len(template.text) <= MAX_LINE_CHARS


class TestQuiet:
    def test_no_drain3_ini_is_read_and_nothing_printed(self, tmp_path, monkeypatch, capsys):
        (tmp_path / "drain3.ini").write_text("[DRAIN]\nsim_th = not a number\ndepth = -1\n")
        monkeypatch.chdir(tmp_path)

        def refuse(self, filename):
            raise AssertionError(f"read {filename}")

        monkeypatch.setattr(TemplateMinerConfig, "load", refuse)
        miner = TemplateMiner()
        for i in range(50):
            miner.add(netport(i), "vmkernel.log", i + 1)
        assert miner.top()[0].sampled == 50
        assert capsys.readouterr() == ("", "")

    def test_drain3_logs_nothing_at_info(self, caplog):
        with caplog.at_level(logging.INFO):
            TemplateMiner().add(sshd(1), "syslog", 1)
        assert not [r for r in caplog.records if r.name.startswith("drain3")]


def test_five_thousand_lines_are_quick():
    rng = random.Random(11)
    makers = [netport, sshd, lambda i: f"disk sd{'abc'[i % 3]} error {i} at lba {i * 8}"]
    lines = [rng.choice(makers)(i) for i in range(5_000)]
    miner = TemplateMiner()
    start = time.perf_counter()
    for i, line in enumerate(lines, 1):
        miner.add(line, "mixed.log", i, weight=20.0)
    elapsed = time.perf_counter() - start
    assert len(miner.top(10)) == 3
    assert elapsed < 0.5, f"5,000 lines took {elapsed:.2f} s"
