"""Match a user's words to KB symptoms by embedding similarity, with negation.

The message is cut into clauses; each clause is embedded and compared with every
symptom phrasing in the index. A clause counts as evidence for a symptom when its
cosine similarity to one of the symptom's phrasings reaches ``MATCH_THRESHOLD``
(0.50 for all-MiniLM-L6-v2, under which unrelated ops sentences routinely score);
evidence strength rises linearly from ``MIN_STRENGTH`` at the threshold to
``MAX_TEXT_STRENGTH`` at ``FULL_MATCH`` similarity, so a paraphrase counts less than a
log line (see :mod:`assistant.logscan`).

A clause is one observation: it speaks only for the symptom it matches best (and for
near-ties within ``CLAUSE_MARGIN``), so one sentence does not vouch for a whole
neighbourhood of related symptoms, which the single-fault model would count several
times over. A clause whose parts are joined by "and", commas, "after" or "since" is replaced
by its parts, since "the VMs are still running and SSH works" states two facts, as does
"the VIP went dark after we pulled an uplink", and a denial in one part ("...and didn't
change anything else") says nothing about the others.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Protocol

from assistant.negation import State, is_negated, keeps_default, read
from assistant.redact import MAC_ADDRESS
from graph.evidence import Evidence, Origin, OriginKind
from kb.embedding import Embedder
from kb.index import PhrasingHit

__all__ = [
    "CLAUSE_MARGIN",
    "FULL_MATCH",
    "MATCH_THRESHOLD",
    "MAX_TEXT_STRENGTH",
    "Clause",
    "PhrasingSearch",
    "clauses",
    "is_request",
    "match_symptoms",
    "pasted_output",
]

MATCH_THRESHOLD = 0.50
FULL_MATCH = 0.85
MIN_STRENGTH = 0.2
MAX_TEXT_STRENGTH = 0.75
CLAUSE_MARGIN = 0.02
AGREEMENT_MARGIN = 0.05  # an agreeing phrasing this close to a disagreeing one wins
MAX_CLAUSES = 64

_AND = re.compile(
    r"\s*(?:,\s*and|\band|,)\s+"
    r"|\s+(?:(?:ever|right|just|shortly|soon|immediately)\s+)?\b(?:after|since)\s+",
    re.IGNORECASE,
)
# A part that reports what the step before it showed: "I ran Traceflow app01 -> sql01 and it
# shows the packet dropped" is one fact; cut at "and", the result loses what it is a result of.
_RESULT_OF = re.compile(
    r"(?:it|that|this|they|which)\s+(?:\w+\s+)?(?:shows?|showed|says?|said|reports?|reported"
    r"|lists?|listed|gives?|gave|returns?|returned|prints?|printed|displays?|tells?|told"
    r"|comes?\s+back|came\s+back)\b",
    re.IGNORECASE,
)
_NO_EFFECT = re.compile(
    r"\W*(?:no|nothing|zero)\s+(?:changed?|change[sd]|difference|luck|help|improvement|effect)\b"
    r"|\W*(?:didn'?t|did\s+not|doesn'?t|does\s+not)\s+(?:help|change|matter)\b",
    re.IGNORECASE,
)
_PAIRED = re.compile(r"\b(?:between|both)\s+(?:the\s+)?[\w./:-]+$", re.IGNORECASE)
# A list that starts after a colon, "checked on the hosts: vpxa and hostd both running",
# is one fact about both: the piece before "and" is one or two words after the colon, and
# "both" follows the next word. So is one that starts after a comma, with one word before
# "and" and "both" or a plural verb after the next: "ssh works, hostd and vpxa are running".
_SHARED = re.compile(r":\s*[\w.-]+(?:\s+[\w.-]+)?\s*$")
_SHARED_TAIL = re.compile(r"[\w.-]+\s+(?:are\s+)?both\b", re.IGNORECASE)
_LISTED = re.compile(r"(?:^|,)\s*[\w.-]+\s*$")
_LISTED_TAIL = re.compile(r"[\w.-]+\s+(?:(?:are|were)\s+)?(?:both|are|were)\b", re.IGNORECASE)
# A quoted message is one thing said, whatever "and" or commas it holds. A single quote
# opens only where no letter precedes it and closes only where none follows ("can't" and
# "workstation's" are not quotes).
_QUOTED = re.compile(r'"[^"\n]*"|“[^”\n]*”|(?<!\w)\'[^\n]*?\'(?!\w)')
_SPLIT = re.compile(
    r"(?<=[.!?;])\s+|\n+|\s*,?\s+\b(?:but|however|although|though|whereas|while)\b"
    r"(?!\s+(?:not|no|never)\b)\s+"
    r"|\s+\((?=(?:[^)\s]+\s+){3,}[^)]*\))|(?<=\S{2})\)(?=\W|$)"
    # a short bracketed denial is a statement of its own: "2 ESGs in ECMP (no HA)"
    r"|\s+\((?=\s*(?:no|without)\s+[^()\n]{1,40}\))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Clause:
    """A piece of the user's message and where it sits in it."""

    text: str
    start: int
    end: int


# A line this long that stops mid-sentence, followed by a lowercase word, was wrapped by a
# mail client or an editor: "... I don't see\nany user names being tried" is one clause.
_WRAP_WIDTH = 60


def _wrapped(message: str, sep: re.Match[str]) -> bool:
    """Whether the line break ``sep`` only wraps a sentence across two lines.

    >>> m = "Sample from git-ssh-01, those two are in the load balancer subnet. I don't see\\nany"
    >>> _wrapped(m, _SPLIT.search(m, m.index("see")))
    True
    >>> m = "vpxa running\\nhostd running"
    >>> _wrapped(m, _SPLIT.search(m))
    False
    >>> m = "When the kernel makes a filesystem read-only it is read-only to all: `findmnt`\\nshows"
    >>> _wrapped(m, _SPLIT.search(m, m.index("`findmnt`")))
    False
    """
    if sep.group() != "\n":
        return False
    line = message[message.rfind("\n", 0, sep.start()) + 1 : sep.start()].rstrip()
    following = message[sep.end() : sep.end() + 1]
    # a line that ends in code, a quote or a bracket ("... for everyone: `findmnt`") may end
    # there on purpose; only a line that stops on a plain word is taken as wrapped
    return len(line) >= _WRAP_WIDTH and line[-1].isalnum() and following.islower()


