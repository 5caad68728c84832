"""How products are recognised in what users write, and which count against a cause."""

from __future__ import annotations

import pytest

from assistant.settings import DEFAULT_KB
from kb.loader import load_kb
from kb.products import FAMILIES, NAMES, PRODUCTS, foreign, named, product_note


@pytest.mark.parametrize(
    ("text", "products"),
    [
        ("ORA-00257: archiver error. Connect internal only, until freed.", {"oracle"}),
        ("19c on ASM, the FRA is at 100%", {"oracle"}),
        (
            "Msg 9002, Level 17, State 4: the transaction log for database 'erp' is full",
            {"sqlserver"},
        ),
        ("log_reuse_wait_desc says LOG_BACKUP", {"sqlserver"}),
        ("archive_command keeps failing, pg_wal is 300 GB", {"postgresql"}),
        ("Slave_SQL_Running: No, Last_SQL_Errno 1062", {"mysql"}),
        ("SQL2539W  The specified name of the backup image to restore ...", {"db2"}),
        ("vpxa on esx04 is hung, hostd still answers", {"vsphere"}),
        ("the Hyper-V host dropped out of SCVMM", {"hyper-v"}),
        ("pool members flap on the BIG-IP", {"f5"}),
        ("two SEs in the SE group, active/standby", {"avi"}),
        ("nginx 1.20 in front of the app", {"nginx"}),
        ("the Tier-0 gateway lost its BGP peers on both edge nodes", {"nsx-t"}),
        ("the two ESGs run ECMP with the DLR", {"nsx-v"}),
        ("the Windows NLB cluster lost its VIP", {"windows-nlb"}),
        ("4x IIS VMs with NLB, unicast mode", {"windows-nlb"}),
        ("an NLB on AWS in front of the API", {"cloud load balancer"}),
    ],
)
def test_names_the_product(text, products):
    assert named(text) == products


@pytest.mark.parametrize(
    "text",
    [
        "replica db2 stopped replicating",  # a host name, not IBM Db2
        "the SQL query runs slow",  # SQL is every engine's
        "the tablespace is full",  # Oracle and Db2 both have tablespaces
        "se the attached log",  # a typo, not a Service Engine
        "the LUNs on the T1 tier of the array",  # a storage tier, not a tier-1 gateway
        "the NLB target group has no healthy targets",  # AWS's NLB, not Windows NLB
    ],
)
def test_shared_or_ambiguous_words_name_nothing(text):
    assert named(text) == frozenset()


def test_every_product_has_a_family_and_a_name():
    assert set(PRODUCTS) == set(NAMES) == {p for f in FAMILIES.values() for p in f}


def test_foreign_is_per_family():
    # the cause runs on vSphere and Avi: naming vSphere does not excuse naming F5
    assert foreign(["vsphere", "avi"], frozenset({"vsphere", "f5"})) == ("f5",)
    assert product_note(["avi"], ["f5"]) == (
        "you named F5 BIG-IP; this cause happens on NSX Advanced Load Balancer (Avi)"
    )


def test_shipped_causes_declare_products():
    causes = load_kb(DEFAULT_KB).causes
    assert causes["postgres-replication-slot-wal-bloat"].products == ("postgresql",)
    assert causes["nsx-edge-ha-split-brain"].products == ("vsphere", "nsx-v")
    # any load balancer with a health monitor, which Windows NLB does not have
    monitor = causes["lb-health-monitor-misconfigured"].products
    assert "f5" in monitor and "windows-nlb" not in monitor
    assert foreign(monitor, frozenset({"windows-nlb"})) == ("windows-nlb",)
    assert causes["nlb-unicast-uplink-failover"].products == ("vsphere", "windows-nlb")
