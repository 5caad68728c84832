"""Does a clause deny something? A small NegEx-style cue list, tuned for ops talk.

Engineers state failures with negative words ("vCenter can't reach the host", "the VM
is not responding"); those are *failure states*, not denials, and are removed before
looking for denial cues ("no errors in vCenter", "other VMs were not affected").
Statements of normality ("SSH to the host still works") are not denials either: they
are observations in their own right, and KB symptoms are written for them.
Matching compares the clause with the symptom phrasing it resembles: a denial on only
one side turns the match into evidence against the symptom, and so do opposite states
(works / fails, 58% used / 100% used, rw / read-only) and opposite settings (enabled /
disabled, on / off, true / false), which a sentence embedding barely tells apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

__all__ = [
    "Owner",
    "Reading",
    "Scope",
    "State",
    "Switch",
    "absent_things",
    "denies_mention",
    "expects_mention",
    "is_negated",
    "keeps_default",
    "negated_words",
    "owner",
    "read",
    "recalls_mention",
    "scope",
    "settings",
    "state",
    "switch",
]

_CONTRACTED = r"(?:do|does|did|is|are|was|were|has|have|had|should|could|would|ca|wo)n'?t"
_FAILURE_STATES = re.compile(
    r"\b(?:not\s+(?:be\s+)?(?:responding|reachable|working|connected|starting|running|coming\s+up"
    r"|loading|replicating|syncing|booting|mounting|resolving|listening|accepting|showing\s+up)"
    r"|never\s+(?:come|came|comes|coming)\s+(?:up|back)"
    r"|never\s+(?:work|connect|load|respond|answer|finish|complete|return|drain|clear|shrink"
    r"|decrease|reach|arrive|ack|sync|replicat|show\w*\s+up|goe?s?\s+down|went\s+down"
    r"|converg|goe?s?\s+away|went\s+away|disappear|recover|catch\w*\s+up|caught\s+up|empt)\w*"
    r"|not\s+(?:yet\s+)?valid|not\s+within|no\s+such"
    r"|(?:has|have|had|did)(?:n'?t|\s+not)\s+(?:changed|moved|budged|decreased|dropped|shrunk"
    r"|gone\s+down)\s+(?:in|for)\s+(?:\d+|an?|several|many|days|hours|weeks)"
    r"|(?:does|do)\s+not\s+exist|(?:doesn|don)'?t\s+exist"
    r"|no\s+(?:\w+\s+){0,2}(?:is\s+|are\s+)?available"
    r"|no\s+(?:longer|response|repl(?:y|ies)|answer|connectivity|network|access|route|space)"
    r"|not\s+only"
    r"|(?:not|\w+n'?t)\s+(?:compatible|supported)"
    # "can't find anything APD-ish in the log" denies the APD, it reports no failure
    r"|(?:can(?:'|no)?t|cannot|can\s+not|couldn'?t|could\s+not)"
    r"(?!\s+(?:find|see|spot)\s+(?:any|anything|a\s+(?:trace|sign)|evidence)\b)"
    r"|unable\s+to|won'?t"
    # "nobody can open the VIP" reports a failure for everyone, not a denial
    r"|(?:nobody|no\s*one|none\s+of\s+(?:the|our)\s+\w+)\s+(?:can|could|(?:is|are|was|were)\s+able)\b"
    r"|(?:(?:doesn'?t|don'?t|didn'?t|isn'?t|aren'?t|wasn'?t|weren'?t)"
    r"|(?:does|do|did|is|are|was|were)\s+not)\s+"
    r"(?:work|respond|load|start|come|connect|replicate|sync|reply|answer|ping|resolve"
    r"|boot|mount|register|authenticat|log\s*(?:in|on)|let|show\s+up|appear|arrive|reach"
    r"|run\b|exist)\w*"
    r"|no\s+more\s+(?:space|inodes|memory|connections|slots))",
    re.IGNORECASE,
)
_DENIALS = re.compile(
    rf"\b(?:no|not|never|none|nothing|nobody|nowhere|neither|nor|unaffected|ruled\s+out"
    rf"|unchanged|untouched|unmodified|cannot"
    rf"|{_CONTRACTED})\b|^\W*without\b"
    # an empty query result denies what was queried: "pg_replication_slots returns 0 rows"
    # ("returns nothing" stays unread: "ps | grep vpxa returns nothing" confirms a failure)
    rf"|\b(?:0|zero)\s+rows\b|\bempty\s+result(?:\s+set)?\b"
    # ... and so does a view or table (a name with an underscore) that "is empty"
    rf"|\b[a-z]\w*_\w+\s+(?:is|was|came\s+back|comes\s+back)\s+empty\b"
    # a log or an output that "is clean" shows none of what was looked for in it
    rf"|\b(?:is|are|was|were|looks?|looked|came\s+back|comes\s+back)\s+(?:completely\s+"
    rf"|totally\s+|all\s+|perfectly\s+|pretty\s+)?clean\b",
    re.IGNORECASE,
)


# "no problems", "without any issue": says that something works
_NO_PROBLEM = (
    r"(?:(?:no|without(?:\s+any)?)\s+(?:problems?|issues?|trouble|hiccups?)"
    r"|without(?:\s+any)?\s+(?:(?:packet\s+)?loss|errors?|drops?))"
)

# a broken state, negated, reports that something works: "it's not full", "never hung"
_NOT_BROKEN = (
    r"\b(?:not|never|no\s+longer|(?:is|are|was|were)n'?t|nowhere\s+near|far\s+from"
    r"|not\s+(?:even\s+)?(?:close\s+to|anywhere\s+near))\s+"
    r"(?:(?:really|actually|completely|fully|totally|even|yet|that|so|too)\s+)?"
    r"(?:full|broken|down|slow|dead|stuck|hung|hanging|corrupt(?:ed)?|frozen)\b"
)


_NOT_BROKEN_RE = re.compile(_NOT_BROKEN, re.IGNORECASE)
_NO_PROBLEM_RE = re.compile(rf"\b{_NO_PROBLEM}\b", re.IGNORECASE)


# the user does not know a reason ("not sure what it's complaining about", "no idea why"),
# or a relative clause says whom the user does not know ("from IPs I don't recognise"):
# neither denies what the clause reports
_UNSURE = (
    r"\b(?:not\s+(?:sure|certain|clear)|no\s+idea|(?:do|does|did)(?:n'?t|\s+not)\s+"
    r"(?:know|understand|get|see))\s+(?:what|why|how|where|who|which|whether)\b"
    r"|\b(?:\w+s|that|which)\s+(?:I|we)\s+(?:don'?t|do\s+not)\s+(?:recogni[sz]e|know)\b"
    # a relative clause that describes a noun: "drops of TCP packets that aren't SYNs"
    # (one set off by a comma asserts: "the MAC starts with 00-0d, which isn't the VM")
    r"|(?<=\w\s)(?:that|which|who)\s+(?:(?:are|is|were|was|do|does|did|have|has)(?:n'?t|\s+not)"
    r"|never)\b"
    # indifference: "it doesn't matter which edge", "no matter where the VM runs"
    r"|\b(?:no|(?:do|does|did)(?:n'?t|\s+not))\s+matter\s+(?:which|what|where|who|how|whether"
    r"|if|when)\b"
)

# not denials: a quoted product message ("Ghosting is not enabled") is what the user saw,
# "don't fragment" is the name of the DF bit, "yes/no" (or "y/n") the answers a prompt
# takes, "without any problem" says it works, and a bracketed "(not IGMP multicast)" after
# a value only tells it from a neighbouring one
_NOT_DENIALS = re.compile(
    r'"[^"\n]{3,}"|\u201c[^\u201d\n]{3,}\u201d|`[^`\n]{3,}`|\bdon\'?t[- ]fragment\b'
    r"|(?<=\w\s)\(\s*(?:but\s+|and\s+)?not\s+[^()\n]{1,40}(?:\)|$)"
    r"|\by(?:es)?\s*/\s*no?\b"
    rf"|\b{_NO_PROBLEM}\b|{_NOT_BROKEN}|{_UNSURE}",
    re.IGNORECASE,
)


_DENIED_MENTION = re.compile(
    r"\b(?:no|not|never|without|nor|zero)\s+(?:(?:any|an?|the|single|more|sign\s+of)\s+)*"
    r"[\W_]*$",
    re.IGNORECASE,
)


def denies_mention(before: str) -> bool:
    """Whether the words just before a product message deny it: "no ORA-00257", "not a
    single DUPADDR", "without any (28)No space left". ``before`` is the text of the line
    up to the message; only its last clause counts.

    >>> [denies_mention(t) for t in ("redo - no ", "alert log: ", "not a single `")]
    [True, False, True]
    >>> denies_mention("no errors at first, then "), denies_mention("there is no more space for ")
    (False, False)
    """
    clause = re.split(r"[,;.:!?()]\s", before)[-1]
    return bool(_DENIED_MENTION.search(clause))


_MACHINE = r"(?:server|vm|guest|machine|box|host|node|computer|device|appliance|printer|laptop)"


# An event placed weeks or more in the past, or on a machine that has been replaced.
_PAST = re.compile(
    r"\b(?:\d+|a|an|a\s+few|few|several|a\s+couple\s+of|couple\s+of|some)\s+"
    r"(?:weeks?|months?|years?)\s+ago\b"
    r"|\blast\s+(?:month|year|quarter|spring|summer|autumn|fall|winter)\b"
    r"|\b(?:back\s+in|in\s+the\s+past|years\s+back|used\s+to)\b"
    rf"|\b(?:on|in|with|from)\s+the\s+(?:old|previous|former|decommissioned)\s+(?:\w+\s+)?"
    rf"(?:{_MACHINE}|cluster|system|array|site|setup|version)s?\b",
    re.IGNORECASE,
)
# ... unless the sentence says it is back or never went: "we had it last year and again
# today", "it started two weeks ago"
_BACK_NOW = re.compile(
    r"\b(?:again|still|now|today|tonight|this\s+(?:morning|afternoon|evening|week)"
    r"|currently|right\s+now|since|ever|start(?:s|ed|ing)?|began|begun|keeps?|every|ongoing)\b",
    re.IGNORECASE,
)


def recalls_mention(before: str, after: str) -> bool:
    """Whether the sentence around a product message the user typed tells of the past
    or of another, older machine: "we had "sorry, too many clients already" on the old
    server a few weeks ago, could this be the same?" asks about history; it does not
    report the message now. ``before`` and ``after`` are the line's text on either side
    of the message; only the sentence holding it counts.

    >>> recalls_mention('we had "', '" on the old server a few weeks ago, could it be that?')
    True
    >>> recalls_mention("last year we saw ", " on the array and again this morning")
    False
    >>> recalls_mention("the alert log says ", " since 02:00. It happened 3 years ago too")
    False
    >>> recalls_mention("pods log ", " after we scaled out 2 days ago")
    False
    >>> recalls_mention("", " started showing up a few weeks ago")
    False
    """
    head = re.split(r"[.!?;]\s", before)[-1]
    tail = re.split(r"[.!?;](?:\s|$)", after)[0]
    sentence = f"{head} {tail}"
    return bool(_PAST.search(sentence)) and not _BACK_NOW.search(sentence)


# A product message the user reports as what should happen: `-l 1473` says "Packet needs to
# be fragmented but DF set." as expected, on a path whose MTU is 1500
_AS_EXPECTED = re.compile(
    r"^[\W_]*(?:as\s+(?:expected|it\s+should|designed|intended)|like\s+it\s+should"
    r"|(?:which|that|this)\s+is\s+(?:expected|normal|correct|by\s+design))\b",
    re.IGNORECASE,
)


def expects_mention(after: str) -> bool:
    """Whether the words right after a product message the user typed say it is what
    should happen.

    >>> expects_mention('." as expected. No jumbo anywhere.')
    True
    >>> expects_mention(", which is expected for a 1473-byte payload")
    True
    >>> expects_mention(" on every host since 02:00"), expects_mention(". I expected worse")
    (False, False)
    """
    return bool(_AS_EXPECTED.search(after))


def is_negated(text: str) -> bool:
    """True when ``text`` denies or rules out what it talks about.

    >>> is_negated("other VMs on the host were not affected")
    True
    >>> is_negated("the guest bonds its NICs without a port-channel"), is_negated("without LACP")
    (False, True)
    >>> is_negated("there are no errors in vCenter")
    True
    >>> is_negated("restarting hostd didn't help")
    True
    >>> is_negated("the host is not responding in vCenter")
    False
    >>> is_negated("vCenter can't connect to the host")
    False
    >>> is_negated("can't find anything APD-ish in the log"), is_negated("I cannot find any")
    (True, True)
    >>> is_negated("The system cannot find the file specified")
    False
    >>> is_negated("SSH to the host still works")
    False
    >>> is_negated("the backlog count keeps climbing on the client")
    False
    >>> is_negated("sessions hang or never come up")
    False
    >>> is_negated("we dont see errors")
    True
    >>> is_negated("dmesg is completely clean"), is_negated("a clean shutdown, then the error")
    (True, False)
    >>> is_negated("the source and target operating systems aren't compatible")
    False
    >>> is_negated("vmk0 doesn't reply to ping"), is_negated("there is no more space on /var")
    (False, False)
    >>> is_negated("vmkping with don't fragment set and 8972 bytes gets no reply")
    False
    >>> is_negated("vmkping with the don't fragment bit fails at 8972 bytes")
    False
    >>> is_negated('the DFSR debug log says "Ghosting is not enabled"')
    False
    >>> is_negated("the restore prompts for yes/no"), is_negated("it waits at a y/n prompt")
    (False, False)
    >>> is_negated("I can log into the host client as root without any problem")
    False
    >>> is_negated("df -h shows 41% so it's not full"), state("it's not full").value
    (False, 'working')
    >>> is_negated("the disk is nowhere near full"), state("the disk is nowhere near full").value
    (False, 'working')
    >>> is_negated("the management services on this host may not be responding")
    False
    >>> [is_negated(t) for t in ["2003 R2 <-> 2008 R2 DFSR not replicating",
    ...     "files created at HQ don't show up at the branch", "the host client doesnt let me in"]]
    [False, False, False]
    >>> is_negated("the backlog hasn't changed in 5 days"), is_negated("we haven't changed it")
    (False, True)
    >>> backlog = "the dfsr backlog never goes down"
    >>> is_negated(backlog), state(backlog).value
    (False, 'failing')
    >>> [is_negated(t) for t in ["cert is not within its validity period",
    ...     "Resolve-DnsName says DNS name does not exist", "there are no logon servers available",
    ...     "cert is valid till jul 2025 so its not expiry"]]
    [False, False, False, True]
    >>> state("VMs have intermittent connectivity").value, state("pings are stable").value
    ('failing', 'working')
    >>> state("all pass with don't-fragment at full size").value, state("monitors passing").value
    ('working', 'working')
    >>> state("hostd and vpxa are both running").value, state("vpxa both show as running").value
    ('working', 'working')
    >>> state("Replica_IO_Running: Yes").value, state("Slave_SQL_Running: No").value
    ('working', 'failing')
    >>> [is_negated(t) for t in ["df shows 400G free so not sure what its complaining about",
    ...     "tons of failed logins from IPs I don't recognise", "no idea why it fails"]]
    [False, False, False]
    >>> is_negated("we don't use ip hash"), is_negated("I'm not sure it is the switch")
    (True, True)
    >>> is_negated("Things we ruled out: DFW"), is_negated("the switch is ruled out")
    (True, True)
    >>> is_negated("DFW rules unchanged"), is_negated("firewall drops packets that aren't SYNs")
    (True, False)
    >>> is_negated("which isn't the VM"), is_negated("it starts with 00-0d, which isn't the VM")
    (True, True)
    >>> is_negated("select * from pg_replication_slots; returns 0 rows")
    True
    >>> is_negated("the query on pg_stat_activity gives an empty result"), is_negated("10 rows")
    (True, False)
    >>> is_negated("checked, pg_replication_slots is empty"), is_negated("the queue is empty")
    (True, False)
    >>> is_negated("cluster operation mode is Multicast (not IGMP multicast)")
    False
    >>> is_negated("the mode is not multicast (not even IGMP)")
    True
    >>> is_negated("same rule on both edges, so it doesn't matter which edge a packet takes")
    False
    >>> is_negated("no matter which host the VM is on"), is_negated("it doesn't matter")
    (False, True)
    >>> is_negated("Nobody can open the VIP"), state("Nobody can open the VIP").value
    (False, 'failing')
    >>> is_negated("nobody changed the VIP")
    True
    """
    return bool(_DENIALS.search(_bare(text)))


def _bare(text: str) -> str:
    """``text`` without the negative words that deny nothing (failure states, quoted
    messages, "without any problem")."""
    return _FAILURE_STATES.sub(" ", _NOT_DENIALS.sub(" ", text))


# "no cluster software", "without LACP": a denial of a thing, whose name follows
_ABSENT = re.compile(r"\b(?:no|without|zero)\s+((?:[\w/-]+\s+){0,2}[\w/-]+)", re.IGNORECASE)
# the words around a denial cue: what it denies ("never stopped properly", "changed nothing")
_AROUND_CUE = re.compile(
    rf"((?:[\w/-]+\s+){{0,2}})(?:{_DENIALS.pattern})\s*((?:[\w/-]+\s+){{0,3}}[\w/-]+)?",
    re.IGNORECASE,
)
# words that do not name what is denied
_FILLER = frozenset(
    re.findall(
        r"\w+",
        """a an the any single more other else of on in at to for from with by and or is are
        was were be been being has have had do does did it its this that there here they we
        our i my all can could will would set configured enabled""",
    )
)


def _stems(words: str) -> frozenset[str]:
    return frozenset(
        w[:4] for w in re.findall(r"[a-z0-9]+", words.lower()) if len(w) > 1 and w not in _FILLER
    )


# what a text says is empty or has none listed: "the snapshot manager is empty", "zero
# snapshots listed"
_EMPTIED = re.compile(
    r"((?:[\w/-]+\s+){0,2}[\w/-]+)\s+(?:is|are|was|were|shows?|looks?)\s+"
    r"(?:(?:completely|totally|still)\s+)?empty\b"
    r"|\b(?:no|zero|0)\s+((?:[\w/-]+\s+){0,2}?[\w/-]+)\s+(?:listed|shown|left)\b",
    re.IGNORECASE,
)


def absent_things(text: str) -> frozenset[str]:
    """Stems of what ``text`` says is not there ("no cluster software" -> clus, soft).

    >>> sorted(absent_things("no cluster software, second IP is for an app"))
    ['clus', 'soft']
    >>> absent_things("the host is not responding"), absent_things('log says "no route"')
    (frozenset(), frozenset())
    """
    return _words_at(_ABSENT, _bare(text))


def negated_words(text: str) -> frozenset[str]:
    """Stems of the words around each denial cue of ``text``: what it denies.

    >>> sorted(negated_words("the cluster software died and never stopped properly"))
    ['died', 'prop', 'stop']
    >>> sorted(negated_words("Restart Management Agents in the DCUI changed nothing"))
    ['chan', 'dcui']
    """
    return _words_at(_AROUND_CUE, _bare(text))


def _words_at(pattern: re.Pattern[str], bare: str) -> frozenset[str]:
    """Stems of the words ``pattern``'s groups catch in ``bare`` (see :func:`_bare`)."""
    caught = (" ".join(g for g in m.groups() if g) for m in pattern.finditer(bare))
    return frozenset().union(*map(_stems, caught))