def clauses(message: str) -> list[Clause]:
    """Cut a message into clauses at sentence ends, line breaks (not those that only wrap
    a long line) and contrast words; a clause made of parts joined by "and" or commas is
    replaced by those parts.

    >>> [c.text for c in clauses("SSH hangs. Ping works fine, but HTTPS times out")]
    ['SSH hangs.', 'Ping works fine', 'HTTPS times out']
    >>> [c.text for c in clauses("the VMs are still running and SSH to the host works")]
    ['the VMs are still running', 'SSH to the host works']
    >>> [c.text for c in clauses("the other MAC is a VMware one but not on this VM")]
    ['the other MAC is a VMware one but not on this VM']
    >>> [c.text for c in clauses("nothing changed (the firewall tab has one allow rule).")]
    ['nothing changed', 'the firewall tab has one allow rule']
    >>> [c.text for c in clauses("other VMs on that host (other port groups) are fine")]
    ['other VMs on that host (other port groups', 'are fine']
    >>> [c.text for c in clauses("the app team insists esxi is broken and wants a reboot")]
    ['the app team insists esxi is broken and wants a reboot']
    >>> [c.text for c in clauses("restarted vpxa (/etc/init.d/vpxa restart) -> no change")]
    ['restarted vpxa (/etc/init.d/vpxa restart) -> no change']
    >>> [c.text for c in clauses("I restarted the agents. No change.")]
    ['I restarted the agents.', 'No change.']
    >>> [c.text for c in clauses("we have 2 ESGs in ECMP behind the DLR (no HA). ASA routes")]
    ['we have 2 ESGs in ECMP behind the DLR', 'no HA', 'ASA routes']
    """
    found: list[Clause] = []
    pos = 0
    sep_before = None
    for sep in [*_SPLIT.finditer(message), None]:
        if sep and _wrapped(message, sep):
            continue
        end = sep.start() if sep else len(message)
        piece = message[pos:end]
        stripped = piece.strip()
        outcome = _NO_EFFECT.fullmatch(stripped.rstrip(".!"))
        same_sentence = (
            sep_before is not None
            and "\n" not in sep_before.group()
            and message[sep_before.start() - 1 : sep_before.start()] not in ".!?;"
        )
        if outcome and found and same_sentence:
            # "restarted vpxa (/etc/init.d/vpxa restart) -> no change": the outcome
            # belongs to the step before it, cut off at the bracket
            last = found.pop()
            end_of = pos + piece.index(stripped) + len(stripped)
            found.append(Clause(message[last.start : end_of], last.start, end_of))
        elif _says_something(stripped):
            start = pos + piece.index(stripped)
            # a guess or hearsay stays whole: "the app team insists esxi is broken and
            # wants the hosts rebooted" reports neither part as seen (a question is still
            # cut: "can X and Y run on edges with ECMP on?" presupposes what it asks about)
            guess = is_request(stripped) and not stripped.endswith("?")
            acted = _ACTED_ON_GUESS.search(stripped) if guess else None
            if acted:
                # "we figured connection limit so we bumped max_connections, no change":
                # the guess is read as one (and dropped), what was done about it as seen
                found.append(Clause(stripped[: acted.start()], start, start + acted.start()))
                stripped, start = stripped[acted.end() :], start + acted.end()
                guess = False
            parts = [] if guess else _parts(stripped, start)
            found += parts or [Clause(stripped, start, start + len(stripped))]
        if sep:
            pos = sep.end()
        sep_before = sep
    return found[:MAX_CLAUSES]


_ACTED_ON_GUESS = re.compile(r",?\s+so\s+(?=(?:we|i)\s)", re.IGNORECASE)


_CHECKED = re.compile(
    r"^(?:(?:i|we)\s+)?(?:already\s+|also\s+|then\s+|first\s+)?(?:checked|looked\s+(?:at|in|into)"
    r"|went\s+through|verified|inspected|reviewed)\b[^:]*$",
    re.IGNORECASE,
)


def _only_checked(text: str) -> bool:
    """A report of a check without its finding ("I already checked ramdisks with vdf"),
    which leads in to the result and says nothing itself, for or against.

    >>> _only_checked("I already checked ramdisks with vdf")
    True
    >>> [_only_checked(t) for t in ["we checked the logs: APD everywhere",
    ...     "checked vpxa, it is not running", "I checked and the disk is full"]]
    [False, False, False]
    """
    if not _CHECKED.search(text):
        return False
    reading = read(text)
    return (
        not reading.denied
        and reading.state is State.NEUTRAL
        and not re.search(r"\b(?:and|but)\b|,", text)
    )


# What a system is, not what it does: "vCenter 8.0, ESXi 8.0 U1.", "ESXi 7.0 U3n, Dell
# R750", "Ubuntu 22.04, kernel 5.15". Such a clause names products and versions that no
# cause of the KB depends on, yet it resembles every phrasing that names the product
# ("vCenter 8.0, ESXi 8.0 U1." was 0.71 from "vCenter lost connection to one of the ESXi
# hosts"). The storage protocol ("iSCSI", "NFS") counts as inventory too: no storage cause
# of the KB depends on it ("ESXi 7.0 U3, iSCSI, 4 hosts." was 0.61 from "putting them on
# the same esxi host makes it work"). Windows and Db2 versions and word sizes stay: DFS
# Replication between 2003 R2 and 2008 R2 members, and 32-bit Db2 instances, are facts
# causes depend on.
_INVENTORY_WORD = (
    r"vmware|esxi?|vcenter(?:\s+server)?|vcsa|vsphere|nsx(?:-[tv])?|alb|avi|vsan"
    r"|dell|poweredge|hpe?|proliant|synergy|lenovo|thinksystem|cisco\s+ucs|ucs|supermicro"
    r"|rhel|red\s*hat(?:\s+enterprise\s+linux)?|centos|rocky(?:\s+linux)?|alma(?:linux)?"
    r"|ubuntu|debian|sles|suse|oracle\s+linux|kernel"
    r"|iscsi|fcoe|fc|fibre\s+channel|nvme(?:-?o(?:f|tcp))?|nfs(?:\s*v?[34](?:\.1)?)?"
    r"|and|on|with|the|our|all|both|hosts?|servers?|nodes?|clusters?|vms?|appliances?"
    r"|build\s+\d+|update\s+\d+\w?|v?\d+(?:\.\d+)*[a-z]?|u\d+[a-z]?|gen\s?\d+|[a-z]{1,3}\d{2,4}"
)
_INVENTORY = re.compile(rf"(?:[\s,/+&().:;-]|(?:{_INVENTORY_WORD})\b)+", re.IGNORECASE)


def _inventory(text: str) -> bool:
    """Whether a clause only says which products, versions and hardware are in play.

    >>> [_inventory(t) for t in ["vCenter 8.0, ESXi 8.0 U1.", "ESXi 7.0 U3n, Dell R750",
    ...     "Ubuntu 22.04, kernel 5.15", "RHEL 7 VMs on vSphere", "ESXi 7.0 U3, iSCSI, 4 hosts."]]
    [True, True, True, True, True]
    >>> [_inventory(t) for t in ["ESXi 7.0 U3 hosts disconnect", "DB2 10.1 32-bit.",
    ...     "Windows Server 2003 R2 SP2", "vpxa 8.0", "both hosts on 8.0 U1 are fine",
    ...     "8.8.8.8 / 1.1.1.1"]]
    [False, False, False, False, False, False]
    """
    # addresses alone are not an inventory: "8.8.8.8 / 1.1.1.1" may be the DNS servers
    words = re.search(r"[A-Za-z]{2,}", _IP.sub(" ", text))
    return words is not None and _INVENTORY.fullmatch(text.strip()) is not None


