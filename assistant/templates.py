"""Unexplained log lines mined into templates (Drain3), with counts estimated from a sample.

The scanner cannot afford Drain3 on every line of a 100 MB log, so it hands over a bounded,
uniform sample of the lines no KB pattern explains. Each sampled line carries a weight: how
many unexplained lines of its source it stands for (for a sample of a known size,
``sample_weight``). A template's estimate
is the sum of its lines' weights, right even when sources were sampled at different rates.

>>> miner = TemplateMiner()
>>> for n in range(1, 4):
...     miner.add(f"2024-03-01T10:00:0{n}Z disk sda{n} offline", "syslog", n, weight=10)
>>> miner.add("kernel: ready", "syslog", 9, weight=10)
>>> best = miner.top(1)[0]
>>> best.text, best.sampled, best.estimate, best.line
('<TS> disk sda<NUM> offline', 3, 30, 1)

Masking never looks at which digit is where: it reads the line with every digit turned to 0
(its *shape*), and ``<NUM>`` takes whatever digits the other masks leave. Lines of one shape
therefore mask alike, and Drain3 would be given the very same text for each, so a repeat of
a shape (the bulk of a log) goes where its first line went, without masking or Drain3.
"""

from __future__ import annotations

import logging
import re
import string
from dataclasses import dataclass

from drain3 import TemplateMiner as _DrainMiner
from drain3.drain import LogCluster
from drain3.masking import AbstractMaskingInstruction
from drain3.template_miner_config import TemplateMinerConfig

__all__ = [
    "MAX_LINE_CHARS",
    "Template",
    "TemplateMiner",
    "mask_line",
    "sample_weight",
    "shape",
    "template_text_for_matching",
]

MAX_LINE_CHARS = 2000  # longer lines are mined on their first 2,000 characters
SIM_TH = 0.45  # Drain's similarity threshold: share of equal tokens to join a cluster
DEPTH = 4
_CACHE_MAX = 100_000  # line shapes, and masked lines, remembered by each miner
_TOKENS_MAX = 50_000  # masked tokens remembered, by each masker

# Drain3 logs at INFO on every start ("Starting Drain3 template miner"); keep it quiet.
logging.getLogger("drain3").setLevel(logging.WARNING)

_ZERO = bytes.maketrans(b"123456789", b"000000000")


def shape(line: str) -> str:
    """The line with every ASCII digit turned to 0 (UTF-8 never has them inside a character).

    >>> shape("cpu12:2097152) 0x4f at 10.0.0.7")
    'cpu00:0000000) 0x0f at 00.0.0.0'
    """
    return line.encode("utf-8", "surrogatepass").translate(_ZERO).decode("utf-8", "surrogatepass")


@dataclass(frozen=True)
class _Rule:
    """One mask: a pattern, what it becomes, and substrings it cannot match without."""

    regex: re.Pattern[str]
    mask: str
    needs: tuple[str, ...]  # the rule runs only on text holding one of these

    def apply(self, text: str) -> str:
        for need in self.needs:
            if need in text:
                return self.regex.sub(self.mask, text)
        return text


def _rule(pattern: str, name: str, *needs: str) -> _Rule:
    return _Rule(re.compile(pattern), f"<{name}>", needs or ("",))


_H = "[0-9A-Fa-f]"
_MONTH = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"

# Applied in order to the shape of the whole line: the masks that may span spaces. Patterns
# start with a literal or a character class (a leading lookbehind is written after the first
# character instead) so the regex engine skips ahead fast.
_LINE_RULES = (
    # ISO 8601 / RFC 3339: 2024-03-01T10:15:22.123Z, 2024-03-01 10:15:22,123, a bare date.
    _rule(
        r"0000-00-00(?<!\d0000-00-00)(?:[T ]00:00(?::00)?(?:[.,]0+)?(?:Z|[+-]00:?00)?)?(?!\d)",
        "TS",
        "0000-00-00",
    ),
    # syslog (RFC 3164) and ctime: Mar  1 10:15:22, Fri Mar  1 10:15:22 (the day stays).
    _rule(rf"{_MONTH}(?<!\w\w\w\w) +00? +00:00:00(?:\.0+)?(?!\d)", "TS", "00:00:00"),
    # Windows event logs and IIS: 3/1/2024 10:15:22 AM, 2024/03/01 10:15:22.
    _rule(
        r"0(?<![\d/]0)0{0,3}/00?/00(?:00)?[ T,]+00?:00(?::00)?(?:[.,]0+)?(?: ?[AaPp][Mm]\b)?",
        "TS",
        "/",
    ),
    # Quoted paths: "/vmfs/volumes/ds1/vm.vmx", 'C:\Windows\x.log', "[datastore1] vm.vmx".
    _rule(r'[/\[A-Za-z](?<="[/\[A-Za-z])(?:(?<=[A-Za-z]):\\|(?<=[/\[]))[^"]*(?=")', "PATH", '"'),
    _rule(r"[/\[A-Za-z](?<='[/\[A-Za-z])(?:(?<=[A-Za-z]):\\|(?<=[/\[]))[^']*(?=')", "PATH", "'"),
)