class State(Enum):
    """Whether a clause reports something broken, something working, or neither."""

    FAILING = "failing"
    WORKING = "working"
    NEUTRAL = "neutral"


_FAILING = re.compile(
    # "failed over" and "fails back" are events, not failures; "failure detection" a setting
    r"\b(?:fail(?!(?:s|ed|ing)?[\s-]*(?:over|back)\b|ure[\s-]+detection\b)\w*"
    r"|hang\w*|hung|stuck|stall\w*|broke|broken|dead|dies|died|crash\w*|freez\w*|frozen"
    r"|psod|purple\s+(?:diagnostic\s+)?screen"
    r"|half[\s-]+load\w*|partial(?:ly)?\s+load\w*"
    r"|time[sd]?\s*out|timing\s+out|errors?|down|spins?|spinning|drop\w*|lost|loses|losing|loss"
    r"|refus\w*|resets?|unreachable|unresponsive|disconnect\w*|corrupt\w*|inaccessible|offline"
    r"|red(?![\s-]*hat\b)|slow(?:s|ed|er|ly)?|huge|maxed|pegged"
    r"|(?:is|are|was|were|gets?|got)\s+(?:(?:completely|totally|entirely|fully|really|100%)\s+)?full"
    r"|fill(?:s|ed|ing)\s+up|read[- ]only|ro|intermittent\w*|flaky|flapping|sporadic\w*"
    r"|on\s+and\s+off|comes?\s+and\s+goes?|keeps?\s+restart\w*|grow(?:s|ing)|grew"
    r"|(?:goes|going|went|keeps?\s+going)\s+up|(?:keeps?|is|are)\s+(?:climbing|rising|increasing)"
    r"|wrong|incorrect|inaccurate|out\s+of\s+sync|drift(?:s|ed|ing)?"
    r"|mismatch\w*|skew(?:ed)?|differ(?:s|ed|ing)?|different\s+(?:time|clock)"
    r"|(?:time|clock)\s+difference|(?:min(?:ute)?s?|hours?|sec(?:ond)?s?)\s+(?:ahead|behind|off)\b"
    r"|way\s+off\b|off\s+by\s+(?:about\s+|almost\s+|over\s+|~)?\d"
    r"|used\s+up|exhaust(?:ed|ion)|deplet(?:ed|ion)|(?:ran|runs?|running)\s+out"
    r"|out\s+of\s+(?:space|inodes|memory|disk|room|file\s+handles)"
    r"|(?:zero|0)\s+(?:free|avail\w*|left)|expired|\w*_running\s*[:=]\s*no)\b",
    re.IGNORECASE,
)
_WORKING = re.compile(
    r"\b(?:works?|working|worked|fine|ok|okay|healthy|normal(?:ly)?"
    rf"|{_NO_PROBLEM}|all\s+good"
    r"|responsive|reachable|accessible|online|succeed\w*|successful\w*"
    r"|pass(?:es|ed|ing)?(?!\s+(?:through|to|on|it|the|them|along|over)\b)"
    r"|(?:is|are)\s+up|can\s+(?:still\s+|also\s+|now\s+)?(?:log|get|connect|reach|ssh|ping|see"
    r"|manage|open|browse)"
    r"|(?:able|managed)\s+to|green|(?:is|are|was|were)\s+(?:instant|fast|quick)|tiny"
    # a command or service that answers at once: "vim-cmd vmsvc/getallvms answers instantly"
    r"|(?:answers?|answered|responds?|responded|returns?|returned)\s+(?:(?:right\s+)?away"
    r"|instantly|immediately|at\s+once|quickly|promptly|straight\s+away)(?!\s+with\b)"
    r"|plenty\s+of|rw|read[- ]write|writable|reliabl[ey]|stable|solid|consistently"
    r"|(?:half|mostly|largely|nearly|almost)[\s-]+empty|half[\s-]+full"
    r"|correct(?:ly)?|accurate|in\s+sync|synced|synchroni[sz]ed"
    # what the user expected to happen happened: "1473 gets 'Message too long' as expected"
    r"|as\s+(?:expected|it\s+should|they\s+should|designed|intended)|like\s+it\s+should"
    r"|(?:is|are|was|were|still)\s+valid|valid\s+(?:until|till|through)"
    r"|(?:is|are|was|were|looks?|looked|seems?|seemed)\s+(?:all\s+|totally\s+)?good"
    r"|active\s*(?:/|\()\s*running|\w*_running\s*[:=]\s*yes"  # Replica_IO_Running: Yes
    r"|(?:is|are|was|were|still|stays?|remains?|keeps?|up\s+and|shows?|showing|shown|reports?"
    r"|reported|listed|marked|says?|said|both|all)\s+(?:as\s+)?(?:(?:both|all|also)\s+)?running"
    r"(?!\s+(?:out|low|short|slow|hot|at|into|on\s+fumes)\b))\b",
    re.IGNORECASE,
)