# A configuration key set to a number, and nothing else: "max_connections is 400",
# "innodb_buffer_pool_size = 8G". It says how the system is configured, not that it fails,
# though an embedding puts "max_connections is 400" close to "too many connections".
_SETTING_NUMBER = re.compile(
    r"\s*(?:(?:the|our|and|but|so)\s+)?[A-Za-z][\w.-]*_[\w.-]*\s*"
    r"(?:(?:is|was)(?:\s+set\s+to)?|=|:|set\s+to)\s*"
    r"(?:(?:at|only|just|still|now)\s+)?~?\d[\d.,]*\s*(?:[kmgt]i?b?|%)?"
    r"(?:\s*\((?:the\s+)?default\))?\s*[.;]?\s*",
    re.IGNORECASE,
)


# Command-line options after a few words that name where they are set, and nothing else:
# "heap.options has -Xms28g -Xmx28g", "node runs with --max-old-space-size=4096". A heap
# size is how the process is configured; the embedding puts it near "out of heap space".
_SETTING_FLAGS = re.compile(
    r"\s*(?:[\w./-]+\s+){0,4}(?:has|have|is|are|was|were|uses|runs\s+with|set\s+to|=|:)\s*"
    r"(?:-{1,2}[A-Za-z][\w.:-]*(?:=\S+)?\s*,?\s*(?:and\s+)?)+[.;]?\s*",
    re.IGNORECASE,
)


# A machine's size, and nothing else: "Box has 32G RAM", "the hosts have 512 GB of memory
# and 64 cores". It says what the machine is, not what it does, though an embedding puts
# "has 32G RAM" close to "memory and swap are exhausted".
_SIZE = (
    r"~?\d[\d.,]*\s*(?:[kmgt]i?b?|gigs?)?\s+(?:of\s+)?(?:ram|memory|swap|v?cpus?|cores?|sockets?)"
)
_CAPACITY = re.compile(
    r"\s*(?:(?:the|our|this|that|each|every|both|and|but|so)\s+)?(?:[\w.-]+\s+){0,2}?"
    r"(?:has|have|had|with|gets?|got|is\s+sized\s+(?:at|with))\s+"
    rf"(?:only\s+|just\s+)?{_SIZE}(?:\s*(?:,|and|\+|/)\s*{_SIZE})*\s*[.;]?\s*",
    re.IGNORECASE,
)


def _capacity(text: str) -> bool:
    """Whether a clause only gives a machine's memory or processor size.

    >>> [_capacity(t) for t in ["Box has 32G RAM", "the hosts have 512 GB of memory and 64 "
    ...     "cores.", "VM has 8 vCPUs / 32GB RAM", "each node has 16 GiB of RAM"]]
    [True, True, True, True]
    >>> [_capacity(t) for t in ["Box has 32G RAM and it still swaps", "memory is exhausted",
    ...     "it has 200 MB of free memory left", "the VM has no memory left"]]
    [False, False, False, False]
    """
    return _CAPACITY.fullmatch(text) is not None


def _setting_number(text: str) -> bool:
    """Whether a clause only gives a configuration key's number, or only the command-line
    options a process is started with.

    >>> [_setting_number(t) for t in ["max_connections is 400", "innodb_buffer_pool_size = 8G",
    ...     "and max_connections was set to 500.", "jvm.options.d/heap.options has -Xms28g -Xmx28g",
    ...     "node runs with --max-old-space-size=4096"]]
    [True, True, True, True, True]
    >>> [_setting_number(t) for t in ["max_connections is 400 and every slot is taken",
    ...     "log_reuse_wait_desc = NOTHING.", "ESXi 7.0 U3", "heap is -Xmx4g and it still dies",
    ...     "the service is down"]]
    [False, False, False, False, False]
    """
    return _SETTING_NUMBER.fullmatch(text) is not None or _SETTING_FLAGS.fullmatch(text) is not None


# A past incident on another system: "We had a log-full incident on another DB last month".
# It tells how the user thinks, not what this system does now.
_ELSEWHERE = re.compile(
    r"\b(?:on|in|at|with|to)\s+(?:an?\s+)?(?:another|different|other)\s+[\w-]+", re.IGNORECASE
)
_BEFORE_NOW = re.compile(
    r"\b(?:last\s+(?:week|month|year|quarter|time)|\d+\s+(?:weeks?|months?|years?)\s+ago"
    r"|(?:a\s+(?:while|few\s+\w+)|long)\s+ago|previously|in\s+the\s+past|once\s+before)\b",
    re.IGNORECASE,
)
_HAD = re.compile(r"\b(?:had|saw|hit|ran\s+into|happened|was|were)\b", re.IGNORECASE)


def _history_elsewhere(text: str) -> bool:
    """Whether a clause recalls a past incident on another system.

    >>> _history_elsewhere("We had a log-full incident on another DB last month.")
    True
    >>> _history_elsewhere("we hit the same thing on a different cluster 2 years ago")
    True
    >>> [_history_elsewhere(t) for t in ["the log filled up last month on this DB",
    ...     "another DB on the same server is fine", "other VMs were hit too"]]
    [False, False, False]
    """
    return all(p.search(text) for p in (_ELSEWHERE, _BEFORE_NOW, _HAD))


# What someone believed or guessed, reported as a belief: "helpdesk thought the accounts
# were locked", "we assumed it was DNS", "I've read about DFSR looping on a staging file".
# It tells what they suspected or read, not what they saw.
_BELIEF = re.compile(
    r"\b(?:thought|assumed|suspected|believed|guessed|presumed)\b(?!\s+(?:so|otherwise)\b)"
    r"|\b(?:read|heard)\s+(?:about|of|(?:that\s+)?there(?:'s|\s+(?:is|are|was|were)))\b",
    re.IGNORECASE,
)


def _belief(text: str) -> bool:
    """Whether a clause reports a belief or a guess rather than an observation.

    >>> _belief("helpdesk thought accounts were locked"), _belief("we assumed it was DNS")
    (True, True)
    >>> _belief("I've read about DFSR looping on a stuck staging file")
    True
    >>> _belief("I read there's a bug where DFSR re-stages the same file forever")
    True
    >>> _belief("the accounts were locked"), _belief("I think the host is down")
    (False, False)
    """
    return _BELIEF.search(text) is not None


# IP addresses in a clause are noise to the sentence embedding: "added an SNAT rule on
# both edges: 192.168.70.0/24 -> 198.51.100.20" is 0.51 from "the same SNAT rule sits on
# every edge in the ECMP set", and 0.74 without the addresses. (Replacing each with "an
# IP" kept less of the gain. A MAC is read as the word "MAC": see _for_embedding.)
_IP = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}(?:/\d{1,2})?(?::\d+)?\b")
# what is left of a clause that only gives addresses: "vCenter is 10.10.0.20", "the
# source IPs are 10.20.0.5 and 10.20.0.6"; without them it ends in a dangling word
_DANGLING = re.compile(
    r"\b(?:is|are|was|were)(?:\s+(?:at|on|in))?(?:\s*[,/]?\s*\b(?:and|or)\b)*"
    r"[\s.,;:()\[\]/-]*$",
    re.IGNORECASE,
)


