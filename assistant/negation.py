"""Does a clause deny something? A small NegEx-style cue list, tuned for ops talk.

Engineers state failures with negative words ("vCenter can't reach the host", "the VM
is not responding"); those are *failure states*, not denials, and are removed before
looking for denial cues ("no errors in vCenter", "other VMs were not affected").
Statements of normality ("SSH to the host still works") are not denials either: they
are observations in their own right, and KB symptoms are written for them.
Matching compares the clause with the symptom phrasing it resembles: a denial on only
one side turns the match into evidence against the symptom.
"""

from __future__ import annotations

import re

__all__ = ["is_negated"]

_CONTRACTED = r"(?:do|does|did|is|are|was|were|has|have|had|should|could|would|ca|wo)n'?t"
_FAILURE_STATES = re.compile(
    r"\b(?:not\s+(?:responding|reachable|working|connected|starting|running|coming\s+up|loading)"
    r"|never\s+(?:come|came|comes|coming)\s+(?:up|back)"
    r"|never\s+(?:work|connect|load|respond|answer|finish|complete)\w*"
    r"|no\s+(?:longer|response|connectivity|network|access|route|space)|not\s+only"
    r"|can(?:'|no)?t|cannot|can\s+not|couldn'?t|could\s+not|unable\s+to|won'?t"
    r"|(?:doesn'?t|don'?t|didn'?t|isn'?t|aren'?t|wasn'?t|weren'?t)\s+"
    r"(?:work|respond|load|start|come|connect|replicate|sync)\w*)",
    re.IGNORECASE,
)
_DENIALS = re.compile(
    rf"\b(?:no|not|never|none|nothing|nobody|neither|nor|without|unaffected|{_CONTRACTED})\b",
    re.IGNORECASE,
)


def is_negated(text: str) -> bool:
    """True when ``text`` denies or rules out what it talks about.

    >>> is_negated("other VMs on the host were not affected")
    True
    >>> is_negated("there are no errors in vCenter")
    True
    >>> is_negated("restarting hostd didn't help")
    True
    >>> is_negated("the host is not responding in vCenter")
    False
    >>> is_negated("vCenter can't connect to the host")
    False
    >>> is_negated("SSH to the host still works")
    False
    >>> is_negated("the backlog count keeps climbing on the client")
    False
    >>> is_negated("sessions hang or never come up")
    False
    >>> is_negated("we dont see errors")
    True
    """
    return bool(_DENIALS.search(_FAILURE_STATES.sub(" ", text)))