# A count of none reports that the thing works: "0 fails", "zero drops", "0 CRC errors",
# and a counter's zero, "Receive CRC errors: 0", "badPwdCount is 0"
_COUNTED = (
    r"(?:fail\w*|errors?|drop\w*|resets?|crash\w*|timeouts?|discards?|overruns?|collisions?"
    r"|runts?|giants?)"
)
_NONE_SEEN = re.compile(
    rf"\b(?:0|zero)\s+(?:[\w/-]+\s+)?{_COUNTED}\b"
    rf"|\b(?:{_COUNTED}|bad\s*pwd\s*count)\s*(?:[:=]|(?:is|was|are|were)\s)\s*0(?![\d,]|\.\d)",
    re.IGNORECASE,
)


# How full something is: "100% used", "at 20%", "60% free", "3TB free", "0B free", "free 150MB"
_PERCENT = re.compile(
    r"(?:\b(?:at|is|are|was|were|shows?|says|near|nearly|over|above|reached|hits?|under|below"
    r"|less\s+than|max(?:imum)?|peaks?(?:\s+at)?|tops?\s+out\s+at)\s+)"
    r"(?:(?:only|just|about|around|roughly|approx\w*|like|barely|merely|~)\s*)?"
    r"(\d{1,3}(?:\.\d+)?)\s?(?:%|\s+percent\b)(\s*(?:free|avail\w*|left))?"
    r"|(\d{1,3}(?:\.\d+)?)\s?(?:%|\s+percent\b)(?:\s*(?:(free|avail\w*|left)|(?:\w+\s+)?used"
    r"|full|use|usage|utili[sz]\w*|capacity))"
    # a column of a tool's output: "used_percent 100", "pct_used: 97"
    r"|\b(?:used_?pct|used_?percent|pct_?used|percent_?used)\s*[:=]?\s*(\d{1,3}(?:\.\d+)?)\b",
    re.IGNORECASE,
)
_AMOUNT_FREE = re.compile(
    r"\b(?:(\d+(?:\.\d+)?)\s?([KMGTP]i?B?|B|bytes?|gigs?|megs?|(?:kilo|mega|giga|tera)bytes?)"
    r"\s+(?:free|avail\w*|left)"
    r"|free:?\s+(\d+(?:\.\d+)?)\s?([KMGTP]i?B?|B|bytes?|gigs?|megs?))\b",
    re.IGNORECASE,
)
_UNIT = {"b": 0, "k": 1, "m": 2, "g": 3, "t": 4, "p": 5}
# How many of a limited number of slots are taken: "63 connections of max_connections 400",
# "41/500 sessions", "12 out of a max of 100 clients". A bare "2 of 8" counts anything.
_SLOTS = r"(?:connections?|conns|sessions?|clients?|slots?|backends?)"
_LIMIT = r"(?:max(?:imum)?|limit|max_\w+|\w+_limit)"
_IN_USE = re.compile(
    rf"(?<![\d./])(\d+)\s*(?:(?:active|open|current|used)\s+)?({_SLOTS}\s+)?(?:of\b|out\s+of\b|/)\s*"
    rf"(?:an?\s+|the\s+)?({_LIMIT}\s*(?:of\s+|is\s+|=\s*|:\s*)?)?(\d+)\b"
    rf"(\s+(?:{_SLOTS}|max(?:imum)?|allowed))?",
    re.IGNORECASE,
)
_HIGH_SHARE = re.compile(
    r"\b(?:9[5-9]|100)(?:\.\d+)?\s?(?:%|\s+percent\b)"
    r"(?!\s*(?:of\b|free|avail|left|(?:packet\s+)?loss))",
    re.IGNORECASE,
)