def _only_addresses(text: str) -> bool:
    """Whether a clause only says what an address is: without the IP addresses, it ends
    in the word that named them, and would resemble anything its subject is in
    ("vCenter is" against "vCenter is all green").

    >>> [_only_addresses(t) for t in ["vCenter is 10.10.0.20.",
    ...     "The source IPs are 10.20.0.5 and 10.20.0.6", "hosts are on 10.44.8.0/24"]]
    [True, True, True]
    >>> [_only_addresses(t) for t in ["ping 10.0.0.5 fails", "vCenter is all green",
    ...     "traffic from 10.1.1.5 to 10.2.2.6 drops", "traffic is dropped at 10.1.1.1"]]
    [False, False, False, False]
    """
    return _IP.search(text) is not None and _DANGLING.search(_IP.sub(" ", text)) is not None


def _for_embedding(text: str) -> str:
    """The clause as embedded: without IP addresses, unless nothing else is left, and
    with each MAC address read as the word "MAC". An embedding knows nothing of an
    address's digits, while "that MAC is the access switch itself" says what the clause
    is about ("707d.b94e.02c1 is the access switch itself" hardly resembles anything).

    >>> _for_embedding("added an SNAT rule on both edges: 192.168.70.0/24 -> 198.51.100.20")
    'added an SNAT rule on both edges: ->'
    >>> _for_embedding("ping 10.0.0.5")
    'ping 10.0.0.5'
    >>> _for_embedding("arp shows 00-50-56-9a-11-22 and 3c:52:82:1f:07:e9 for it")
    'arp shows MAC and MAC for it'
    >>> _for_embedding("707d.b94e.02c1 is the access switch itself")
    'MAC is the access switch itself'
    """
    bare = " ".join(MAC_ADDRESS.sub("MAC", _IP.sub(" ", text)).split())
    return bare if _says_something(bare) else text


def _says_something(text: str) -> bool:
    """A clause of two words or more that is not a lead-in to what follows ("alert log:"):
    a host name or a version in brackets alone resembles every phrasing that names one.

    >>> [_says_something(t) for t in ["esx02", "VMs still running", "end of the app log:"]]
    [False, True, False]
    """
    return len(re.findall(r"[A-Za-z]{2,}", text)) >= 2 and not text.endswith(":")


_REQUEST = re.compile(
    r"^(?:what|which|how|should|shall|could|can|would|will|where|who|any|anyone|anybody"
    r"|is|are|do|does|did)\b.*\?\s*$"
    r"|^(?:i\s+|we\s+)?(?:thought|think|guess(?:ed)?|suspect(?:ed)?|wonder(?:ed|ing)?|assumed?"
    r"|presumed?|reckon(?:ed)?|figured(?!\s+out)|bet|(?:was|were)\s+sure)\b"
    r"|^(?:it\s+|this\s+)?(?:smells|sounds|feels)\s+like\b"
    # "looks like" reports what was seen ("looks like the paths came back"), unless it is
    # asked: "Looks like storage disappearing for a moment?"
    r"|^(?:it\s+|this\s+)?(?:looks|seems)\s+like\b[^?]*\?+\s*$"
    r"|^(?:(?:i'?m|i\s+am|we'?re|we\s+are)\s+(?:pretty\s+|quite\s+|fairly\s+|almost\s+)?"
    r"|(?:pretty|quite|fairly|almost)\s+)(?:sure|certain|convinced|positive)\b"
    # a fear is a guess too: "I'm worried we're heading for tombstone territory"
    r"|^(?:i'?m|i\s+am|we'?re|we\s+are)\s+(?:a\s+bit\s+|quite\s+|really\s+|very\s+)?"
    r"(?:worried|afraid|concerned|scared|nervous)\s+(?:that\b|(?:we|it|this|they)"
    r"(?:'re|'s|'ll|\s+(?:are|is|will|might|may|could)\b))|^(?:i|we)\s+fear\b"
    r"|^(?:maybe|perhaps|possibly|could\s+it\s+be)\b"
    r"|^(?:i'?m|i\s+am|we'?re|we\s+are|i\s+was|we\s+were)\s+(?:just\s+)?(?:thinking|guessing"
    r"|assuming|presuming|suspecting)\b"
    # a guess that asks to be confirmed: "it has to be the connection limit, right?"
    r"|^.*,\s*(?:right|no|yes|correct|surely)\s*\?+\s*$"
    # the first thing people suspect is a guess: "the usual suspect is someone writing"
    r"|^.*\b(?:usual|obvious|prime|main|first|classic|typical|standard)\s+(?:suspects?"
    r"|answer|culprit|explanation)\b"
    # a guess hedged at its end: "OOM killer I assume?", "the firewall again, I guess"
    r"|^.*\b(?:i|we)\s+(?:assume|guess|suppose|presume|reckon|imagine|bet)\s*[?!.]*\s*$"
    r"|^(?:(?:my|our|the)\s+)?(?:(?:first|initial)\s+)?(?:guess|hunch|theory|suspicion)\b"
    r"|^(?:(?:my|our)\s+)?(?:first|initial)\s+thought\b|^(?:my|our)\s+thought\b"
    # what the user read or was told, not what they saw: "I read that mirroring is off by
    # default", "apparently the cert was renewed"
    r"|^(?:i\s+|we\s+)?(?:(?:read|heard)\s+(?:that|somewhere|online|on)|(?:was|were)\s+told)\b"
    # "I found an old thread about DFSR getting stuck": what someone else wrote
    r"|^(?:i\s+|we\s+)?(?:found|saw|read)\s+(?:an?\s+|the\s+|some\s+)?(?:\w+\s+)?"
    r"(?:threads?|posts?|articles?|blogs?|forum\s+posts?|kbs?|reddit\s+posts?)\s+(?:about|on|saying"
    r"|that|where|which)\b"
    r"|^(?:apparently|reportedly|supposedly|according\s+to)\b"
    # a wish or a plan, not something seen: "not keen to reboot the host with 30 VMs on it"
    r"|^(?:i'?m\s+|we'?re\s+|i\s+am\s+|we\s+are\s+)?(?:not\s+(?:keen|willing|eager)|reluctant"
    r"|hesitant)\b|^(?:i|we)\s+(?:would\s+rather\s+not|(?:don'?t|do\s+not)\s+want|want"
    r"|plan|would\s+like|(?:are|am)\s+(?:planning|going))\s+to\b"
    # a plan that was not carried out, or not yet: "so I was going to enable mirroring"
    r"|^(?:(?:so|and|but|then)\s+)?(?:i|we)\s+(?:was|were)\s+(?:going|about|planning)\s+to\b"
    r"|^(?:(?!\b(?:is|are|was|were|has|have|had|does|do|did|can|will|won't|isn't|'s)\b)"
    r"[^\s?]+\s*){1,3}\?+\s*$"
    # a choice between guesses: "disk full or inodes??", "mtu or dfw?"
    r"|^(?:(?!\b(?:is|are|was|were|has|have|had|does|do|did|can|will|won't|isn't|'s)\b)"
    r"[^\s?]+\s+){1,4}or\s+(?:(?!\b(?:is|are|was|were|has|have|had|does|do|did|can|will"
    r"|won't|isn't|'s)\b)[^\s?]+\s*){1,4}\?+\s*$"
    r"|^(?:(?:half|some|most|part|one|a\s+few|many|several)\s+(?:of\s+)?)?"
    r"(?:(?:my|our|the|a|an|his|her)\s+)?(?:\w+\s+)?(?:colleagues?|team|ops|boss|manager"
    r"|vendor|support|someone|somebody|they|he|she|dbas?|devs?|developers?|admins?"
    r"|guys?|people|everyone|everybody|on[\s-]?call)"
    # one person of a group: "someone on our team says", "a guy from the network team said"
    r"(?:(?:(?<=someone)|(?<=somebody)|(?<=one)|(?<=guy)|(?<=colleague))"
    r"\s+(?:on|in|from|at)\s+(?:(?:my|our|the|their|a)\s+)?(?:\w+\s+)?\w+)?"
    r"\s+(?:says?|said|thinks?|thought|insists?|claims?|reckons?|suspects?|blames?|assumed?"
    r"|assumes|guess(?:ed|es)?"
    r"|believes?|swears?|wants?|suggest(?:s|ed)?|recommend(?:s|ed)?|propos(?:es|ed)"
    r"|told\s+(?:me|us)"
    r"|advis(?:es|ed))\b",
    re.IGNORECASE | re.DOTALL,
)


