"""A big, reproducible, mixed infrastructure log with known KB symptom lines planted in it.

For throughput benchmarks of log matching (Sherlog's RE2 scan against ``grep -E``).
The log mixes, line by line, noise from three sources: ESXi (vmkernel, vmkwarning,
hostd, vpxa, vobd), Linux syslog (sshd, CRON, systemd, kernel, postfix, sudo, ...) and a
Windows event log text export (tab separated). Timestamps rise monotonically through the
file, over about three hours of 2026-12-06. No noise line matches any KB pattern, so
a correct matcher finds exactly the planted lines: ``planted_per_symptom`` lines for
each of a dozen symptoms, copied verbatim from ``tests/data/log_lines/*.yaml``.

Run: ``python benchmarks/loggen.py OUT.log --size-mb 100 --seed 7 [--grep]``; it writes
the log and ``OUT.log.planted.json`` (see :func:`generate`). Import:
``from benchmarks.loggen import generate, ere, grep_count`` with the repository root on
``sys.path`` (``benchmarks`` is a namespace package).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import re2
import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make `kb` importable
    sys.path.insert(0, str(ROOT))

__all__ = [
    "choose_symptoms",
    "ere",
    "fixture_lines",
    "generate",
    "grep_count",
    "kb_patterns",
    "main",
    "noise_templates",
]

FIXTURES = ROOT / "tests" / "data" / "log_lines"
KB_DIR = ROOT / "kb" / "articles"
DEFAULT_SYMPTOMS = 12

# --- RE2 -> POSIX ERE (GNU grep -E) ------------------------------------------------------

_ERE_SPECIAL = frozenset(".[](){}*+?|^$\\")
_PASS_THROUGH = frozenset("bBsSwW")  # GNU grep knows these escapes, same meaning in C locale
_CONTROL = {"t": "\t", "f": "\f", "r": "\r", "v": "\v"}
_POSIX_CLASSES = frozenset(
    [
        "alnum", "alpha", "blank", "cntrl", "digit", "graph",
        "lower", "print", "punct", "space", "upper", "xdigit",
    ]
)  # fmt: skip
_WORD_RANGES = (("0", "9"), ("A", "Z"), ("a", "z"))
_QUIET = re2.Options()
_QUIET.log_errors = False  # an invalid pattern is answered with None, not logged
_REPEAT = re.compile(r"\{[0-9]+(?:,[0-9]*)?\}")
_RANGE_UNSAFE = frozenset("[]^-\n")  # range ends whose ERE spelling is position-dependent


def ere(pattern: str) -> str | None:
    r"""The RE2 ``pattern`` as a GNU ``grep -E`` pattern with the same meaning on a line of
    ASCII text in the C locale, or None when it cannot be translated faithfully.

    ``(?:`` becomes ``(``, ``\d`` becomes ``[0-9]`` (``0-9`` inside brackets) and ``\D``
    ``[^0-9]``; ``\b \B \s \S \w \W`` stay as they are (GNU grep reads them alike; the one
    difference, ``\v`` counting as space in grep and not in RE2, never occurs in a log
    line). Bracket expressions are rewritten, since a backslash is literal inside ERE
    brackets. None for: invalid RE2, inline flags such as ``(?i)``, named groups, lazy
    quantifiers, ``\A \z \x \p \Q \C``, octal escapes, a newline, non-ASCII characters
    (a C-locale grep would see bytes), and anything else not certainly equivalent.
    Leftmost-longest (POSIX) versus leftmost-first (RE2) changes what a group captures,
    never whether a line matches, so counts of matching lines agree.

    >>> ere(r"Error: 9002, Severity: 17")
    'Error: 9002, Severity: 17'
    >>> ere(r"Last attempt @ .* failed, result \d+")
    'Last attempt @ .* failed, result [0-9]+'
    >>> ere(r"\bORA-0?(1653|1654)\b")
    '\\bORA-0?(1653|1654)\\b'
    >>> ere(r"Heap_Align\(netGPHeap, \d+/\d+ bytes")
    'Heap_Align\\(netGPHeap, [0-9]+/[0-9]+ bytes'
    >>> ere(r"(?:Failure|Result) Code:\s+0x25\b")
    '(Failure|Result) Code:\\s+0x25\\b'
    >>> ere(r"[\d.]+\D")
    '[.0-9]+[^0-9]'
    >>> ere(r"ramdisk '[^']+' is full")
    "ramdisk '[^']+' is full"
    >>> ere(r"x[^\]\\]y")
    'x[^]\\]y'
    >>> ere(r"source-address-translation \{ type none \}")
    'source-address-translation \\{ type none \\}'
    >>> ere(r"\|\s*ha_mode\s*\|")
    '\\|\\s*ha_mode\\s*\\|'
    >>> ere(r"a{2,3}b{1}")
    'a{2,3}b{1}'
    >>> ere(r"[-\w]") == "[_0-9A-Za-z-]"
    True
    >>> [ere(p) for p in (r"(?i)disk quota", r"a+?", r"a??", r"a{2}?", r"(?P<k>a)")]
    [None, None, None, None, None]
    >>> [ere(p) for p in (r"\Aa", r"a\z", r"\x41", r"\pN", r"\Qa.b\E", r"a\nb", "a[")]
    [None, None, None, None, None, None, None]
    >>> ere('source OS ["\u201c]')
    """
    try:
        re2.compile(pattern, _QUIET)
    except re2.error:
        return None
    if not pattern.isascii():
        return None
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            e = pattern[i + 1]
            i += 2
            if e == "d":
                out.append("[0-9]")
            elif e == "D":
                out.append("[^0-9]")
            elif e in _PASS_THROUGH:
                out.append("\\" + e)
            elif e in _CONTROL:
                out.append(_CONTROL[e])
            elif e.isalnum():  # \A \z \x \p \Q \C \n octal ...: refuse
                return None
            else:  # escaped punctuation: a literal
                out.append("\\" + e if e in _ERE_SPECIAL else e)
        elif c == "[":
            parsed = _bracket(pattern, i)
            if parsed is None:
                return None
            text, i = parsed
            out.append(text)
        elif c == "(":
            if pattern.startswith("(?:", i):
                out.append("(")
                i += 3
            elif pattern.startswith("(?", i):  # flags, named groups, look-arounds
                return None
            else:
                out.append("(")
                i += 1
        elif c in "*+?":
            out.append(c)
            i += 1
            if i < n and pattern[i] == "?":  # lazy
                return None
        elif c == "{":
            m = _REPEAT.match(pattern, i)
            if m:
                out.append(m.group())
                i = m.end()
                if i < n and pattern[i] == "?":
                    return None
            else:  # RE2 reads a '{' that starts no repetition as a literal
                out.append("\\{")
                i += 1
        elif c == "\t" or " " <= c < "\x7f":  # ) | . ^ $ ] } and literals alike
            out.append(c)
            i += 1
        else:  # a newline (grep would split the pattern) or another control character
            return None
    return "".join(out)


def _bracket_char(p: str, i: int) -> tuple[str, int] | None:
    """One character of a bracket expression at ``p[i]``, and where the next starts."""
    if p[i] != "\\":
        return p[i], i + 1
    e = p[i + 1]
    if e == "n":
        return "\n", i + 2
    if e in _CONTROL:
        return _CONTROL[e], i + 2
    if e.isalnum():
        return None
    return e, i + 2


def _bracket(p: str, i: int) -> tuple[str, int] | None:
    """Translate the RE2 bracket expression starting at ``p[i] == '['``; return the ERE
    text and the index after it, or None. Follows RE2's parse: ``]`` first is a literal,
    ``[:name:]`` is a POSIX class, ``-`` makes a range unless it comes last."""
    i += 1
    negated = p[i] == "^"
    if negated:
        i += 1
    chars: list[str] = []
    ranges: list[tuple[str, str]] = []
    names: list[str] = []
    first = True
    while p[i] != "]" or first:
        first = False
        if p.startswith("[:", i) and ":]" in p[i + 2 :]:
            end = p.index(":]", i + 2)
            name = p[i + 2 : end]
            if name in _POSIX_CLASSES:
                names.append(name)
            elif name == "word":
                ranges.extend(_WORD_RANGES)
                chars.append("_")
            else:  # negated ([:^alpha:]) or ascii: refuse
                return None
            i = end + 2
            continue
        if p[i] == "\\" and p[i + 1] in "dDsSwW":
            e = p[i + 1]
            i += 2
            if e == "d":
                ranges.append(("0", "9"))
            elif e == "w":
                ranges.extend(_WORD_RANGES)
                chars.append("_")
            elif e == "s":
                chars.extend(" \t\f\r")  # and \n, which no line contains
            else:  # a negated class inside brackets
                return None
            continue
        got = _bracket_char(p, i)
        if got is None:
            return None
        lo, i = got
        if p[i] == "-" and p[i + 1] != "]":
            got = _bracket_char(p, i + 1)
            if got is None:
                return None
            hi, i = got
            if lo in _RANGE_UNSAFE or hi in _RANGE_UNSAFE:
                return None
            ranges.append((lo, hi))
        else:
            chars.append(lo)
    i += 1  # the closing ]
    singles = sorted({c for c in chars if c != "\n"})
    if not singles and not ranges and not names:  # [\n] matches nothing in a line
        return (".", i) if negated else None
    if not negated and not ranges and not names and len(singles) == 1:
        c = singles[0]
        return ("\\" + c if c in _ERE_SPECIAL else c), i
    # ERE bracket: ']' only first, '-' only last, '^' not first, '[' not before . : =
    body = ["]"] if "]" in singles else []
    body += [c for c in singles if c not in "[]^-"]
    body += [lo if lo == hi else f"{lo}-{hi}" for lo, hi in ranges]
    body += [f"[:{name}:]" for name in names]
    body += [c for c in "[^" if c in singles]
    if "-" in singles:
        body.append("-")
    if body[0] == "^":  # only '^' and '-': put the '-' first
        body = ["-", "^"]
    return "[" + ("^" if negated else "") + "".join(body) + "]", i


def grep_count(path: str | os.PathLike[str], patterns: Sequence[str]) -> tuple[int, float]:
    """Run ``grep -E -c -e P1 -e P2 ... path`` (ERE patterns, e.g. from :func:`ere`) with
    ``LC_ALL=C``; return (lines matching any pattern, wall seconds).

    The C locale makes grep compare bytes, which is much faster than UTF-8 matching; the
    generated log (noise and planted lines) is ASCII, so the count is the same as in a
    UTF-8 locale and as RE2's.
    """
    if not patterns:
        raise ValueError("grep_count needs at least one pattern")
    grep = shutil.which("grep")
    if grep is None:
        raise FileNotFoundError("grep is not installed")
    cmd = [grep, "-E", "-c"]
    for p in patterns:
        cmd += ["-e", p]
    cmd.append(os.fspath(path))
    env = {**os.environ, "LC_ALL": "C"}
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 1):  # 1: no line matched
        raise RuntimeError(f"grep failed ({proc.returncode}): {proc.stderr.strip()}")
    return int(proc.stdout.strip()), seconds


# --- the KB and its fixture lines --------------------------------------------------------


@lru_cache(maxsize=1)
def kb_patterns() -> dict[str, tuple[str, ...]]:
    """Every KB symptom id with patterns -> its patterns (RE2, matched against one line)."""
    from kb.loader import load_kb

    kb = load_kb(KB_DIR)
    return {sid: s.patterns for sid, s in sorted(kb.symptoms.items()) if s.patterns}


@lru_cache(maxsize=1)
def _compiled() -> dict[str, tuple[Any, ...]]:
    return {sid: tuple(re2.compile(p) for p in ps) for sid, ps in kb_patterns().items()}


def _matching_symptoms(line: str) -> list[str]:
    return [sid for sid, rs in _compiled().items() if any(r.search(line) for r in rs)]


@lru_cache(maxsize=1)
def fixture_lines() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Symptom id -> (fixture file stem, the lines usable as planted lines).

    A fixture line is usable when it is one ASCII line and, of all the KB's symptoms,
    matches only its own: then a matcher's count per symptom is exactly what was planted.
    """
    found: dict[str, tuple[str, tuple[str, ...]]] = {}
    for path in sorted(FIXTURES.glob("*.yaml")):
        table = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for sid, lines in table.items():
            if sid.startswith("_") or not isinstance(lines, list):
                continue
            usable = tuple(
                line
                for line in lines
                if isinstance(line, str)
                and line.isascii()
                and "\n" not in line
                and "\r" not in line
                and _matching_symptoms(line) == [sid]
            )
            if usable:
                found[sid] = (path.stem, usable)
    return found


def choose_symptoms(count: int = DEFAULT_SYMPTOMS) -> list[str]:
    """The default planted symptoms: those with usable fixture lines whose KB patterns all
    translate with :func:`ere`, taken in turn from each fixture file (area), sorted by
    file, each file's in sorted id order; returned sorted.
    """
    patterns = kb_patterns()
    by_area: dict[str, list[str]] = {}
    for sid, (area, _) in sorted(fixture_lines().items()):
        if sid in patterns and all(ere(p) is not None for p in patterns[sid]):
            by_area.setdefault(area, []).append(sid)
    queues = [by_area[a] for a in sorted(by_area)]
    chosen: list[str] = []
    depth = 0
    while len(chosen) < count and any(depth < len(q) for q in queues):
        chosen += [q[depth] for q in queues if depth < len(q)][: count - len(chosen)]
        depth += 1
    return sorted(chosen)


# --- noise -------------------------------------------------------------------------------

DAY = "2026-12-06"
START_S = 7 * 3600  # 07:00:00
SPAN_S = 3 * 3600  # about three hours of log
END_MS = 24 * 3600 * 1000 - 1

_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _safe(value: str) -> bool:
    """A random field must not spell a KB look-alike: no 'bf' (NLB MAC 02:bf:...)."""
    return "bf" not in value.lower()


def _pool(rng: random.Random, size: int, make: Callable[[], str]) -> list[str]:
    out: list[str] = []
    while len(out) < size:
        value = make()
        if _safe(value):
            out.append(value)
    return out


def _hex(rng: random.Random, digits: int) -> str:
    return f"{rng.getrandbits(4 * digits):0{digits}x}"


class _Pools:
    """Random values drawn once per file (sizes are powers of two: index = getrandbits)."""

    def __init__(self, rng: random.Random):
        g = rng.getrandbits
        self.ip = _pool(rng, 1024, lambda: f"10.{g(5) + 1}.{g(8)}.{g(8) % 254 + 1}")
        self.ext_ip = _pool(rng, 256, lambda: f"198.51.100.{g(8) % 254 + 1}")
        ouis = ("00:50:56", "00:0c:29", "3c:fd:fe", "b4:96:91", "00:25:b5", "f8:f2:1e")
        self.mac = _pool(
            rng,
            512,
            lambda: ouis[g(8) % len(ouis)] + "".join(f":{g(8):02x}" for _ in range(3)),
        )
        self.hex12 = _pool(rng, 1024, lambda: _hex(rng, 12))
        self.hex8 = _pool(rng, 1024, lambda: _hex(rng, 8))
        self.naa = _pool(rng, 64, lambda: "naa.6" + _hex(rng, 31))
        self.uuid = _pool(
            rng,
            256,
            lambda: "-".join(_hex(rng, k) for k in (8, 4, 4, 4, 12)),
        )
        self.guid = [u.upper() for u in self.uuid]
        self.opid = _pool(rng, 1024, lambda: f"{_hex(rng, 8)}-{g(7):02d}")
        self.qid = _pool(rng, 512, lambda: _hex(rng, 10).upper())
        self.b64 = _pool(rng, 256, lambda: "".join(_B64[g(6)] for _ in range(43)))
        self.port_hex = _pool(rng, 256, lambda: f"{0x2000000 * (1 + g(1)) + g(6):x}")
        self.user = [
            "deploy", "ansible", "jdoe", "asmith", "backup", "svc_monitor", "nagios", "ops",
        ]  # fmt: skip
        self.host = [
            f"{role}{k:02d}"
            for role in ("web", "app", "db", "k8s-node-", "lb", "mq", "ci-runner-", "nfs")
            for k in range(1, 5)
        ]
        self.win_host = [f"{r}{k:02d}" for r in ("DC", "FS", "SQL", "RDS") for k in range(1, 5)]
        self.ds = [f"ds-{t}-{k:02d}" for t in ("prod", "dev", "vdi", "bkp") for k in range(1, 5)]
        self.vm = [f"vm-{t}-{k:02d}" for t in ("web", "sql", "app", "jump") for k in range(1, 5)]
        self.world = [2097152 + g(17) for _ in range(64)]
        self.pid = [1000 + g(16) for _ in range(256)]


def noise_templates(rng: random.Random) -> list[tuple[str, Callable[[str], str]]]:
    """The noise line makers: (source, make(timestamp) -> line); source is ``esx``,
    ``syslog`` or ``windows``, and the timestamp is in that source's format."""
    pools = _Pools(rng)
    g = rng.getrandbits
    ip, mac, hex12, naa, opid = pools.ip, pools.mac, pools.hex12, pools.naa, pools.opid
    user, host, world, pid, vm, ds = (
        pools.user, pools.host, pools.world, pools.pid, pools.vm, pools.ds,
    )  # fmt: skip
    sense = ("0x5 0x24 0x0", "0x5 0x20 0x0", "0x6 0x29 0x0", "0x2 0x3a 0x0", "0x5 0x26 0x0")
    cmds = ("0x85", "0x4d", "0x1a", "0x9e", "0x28", "0x2a", "0x89", "0x12")
    ha_tasks = (
        "HostSystem.retrieveInternalCapability",
        "host.StorageSystem.RefreshStorageSystem",
        "host.DatastoreBrowser.SearchDatastore",
        "VirtualMachine.createSnapshot",
        "host.NetworkSystem.queryNetworkHint",
        "PropertyCollector.retrievePropertiesEx",
    )
    agents = (
        "pyVmomi Python/3.11.4 (Linux; 5.15.0; x86_64)",
        "VMware-client/6.5.0",
        "vim-java 1.0",
        "VMware vim-java 1.0",
    )
    cron = (
        "command -v debian-sa1 > /dev/null && debian-sa1 1 1",
        "cd / && run-parts --report /etc/cron.hourly",
        "/usr/local/bin/backup.sh --incremental >/dev/null 2>&1",
        "[ -x /usr/lib/php/sessionclean ] && if [ ! -d /run/systemd/system ]; then "
        "/usr/lib/php/sessionclean; fi",
        "/usr/bin/certbot -q renew",
    )
    units = (
        "Starting Daily apt download activities...",
        "Finished Rotate log files.",
        "logrotate.service: Deactivated successfully.",
        "Started Daily Cleanup of Temporary Directories.",
        "sysstat-collect.service: Deactivated successfully.",
        "Reloading The nginx HTTP and reverse proxy server...",
        "certbot.service: Main process exited, code=exited, status=0/SUCCESS",
        "Starting Message of the Day...",
    )
    sudo_cmds = (
        "/usr/bin/systemctl status nginx",
        "/usr/bin/journalctl -u app --since today",
        "/usr/bin/apt-get update",
        "/usr/bin/tail -n 200 /var/log/syslog",
        "/usr/bin/docker ps",
    )
    services = (
        "Windows Update", "Background Intelligent Transfer Service", "WinHTTP Web Proxy "
        "Auto-Discovery Service", "Windows Modules Installer", "Volume Shadow Copy",
        "Software Protection", "Windows Error Reporting Service", "Print Spooler",
    )  # fmt: skip
    win_host, guid, uuid = pools.win_host, pools.guid, pools.uuid

    def e_scsi(ts: str) -> str:
        return (
            f"{ts} cpu{g(5)}:{world[g(6)]})ScsiDeviceIO: 4325: Cmd(0x{hex12[g(10)]}) "
            f"{cmds[g(3)]}, CmdSN 0x{pools.hex8[g(10)][:5]} from world {world[g(6)]} to dev "
            f'"{naa[g(6)]}" failed H:0x0 D:0x2 P:0x0 Valid sense data: {sense[g(8) % 5]}'
        )

    def e_nmp(ts: str) -> str:
        return (
            f"{ts} cpu{g(5)}:{world[g(6)]})NMP: nmp_ThrottleLogForDevice:3863: Cmd "
            f'{cmds[g(3)]} (0x{hex12[g(10)]}, {world[g(6)]}) to dev "{naa[g(6)]}" on path '
            f'"vmhba{g(1) + 1}:C0:T{g(2)}:L{g(5)}" Failed:'
        )

    def e_nmp_repeat(ts: str) -> str:
        return (
            f"{ts} cpu{g(5)}:{world[g(6)]})NMP: nmp_ResetDeviceLogThrottling:3776: last error "
            f"status from device {naa[g(6)]} repeated {g(4) + 2} times"
        )

    def e_netport(ts: str) -> str:
        if g(1):
            port = pools.port_hex[g(8)]
            return f"{ts} cpu{g(5)}:{world[g(6)]})NetPort: 1632: disabled port 0x{port}"
        return (
            f"{ts} cpu{g(5)}:{world[g(6)]})NetPort: 3358: enabled port "
            f"0x{pools.port_hex[g(8)]} with mac {mac[g(9)]}"
        )

    def e_alua(ts: str) -> str:
        return (
            f"{ts} cpu{g(5)}:{world[g(6)]})WARNING: VMW_SATP_ALUA: "
            f'satp_alua_issueCommandOnPath:788: Path "vmhba64:C0:T{g(2)}:L{g(5)}" (UP) command '
            "0xa3 failed with status Timeout. H:0x5 D:0x0 P:0x0 Possible sense data: "
            "0x0 0x0 0x0."
        )

    def e_fs3(ts: str) -> str:
        return (
            f"{ts} cpu{g(5)}:{world[g(6)]})FS3Misc: 1759: Long VMFS rsv time on "
            f"'{ds[g(4)]}' (held for {200 + g(9)} msecs). # R: 1, # W: 1 bytesXfer: "
            f"{2 + g(4)} sectors"
        )

    def e_vscsi(ts: str) -> str:
        return (
            f"{ts} cpu{g(5)}:{world[g(6)]})VSCSI: 2613: handle {8192 + g(10)}(vscsi0:{g(3)}):"
            f"Reset request on FSS handle {g(22)} (0 outstanding commands) from "
            f"(vmm0:{vm[g(4)]})"
        )

    def e_hostd_task(ts: str) -> str:
        return (
            f"{ts} In(166) Hostd[{pid[g(8)]}]: [Originator@6876 sub=Vimsvc.TaskManager "
            f"opID={opid[g(10)]} user=vpxuser:VSPHERE.LOCAL\\vpxd-extension-{uuid[g(8)]}] "
            f"Task Completed : haTask-ha-host-vim.{ha_tasks[g(8) % 6]}-{g(20)} Status success"
        )

    def e_hostd_login(ts: str) -> str:
        return (
            f"{ts} In(166) Hostd[{pid[g(8)]}]: [Originator@6876 sub=Vimsvc.ha-eventmgr] "
            f"Event {g(20)} : User {user[g(3)]}@{ip[g(10)]} logged in as {agents[g(2)]}"
        )

    def e_hostd_prop(ts: str) -> str:
        return (
            f"{ts} Db(167) Hostd[{pid[g(8)]}]: [Originator@6876 sub=PropertyProvider "
            f"opID={opid[g(10)]}] RecordOp ASSIGN: info, haTask-{g(7)}-vim.VirtualMachine."
            f"powerOn-{g(20)}. Applied change to temp map."
        )

    def e_vpxa(ts: str) -> str:
        return (
            f"{ts} In(166) Vpxa[{pid[g(8)]}]: [Originator@6876 sub=vpxLro opID={opid[g(10)]}] "
            f"[VpxLRO] -- FINISH lro-{g(20)}"
        )

    def e_vobd(ts: str) -> str:
        return (
            f"{ts} In(14) vobd[{pid[g(8)]}]:  [netCorrelator] {g(40)}us: "
            f"[vob.net.vmnic.linkstate.up] vmnic{g(2)} linkstate up"
        )

    def s_accepted(ts: str) -> str:
        return (
            f"{ts} {host[g(5)]} sshd[{pid[g(8)]}]: Accepted publickey for {user[g(3)]} from "
            f"{ip[g(10)]} port {1024 + g(15)} ssh2: ED25519 SHA256:{pools.b64[g(8)]}"
        )

    def s_session(ts: str) -> str:
        k = g(3)
        return (
            f"{ts} {host[g(5)]} sshd[{pid[g(8)]}]: pam_unix(sshd:session): session opened "
            f"for user {user[k]}(uid={1000 + k}) by (uid=0)"
        )

    def s_disconnect(ts: str) -> str:
        return (
            f"{ts} {host[g(5)]} sshd[{pid[g(8)]}]: Received disconnect from {ip[g(10)]} port "
            f"{1024 + g(15)}:11: disconnected by user"
        )

    def s_logind(ts: str) -> str:
        return (
            f"{ts} {host[g(5)]} systemd-logind[{pid[g(8)]}]: New session {g(16)} of user "
            f"{user[g(3)]}."
        )

    def s_cron(ts: str) -> str:
        who = "root" if g(1) else user[g(3)]
        return f"{ts} {host[g(5)]} CRON[{pid[g(8)]}]: ({who}) CMD ({cron[g(8) % 5]})"

    def s_systemd(ts: str) -> str:
        if g(2) == 0:
            return f"{ts} {host[g(5)]} systemd[1]: Started Session {g(16)} of User {user[g(3)]}."
        return f"{ts} {host[g(5)]} systemd[1]: {units[g(3)]}"

    def s_ufw(ts: str) -> str:
        return (
            f"{ts} {host[g(5)]} kernel: [{g(20)}.{g(19):06d}] [UFW BLOCK] IN=ens160 OUT= "
            f"MAC={mac[g(9)]}:{mac[g(9)]}:08:00 SRC={pools.ext_ip[g(8)]} DST={ip[g(10)]} "
            f"LEN={40 + g(5)} TOS=0x00 PREC=0x00 TTL={40 + g(5)} ID={g(16)} DF PROTO=TCP "
            f"SPT={1024 + g(15)} DPT={(22, 23, 3389, 445, 8080, 5432, 3306, 6379)[g(3)]} "
            f"WINDOW={1024 + g(16)} RES=0x00 SYN URGP=0"
        )

    def s_postfix(ts: str) -> str:
        return (
            f"{ts} {host[g(5)]} postfix/smtp[{pid[g(8)]}]: {pools.qid[g(9)]}: "
            f"to=<{user[g(3)]}@example.com>, relay=mx{g(1) + 1}.example.com[{ip[g(10)]}]:25, "
            f"delay=0.{g(9)}, delays=0.0{g(3)}/0/0.{g(6)}/0.{g(6)}, dsn=2.0.0, status=sent "
            f"(250 2.0.0 Ok: queued as {pools.qid[g(9)]})"
        )

    def s_sudo(ts: str) -> str:
        who = user[g(3)]
        return (
            f"{ts} {host[g(5)]} sudo: {who} : TTY=pts/{g(3)} ; PWD=/home/{who} ; USER=root ; "
            f"COMMAND={sudo_cmds[g(8) % 5]}"
        )

    def s_chrony(ts: str) -> str:
        return (
            f"{ts} {host[g(5)]} chronyd[{pid[g(8)]}]: Selected source {ip[g(10)]} "
            f"(ntp{g(1) + 1}.example.com)"
        )

    def s_dhcp(ts: str) -> str:
        return (
            f"{ts} {host[g(5)]} dhclient[{pid[g(8)]}]: DHCPACK of {ip[g(10)]} from "
            f"{ip[g(10)]} (xid=0x{pools.hex8[g(10)]})"
        )

    def s_link(ts: str) -> str:
        return (
            f"{ts} {host[g(5)]} kernel: [{g(20)}.{g(19):06d}] IPv6: ADDRCONF(NETDEV_CHANGE): "
            f"ens{(160, 192, 224, 256)[g(2)]}: link becomes ready"
        )

    def w_scm(ts: str) -> str:
        state = "running" if g(1) else "stopped"
        return (
            f"Information\t{ts}\tService Control Manager\t7036\tNone\tThe "
            f"{services[g(3)]} service entered the {state} state."
        )

    def w_logon(ts: str) -> str:
        return (
            f"Information\t{ts}\tMicrosoft-Windows-Security-Auditing\t4624\tLogon\tAn account "
            f"was successfully logged on. Subject: Security ID: SYSTEM Account Name: "
            f"{win_host[g(4)]}$ Account Domain: CORP Logon Type: {(3, 3, 5, 10)[g(2)]} "
            f"New Logon: Account Name: {user[g(3)]} Account Domain: CORP Logon ID: "
            f"0x{pools.hex8[g(10)].upper()} Source Network Address: {ip[g(10)]}"
        )

    def w_logoff(ts: str) -> str:
        return (
            f"Information\t{ts}\tMicrosoft-Windows-Security-Auditing\t4634\tLogoff\tAn "
            f"account was logged off. Subject: Account Name: {user[g(3)]} Account Domain: "
            f"CORP Logon ID: 0x{pools.hex8[g(10)].upper()} Logon Type: 3"
        )

    def w_privileges(ts: str) -> str:
        return (
            f"Information\t{ts}\tMicrosoft-Windows-Security-Auditing\t4672\tSpecial Logon\t"
            f"Special privileges assigned to new logon. Subject: Account Name: {user[g(3)]} "
            f"Account Domain: CORP Privileges: SeSecurityPrivilege SeBackupPrivilege "
            f"SeRestorePrivilege"
        )

    def w_time(ts: str) -> str:
        dc = win_host[g(2)]
        return (
            f"Information\t{ts}\tMicrosoft-Windows-Time-Service\t37\tNone\tThe time provider "
            f"NtpClient is currently receiving valid time data from {dc}.corp.example.com "
            f"(ntp.d|{ip[g(10)]}:123->{ip[g(10)]}:123)."
        )

    def w_gpo(ts: str) -> str:
        return (
            f"Information\t{ts}\tMicrosoft-Windows-GroupPolicy\t1502\tNone\tThe Group Policy "
            f"settings for the computer were processed successfully. New settings from "
            f"{1 + g(3)} Group Policy objects were detected and applied."
        )

    def w_dcom(ts: str) -> str:
        return (
            f"Warning\t{ts}\tMicrosoft-Windows-DistributedCOM\t10016\tNone\tThe "
            f"application-specific permission settings do not grant Local Activation "
            f"permission for the COM Server application with CLSID {{{guid[g(8)]}}} and "
            f"APPID {{{guid[g(8)]}}} to the user CORP\\{user[g(3)]} SID (S-1-5-21-"
            f"{g(30)}-{g(30)}-{g(30)}-{1000 + g(12)}) from address LocalHost (Using LRPC)."
        )

    def w_hive(ts: str) -> str:
        return (
            f"Information\t{ts}\tMicrosoft-Windows-Kernel-General\t16\tNone\tThe access "
            f"history in hive \\??\\C:\\Users\\{user[g(3)]}\\ntuser.dat was cleared updating "
            f"{g(7)} keys and creating {g(5)} modified pages."
        )

    def w_winlogon(ts: str) -> str:
        return (
            f"Information\t{ts}\tMicrosoft-Windows-Winlogon\t7001\t(1101)\tUser Logon "
            f"Notification for Customer Experience Improvement Program"
        )

    def w_spp(ts: str) -> str:
        return (
            f"Information\t{ts}\tMicrosoft-Windows-Security-SPP\t16384\tNone\tSuccessfully "
            f"scheduled Software Protection service for re-start at 2026-12-07T0{g(3)}:"
            f"{g(5) % 60:02d}:{g(5) % 60:02d}Z. Reason: RulesEngine."
        )

    return [
        *(("esx", f) for f in (e_scsi, e_nmp, e_nmp_repeat, e_netport, e_alua, e_fs3)),
        *(("esx", f) for f in (e_vscsi, e_hostd_task, e_hostd_login, e_hostd_prop)),
        *(("esx", f) for f in (e_vpxa, e_vobd)),
        *(("syslog", f) for f in (s_accepted, s_session, s_disconnect, s_logind, s_cron)),
        *(("syslog", f) for f in (s_systemd, s_ufw, s_postfix, s_sudo, s_chrony, s_dhcp)),
        ("syslog", s_link),
        *(("windows", f) for f in (w_scm, w_logon, w_logoff, w_privileges, w_time, w_gpo)),
        *(("windows", f) for f in (w_dcom, w_hive, w_winlogon, w_spp)),
    ]


_MONTH_DAY = "Dec  6"


def _stamps(second: int) -> tuple[str, str, str]:
    """ESXi (without milliseconds), syslog and Windows timestamps of a second of DAY."""
    h, rest = divmod(second, 3600)
    m, s = divmod(rest, 60)
    h12 = h % 12 or 12
    half = "AM" if h < 12 else "PM"
    return (
        f"{DAY}T{h:02d}:{m:02d}:{s:02d}",
        f"{_MONTH_DAY} {h:02d}:{m:02d}:{s:02d}",
        f"12/6/2026 {h12}:{m:02d}:{s:02d} {half}",
    )


def _noise_lines(seed: int, count: int, step_ms: float) -> Iterable[str]:
    """``count`` noise lines (no newline), timestamps rising by ~``step_ms`` a line."""
    rng = random.Random(f"{seed}:noise")
    templates = noise_templates(rng)
    by_source: dict[str, list[Callable[[str], str]]] = {}
    for source, make in templates:
        by_source.setdefault(source, []).append(make)
    esx_makers, sys_makers, win_makers = (by_source[s] for s in ("esx", "syslog", "windows"))
    n_esx, n_sys, n_win = len(esx_makers), len(sys_makers), len(win_makers)
    rnd = rng.random
    width = 2.0 * step_ms
    t = START_S * 1000.0
    second = -1
    esx = sys_ts = win = ""
    for _ in range(count):
        t = min(t + rnd() * width, END_MS)
        ms = int(t)
        if ms // 1000 != second:
            second = ms // 1000
            esx, sys_ts, win = _stamps(second)
        # one draw picks the source (a third each) and, from its fraction, the template
        x = rnd() * 3.0
        if x < 1.0:
            yield esx_makers[int(x * n_esx)](f"{esx}.{ms % 1000:03d}Z")
        elif x < 2.0:
            yield sys_makers[int((x - 1.0) * n_sys)](sys_ts)
        else:
            yield win_makers[min(int((x - 2.0) * n_win), n_win - 1)](win)


def _mean_noise_length(seed: int) -> float:
    sample = list(_noise_lines(seed, 4000, 1000.0))
    return sum(len(s) + 1 for s in sample) / len(sample)


# --- the log -----------------------------------------------------------------------------


def generate(
    path: str | os.PathLike[str],
    size_bytes: int,
    seed: int = 7,
    symptoms: Sequence[str] | None = None,
    planted_per_symptom: int = 500,
) -> dict[str, Any]:
    """Write a log of about ``size_bytes`` to ``path``, with ``planted_per_symptom`` lines
    of each symptom planted at random positions; same arguments, same bytes.

    ``symptoms`` defaults to :func:`choose_symptoms` (a dozen, spread over the fixture
    areas, whose patterns all translate with :func:`ere`). A planted line is a fixture line
    of its symptom, verbatim, that matches no other symptom's patterns. Returns, and
    writes as JSON to ``<path>.planted.json``: ``{"seed", "bytes", "lines", "symptoms":
    {id: [1-based line numbers]}, "patterns": {id: [its KB patterns]}}``.
    """
    path = Path(path)
    usable = fixture_lines()
    patterns = kb_patterns()
    chosen = sorted(symptoms) if symptoms is not None else choose_symptoms()
    for sid in chosen:
        if sid not in patterns:
            raise ValueError(f"{sid!r} is not a KB symptom with patterns")
        if sid not in usable:
            raise ValueError(f"{sid!r} has no usable fixture line in {FIXTURES}")
    rng = random.Random(f"{seed}:plant")
    planted_total = len(chosen) * planted_per_symptom
    planted_bytes = sum(
        sum(len(s) + 1 for s in usable[sid][1]) / len(usable[sid][1]) * planted_per_symptom
        for sid in chosen
    )
    noise_count = max(0, round((size_bytes - planted_bytes) / _mean_noise_length(seed)))
    total = noise_count + planted_total
    positions = rng.sample(range(1, total + 1), planted_total)
    at: dict[int, str] = {}
    manifest_lines: dict[str, list[int]] = {}
    for k, sid in enumerate(chosen):
        mine = sorted(positions[k * planted_per_symptom : (k + 1) * planted_per_symptom])
        lines = usable[sid][1]
        for pos in mine:
            at[pos] = lines[rng.randrange(len(lines))]
        manifest_lines[sid] = mine

    noise = iter(_noise_lines(seed, noise_count, SPAN_S * 1000.0 / max(noise_count, 1)))
    batch: list[str] = []
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        for number in range(1, total + 1):
            batch.append(at[number] if number in at else next(noise))
            if len(batch) == 16384:
                batch.append("")
                out.write("\n".join(batch))
                batch.clear()
        if batch:
            batch.append("")
            out.write("\n".join(batch))
    manifest = {
        "seed": seed,
        "bytes": path.stat().st_size,
        "lines": total,
        "symptoms": manifest_lines,
        "patterns": {sid: list(patterns[sid]) for sid in chosen},
    }
    Path(f"{path}.planted.json").write_text(json.dumps(manifest, indent=1) + "\n")
    return manifest


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="the log to write (and OUT.planted.json)")
    parser.add_argument("--size-mb", type=float, default=100.0, help="about this many MB")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--per-symptom", type=int, default=500, help="planted lines each")
    parser.add_argument("--symptoms", help="comma-separated symptom ids (default: a dozen)")
    parser.add_argument("--grep", action="store_true", help="then count them with grep -E")
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    symptoms = args.symptoms.split(",") if args.symptoms else None
    start = time.perf_counter()
    manifest = generate(args.out, int(args.size_mb * 1e6), args.seed, symptoms, args.per_symptom)
    seconds = time.perf_counter() - start
    planted = sum(len(v) for v in manifest["symptoms"].values())
    print(
        f"{args.out}: {manifest['bytes'] / 1e6:.1f} MB, {manifest['lines']} lines, "
        f"{planted} planted ({len(manifest['symptoms'])} symptoms) in {seconds:.1f} s"
    )
    for sid, numbers in manifest["symptoms"].items():
        print(f"  {sid}: {len(numbers)}")
    if args.grep:
        eres = [ere(p) for ps in manifest["patterns"].values() for p in ps]
        if None in eres:
            print("grep: some patterns do not translate to ERE; not run")
            return 0
        count, grep_s = grep_count(args.out, eres)  # type: ignore[arg-type]
        print(f"grep -E -c ({len(eres)} patterns, LC_ALL=C): {count} lines in {grep_s:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