# Applied in order to each whitespace-separated token of the shape; the last takes every
# digit left, so no mask keeps one.
_TOKEN_RULES = (
    # A time of day: 10:15:22.123.
    _rule(r"0(?<![\w:.]0)0?:00:00(?:[.,]0+)?(?![\w:])", "TS", ":"),
    # Fibre Channel WWNs, 8 pairs: 20:00:00:25:b5:0a:00:1f.
    _rule(rf"{_H}(?<![\w:].){_H}(?::{_H}{{2}}){{7}}(?![\w:])", "ID", ":"),
    # MAC addresses: 00:50:56:aa:bb:cc, 00-50-56-AA-BB-CC, 0050.56aa.bbcc.
    _rule(
        rf"{_H}(?<![\w:-].){_H}(?:(?::{_H}{{2}}){{5}}|(?:-{_H}{{2}}){{5}}"
        rf"|{_H}{{2}}\.{_H}{{4}}\.{_H}{{4}})(?![\w:-])",
        "MAC",
        ":",
        "-",
        ".",
    ),
    # IPv6, full or compressed with "::", with a zone (%vmk0) or a prefix length.
    _rule(
        rf"{_H}(?<![\w:.].){_H}{{0,3}}(?::{_H}{{1,4}}){{7}}(?:%\w+)?(?:/\d{{1,3}})?(?![\w:.])",
        "IP",
        ":",
    ),
    _rule(
        rf"(?<![\w:.])(?:{_H}{{1,4}}(?::{_H}{{1,4}}){{0,6}})?::(?:{_H}{{1,4}}(?::{_H}{{1,4}}){{0,6}})?"
        r"(?:%\w+)?(?:/\d{1,3})?(?![\w:.])",
        "IP",
        "::",
    ),
    # IPv4, with a prefix length: 10.0.0.1, 192.168.0.0/16.
    _rule(r"0(?<![\d.]0)0{0,2}(?:\.0{1,3}){3}(?:/00?)?(?!\.?\d)", "IP", "."),
    # UUIDs and VMFS ids: 564d5e2b-1a2b-..., 5f1a2b3c-1234abcd-5678-001122334455.
    _rule(rf"{_H}(?<![\w-].){_H}{{7}}(?:-{_H}{{4,12}}){{2,4}}(?![\w-])", "ID", "-"),
    # Storage device ids: naa.600508b1001c3a7f..., eui.0025385..., mpx.vmhba32:C0:T0:L0.
    _rule(
        rf"\b(?:naa|eui)\.{_H}{{8,}}\b|\bmpx\.vmhba0+(?::[CTL]0+){{3}}\b",
        "ID",
        "naa.",
        "eui.",
        "mpx.",
    ),
    # Hex numbers: 0x4000002.
    _rule(rf"0(?<![\w.]0)[xX]{_H}+(?!\w)", "HEX", "0x", "0X"),
    # Long hex ids with letters and digits: session ids, hashes, opIDs (5a1b2c3d-01-7f8e).
    _rule(
        rf"{_H}(?<![\w.-].)(?:(?<=0)(?={_H}*[A-Fa-f])|(?<=[A-Fa-f])(?={_H}*0))"
        rf"{_H}{{7,}}(?:-{_H}+)*(?![\w-])",
        "ID",
        "0",
    ),
    _rule(r"0+", "NUM", "0"),
)


class _Masker(AbstractMaskingInstruction):
    """All the masks as one Drain3 masking instruction, on the line's shape.

    Masks are always written <NAME> (the config sets that prefix and suffix). Tokens repeat
    across lines, so each token's mask is remembered.
    """

    def __init__(self) -> None:
        super().__init__("MASKED")
        self._tokens: dict[str, str] = {}

    def mask(self, content: str, mask_prefix: str = "<", mask_suffix: str = ">") -> str:
        """The line, masked; its spaces become single spaces, as Drain3 splits on them."""
        text = shape(content)
        for rule in _LINE_RULES:
            text = rule.apply(text)
        tokens = self._tokens
        return " ".join([tokens.get(t) or self._mask_token(t) for t in text.split()])

    def _mask_token(self, token: str) -> str:
        masked = token
        for rule in _TOKEN_RULES:
            masked = rule.apply(masked)
        if len(self._tokens) >= _TOKENS_MAX:
            self._tokens.clear()
        self._tokens[token] = masked
        return masked