def _fill_level(text: str) -> State:
    """Whether the amounts in ``text`` describe something full or something with room.

    >>> [_fill_level(t).value for t in ["df says 100% used", "root is at 20%", "60% free"]]
    ['failing', 'working', 'working']
    >>> [_fill_level(t).value for t in ["0B free", "free 150MB", "has 3TB free", "2 of 8"]]
    ['failing', 'failing', 'working', 'neutral']
    >>> _fill_level("the server has like 30 gigs free").value
    'working'
    >>> _fill_level("df -h shows / at only 41%").value, _fill_level("inode use is just 4%").value
    ('working', 'working')
    >>> _fill_level("around 40% of new TCP sessions hang").value
    'neutral'
    >>> _fill_level("df -h and df -i are both under 50% on every mount").value
    'working'
    >>> _fill_level("df -h: Use% 100%, Avail 0").value, _fill_level("100% packet loss").value
    ('failing', 'neutral')
    >>> _fill_level("df -h max 61%").value, _fill_level("shows 99 percent log used").value
    ('working', 'failing')
    >>> _fill_level("dba_tablespace_usage_metrics shows used_percent 100 for APP_DATA").value
    'failing'
    >>> [_fill_level(t).value for t in ["the server only has 63 connections of max_connections"
    ...     " 400", "41/500 sessions", "398 of 400 connections", "12 out of a max of 100"]]
    ['working', 'working', 'failing', 'working']
    """
    full = room = False
    for match in _PERCENT.finditer(text):
        value = float(match.group(1) or match.group(3) or match.group(5))
        if match.group(2) or match.group(4):  # a free share
            full, room = full or value <= 2, room or value >= 10
        else:
            full, room = full or value >= 95, room or value <= 85
    # a share of 95-100% reads as full wherever it stands ("Use% 100%"), unless it is a
    # share of something else ("100% of requests", "100% packet loss")
    full = full or bool(_HIGH_SHARE.search(text))
    for match in _IN_USE.finditer(text):
        used, limit = int(match.group(1)), int(match.group(4))
        if (match.group(2) or match.group(3) or match.group(5)) and limit > 0 and used <= limit:
            full, room = full or used >= 0.95 * limit, room or used <= 0.5 * limit
    for match in _AMOUNT_FREE.finditer(text):
        value = float(match.group(1) or match.group(3))
        unit = _UNIT.get((match.group(2) or match.group(4))[0].lower(), 0)
        size = value * 1024**unit
        full, room = full or size < 1024**3, room or size >= 5 * 1024**3
    if full == room:
        return State.NEUTRAL
    return State.FAILING if full else State.WORKING


def state(text: str) -> State:
    """Does ``text`` report a failure, a working thing, or neither (or both)?

    >>> state("the host client does not work either").value
    'failing'
    >>> state("I can log in with the host client, no problem").value
    'working'
    >>> state("SSH to the host still works").value
    'working'
    >>> state("Failure detection is link status only").value
    'neutral'
    >>> state("the iLO console shows a purple screen with a machine check exception").value
    'failing'
    >>> state("I can still SSH into the host").value
    'working'
    >>> state("/etc/init.d/vpxa status says running").value
    'working'
    >>> state('1473 gets "Message too long" locally as expected').value
    'working'
    >>> state("time is in sync everywhere").value, state("the clock is way off").value
    ('working', 'failing')
    >>> state("net time shows a different time than the DC").value
    'failing'
    >>> state("cert checked, valid till 2026").value, state("the cert is still valid").value
    ('working', 'working')
    >>> state("the backlog keeps growing").value
    'failing'
    >>> state("ping works but SSH hangs").value
    'neutral'
    >>> state("ping works, some https pages only half load").value
    'neutral'
    >>> state("the copy stalls after a few seconds").value
    'failing'
    >>> state("pool members are all green").value, state("all pool members are red").value
    ('working', 'failing')
    >>> state("the VS uses the System-TCP-Fast-Path profile").value
    'neutral'
    >>> state("the Red Hat 8 VM works").value
    'working'
    >>> state("repadmin /replsummary shows 0 fails").value
    'working'
    >>> state("the chain is good").value, state("the cert looks good").value
    ('working', 'working')
    >>> state("Receive CRC errors: 0").value, state("0 CRC errors on both sides").value
    ('working', 'working')
    >>> state("badPwdCount is 0.").value, state("errors are 0 now").value
    ('working', 'working')
    >>> state("badPwdCount goes up every few minutes").value, state("we increased it").value
    ('failing', 'neutral')
    >>> state("Receive CRC errors: 1041").value
    'failing'
    >>> state("df -h says 60% free").value, state("the disk is 100% used").value
    ('working', 'failing')
    >>> state("all the datastores are half empty").value
    'working'
    >>> state("the drive with the db files is completely full").value
    'failing'
    >>> state("df -h shows 58% used").value, state("the datastore has 3TB free??").value
    ('working', 'working')
    >>> state("mount shows rw").value, state("touch says Read-only file system").value
    ('working', 'failing')
    >>> state("the ping goes through without any loss").value
    'working'
    >>> state("time is correct").value, state("the time on the workstation is wrong").value
    ('working', 'failing')
    >>> state("hostd and vpxa are running").value, state("vpxa is not running").value
    ('working', 'failing')
    >>> state("checked on the hosts: vpxa and hostd both running").value
    'working'
    >>> state("the datastore is running out of space").value
    'failing'
    >>> state("Inode usage is only 4%").value, state("all the inodes are used up").value
    ('working', 'failing')
    >>> state("zero free inodes on the partition").value
    'failing'
    >>> state("all datastores accessible").value, state("the datastore went inaccessible").value
    ('working', 'failing')
    >>> state("the VM failed over to vmnic3").value, state("the failover failed").value
    ('neutral', 'failing')
    >>> state("vim-cmd vmsvc/getallvms answers instantly").value
    'working'
    >>> state("the DC responds immediately but the logon fails").value
    'neutral'
    """
    text = _NOT_BROKEN_RE.sub(" fine ", _NONE_SEEN.sub(" fine ", text))
    level = _fill_level(text)
    unbroken = _NO_PROBLEM_RE.sub(" fine ", text)
    failing = bool(_FAILURE_STATES.search(unbroken) or _FAILING.search(unbroken))
    failing = failing or level is State.FAILING
    working = bool(_WORKING.search(_FAILURE_STATES.sub(" ", text))) or level is State.WORKING
    if failing == working:
        return State.NEUTRAL
    return State.FAILING if failing else State.WORKING


def _either(first: bool, second: bool, a: Enum, b: Enum, neither: Enum):
    """``a`` when only the first cue is there, ``b`` when only the second, else ``neither``."""
    if first == second:
        return neither
    return a if first else b


class Switch(Enum):
    """Whether a clause says a setting is on, off, or neither (or both)."""

    ON = "on"
    OFF = "off"
    NEUTRAL = "neutral"


_ON = re.compile(
    r"\b(?:enabled?|enabling|(?:turn|turned|switch|switched|set|left)\s+(?:it\s+)?on"
    r"|(?:is|are|was|were|still|already|'s)\s+on"
    r"\s*(?:$|[,.;:!?)]|\b(?:again|everywhere|by\s+default)\b)"
    r"|[:=]\s*(?:true|yes)\b|\b(?:to|is)\s+true\b|\bset\s+to\s+yes\b|(?<=\()yes\b"
    # a box ticked in a form: "with Connection Mirror ticked" ("unticked" is off)
    r"|(?<!un)(?<!not\s)(?<!n't\s)ticked\b)",
    re.IGNORECASE,
)
_OFF = re.compile(
    r"\b(?:disabled?|disabling|(?:turn|turned|switch|switched|set|left)\s+(?:it\s+)?off"
    r"|(?:is|are|was|were|still|already|'s)\s+off\b"
    r"|\boff\s+(?:on|for|in)\s+(?:all|both|every|each)\b"
    r"|[:=]\s*(?:false|no)\b|\b(?:to|is)\s+false\b|(?:not|n't)\s+(?:\w+\s+)?enabled"
    r"|\bset\s+to\s+no\b|(?<=\()no\)"
    r"|un(?:checked|ticked|selected)|(?:not|n't)\s+(?:checked|ticked|selected))",
    re.IGNORECASE,
)


def switch(text: str) -> Switch:
    """Does ``text`` say a setting is on or off? An embedding barely separates the two.

    >>> [switch(t).value for t in ["the firewall is enabled on the edges",
    ...     "it's already off on all four edges", "we turned on connection mirroring",
    ...     "connection_mirror: False", "Ghosting is not enabled", "the VM is on host esx01",
    ...     "Windows firewall off on both ends", "kick off the backup", "there is no reply",
    ...     "connection mirroring is unchecked", "I checked the mirroring setting"]]
    ['on', 'off', 'on', 'off', 'off', 'neutral', 'off', 'neutral', 'neutral', 'off', 'neutral']
    >>> [switch(t).value for t in ["Notify Switches set to No", "notify switches back on (Yes"]]
    ['off', 'on']
    >>> [switch(t).value for t in ["a profile with Connection Mirror ticked", "box not ticked"]]
    ['on', 'off']
    """
    on = bool(_ON.search(_OFF.sub(" ", text)))
    return _either(on, bool(_OFF.search(text)), Switch.ON, Switch.OFF, Switch.NEUTRAL)


# "we never changed the profile": whatever it holds is what it shipped with
_UNCHANGED = re.compile(
    r"\b(?:never|not|(?:did|do|does|have|has|had)n'?t|nobody|no\s+one)\s+(?:\w+\s+){0,2}?"
    r"(?:chang|touch|modif|alter|edit|tweak|customi[sz])\w*",
    re.IGNORECASE,
)
_AT_DEFAULT = re.compile(r"\b(?:defaults?|as\s+shipped|out\s+of\s+the\s+box)\b", re.IGNORECASE)


def keeps_default(clause: str, phrasing: str) -> bool:
    """Does ``clause`` deny a change ("we never touched the profile") where ``phrasing``
    states the default? Then the denial affirms the phrasing instead of contradicting it.

    >>> keeps_default("we never changed the network profile from the defaults",
    ...               "the network profile still has the default mirror setting")
    True
    >>> keeps_default("we never changed the network profile", "the profile was changed")
    False
    """
    return bool(_UNCHANGED.search(clause) and _AT_DEFAULT.search(phrasing))