def is_request(text: str) -> bool:
    """Is this clause a question put to Sherlog, or a guess, rather than something seen?

    A "why" question keeps its observation ("why does the backlog keep growing?").

    >>> is_request("what service should i restart?"), is_request("any ideas?")
    (True, True)
    >>> is_request("Thought it might be the RDP certificate expiring")
    True
    >>> is_request("My guess was MTU because of the tunnels"), is_request("First thought DFW")
    (True, True)
    >>> is_request("first guess was we hit the postgres connection limit again")
    True
    >>> is_request("I figured the log was full again"), is_request("we figured out the cause")
    (True, False)
    >>> is_request("Smells like duplex mismatch"), is_request("I'm pretty sure it's DFW")
    (True, True)
    >>> is_request("Looks like storage disappearing for a moment?")
    True
    >>> is_request("I'm worried we're heading for tombstone territory")
    True
    >>> is_request("we're worried about the 1062 errors on the replica")
    False
    >>> is_request("looks like the paths came back on their own")
    False
    >>> is_request("ops say it's the OOM killer"), is_request("the app team insists esxi is broken")
    (True, True)
    >>> is_request('devs say "database is full"'), is_request("users say they can't save")
    (True, False)
    >>> is_request("Someone suggested turning on beacon probing")
    True
    >>> is_request("Half the team thinks it's phones with old passwords")
    True
    >>> is_request("Someone told me Avi doesn't mirror connections by default")
    True
    >>> is_request("Someone on our team says ESXi ramdisks fill up")
    True
    >>> is_request("a guy from the network team said the trunk is fine")
    True
    >>> is_request("someone on reddit said beacon probing causes phantom uplink failures")
    True
    >>> is_request("the host on the other rack says nothing")
    False
    >>> is_request("so I was going to enable connection mirroring"), is_request("I was paged")
    (True, False)
    >>> is_request("some of our admins say the DC is fine"), is_request("half the VMs say hello")
    (True, False)
    >>> is_request("Not keen to reboot the host with 30 prod VMs on it")
    True
    >>> is_request("I read that mirroring is off by default"), is_request("I read the log")
    (True, False)
    >>> is_request("we want to move the vms off tonight"), is_request("we need to reboot it daily")
    (True, False)
    >>> is_request("vCenter says the host is not responding")
    False
    >>> is_request("OOM killer I assume?"), is_request("the firewall again, I guess")
    (True, True)
    >>> is_request("It has to be the connection limit, right?")
    True
    >>> is_request("I know the usual suspect is someone writing to the replica")
    True
    >>> is_request("I'm thinking someone has static IPs inside the DHCP range?")
    True
    >>> is_request("I'm guessing the CA cert expired"), is_request("On-call assumed hostd was hung")
    (True, True)
    >>> is_request("I guessed DNS"), is_request("the DBA assumed the log was full")
    (True, True)
    >>> is_request("pretty sure hostd died again"), is_request("Sure, the datastore is full")
    (True, False)
    >>> is_request('The usual answer is "someone wrote to the replica"')
    True
    >>> is_request("I found an old thread about DFSR getting stuck restaging one file")
    True
    >>> is_request("found a thread dump in the log"), is_request("I saw the post office logs")
    (False, False)
    >>> is_request("I guess I'll reboot it"), is_request("the error we guess at is gone")
    (True, False)
    >>> is_request("ip conflict??"), is_request("crash loop?")
    (True, True)
    >>> is_request("disk full or inodes??"), is_request("the host is down or hung?")
    (True, False)
    >>> is_request("why does vMotion fail at 21%?"), is_request("the host is down?")
    (False, False)
    """
    return bool(_REQUEST.match(text.strip()))


# A line that runs a command: "$ df -h", "# df -i" (a root shell; a Markdown heading
# starts with a capital), "[root@db01 ~]# df", "user@host:~$ arping", "C:\> arp -a",
# "PS C:\> Get-Disk", "core01#show ip arp".
_PROMPT = re.compile(
    r"^\s*(?:\$\s*\S|#\s*[a-z./]|\[[^\]\n]*\]\s*[$#]\s*\S|[\w.-]+@[\w.-]+:\S*\s*[$#]\s*\S"
    r"|\[[\w.-]+@[\w.-]+:[^\]\n]*\]\s*\S"  # ESXi's shell: "[root@esx01:~] esxcli ..."
    r"|(?:PS\s+)?[A-Za-z]:\\[^>\n]*>\s*\S|[\w.-]+#\s*(?:show|sh|display|ping|traceroute)\b)"
)
_FENCE = re.compile(r"^\s*(?:```|~~~)")


def pasted_output(message: str) -> list[tuple[int, int, int]]:
    r"""Lines of ``message`` that are a pasted command and its output, as (1-based line,
    start, end) spans: a fenced block, or a prompt line and the lines after it up to a
    blank line. Their words are the tool's, not the user's: "Filesystem Inodes IUsed
    IFree IUse%" is a table header, not a report of used-up inodes, and a command line
    says what was run, not what was seen; the KB's patterns read them instead.

    >>> text = "disk is fine?\n$ df -i /\nFilesystem Inodes IUsed IFree IUse% Mounted on\n\nhelp"
    >>> pasted_output(text)
    [(2, 0, 9), (3, 0, 46)]
    >>> pasted_output("# Problem\nour backups fail\n```\nerror 28\n```")
    [(3, 0, 3), (4, 0, 8), (5, 0, 3)]
    >>> pasted_output("[root@esx02:~] esxcli network nic stats get -n vmnic4\n   Packets: 9")
    [(1, 0, 53), (2, 0, 13)]
    """
    spans: list[tuple[int, int, int]] = []
    fenced = in_output = False
    for number, line in enumerate(message.split("\n"), 1):
        if _FENCE.match(line):
            spans.append((number, 0, len(line)))
            fenced = not fenced
            continue
        if fenced:
            spans.append((number, 0, len(line)))
            continue
        if not line.strip():
            in_output = False
            continue
        in_output = in_output or bool(_PROMPT.match(line))
        if in_output:
            spans.append((number, 0, len(line)))
    return spans