_MASKER = _Masker()


def mask_line(line: str) -> str:
    """The line as Drain3 sees it: variable parts replaced by their mask.

    >>> mask_line("2024-03-01T10:15:22.123Z cpu12:2097152)NetPort: 1234: disabled port "
    ...           "0x4000002 with mac 00:50:56:aa:bb:cc")
    '<TS> cpu<NUM>:<NUM>)NetPort: <NUM>: disabled port <HEX> with mac <MAC>'
    >>> mask_line("Mar  1 10:15:22 esx01 sshd[4242]: from 10.0.0.5 and fe80::250:56ff:fe9a:1")
    '<TS> esx<NUM> sshd[<NUM>]: from <IP> and <IP>'
    >>> mask_line('3/1/2024 10:15:22 PM opened "/vmfs/volumes/ds1/x.vmx" id 5a1b2c3d-01-7f8e')
    '<TS> opened "<PATH>" id <ID>'
    >>> mask_line("naa.600508b1001c3a7f5e2d vm 564d5e2b-1a2b-3c4d-5e6f-7a8b9c0d1e2f")
    '<ID> vm <ID>'
    """
    return _MASKER.mask(line)


def sample_weight(unexplained: int, sampled: int) -> float:
    """How many unexplained lines of a source each of its sampled lines stands for.

    >>> sample_weight(1_000, 10)
    100.0
    >>> sample_weight(7, 7)
    1.0
    """
    if sampled <= 0 or unexplained < sampled:
        raise ValueError(f"cannot sample {sampled} of {unexplained} lines")
    return unexplained / sampled


@dataclass(frozen=True)
class Template:
    """One shape of unexplained lines, with its estimated size and a real line of it."""

    text: str  # Drain3 template with masks, e.g. "<TS> disk sda<NUM> offline"
    sampled: int  # sampled lines in it
    estimate: int  # estimated unexplained lines in the whole source(s): round(sum of weights)
    example: str  # the first sampled line of it (cut at MAX_LINE_CHARS), for display
    source: str  # the source of the example
    line: int  # the example's line number in its source


class _Tally:
    """What one Drain3 cluster gathered: its lines, their weight, its first line."""

    __slots__ = ("cluster", "example", "line", "sampled", "source", "weight")

    def __init__(self, cluster: LogCluster, example: str, source: str, line: int):
        self.cluster = cluster  # held, so a cluster Drain3 evicts keeps its last template
        self.example = example
        self.source = source
        self.line = line
        self.sampled = 0
        self.weight = 0.0


class TemplateMiner:
    """Sampled unexplained lines in, their most frequent templates out.

    A line whose shape (``shape``) was seen before goes straight to that shape's cluster;
    a new shape is masked, and only a new masked text is given to Drain3 (a sample of
    5,000 lines of a mixed ESXi, syslog and Windows log holds about 2,900 shapes and 1,000
    masked texts). Templates are read from the clusters when ``top`` is called, as Drain3
    generalises them while lines come in.
    """

    def __init__(self, max_clusters: int = 1000) -> None:
        """One Drain3 miner configured here: no drain3.ini is read, nothing is printed."""
        if max_clusters < 1:
            raise ValueError(f"max_clusters must be at least 1, not {max_clusters}")
        self._miner = _DrainMiner(config=_config(max_clusters))
        self._tallies: dict[int, _Tally] = {}
        self._shapes: dict[str, int] = {}  # line shape -> cluster id
        self._masked: dict[str, int] = {}  # masked line -> cluster id
        self._added = 0

    def __len__(self) -> int:
        """The number of lines added (blank lines are not)."""
        return self._added

    @property
    def estimated_total(self) -> int:
        """The estimated number of unexplained lines behind everything added."""
        return round(sum(t.weight for t in self._tallies.values()))

    def add(self, line: str, source: str, number: int, weight: float = 1.0) -> None:
        """Mine one sampled line, standing for ``weight`` unexplained lines of its source."""
        if not weight > 0:
            raise ValueError(f"weight must be positive, not {weight}")
        line = line[:MAX_LINE_CHARS].rstrip("\r\n")
        if not line.strip():
            return
        tally = self._tally(line, source, number)
        tally.sampled += 1
        tally.weight += weight
        self._added += 1

    def top(self, n: int = 5, min_share: float = 0.0) -> list[Template]:
        """The ``n`` largest templates by estimate, each at least ``min_share`` of all lines.

        Ties keep the order templates were first seen in. Clusters whose templates have
        become the same text are counted as one.
        """
        merged: dict[str, list[_Tally]] = {}
        for tally in self._tallies.values():  # in the order clusters were created
            merged.setdefault(tally.cluster.get_template(), []).append(tally)
        total = sum(t.weight for t in self._tallies.values())
        templates = [
            _template(text, group)
            for text, group in merged.items()
            if sum(t.weight for t in group) >= min_share * total
        ]
        templates.sort(key=lambda t: (-t.estimate, -t.sampled))
        return templates[: max(n, 0)]

    def _tally(self, line: str, source: str, number: int) -> _Tally:
        """The tally of the line's cluster, made when the line is the cluster's first."""
        cluster_id = self._cluster_id(line)
        tally = self._tallies.get(cluster_id)
        if tally is None:
            cluster = self._miner.drain.id_to_cluster[cluster_id]
            tally = _Tally(cluster, line, source, number)
            self._tallies[cluster_id] = tally
        return tally

    def _cluster_id(self, line: str) -> int:
        """The line's Drain3 cluster: by its shape, else by its masked text, else mined."""
        key = shape(line)
        cluster_id = self._shapes.get(key)
        if cluster_id is None:
            masked = self._miner.masker.mask(key)  # as Drain3's add_log_message masks
            cluster_id = self._masked.get(masked)
            if cluster_id is None:
                cluster, _ = self._miner.drain.add_log_message(masked)
                cluster_id = cluster.cluster_id
                _remember(self._masked, masked, cluster_id)
            _remember(self._shapes, key, cluster_id)
        self._miner.drain.id_to_cluster[cluster_id]  # an LRU touch, as Drain3 does on a match
        return cluster_id