class Owner(Enum):
    """Whether a clause says addresses (MACs, NICs) belong to the machine in question or
    to a different one: "both MACs are vNICs of the VM itself" against "the other MAC
    belongs to a different server". A sentence embedding scores these two 0.93 alike."""

    SAME = "same"
    OTHER = "other"
    NEUTRAL = "neutral"


_ADDRESSES = re.compile(
    r"\b(?:macs?|mac\s+address(?:es)?|hardware\s+address(?:es)?|v?nics?|adapters?|eno\d|eth\d)\b",
    re.IGNORECASE,
)
_SAME_OWNER = re.compile(
    rf"\b(?:(?:the\s+)?same\s+{_MACHINE}|itself|its\s+own|our\s+own"
    r"|its\s+(?:two|2|both|other|second)\s+v?nics?)\b",
    re.IGNORECASE,
)
_OTHER_OWNER = re.compile(
    rf"\b(?:different|another|some\s+other|foreign|rogue)\s+(?:\w+\s+)?(?:{_MACHINE}|vendor)s?\b"
    r"|\b(?:not|isn'?t|aren'?t)\s+(?:one\s+of\s+|any\s+(?:nic\s+)?of\s+)?(?:our|its|this|the)\s+"
    r"(?:\w+'?s\s+|own\s+)?v?nics?\b"
    r"|\b(?:not|isn'?t|aren'?t)\s+(?:one\s+of\s+)?(?:any\s+)?v?nics?\s+of\s+(?:our|its|this|the)\b",
    re.IGNORECASE,
)


def owner(text: str) -> Owner:
    """Whom the addresses ``text`` talks about belong to: the machine itself or another.

    >>> [owner(t).value for t in ["both MACs belong to the server itself",
    ...     "the other mac belongs to a different server", "the two macs are both nics of the "
    ...     "same server", "the second mac is not one of our server's nics",
    ...     "VMs on the same host talk fine", "ARP shows two MACs for one IP"]]
    ['same', 'other', 'same', 'other', 'neutral', 'neutral']
    """
    if not _ADDRESSES.search(text):
        return Owner.NEUTRAL
    same, other = bool(_SAME_OWNER.search(text)), bool(_OTHER_OWNER.search(text))
    return _either(same, other, Owner.SAME, Owner.OTHER, Owner.NEUTRAL)


class Scope(Enum):
    """Whether a clause says the fault hits only some machines, the others too, or neither."""

    NARROW = "narrow"
    WIDE = "wide"
    NEUTRAL = "neutral"


_PEERS = (
    r"(?:vms?|virtual\s+machines?|hosts?|servers?|clients?|users?|machines?|guests?|nodes?"
    r"|boxe?s?|computers?|pcs?|workstations?|members?|standbys?|replicas?|secondar(?:y|ies)"
    r"|dcs?|domain\s+controllers?)"
)
_HIT = (
    r"(?:affected|impacted|hit|broken|failing|failed|down|dropping|dropped|lost|losing"
    r"|froze|frozen|hung|hanging|crashed|unreachable)"
)
_FINE = (
    r"(?:fine|ok|okay|unaffected|normal(?:ly)?|healthy|good|working|as\s+usual"
    r"|(?:kept|keep|keeps|still)\s+(?:working|running|going))"
)
_SOME = (
    r"(?:this|that|the|one|two|three|some|a\s+(?:few|couple|handful|subset|group|part"
    r"|particular\s+\w+|small\s+\w+)|one\s+(?:group|set|batch))"
)
_OTHERS = rf"\b(?:the\s+)?(?:other|rest\s+of\s+the|remaining)\s+(?:\d+\s+)?(?:\w+\s+)?{_PEERS}\s+"
_NARROW = re.compile(
    rf"\b(?:only|just)\s+{_SOME}\s+(?:of\s+(?:the|our)\s+)?(?:\w+\s+)?{_PEERS}\b"
    rf"|{_OTHERS}(?:[\w'/-]+\s+){{0,8}}?{_FINE}\b"
    rf"|{_OTHERS}(?:\w+\s+){{0,5}}?(?:are|were|is|was)(?:n'?t|\s+not)\s+{_HIT}"
    rf"|\b(?:the\s+)?rest\s+(?:(?:are|is|were|was)\s+)?{_FINE}",
    re.IGNORECASE,
)
_WIDE = re.compile(
    rf"\b(?:the\s+)?other\s+{_PEERS}\s+(?:\w+\s+){{0,5}}?(?:(?:are|were|is|was|got|get)\s+)?"
    rf"(?:also\s+)?{_HIT}(?:\s+(?:too|as\s+well))?"
    rf"|\b(?:all|every|each)\s+(?:(?:of\s+)?(?:the|our)\s+)?(?:\w+\s+)?{_PEERS}\s+"
    rf"(?:\w+\s+){{0,5}}?(?:(?:are|were|is|was|got|get)\s+)?{_HIT}"
    rf"|\bnot\s+(?:just|only)\s+(?:this|that|the|one)\s+(?:\w+\s+)?{_PEERS}\b",
    re.IGNORECASE,
)


def scope(text: str) -> Scope:
    """Whether ``text`` says the fault hits only some machines or the others as well.

    >>> [scope(t).value for t in ["actually, other VMs were affected too",
    ...     "only this one VM loses network", "the other VMs on the host are fine",
    ...     "other vms weren't affected", "all the VMs on the host are affected",
    ...     "it's not just this VM", "VMs on other hosts talk fine", "the host is down",
    ...     "the other 15 hosts reconnected fine after the reboot", "other sites work"]]
    ['wide', 'narrow', 'narrow', 'narrow', 'wide', 'wide', 'narrow', 'neutral', 'narrow', 'neutral']
    >>> scope("the remaining local standby is streaming fine with ~0 lag").value
    'narrow'
    """
    narrow = bool(_NARROW.search(_WIDE.sub(" ", text)))  # "not just this VM" is wide
    return _either(narrow, bool(_WIDE.search(text)), Scope.NARROW, Scope.WIDE, Scope.NEUTRAL)


# a link speed as switches and esxcli print it before the duplex: "1000/full", "25000 Full"
_SPEED = (
    r"\b(?:10|100|1000|2500|5000|10000|25000|40000|50000|100000)\s*(?:[mg]b?(?:ps|/s)?)?\s*[/,]?\s*"
)

# what is set on a link by hand: its speed, its duplex, or both ("100/full", "1000 full")
_LINK_SETTING = (
    r"(?:\bspeed|\bduplex|\b(?:10|100|1000)\s*(?:mb(?:ps|/s)?\s*)?(?:/\s*)?(?:full|half)\b)"
)

# how a link setting is said to be fixed by hand: "hard-coded", "forced", "nailed up"
_BY_HAND = (
    r"(?:hard[\s-]*(?:coded|set|wired)|forced|nailed(?:\s+up)?|manually|by\s+hand|statically\s+set)"
)

# an MTU as hosts and switches are set: 1500, 1600 for an overlay, 9000 or 9216 for jumbo
_MTU = r"(?:1500|1550|1600|1700|1800|2000|8000|8192|8900|9000|9001|9100|9150|9198|9216)"

# where a setting is set and how it is said, before its value: "Notify switches on that
# portgroup is set to No"; "on" followed by a place is not the value "on"
_WHERE_SET = (
    r"(?:\s+(?:on|for|in)\s+(?:[\w.\"'-]+\s+){1,3}?)?\s*"
    r"(?:[:=]|(?:is|are)(?:\s+set\s+to)?|set\s+to)?\s*"
)
_WHERE_ON = (
    r"\s+(?:the|that|this|those|these|a|an|each|every|all|both|our|their|its|my"
    r"|port\w*|pg|dvpg|dv\w*|vss|vds|vswitch\w*)\b"
)

# how a setting's value follows its name: "read_only = ON", "super_read_only has been ON"
_SET_TO = r"(?:=|:|is|was|(?:has\s+)?been|(?:is\s+|was\s+)?(?:still|now)|stays?|set\s+to)?"
_LOCKED_OUT = r"\blocked[ _]?out\s*(?:=|:|is|was|shows?)?\s*"