def _mask(message: str, spans: Sequence[tuple[int, int, int]]) -> str:
    r"""Blank out character spans of given lines, keeping every other offset in place.

    >>> _mask("keep\nSQL2570N here", [(2, 0, 8)])
    'keep\n         here'
    """
    lines = message.split("\n")
    for number, start, end in spans:
        line = lines[number - 1]
        lines[number - 1] = line[:start] + " " * (end - start) + line[end:]
    return "\n".join(lines)


_WORD = re.compile(r"[A-Za-z][\w.'/-]*")
_BESIDE = re.compile(r"[\s\"'`:;,.()\[\]<>-]*")


def _keeps_words(clause: Clause, masked: str, spans: Sequence[tuple[int, int]]) -> bool:
    """Whether a clause in or beside a masked span (a line a log pattern read) still says
    something of its own: what a mask leaves of ``vmkernel.log has "No space left on
    device"`` is a lead-in of two words, and resembles every phrasing that names the log.
    ``spans`` are the masked (start, end) offsets in ``masked``, the masked message.

    >>> text = _mask('vmkernel.log has "No space left on device"', [(1, 17, 43)])
    >>> [_keeps_words(c, text, [(17, 43)]) for c in clauses(text)]
    [False]
    >>> text = _mask('the vmkernel.log of esx12 has "No space left"', [(1, 30, 45)])
    >>> [_keeps_words(c, text, [(30, 45)]) for c in clauses(text)]
    [True]
    """
    if len(_WORD.findall(clause.text)) >= 3:
        return True
    return not any(
        (start < clause.end and end > clause.start)
        or (start >= clause.end and _BESIDE.fullmatch(masked[clause.end : start]))
        or (end <= clause.start and _BESIDE.fullmatch(masked[end : clause.start]))
        for start, end in spans
    )


def _offsets(message: str, spans: Sequence[tuple[int, int, int]]) -> list[tuple[int, int]]:
    """(1-based line, start, end) spans as (start, end) offsets in ``message``."""
    line_starts = [0, *accumulate(len(line) + 1 for line in message.split("\n"))]
    return [
        (line_starts[line - 1] + start, line_starts[line - 1] + end) for line, start, end in spans
    ]


def _parts(text: str, offset: int) -> list[Clause]:
    """The parts of a clause joined by "and", commas, "after" or "since" (what happened,
    and the event it followed, are two facts); a part under 3 words joins the one before
    it ("the host client just spins and times out" stays whole), or after it when first,
    except a short denial ("no error"), which is left out: joined, it would deny its
    neighbour. When that leaves one part, the clause stays whole, unless a denial was
    left out of an affirmation ("it just sits there, no error, no progress" is read as
    "it just sits there").

    >>> [p.text for p in _parts("it went down, and the host client spins and times out", 0)]
    ['it went down', 'the host client spins and times out']
    >>> [p.text for p in _parts("the VIP went dark right after we pulled one uplink", 0)]
    ['the VIP went dark', 'we pulled one uplink']
    >>> _parts("ssh freezes after the reboot", 0), _parts("it broke since monday", 0)
    ([], [])
    >>> _parts("ping, ssh and https", 0)
    []
    >>> _parts("checked on the hosts: vpxa and hostd are both up", 0)
    []
    >>> [p.text for p in _parts("host client reachable, vpxa and hostd both running", 0)]
    ['host client reachable', 'vpxa and hostd both running']
    >>> [p.text for p in _parts("ssh to the host works, hostd and vpxa are running", 0)]
    ['ssh to the host works', 'hostd and vpxa are running']
    >>> _parts("vmotion between esx03 and esx04 times out since the move", 0)
    []
    >>> [p.text for p in _parts("the restore job just hangs, no error, sitting there for hours", 0)]
    ['the restore job just hangs', 'sitting there for hours']
    >>> [p.text for p in _parts("the restore just sits there forever, no error, no progress", 0)]
    ['the restore just sits there forever']
    >>> _parts("we bumped max_connections 200 -> 400 and restarted, no change", 0)
    []
    >>> _parts("nothing changed on our side, no deploy", 0)
    []
    >>> _parts("I ran Traceflow app01 -> sql01 and it shows the packet dropped at the edge", 0)
    []
    >>> [p.text for p in _parts("no logon: 'the trust between this host and the domain "
    ...     "failed', other floors are fine", 0)]
    ["no logon: 'the trust between this host and the domain failed'", 'other floors are fine']
    """
    pieces, pos = [], 0
    quoted = [m.span() for m in _QUOTED.finditer(text)]
    for sep in [*_AND.finditer(text), None]:
        if sep and _PAIRED.search(text, 0, sep.start()):
            continue  # "between esx03 and esx04" names two things, it is not two clauses
        if sep and any(start < sep.start() < end for start, end in quoted):
            continue
        if sep and _SHARED.search(text, pos, sep.start()) and _SHARED_TAIL.match(text, sep.end()):
            continue  # "checked: vpxa and hostd both running" is one fact about both
        if sep and _RESULT_OF.match(text, sep.end()):
            continue  # "ran Traceflow and it shows the packet dropped": the result of the step
        if (
            sep
            and "and" in sep.group().lower()
            and _LISTED.search(text, 0, sep.start())
            and _LISTED_TAIL.match(text, sep.end())
        ):
            continue  # "..., hostd and vpxa are running" too
        end = sep.start() if sep else len(text)
        if text[pos:end].strip():
            pieces.append([pos, end])
        if sep:
            pos = sep.end()
    merged: list[list[int]] = []
    dropped = False
    for piece in pieces:
        words = text[piece[0] : piece[1]]
        short = len(words.split()) < 3
        # "it just hangs, no error": the denial is about the error, not the hang; too short
        # to match on its own, it is left out rather than merged. But "we raised
        # max_connections and restarted, no change" denies what the step did: it stays.
        if short and merged and is_negated(words) and not _NO_EFFECT.match(words):
            dropped = True
            continue
        if merged and (short or len(text[merged[-1][0] : merged[-1][1]].split()) < 3):
            merged[-1][1] = piece[1]
        else:
            merged.append(piece)
    parts = []
    for start, end in merged:
        piece = text[start:end].strip()
        if len(piece.split()) < 3:
            return []
        begin = offset + text.index(piece, start)
        parts.append(Clause(piece, begin, begin + len(piece)))
    # one part left after its short denials: read alone only when the whole would deny
    # what that part affirms ("nothing changed on our side, no deploy" stays whole)
    alone = len(parts) == 1 and dropped and not is_negated(parts[0].text)
    return parts if len(parts) >= 2 or alone else []