def _remember(cache: dict[str, int], key: str, cluster_id: int) -> None:
    if len(cache) < _CACHE_MAX:
        cache[key] = cluster_id


def _config(max_clusters: int) -> TemplateMinerConfig:
    """Drain3's settings, built in code so no drain3.ini in the working folder is read."""
    config = TemplateMinerConfig()
    config.drain_sim_th = SIM_TH
    config.drain_depth = DEPTH
    config.drain_max_clusters = max_clusters
    config.parametrize_numeric_tokens = True
    config.masking_instructions = [_Masker()]
    config.mask_prefix, config.mask_suffix = "<", ">"
    config.profiling_enabled = False  # its profiler prints reports to stdout
    return config


def _template(text: str, group: list[_Tally]) -> Template:
    """One Template from the tallies of the clusters that share its text."""
    first = group[0]
    return Template(
        text=text,
        sampled=sum(t.sampled for t in group),
        estimate=round(sum(t.weight for t in group)),
        example=first.example,
        source=first.source,
        line=first.line,
    )


_MASK = r"<(?:\*|[A-Z]+)>"
_MASK_TOKEN = re.compile(_MASK)
_ENCLOSED_MASK = re.compile(rf"\[{_MASK}\]|\({_MASK}\)|\"{_MASK}\"|'{_MASK}'")  # sshd[<NUM>]
_ESXI_WORLD = re.compile(r"\bcpu<NUM>:<NUM>\)")  # vmkernel's "cpu12:2097152)" prefix
_PUNCT = string.punctuation
_PUNCT_BUT_COLON = _PUNCT.replace(":", "")


def template_text_for_matching(t: Template) -> str:
    """The template's words, for comparing with symptom descriptions by embedding.

    Masks go, and with them brackets around a mask, vmkernel's "cpuN:world)" prefix, the
    punctuation around words (a colon after one stays) and fragments of under two letters.

    >>> template_text_for_matching(Template(
    ...     "<TS> cpu<NUM>:<NUM>)NetPort: <NUM>: disabled port <HEX> with mac <MAC>",
    ...     1, 1, "", "", 1))
    'NetPort: disabled port with mac'
    >>> template_text_for_matching(Template(
    ...     '<TS> esx<NUM> sshd[<NUM>]: Failed password for <*> from <IP> "<PATH>"',
    ...     1, 1, "", "", 1))
    'esx sshd: Failed password for from'
    >>> template_text_for_matching(Template(
    ...     '<TS> Path "vmhba<NUM>:C<NUM>:T<NUM>" (UP) failed. H:<HEX> (vscsi<NUM>:<NUM>):Reset',
    ...     1, 1, "", "", 1))
    'Path vmhba UP failed vscsi Reset'
    """
    text = _ENCLOSED_MASK.sub("", _ESXI_WORLD.sub(" ", t.text))
    words = (_word(fragment) for fragment in _MASK_TOKEN.sub(" ", text).split())
    return " ".join(word for word in words if sum(c.isalpha() for c in word) >= 2)


def _word(fragment: str) -> str:
    """The fragment without punctuation around it, but for a colon after it."""
    word = fragment.lstrip(_PUNCT).rstrip(_PUNCT_BUT_COLON)
    return word.rstrip(_PUNCT) + ":" if word.endswith(":") else word