# Named values of one setting, which a sentence embedding hardly tells apart ("teaming
# is route based on originating port ID" against "... on IP hash"): a clause naming one
# value opposes a phrasing naming another value of the same setting.
_SETTING_VALUES: dict[str, dict[str, re.Pattern[str]]] = {
    "teaming": {
        "ip-hash": re.compile(r"\bip[\s-]*hash\b", re.IGNORECASE),
        # vSphere's own label: "Route based on originating virtual port" (older: "...port ID")
        # esxcli prints the policies as iphash, srcport, srcmac and explicit
        "port-id": re.compile(
            r"\boriginating\s+(?:virtual\s+)?port\b|\b(?:virtual\s+)?port[\s-]*id\b|\bsrcport\b",
            re.I,
        ),
        "mac-hash": re.compile(r"\b(?:source\s+)?mac[\s-]*hash\b|\bsrcmac\b", re.IGNORECASE),
        "nic-load": re.compile(r"\b(?:physical\s+)?nic\s+load\b|\bload[\s-]+based\b", re.I),
        "explicit": re.compile(r"\bexplicit\s+failover\b|\buse\s+explicit\b", re.I),
    },
    "failure-detection": {
        "link-status": re.compile(r"\blink\s+status(?:\s+only)?\b", re.IGNORECASE),
        "beacon": re.compile(r"\bbeacon(?:ing|\s+prob\w*)?\b", re.IGNORECASE),
    },
    # the roles of a redundant pair: "show service highavailability says active on both
    # edges" against "one Active and one Standby"
    "ha-roles": {
        "both-active": re.compile(
            r"\b(?:both|two)\s+(?:\S+\s+){0,4}?active\b|\bactive\s+on\s+both\b"
            r"|\bactive[\s/-]+active\b|\bdual[\s-]+active\b",
            re.IGNORECASE,
        ),
        "active-standby": re.compile(
            r"\bactive[\s/-]+(?:standby|passive)\b"
            r"|\b(?:one|1)\s+(?:\S+\s+){0,2}?active\b.{0,40}?\b(?:standby|passive)\b",
            re.IGNORECASE,
        ),
    },
    # the operation mode of a Windows NLB cluster: in unicast mode all members share the
    # cluster MAC 02-BF-...; in (IGMP) multicast mode it is 03-BF-... or 01-00-5E-7F-...
    "nlb-mode": {
        "unicast": re.compile(r"\bunicast\b(?!\s+(?:reply|replies|flood\w*|traffic))", re.I),
        "multicast": re.compile(
            r"\b(?:igmp\s+)?multicast\b(?!\s+(?:traffic|storms?|groups?|routing))"
            r"|\b03[-:.]?bf(?:[-:.]?[0-9a-f]{2}|\b)",  # "begins with 03-bf" names it too
            re.IGNORECASE,
        ),
    },
    # the duplex of a link: "Up at 25000 Full" against "shows Half for the vmnic"
    "duplex": {
        "full": re.compile(
            r"\b(?:a-)?full[\s-]*duplex\b|\bduplex\s*[:=]?\s*(?:a-)?full\b|\ba-full\b"
            rf"|{_SPEED}full\b",
            re.IGNORECASE,
        ),
        "half": re.compile(
            r"\bhalf[\s-]*duplex\b|\bduplex\s*[:=]?\s*(?:a-)?half\b|\ba-half\b"
            rf"|{_SPEED}half\b|\b(?:shows?|at|is)\s+half\b(?!\s+(?:the|of))",
            re.IGNORECASE,
        ),
    },
    # how a link's speed and duplex are set: "both ends are on auto" against "the switch
    # port is hard coded to 100 full" ("forced on one end, auto on the other" names both)
    "negotiation": {
        "auto": re.compile(
            r"\b(?:on|at|to|is|are|both|with)\s+auto\b(?![\s-]*(?:map|start|mdix|mount))"
            r"|\bauto[\s-]*neg\w*\b\s*(?:[:=]|is|was)?\s*(?:on|enabled|yes)\b"
            r"|\bauto[\s/-]+auto\b|\bauto[\s-]*negotiat(?:es|ed|ing)\b|\bnegotiat(?:es|ed)\s+(?:to\s+)?\d",
            re.IGNORECASE,
        ),
        "forced": re.compile(
            # "forced", "manually" or "by hand" only near a speed or duplex: "we manually
            # failed over the edge" says nothing of a link
            rf"\b{_BY_HAND}\b(?=[^.;]{{0,40}}{_LINK_SETTING})"
            rf"|{_LINK_SETTING}[^.;]{{0,40}}\b{_BY_HAND}\b|\bfixed\s+(?:speed|duplex)\b"
            r"|\bauto[\s-]*neg\w*\b\s*(?:[:=]|is|was)?\s*(?:off|disabled|no)\b"
            r"|\b(?:no|disabled?)\s+auto[\s-]*neg\w*|\bspeed\s+(?:10|100|1000)\s+(?:and\s+)?duplex\b",
            re.IGNORECASE,
        ),
    },
    # whether the MTU is one value along a path: "everything is 1500: NAS, switch, clients"
    # against "vmk MTU 9000 with switch ports at 1500" or "jumbo frames on the hosts only"
    "mtu": {
        "same": re.compile(
            rf"\b(?:everything|everywhere|all|every\s+\w+|both\s+(?:sides|ends)|end[\s-]+to[\s-]+end"
            rf"|throughout)\b[^.;\d]{{0,30}}\b{_MTU}\b(?![^.;\d]{{0,40}}\b(?:but|except|while)\b)"
            rf"|\b{_MTU}\b[^.;\d]{{0,30}}\b(?:everywhere|end[\s-]+to[\s-]+end|throughout"
            r"|on\s+(?:all|every|both)\b)|\bsame\s+mtu\b|\bmtu\s+(?:is\s+)?(?:the\s+same|consistent)\b"
            # "the MTUs match on both sides", "MTU matches"
            r"|\bmtus?\s+(?:(?:all|both)\s+)?match(?:es|ed)?\b",
            re.IGNORECASE,
        ),
        "mixed": re.compile(
            rf"(?:\bmtu|\bat|\bis|\bare|\bof|\bto|=|:)\s*({_MTU})\b[^.;]{{0,60}}?\b(?!\1\b){_MTU}\b"
            r"|\bjumbo\b[^.;]{0,40}\bonly\b|\bonly\b[^.;]{0,40}\bjumbo\b"
            # "changed the MTU on one side only", "an MTU mismatch", "the MTUs differ"
            rf"|(?:\bmtus?|\b{_MTU})\b[^.;]{{0,40}}\b(?:on\s+one\s+(?:side|end)|only\s+(?:on\s+)?one\s+(?:side|end))\b"
            r"|\bmtu\s+mismatch\w*|\bmismatch\w*\s+(?:\w+\s+){0,2}mtus?\b"
            r"|\bmtus?\s+(?:differ\w*|(?:do|does|did)(?:n'?t|\s+not)\s+match)\b",
            re.IGNORECASE,
        ),
    },
    # the word size of a database instance on both sides of a move: "both sides are DB2
    # 11.5.8 64-bit instances" against "the old server ran a 32-bit instance" (one side
    # named 64-bit, "the new box is 64-bit", names neither)
    "word-size": {
        "all-64": re.compile(
            r"\b(?:both|all|every)\b(?:[^.;]|\.(?=\d)){0,40}?\b64[\s-]*bits?\b"
            r"|\b64[\s-]*bits?\b[^.;]{0,20}?\b(?:on\s+)?(?:both|all|every\w*)\b",
            re.IGNORECASE,
        ),
        "32": re.compile(
            r"\b32[\s-]*bits?\b|\buses\s+[\"\u201c]?32[\"\u201d]?\s+bits\b|\bNT-32\b", re.I
        ),
    },
    # whether a load balancer rewrites the client's source address: "SNAT is Automap" (NSX-T,
    # F5) or an IP pool translates; transparent mode, Preserve Client IP, "usesrc clientip"
    # or translation "None"/"Disabled" keep the client's address
    "snat": {
        "translates": re.compile(
            r"\b(?:snat|source[\s-]+(?:address[\s-]+)?(?:nat|translation))\b[^.;,]{0,30}?"
            r"\b(?:auto[\s-]*map|ip[\s-]*pool|snat[\s-]*pool)\b(?!\s+(?:turned\s+)?(?:off|disabled))",
            re.IGNORECASE,
        ),
        "keeps-client": re.compile(
            r"\btransparent\s+mode\b|\bpreserve[\s_-]*client[\s_-]*ip\b(?!\W+(?:is\s+)?(?:off|"
            r"disabled|false|unticked)\b)|\busesrc\s+client|\b(?:no|without)\s+(?:snat|source"
            r"[\s-]+nat)\b|\b(?:snat|source[\s-]+(?:address[\s-]+)?(?:nat|translation))\b"
            r"[^.;,]{0,30}?\b(?:disabled|off|none)\b",
            re.IGNORECASE,
        ),
    },
    # a vSphere teaming policy's Notify Switches: "Notify switches is Yes" against "notify
    # switches is set to No"; a clause about another setting ("failure detection is link
    # status only") then says nothing of it
    "notify-switches": {
        "yes": re.compile(
            rf"\bnotify\s+switch(?:es)?{_WHERE_SET}(?:yes|on(?!{_WHERE_ON})|enabled|true)\b",
            re.IGNORECASE,
        ),
        "no": re.compile(
            rf"\bnotify\s+switch(?:es)?{_WHERE_SET}(?:no|off|disabled|false)\b"
            r"|\b(?:no|lacks?(?:\s+the)?|without(?:\s+the)?)\s+notify\s+switch"
            r"|\b(?:does\s*n[o']?t|don'?t|do\s+not)\s+(?:notify|announce)\b"
            # net-dvs prints the teaming's "link behavior"; without Notify Switches it is
            # only "best effort on failure"
            r"|\bonly\s+best\s+effort\s+on\s+failure\b",
            re.IGNORECASE,
        ),
    },
    # Get-ADUser's LockedOut property, as PowerShell prints it
    "ad-locked-out": {
        "yes": re.compile(rf"{_LOCKED_OUT}(?:true|\$true|yes)\b", re.I),
        "no": re.compile(rf"{_LOCKED_OUT}(?:false|\$false|no)\b", re.I),
    },
    # MySQL's read_only (or super_read_only) on a replica: "this one has read_only=ON"
    # against "read_only is OFF on the replica"
    "mysql-read-only": {
        "on": re.compile(rf"\b(?:super_)?read_only\s*{_SET_TO}\s*(?:on|1|true)\b", re.I),
        "off": re.compile(rf"\b(?:super_)?read_only\s*{_SET_TO}\s*(?:off|0|false)\b", re.I),
    },
    # a virtual disk's provisioning: "the disks are thick eager zeroed" is not "thin disks"
    "provisioning": {
        "thin": re.compile(r"\bthin(?:[\s-]+provision\w*)?\b", re.I),
        "thick": re.compile(r"\bthick\b|\beager(?:ly)?[\s-]*zero\w*|\blazy[\s-]*zero\w*", re.I),
    },
    "bond-mode": {
        "active-backup": re.compile(r"\bactive[\s-]*backup\b|\bmode\s*=?\s*1\b", re.I),
        "alb-tlb": re.compile(r"\bbalance[\s-]*[at]lb\b|\bmode\s*=?\s*[56]\b", re.I),
        "lacp": re.compile(r"\b802\.3ad\b|\bmode\s*=?\s*4\b", re.IGNORECASE),
        "round-robin": re.compile(r"\bbalance[\s-]*rr\b|\bmode\s*=?\s*0\b", re.I),
    },
}