class PhrasingSearch(Protocol):
    """What matching needs from the index; :class:`kb.index.SherlogIndex` provides it."""

    def search_phrasings(
        self, vectors: Sequence[Sequence[float]], k: int = 40
    ) -> list[list[PhrasingHit]]: ...


def _strength(similarity: float) -> float:
    span = (similarity - MATCH_THRESHOLD) / (FULL_MATCH - MATCH_THRESHOLD)
    return MIN_STRENGTH + (MAX_TEXT_STRENGTH - MIN_STRENGTH) * min(1.0, max(0.0, span))


def match_symptoms(
    message: str,
    embedder: Embedder,
    index: PhrasingSearch,
    source: str = "message",
    masked: Sequence[tuple[int, int, int]] = (),
    revisiting: Mapping[str, bool] | None = None,
) -> list[Evidence]:
    """Evidence for and against symptoms from the words of ``message``.

    For each clause and symptom the best phrasing *of the same polarity* as the clause
    is used ("vCenter shows no alarms" for "no alarms anywhere"). A denial matching only
    affirmative phrasings is evidence against the symptom. An affirmative clause that
    only resembles denials is left out: its negation is as likely to be incidental
    ("...so it should not matter") as to be the point.

    ``revisiting`` maps the symptoms the conversation already holds evidence on to
    whether that evidence says present, for a message that says it corrects what was
    said ("actually, other VMs were affected too"): a clause's match that says the
    opposite about one of them counts even when another symptom resembles the clause a
    little more, since a correction is about something said before.

    ``masked`` spans, as (1-based line, start, end), were already read by a log
    pattern: the pattern is the better witness (an embedding cannot tell
    ``connection_mirror True`` from ``False``), so those characters are blanked out.
    """
    if masked:
        blanked = _mask(message, masked)
        spans = _offsets(message, masked)
        pieces = [c for c in clauses(blanked) if _keeps_words(c, blanked, spans)]
    else:
        pieces = clauses(message)
    pieces = [
        c
        for c in pieces
        if not is_request(c.text)
        and not _only_checked(c.text)
        and not _inventory(c.text)
        and not _only_addresses(c.text)
        and not _setting_number(c.text)
        and not _capacity(c.text)
        and not _history_elsewhere(c.text)
        and not _belief(c.text)
    ]
    if not pieces:
        return []
    vectors = embedder.embed_documents([_for_embedding(c.text) for c in pieces])
    hits = index.search_phrasings(vectors)
    best: dict[str, tuple[float, bool, Clause, PhrasingHit]] = {}
    for clause, clause_hits in zip(pieces, hits, strict=True):
        for hit, present in _clause_matches(clause, clause_hits, revisiting or {}):
            if hit.symptom not in best or hit.score > best[hit.symptom][0]:
                best[hit.symptom] = (hit.score, present, clause, hit)
    evidence = []
    for symptom, (score, present, clause, hit) in best.items():
        origin = Origin(
            OriginKind.MESSAGE,
            source,
            # what the user wrote: a span a pattern read was blanked for the embedding only
            message[clause.start : clause.end] if masked else clause.text,
            span=(clause.start, clause.end),
            matched=hit.phrasing,
            similarity=round(score, 3),
        )
        evidence.append(Evidence(symptom, present, round(_strength(score), 3), origin))
    return sorted(evidence, key=lambda e: -e.strength)


# A phrasing whose state holds under a condition, an intervention or a moment: "pings have
# been stable since the other machine went off", "after pulling the cable the drops stopped".
# A clause that reports the opposite state without any condition ("ping drops now and then")
# does not deny it: it says nothing of what happens once that condition holds.
_CONDITION = re.compile(r"\b(?:since|once|after|when|whenever|until|unless|if)\b", re.IGNORECASE)


def _conditioned(text: str) -> bool:
    """Whether ``text`` states something under a condition or after an event.

    >>> _conditioned("pings have been stable since the other machine went off")
    True
    >>> _conditioned("ping drops now and then too."), _conditioned("the host client works")
    (False, False)
    """
    return _CONDITION.search(text) is not None


# What a remedy achieved: "bounced hostd and the host reconnected", "a reboot fixed it".
_RESTORED = re.compile(
    r"\b(?:fix(?:ed|es)?|sort(?:ed|s)|solv\w*|resolv\w*|restor\w*|did\s+the\s+trick"
    r"|(?:brought|bring|brings|got|get|gets)\s+(?:it|them|the\s+\w+|\w+)\s+(?:back|out\s+of)"
    r"|back\s+in"
    r"|(?:came|comes|come|is|are|was|were)\s+back|reconnect\w*|(?:picked|picks)\s+\S+\s+up"
    r"|(?:green|connected|fine|ok|normal|managa?ble|managed|respond\w*|works?|working)\s+again"
    r"|(?:see|saw)\s+the\s+host\s+again|went\s+from|enough|helped"
    r"|(?:is|are|was|were|shows?|showed)\s+(?:now\s+)?(?:connected|responding)|connected\s+now)\b",
    re.IGNORECASE,
)


def _step_without_outcome(clause: str, phrasing: str) -> bool:
    """The phrasing reports what a step achieved and the clause only that it was taken:
    "I restarted hostd" does not say that "restarting hostd brought the host back".

    >>> _step_without_outcome("I restarted hostd", "bounced hostd and the host reconnected")
    True
    >>> _step_without_outcome("restarted hostd, host came back", "hostd restart fixed it")
    False
    >>> _step_without_outcome("restarted hostd, it hangs", "hostd restart fixed it")
    False
    >>> _step_without_outcome("vpxa is stopped", "the vpxa service is not running")
    False
    >>> _step_without_outcome("I restarted vpxa", "vpxa restart got the host out of not responding")
    True
    """
    if not _outcome_only_in(phrasing, clause):
        return False
    reading = read(clause)
    return reading.state is State.NEUTRAL and not reading.denied


def _outcome_only_in(phrasing: str, clause: str) -> bool:
    """The phrasing says what a remedy achieved and the clause does not.

    >>> _outcome_only_in("hostd restart fixed it", "I restarted hostd")
    True
    >>> _outcome_only_in("hostd restart fixed it", "restarted hostd, host came back")
    False
    """
    return bool(_RESTORED.search(phrasing)) and not _RESTORED.search(clause)


