"""The products a cause is specific to, and how users name them.

A cause may declare ``products``: the products it happens on, one or a few per family
(``sqlserver-transaction-log-full`` on SQL Server; ``nsx-edge-ha-split-brain`` on vSphere
and NSX-V). Products of one family stand in for each other: a report that names Oracle and
no other database engine is not about a PostgreSQL cause, however alike the two
problems read ("archiver stuck, the archive destination is full" and "pg_wal filled
the disk"). The families list the products users meet, with and without causes in the
KB: naming MongoDB counts against a MySQL cause as much as naming Oracle does.

The names are what users type: product names, their command-line tools, file types and
message prefixes that only that product prints (``ORA-00257``, ``pg_wal``, ``.ldf``).
A name shared by two products of a family (``SQL`` alone, ``tablespace``) is no name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = [
    "FAMILIES",
    "NAMES",
    "PRODUCTS",
    "denied",
    "foreign",
    "named",
    "product_note",
]

FAMILIES: dict[str, dict[str, str]] = {
    "database engine": {
        "sqlserver": (
            r"sql\s*server|mssql\w*|ms\s*sql|t-?sql|tempdb|ssms|sqlcmd|dbcc|\w+\.[lm]df"
            r"|alwayson|always\s+on\s+(?:ag|availability)|availability\s+group|sqlagent"
            r"|msg\s+\d{3,5},\s*level|log_reuse_wait\w*|sys\.dm_\w+"
        ),
        "oracle": (
            r"oracle|ora-\d{4,5}|rman|sql\s*\*?\s*plus|tnsnames|tns-\d{5}|data\s*guard"
            r"|alert_\w+\.log|v\$\w+|dba_\w+|(?-i:FRA)\b|fast\s+recovery\s+area|asm\s+disk\s*group"
        ),
        "postgresql": (
            r"postgres\w*|pg_\w+|psql|pgbouncer|patroni|pgpool|archive_command|wal_\w+"
            r"|max_wal_size|fatal:\s+sorry,\s+too\s+many\s+clients"
        ),
        "mysql": (
            r"my\s*sql\w*|maria\s*db|percona|innodb|galera|binlog|(?:slave|replica)_\w+_running"
            r"|show\s+(?:slave|replica)\s+status|last_(?:sql|io)_err\w*"
        ),
        # not "db2" alone: it is as often a host name ("replica db2 stopped replicating")
        "db2": (
            r"ibm\s+db2|db2\s+(?:luw|restore|backup|connect|list|get|update|force|rollforward)\b"
            r"|db2(?:diag|inst\d*|start|stop|ckbkp|level|look|pd|top)\b|sql\d{4}[nwc]\b"
        ),
        "mongodb": r"mongo\w*",
        "redis": r"redis\w*",
        "cassandra": r"cassandra|nodetool",
        "elasticsearch": r"elastic\s*search|opensearch",
        "sqlite": r"sqlite\w*",
    },
    "load balancer": {
        "avi": (
            r"avi\b|nsx\s*alb|nsx\s+advanced\s+load\s+balancer|avi\s*vantage"
            r"|service\s+engines?|(?-i:SE\s+group|SEs?\b)"
        ),
        "f5": r"f5\b|big-?ip|\bltm\b|tmsh|irules?",
        "netscaler": r"netscaler|citrix\s+adc",
        "haproxy": r"haproxy",
        "nginx": r"nginx",
        "kemp": r"kemp|loadmaster",
        "cloud load balancer": (r"elb\b|nlb\s+on\s+aws|aws\s+(?:alb|nlb)|azure\s+load\s+balancer"),
        # Windows Network Load Balancing: a cluster filter driver in every member, with no
        # health monitor and no proxy; bare "NLB" is Windows NLB unless AWS is in the words
        "windows-nlb": (
            r"(?:windows|ms|microsoft)\s+nlb|network\s+load\s+balancing|nlbmgr|wlbs\b"
            r"|get-nlb\w*|(?<!aws\s)nlb(?!\s+on\s+aws|\s+target)(?:\s+(?:cluster|nodes?|members?|vip)|s?\b)"
        ),
    },
    # NSX for vSphere (NSX-V, 6.x) and NSX-T / NSX 3.x-4.x share a name and little else:
    # edge services gateways, their HA and ECMP are NSX-V's; tier-0/tier-1 gateways on edge
    # nodes are NSX-T's.
    "NSX edition": {
        "nsx-v": (
            r"nsx-?v\b|nsx\s+for\s+vsphere|nsx\s+6\.\d|(?-i:ESGs?)\b|edge\s+services?\s+gateway"
            r"|(?-i:DLR)\b|distributed\s+logical\s+router|vshield|vcns"
        ),
        "nsx-t": (
            r"nsx-?t\b|nsx(?:\s+data\s+center)?\s+[34]\.\d|edge\s+(?:transport\s+)?nodes?|geneve"
            # not a bare "T1" or "tier-1": a storage tier, a timestamp's T0...
            r"|(?:tier-?[01]|(?-i:T[01]))\s+(?:gateway|router|logical\s+router|SR|DR|uplink)"
        ),
    },
    "hypervisor": {
        "vsphere": (
            r"esxi?\b|esx\d|vsphere|vcenter|vcsa|vmkernel|vmk\d|vmnic\d|vswitch\d?|\bvds\b"
            r"|vmfs|vmotion|hostd|vpxa|vsan|\w+\.vmx\b|vmdk"
        ),
        "hyper-v": r"hyper-?v|scvmm|vmms|vhdx",
        "kvm": r"\bkvm\b|libvirt\w*|qemu|virsh|\bovirt\b|rhev",
        "proxmox": r"proxmox|\bpve\b",
        "xen": r"xen\w*|citrix\s+hypervisor",
        "nutanix": r"nutanix|\bahv\b",
    },
}

NAMES: dict[str, str] = {  # how a product is shown
    "sqlserver": "Microsoft SQL Server",
    "oracle": "Oracle Database",
    "postgresql": "PostgreSQL",
    "mysql": "MySQL/MariaDB",
    "db2": "IBM Db2",
    "mongodb": "MongoDB",
    "redis": "Redis",
    "cassandra": "Apache Cassandra",
    "elasticsearch": "Elasticsearch/OpenSearch",
    "sqlite": "SQLite",
    "avi": "NSX Advanced Load Balancer (Avi)",
    "f5": "F5 BIG-IP",
    "netscaler": "NetScaler (Citrix ADC)",
    "haproxy": "HAProxy",
    "nginx": "NGINX",
    "kemp": "Kemp LoadMaster",
    "cloud load balancer": "a cloud load balancer",
    "windows-nlb": "Windows NLB (Network Load Balancing)",
    "nsx-v": "NSX for vSphere (NSX-V)",
    "nsx-t": "NSX-T (NSX 3.x/4.x)",
    "vsphere": "VMware vSphere",
    "hyper-v": "Microsoft Hyper-V",
    "kvm": "KVM/libvirt",
    "proxmox": "Proxmox VE",
    "xen": "Xen/XenServer",
    "nutanix": "Nutanix AHV",
}

PRODUCTS: dict[str, str] = {p: f for f, members in FAMILIES.items() for p in members}

_NAMES = {
    product: re.compile(rf"(?<![\w-])(?:{pattern})", re.IGNORECASE)
    for members in FAMILIES.values()
    for product, pattern in members.items()
}


def named(text: str) -> frozenset[str]:
    """The products ``text`` names.

    >>> sorted(named("ORA-00257: archiver error. Connect internal only, until freed."))
    ['oracle']
    >>> sorted(named("pg_wal keeps growing on the primary"))
    ['postgresql']
    >>> sorted(named("the ldf of the SQL Server db is 400 GB; tempdb is fine"))
    ['sqlserver']
    >>> sorted(named("vpxa on esx04 is hung")), sorted(named("a SQL query runs slow"))
    (['vsphere'], [])
    >>> sorted(named("nginx in front, Avi SEs behind it"))
    ['avi', 'nginx']
    >>> sorted(named("4x IIS VMs with NLB, unicast mode")), sorted(named("an AWS NLB in front"))
    (['windows-nlb'], ['cloud load balancer'])
    >>> sorted(named("replica db2 stopped, Last_SQL_Errno 1062")), sorted(named("db2 restore db X"))
    (['mysql'], ['db2'])
    """
    return frozenset(p for p, name in _NAMES.items() if name.search(text))


# What the user writes right before a product to say it is not there: "no NLB", "not
# using Avi", "without pgbouncer", "we don't run NSX-T".
_DENIAL = re.compile(
    r"(?:\bno|\bnot(?:\s+(?:using|running))?|\bwithout|\bnever\s+(?:used|had|ran)"
    r"|\b(?:don'?t|do\s+not|doesn'?t|does\s+not)\s+(?:have|use|run))"
    r"\s+(?:any\s+|an?\s+|the\s+)?$",
    re.IGNORECASE,
)
# ... and right after it, so that the product itself is denied, not an event of it ("no
# Service Engine failover happened" names Avi and denies a failover).
_DENIAL_END = re.compile(
    r"\s*(?:$|[.,;:)!?]|(?:or|and|nor|here|there|in\s+use|involved|at\s+all|anywhere"
    r"|any\s*more|in\s+(?:the|this|our))\b)",
    re.IGNORECASE,
)


def denied(text: str) -> frozenset[str]:
    """The products ``text`` names only to say they are not there: every mention follows
    a denial.

    >>> sorted(denied("plain file servers, no NLB or anything clustered"))
    ['windows-nlb']
    >>> sorted(denied("we don't run Avi here, it is an F5")), sorted(named("we don't run Avi"))
    (['avi'], ['avi'])
    >>> sorted(denied("no NLB before, now the NLB cluster drops")), sorted(denied("nginx"))
    ([], [])
    >>> sorted(denied("No Service Engine failover")), sorted(denied("no Avi orchestration"))
    ([], [])
    """
    out = set()
    for product, name in _NAMES.items():
        found = list(name.finditer(text))
        if found and all(
            _DENIAL.search(text[max(0, m.start() - 40) : m.start()])
            and _DENIAL_END.match(text, m.end())
            for m in found
        ):
            out.add(product)
    return frozenset(out)


def foreign(
    cause_products: Iterable[str], mentioned: frozenset[str], absent: frozenset[str] = frozenset()
) -> tuple[str, ...]:
    """The products that count against a cause: products of a family the cause is specific
    to that the user named, when none of the cause's own products in it was named; and
    the cause's own products the user said are not there (``absent``, see :func:`denied`).

    >>> foreign(["postgresql"], frozenset({"oracle", "vsphere"}))
    ('oracle',)
    >>> foreign(["postgresql"], frozenset({"oracle", "postgresql"}))
    ()
    >>> foreign(["postgresql"], frozenset({"vsphere"})), foreign([], frozenset({"oracle"}))
    ((), ())
    >>> foreign(["vsphere", "windows-nlb"], frozenset({"vsphere"}), frozenset({"windows-nlb"}))
    ('windows-nlb',)
    """
    own = frozenset(cause_products)
    mentioned = mentioned - absent
    found: set[str] = set()
    for name in {PRODUCTS[p] for p in own}:
        here = {p for p in mentioned if PRODUCTS[p] == name}
        if not here & own:
            found |= here | {p for p in absent & own if PRODUCTS[p] == name}
    return tuple(sorted(found))


def product_note(cause_products: Iterable[str], others: Iterable[str]) -> str:
    """Why the products the user named count against a cause, in words; "" if they do not.

    >>> product_note(["postgresql"], ["oracle"])
    'you named Oracle Database; this cause happens on PostgreSQL'
    >>> product_note(["postgresql"], [])
    ''
    >>> product_note(["avi", "f5", "netscaler", "haproxy", "nginx"], ["windows-nlb"])
    'you named Windows NLB (Network Load Balancing); this cause does not happen on it'
    >>> product_note(["vsphere", "windows-nlb"], ["windows-nlb"])
    'you said there is no Windows NLB (Network Load Balancing); this cause happens on it'
    """
    others = list(others)
    if not others:
        return ""
    gone = [NAMES[p] for p in others if p in cause_products]  # own products said absent
    if gone:
        it = "it" if len(gone) == 1 else "them"
        return f"you said there is no {' or '.join(gone)}; this cause happens on {it}"
    named_ = " and ".join(NAMES[p] for p in others)
    own = [NAMES[p] for p in cause_products]
    if len(own) > 3:  # a cause of most of a family: say which one it is not
        it = "it" if len(others) == 1 else "them"
        return f"you named {named_}; this cause does not happen on {it}"
    return f"you named {named_}; this cause happens on {' or '.join(own)}"