# Settings whose value a clause must name to confirm a phrasing that names one. An NLB
# cluster is as often unicast as multicast, so "our NLB cluster" says nothing of its mode.
# The others are left to the embedding: they have a default, and "a colleague changed
# the failover detection" does point at the value that is not the default (beacon
# probing); requiring the value for them lost three of four such dev cases.
_VALUE_REQUIRED = frozenset({"nlb-mode"})
# Settings whose two values at once are the symptom: a link forced on one end and
# autonegotiating on the other.
_MISMATCH = frozenset({"negotiation"})


# Actions an embedding hardly tells apart either ("powering on a VM fails" against "can't
# power off the VM"). Unlike a setting's values, one action says nothing about the other:
# a clause and a phrasing naming different ones do not speak of each other at all.
_ACTION_VALUES: dict[str, dict[str, re.Pattern[str]]] = {
    "power": {
        "on": re.compile(r"\bpower(?:s|ed|ing)?[\s-]*on\b", re.IGNORECASE),
        "off": re.compile(r"\bpower(?:s|ed|ing)?[\s-]*off\b", re.IGNORECASE),
    },
}


def _named(table: dict[str, dict[str, re.Pattern[str]]], text: str) -> frozenset[tuple[str, str]]:
    return frozenset(
        (name, value)
        for name, values in table.items()
        for value, pattern in values.items()
        if pattern.search(text)
    )


def actions(text: str) -> frozenset[tuple[str, str]]:
    """The named actions ``text`` mentions, as (action, value) pairs.

    >>> sorted(actions("powering on a VM there fails")), sorted(actions("VM won't power-off"))
    ([('power', 'on')], [('power', 'off')])
    """
    return _named(_ACTION_VALUES, text)


# Product codes, which name one message exactly and which a sentence embedding hardly
# tells apart ("KRB_AP_ERR_MODIFIED" against "KRB_AP_ERR_SKEW", ORA-01653 against
# ORA-00257, event 4740 against 4625): constants in capitals with underscores, Oracle,
# Db2 and Apache message numbers, Cisco mnemonics, NTSTATUS values and event IDs.
_CODES = re.compile(
    r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+){2,}\b"
    r"|\b(?:ORA|SQL|AH|TNS)-?\d{3,5}[A-Z]?\b"
    r"|%[A-Z0-9_]+-\d-[A-Z0-9_]+"
    r"|\b0x[0-9A-Fa-f]{8}\b"
)
_LEADING_ZEROS = re.compile(r"^((?:ORA|SQL|AH|TNS))0+(?=\d)")
# Windows shows a Kerberos error as its number in hex ("Failure Code: 0x25" in events 4769
# and 4771), the KB as its RFC 4120 name (section 7.5.9)
_KERBEROS = re.compile(r"\b(?:kerberos|krb\w*|kdc|tgt|4768|4769|4771)\b", re.IGNORECASE)
_KERBEROS_CODE = re.compile(r"\b0x([0-9a-f]{1,2})\b", re.IGNORECASE)
_KERBEROS_NAMES = {
    0x06: "KDC_ERR_C_PRINCIPAL_UNKNOWN",
    0x07: "KDC_ERR_S_PRINCIPAL_UNKNOWN",
    0x12: "KDC_ERR_CLIENT_REVOKED",
    0x17: "KDC_ERR_KEY_EXPIRED",
    0x18: "KDC_ERR_PREAUTH_FAILED",
    0x20: "KRB_AP_ERR_TKT_EXPIRED",
    0x21: "KRB_AP_ERR_TKT_NYV",
    0x25: "KRB_AP_ERR_SKEW",
    0x29: "KRB_AP_ERR_MODIFIED",
}
_EVENT_IDS = re.compile(
    r"\bevent(?:\s+id)?\s*:?\s*(\d{3,5})\b|\b(\d{4})\s+events?\b", re.IGNORECASE
)


def codes(text: str) -> frozenset[str]:
    """The product codes ``text`` names, normalised: capitals, no hyphens, no leading
    zeros in a message number (``ORA-1653`` is ``ORA-01653``).

    >>> sorted(codes("KRB_AP_ERR_MODIFIED in event 4 from Security-Kerberos"))
    ['KRB_AP_ERR_MODIFIED']
    >>> sorted(codes("ORA-01653 unable to extend; 4740 events on DC02; 0xC000006A"))
    ['0XC000006A', 'EVENT 4740', 'ORA1653']
    >>> codes("ORA-1653") == codes("ORA-01653")
    True
    >>> codes("the service crashes and systemd brings it back")
    frozenset()
    >>> sorted(codes("Kerberos errors with 0x25 on the clients")), codes("offset 0x25")
    (['KRB_AP_ERR_SKEW'], frozenset())
    """
    found = {
        _LEADING_ZEROS.sub(r"\1", m.group().upper().replace("-", "")) for m in _CODES.finditer(text)
    }
    if _KERBEROS.search(text):
        numbers = (int(m.group(1), 16) for m in _KERBEROS_CODE.finditer(text))
        found |= {_KERBEROS_NAMES[n] for n in numbers if n in _KERBEROS_NAMES}
    found |= {f"EVENT {a or b}" for a, b in _EVENT_IDS.findall(text)}
    return frozenset(found)


def settings(text: str) -> frozenset[tuple[str, str]]:
    """The named setting values ``text`` mentions, as (setting, value) pairs.

    >>> sorted(settings("teaming is route based on originating port id, failure detection "
    ...     "link status"))
    [('failure-detection', 'link-status'), ('teaming', 'port-id')]
    >>> sorted(settings("teaming is srcport")), sorted(settings("Load Balancing: iphash"))
    ([('teaming', 'port-id')], [('teaming', 'ip-hash')])
    >>> sorted(settings("bond0 runs balance-alb (mode 6)"))
    [('bond-mode', 'alb-tlb')]
    >>> sorted(settings('the port group is on "Route based on originating virtual port"'))
    [('teaming', 'port-id')]
    >>> sorted(settings('"show service highavailability" always shows one Active and one '
    ...     'Standby')), sorted(settings("edge-0 and edge-1 both report HA state active"))
    ([('ha-roles', 'active-standby')], [('ha-roles', 'both-active')])
    >>> sorted(settings("esxcli network nic list shows both Up at 25000 Full")), sorted(
    ...     settings("the port is a-half")), sorted(settings("half the PCs, 3 full backups"))
    ([('duplex', 'full')], [('duplex', 'half')], [])
    >>> [sorted(settings(t)) for t in ["the VIP's mac begins with 03-bf", "arp: 03bf0a010164"]]
    [[('nlb-mode', 'multicast')], [('nlb-mode', 'multicast')]]
    >>> sorted(settings("Notify switches is Yes")), sorted(settings("notify switches = no"))
    ([('notify-switches', 'yes')], [('notify-switches', 'no')])
    >>> sorted(settings("Notify switches on that portgroup is set to No"))
    [('notify-switches', 'no')]
    >>> sorted(settings("notify switches on everywhere else")), settings("notify switches on pg-a")
    ([('notify-switches', 'yes')], frozenset())
    >>> sorted(settings("the switch port are on auto")), sorted(settings("it negotiates 1000/full"))
    ([('negotiation', 'auto')], [('duplex', 'full'), ('negotiation', 'auto')])
    >>> sorted(settings("the switch port is hard coded to 100 full"))
    [('duplex', 'full'), ('negotiation', 'forced')]
    >>> sorted(settings("fixed speed on one end with auto on the other"))
    [('negotiation', 'auto'), ('negotiation', 'forced')]
    >>> sorted(settings("ethtool shows Auto-negotiation: off")), settings("autostart is on")
    ([('negotiation', 'forced')], frozenset())
    >>> settings("we manually failed over the edge"), sorted(settings("duplex forced to full"))
    (frozenset(), [('negotiation', 'forced')])
    >>> sorted(settings("everything is 1500: NAS, switch, clients")), sorted(settings(
    ...     "vmk MTU 9000 with switch ports at 1500")), sorted(settings("jumbo on the hosts only"))
    ([('mtu', 'same')], [('mtu', 'mixed')], [('mtu', 'mixed')])
    >>> settings("all hosts are 9000 but the switch is 1500"), settings("MTU 1500 and 1500")
    (frozenset({('mtu', 'mixed')}), frozenset())
    >>> [sorted(settings(t)) for t in ["someone changed the MTU on one side only",
    ...     "the MTUs match", "looks like an MTU mismatch", "the MTU does not match"]]
    [[('mtu', 'mixed')], [('mtu', 'same')], [('mtu', 'mixed')], [('mtu', 'mixed')]]
    >>> sorted(settings("link behavior lists only best effort on failure for the nlb ports"))
    [('notify-switches', 'no')]
    >>> sorted(settings("both sides are DB2 11.5.8 64-bit instances")), sorted(settings(
    ...     "db2level on the source says it uses 32 bits")), settings("the new box is 64-bit")
    ([('word-size', 'all-64')], [('word-size', '32')], frozenset())
    >>> sorted(settings("this one has read_only=ON")), sorted(settings("read_only is OFF"))
    ([('mysql-read-only', 'on')], [('mysql-read-only', 'off')])
    >>> [sorted(settings(t)) for t in ["SNAT mode on the pool is Automap already",
    ...     "F5 virtual server has SNAT automap turned off", "preserve client ip is off"]]
    [[('snat', 'translates')], [('snat', 'keeps-client')], []]
    >>> sorted(settings("Get-ADUser shows LockedOut False for all of them"))
    [('ad-locked-out', 'no')]
    >>> sorted(settings("super_read_only has been ON on the replica"))
    [('mysql-read-only', 'on')]
    >>> sorted(settings("The disks are thick eager zeroed")), sorted(settings("thin disks"))
    ([('provisioning', 'thick')], [('provisioning', 'thin')])
    """
    return _named(_SETTING_VALUES, text)