# "Only a reboot brought it back", "had to reboot to get it back" or "services.sh restart was
# useless, a reboot fixed it" is consistent with a step that failed before: the phrasing
# names the one remedy that worked, after others that did not.
_OTHER_REMEDY = re.compile(
    r"\b(?:only|had\s+to|ended\s+up|until|useless|no\s+use|nothing|didn'?t|did\s+not)\b",
    re.IGNORECASE,
)
# A step taken to set things right, as against a state that comes and goes ("pings drop for
# a bit then come back").
_REMEDY = re.compile(
    r"\b(?:restart\w*|reboot\w*|bounc\w*|kick\w*|power[\s-]*cycl\w*|reset\w*|reinstall\w*"
    r"|replac\w*|reseat\w*|remov\w*|disabl\w*|enabl\w*|chang\w*|mov(?:ed|ing)|migrat\w*"
    r"|vmotion\w*|updat\w*|upgrad\w*|patch\w*|roll\w*\s+back|flush\w*|clear\w*|restor\w*"
    r"|rejoin\w*|re-?sync\w*|rescan\w*|services\.sh|init\.d)",
    re.IGNORECASE,
)
_STEP_WORD = re.compile(r"[a-z][a-z0-9]{3,}")
_NOT_A_STEP = frozenset(
    {"after", "again", "also", "back", "before", "from", "have", "into", "just", "over"}
    | {"still", "that", "then", "this", "when", "with", "everything", "never", "returns"}
    | {"host", "hosts", "server", "servers", "machine", "system", "whole", "esxi", "cycled"}
)


def _step_words(text: str) -> set[str]:
    """The words that can name what a step acted on, cut to a common stem: "restarting
    hostd" gives {"hostd"}. The remedy verbs and the machine itself are left out, or "vpxa
    restart, no change" would be the same step as "restarting hostd fixed it".

    >>> sorted(_step_words("ran /etc/init.d/hostd restart, it never returns"))
    ['hostd']
    >>> _step_words("restarted vpxa") & _step_words("restarting hostd fixed it")
    set()
    """
    words = _STEP_WORD.findall(_REMEDY.sub(" ", _RESTORED.sub(" ", text.lower())))
    return {w[:6] for w in words if w not in _NOT_A_STEP}


def _step_failed(clause: str, phrasing: str) -> bool:
    """The phrasing reports that a step restored things and the clause that the same step
    was taken and things still fail: "ran hostd restart, it never returns" is evidence
    against "restarting hostd fixed it", not for it.

    >>> _step_failed("ran /etc/init.d/hostd restart, it never returns", "hostd restart fixed it")
    True
    >>> _step_failed("restarted hostd, host came back", "hostd restart fixed it")
    False
    >>> _step_failed("services.sh restart also hangs", "a reboot fixed it, agents were no use")
    False
    >>> _step_failed("services.sh restart also hangs", "power cycled the host and it reconnected")
    False
    >>> _step_failed("vim-cmd hangs", "restarting the agents didn't help")
    False
    >>> _step_failed("VMs drop pings", "pings to the vm drop for a bit then come back")
    False
    """
    same_step = (
        _outcome_only_in(phrasing, clause)
        and _REMEDY.search(clause)
        and _REMEDY.search(phrasing)
        and not _OTHER_REMEDY.search(phrasing)
        and _step_words(clause) & _step_words(phrasing)
    )
    if not same_step:  # most hits: no need to read the clause
        return False
    seen = read(clause)
    return seen.state is State.FAILING and not (seen.denied or read(phrasing).denied)


def _clause_matches(
    clause: Clause, hits: Sequence[PhrasingHit], revisiting: Mapping[str, bool]
) -> Iterator[tuple[PhrasingHit, bool]]:
    """The symptoms one clause speaks for: its best match and near-ties, with polarity.

    A clause and a phrasing agree when both deny or both affirm, and neither reports as
    working what the other reports as failing ("the host client works" against "the
    host client does not load"). A clause that disagrees is evidence against the
    symptom when its own words carry the disagreement: a denial, or a report that
    something works or fails where the phrasing says the opposite.
    """
    clause_reading = read(clause.text)
    per_symptom: dict[str, tuple[PhrasingHit, bool, bool]] = {}  # hit, agrees, firmly
    for hit in sorted(hits, key=lambda h: -h.score):
        if hit.score < MATCH_THRESHOLD:
            break
        phrasing = read(hit.phrasing)
        if clause_reading.denies_other_thing(phrasing):
            continue  # two denials of different things say nothing of each other
        if clause_reading.names_other_setting(phrasing):
            continue  # nor a value of one setting and a value of another
        if clause_reading.names_other_action(phrasing):
            continue  # nor do two different actions (power on, power off)
        if clause_reading.names_other_code(phrasing):
            continue  # nor two different product codes (KRB_AP_ERR_MODIFIED, ..._SKEW)
        # "never changed it" does not deny "still at the default": it affirms it
        denied = clause_reading.denied and (
            phrasing.denied or not keeps_default(clause.text, hit.phrasing)
        )
        if denied and clause_reading.denies_part_of(phrasing):
            continue  # "no snapshots listed" is half of "no snapshots, yet delta files"
        failed_step = not denied and _step_failed(clause.text, hit.phrasing)
        opposed = clause_reading.opposes(phrasing) or failed_step
        if (
            opposed
            and not denied
            and not failed_step
            and _conditioned(hit.phrasing)
            and not _conditioned(clause.text)
        ):
            continue  # "ping drops now and then" says nothing of "stable since X went off"
        agrees = phrasing.denied == denied and not opposed
        if agrees and clause_reading.lacks_value_of(phrasing):
            continue  # "an NLB cluster" does not confirm "an NLB cluster in multicast mode"
        if agrees and not phrasing.denied and _step_without_outcome(clause.text, hit.phrasing):
            continue  # "I restarted hostd" does not confirm "restarting hostd fixed it"
        against = (denied and not phrasing.denied) or (opposed and phrasing.denied == denied)
        # A less similar phrasing that agrees replaces a disagreeing one when it carries
        # the clause's own polarity ("no alarms anywhere" ~ "vCenter shows no alarms"),
        # or when it is nearly as similar and the disagreement was only one of working
        # against failing words, which ops talk is full of. A phrasing that says nothing
        # either way ("the datastore's usage alarm") does not turn "plenty of free space"
        # back into "the datastore is full" when that is clearly the closer phrasing, nor
        # "the other VMs were hit too" into "only some VMs are affected".
        if hit.symptom in per_symptom:
            first, agreed, firmly = per_symptom[hit.symptom]
            if agreed or not agrees:
                continue
            close = first.score - hit.score <= AGREEMENT_MARGIN and not firmly
            if not (close or clause_reading.shares(phrasing, denied)):
                continue
        if agrees:
            per_symptom[hit.symptom] = (hit, True, False)
        elif against and hit.symptom not in per_symptom:
            firmly = denied or clause_reading.opposes(phrasing, states=False)
            per_symptom[hit.symptom] = (hit, False, firmly)
    if not per_symptom:
        return
    top = max(h.score for h, _, _ in per_symptom.values())
    for hit, agrees, _ in per_symptom.values():
        reverses = revisiting.get(hit.symptom, agrees) != agrees
        # "teaming is route based on originating port ID" names the value of a setting,
        # so it counts against "the teaming policy is IP hash" however much closer the
        # clause is to another symptom: the words, not the embedding, say so
        other_value = not agrees and clause_reading.names_other_value(read(hit.phrasing))
        if hit.score >= top - CLAUSE_MARGIN or reverses or other_value:
            yield hit, agrees
