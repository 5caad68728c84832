"""Whether the KB repeats the words of evaluation cases.

A symptom phrasing is matched against users' clauses, so a phrasing that repeats a case's
sentence makes that case easy and its score a measure of memory, not of understanding.
The house rule is never to copy eval wording into the KB; :func:`copied_phrasings` checks
it. Product output is fair to share: a case that quotes ``SQL2539W Warning! Restoring to
an existing database...`` and the KB that knows that message are both right, so a
phrasing that one of the KB's own log patterns reads is a quote of product output and
is not judged.

A phrasing counts as copied from a case when at least ``COPIED_SHARE`` of its words (90%)
lie in runs of ``RUN`` words that appear, in order, in one message of the case. Phrasings of
fewer than ``MIN_WORDS`` words are too short to tell a copy from a common expression
("the VIP returns 503") and are not judged either.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from evals.cases import Case
from kb.model import Symptom
from kb.patterns import PatternSet

__all__ = ["COPIED_SHARE", "MIN_WORDS", "RUN", "Copy", "copied_phrasings"]

RUN = 4
COPIED_SHARE = 0.9
MIN_WORDS = 6

_WORD = re.compile(r"[a-z0-9_./:-]+")


@dataclass(frozen=True)
class Copy:
    """A KB phrasing (or symptom text) that repeats the words of a case."""

    article: str
    symptom: str
    phrasing: str
    case: str
    share: float  # of the phrasing's words


def copied_phrasings(
    symptoms: Iterable[Symptom], cases: Iterable[Case], patterns: PatternSet
) -> list[Copy]:
    """Every text or phrasing of ``symptoms`` that repeats a message of ``cases``.

    >>> from evals.cases import CaseTurn
    >>> said = "after the reboot the vms on esx7 lost network but ssh to the host works"
    >>> case = Case("c1", ("test",), (CaseTurn(said),), None, (), "cases.yaml")
    >>> s = Symptom("s", "VMs lose network", "?", "a", phrasings=(
    ...     "the vms on esx7 lost network but ssh to the host works",  # copied
    ...     "VMs on one host lost their network while the host stays reachable",
    ... ))
    >>> [(c.case, c.share) for c in copied_phrasings([s], [case], PatternSet([]))]
    [('c1', 1.0)]
    >>> product = PatternSet([("s", r"ssh to the host works")])  # as if a product message
    >>> copied_phrasings([s], [case], product)
    []
    """
    runs: dict[tuple[str, ...], set[str]] = {}
    for case in cases:
        for turn in case.turns:
            for run in _runs(_WORD.findall(turn.message.lower())):
                runs.setdefault(run, set()).add(case.id)
    copies = []
    for symptom in symptoms:
        for phrasing in (symptom.text, *symptom.phrasings):
            words = _WORD.findall(phrasing.lower())
            if len(words) < MIN_WORDS or patterns.match(phrasing):
                continue
            covered: dict[str, set[int]] = {}
            for start, run in enumerate(_runs(words)):
                for case_id in runs.get(run, ()):
                    covered.setdefault(case_id, set()).update(range(start, start + RUN))
            for case_id, places in sorted(covered.items()):
                share = len(places) / len(words)
                if share >= COPIED_SHARE:
                    copies.append(
                        Copy(symptom.article, symptom.id, phrasing, case_id, round(share, 3))
                    )
    return copies


def _runs(words: list[str]) -> Iterator[tuple[str, ...]]:
    return (tuple(words[i : i + RUN]) for i in range(len(words) - RUN + 1))