def _other_values(a: frozenset[tuple[str, str]], b: frozenset[tuple[str, str]]) -> bool:
    """Both name values of one setting, and none in common ("link status" against
    "beacon probing"; "from link status to beacon probing" names both, so it opposes
    neither)."""
    for setting in {s for s, _ in a} & {s for s, _ in b}:
        if not {v for s, v in a if s == setting} & {v for s, v in b if s == setting}:
            return True
    return False


@dataclass(frozen=True)
class Reading:
    """What one piece of text says, as far as polarity goes."""

    denied: bool
    state: State
    switch: Switch
    owner: Owner = Owner.NEUTRAL
    scope: Scope = Scope.NEUTRAL
    settings: frozenset[tuple[str, str]] = frozenset()
    absent: frozenset[str] = frozenset()  # see absent_things
    negated: frozenset[str] = frozenset()  # see negated_words
    actions: frozenset[tuple[str, str]] = frozenset()
    codes: frozenset[str] = frozenset()
    emptied: frozenset[str] = frozenset()  # stems of what it says is empty or has none

    def opposes(self, other: Reading, states: bool = True) -> bool:
        """One reports working what the other reports failing, on what the other has off,
        its own addresses where the other has another machine's, or the other machines
        hit where the other says only some are, or another value of the same named
        setting (IP hash against originating port ID). ``states=False`` leaves out working
        against failing, the most common and least specific of these.

        >>> read("the host client works").opposes(read("the host client does not load"))
        True
        >>> read("mirroring is enabled").opposes(read("mirroring is off"))
        True
        >>> read("both MACs are its own vNICs").opposes(read("the other mac is another box"))
        True
        >>> read("the other VMs on the host are fine").opposes(read("the VM loses network"))
        False
        >>> read("failure detection link status").opposes(read("set to beacon probing"))
        True
        """
        # "the other hosts are fine" says nothing against "the host is down": when one
        # side's state is about the other machines, states do not oppose
        about_others = Scope.NARROW in (self.scope, other.scope)
        return (
            (
                states
                and {self.state, other.state} == {State.FAILING, State.WORKING}
                and not about_others
            )
            or {self.switch, other.switch} == {Switch.ON, Switch.OFF}
            or {self.owner, other.owner} == {Owner.SAME, Owner.OTHER}
            or {self.scope, other.scope} == {Scope.NARROW, Scope.WIDE}
            or self.names_other_value(other)
        )

    def names_other_value(self, other: Reading) -> bool:
        """Both name values of one setting and no value in common: the words themselves
        say the two disagree, whatever an embedding makes of them.

        >>> read("teaming is route based on originating port id").names_other_value(
        ...     read("teaming policy on the vswitch is iphash"))
        True
        >>> read("teaming is route based on ip hash").names_other_value(
        ...     read("load balancing is set to route based on IP hash"))
        False
        >>> read("the host client works").names_other_value(read("the host client hangs"))
        False
        """
        return _other_values(self.settings, other.settings)

    def lacks_value_of(self, other: Reading) -> bool:
        """The other names a value of a setting that only words can tell (see
        ``_VALUE_REQUIRED``) and this names none: "we have a two-node NLB cluster" does
        not confirm "the NLB cluster runs in multicast mode", however close an embedding
        puts them, since the mode is the whole point.

        >>> read("we have a 2-node Windows NLB cluster").lacks_value_of(
        ...     read("the nlb cluster runs in multicast mode"))
        True
        >>> read("the cluster is multicast").lacks_value_of(read("NLB in multicast mode"))
        False
        >>> read("the host client hangs").lacks_value_of(read("the host client hangs"))
        False
        >>> read("the switch port is on auto").lacks_value_of(
        ...     read("fixed speed on one end with auto on the other"))
        True
        """
        mine = {s for s, _ in self.settings}
        if any(s in _VALUE_REQUIRED and s not in mine for s, _ in other.settings):
            return True
        # a mismatch of two values ("forced on one end, auto on the other") is not
        # confirmed by one of them ("the switch port is on auto")
        for setting in _MISMATCH:
            theirs = {v for s, v in other.settings if s == setting}
            if len(theirs) > 1 and len({v for s, v in self.settings if s == setting}) < 2:
                return True
        return False

    def names_other_setting(self, other: Reading) -> bool:
        """Both name setting values, of different settings: "teaming is route based on
        originating virtual port" is about teaming and says nothing of failure detection,
        for or against, however close an embedding puts it to "teaming and failover shows
        beacon probing".

        >>> read('Teaming is "Route based on originating virtual port"').names_other_setting(
        ...     read("teaming and failover shows Beacon probing on the port group"))
        True
        >>> read("teaming is ip hash").names_other_setting(read("teaming is originating port"))
        False
        """
        mine, theirs = {s for s, _ in self.settings}, {s for s, _ in other.settings}
        return bool(mine and theirs and not mine & theirs)

    def names_other_action(self, other: Reading) -> bool:
        """Both name an action of one kind and none in common: "powering on a VM fails"
        says nothing of "the VM won't power off", for or against.

        >>> read("powering on a VM there fails").names_other_action(
        ...     read("can't power off the VM, it has a pending question"))
        True
        >>> read("the VM won't power on").names_other_action(read("power on fails"))
        False
        """
        return _other_values(self.actions, other.actions)

    def names_other_code(self, other: Reading) -> bool:
        """Both name product codes and none in common: "clients log KRB_AP_ERR_MODIFIED"
        says nothing of "KRB_AP_ERR_SKEW in the event log", for or against.

        >>> read("clients log KRB_AP_ERR_MODIFIED").names_other_code(
        ...     read("the logon fails with KRB_AP_ERR_SKEW"))
        True
        >>> read("ORA-01653 in the alert log").names_other_code(read("ORA-01653: unable"))
        False
        >>> read("ORA-01653 in the alert log").names_other_code(read("the tablespace is full"))
        False
        """
        return bool(self.codes and other.codes and not self.codes & other.codes)

    def denies_part_of(self, other: Reading) -> bool:
        """This denies a thing the other itself says is empty or absent: "Snapshot
        Manager says there are no snapshots" is one half of "the snapshot manager is
        empty yet the folder has delta files", not a denial of it.

        >>> read("Snapshot Manager says there are no snapshots").denies_part_of(
        ...     read("snapshot manager is empty yet the folder has -000001.vmdk files"))
        True
        >>> read("no delta files in the folder").denies_part_of(
        ...     read("snapshot manager is empty yet the folder has -000001.vmdk files"))
        False
        """
        return self.denied and not other.denied and bool(self.absent & other.emptied)

    def denies_other_thing(self, other: Reading) -> bool:
        """Both deny, but this one denies a thing the other's denial does not name: "no
        cluster software" and "the agent died and never stopped properly" do not agree.

        >>> read("no alarms anywhere").denies_other_thing(read("vCenter shows no alarms"))
        False
        >>> read("no cluster software").denies_other_thing(read("it died, never stopped"))
        True
        """
        return (
            self.denied and other.denied and bool(self.absent) and not self.absent & other.negated
        )

    def shares(self, other: Reading, denied: bool | None = None) -> bool:
        """Both carry the same polarity signal: both deny, or both report the same
        working or failing state, setting or owner (``denied`` overrides this reading's
        denial, for a clause whose denial the caller has already weighed).

        >>> read("plenty of room on it").shares(read("the datastore is half empty"))
        True
        >>> read("the datastore has plenty of space").shares(read("datastore usage alarm"))
        False
        """
        denied = self.denied if denied is None else denied
        return (
            (denied and other.denied)
            or self.state is other.state is not State.NEUTRAL
            or self.switch is other.switch is not Switch.NEUTRAL
            or self.owner is other.owner is not Owner.NEUTRAL
            or self.scope is other.scope is not Scope.NEUTRAL
            or bool(self.settings & other.settings)
        )


@lru_cache(maxsize=8192)
def read(text: str) -> Reading:
    """Denial, state and switch of ``text``; cached, since KB phrasings recur in every query."""
    bare = _bare(text)  # once for the denial and what it denies
    absent = _words_at(_ABSENT, bare)
    return Reading(
        bool(_DENIALS.search(bare)),
        state(text),
        switch(text),
        owner(text),
        scope(text),
        settings(text),
        absent,
        _words_at(_AROUND_CUE, bare),
        actions(text),
        codes(text),
        _words_at(_EMPTIED, bare) | absent,
    )
