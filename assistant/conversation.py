"""A conversation: the turns a user has typed and the evidence each one brought.

Evidence accumulates across turns; when a later turn speaks about a symptom again, its
word replaces the earlier one (the user corrected themselves or found out more), unless
it is much less sure than the word it would replace.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graph import Evidence, OriginKind, Question

__all__ = ["CORRECTION_SHARE", "Conversation", "Turn"]

CORRECTION_SHARE = 0.5  # a later word on a symptom must be at least half as sure to replace


@dataclass(frozen=True)
class Turn:
    """One user message, the names of the files it attached, and what Sherlog made of it."""

    text: str
    attachments: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    question: Question | None = None  # the follow-up question asked after this turn


@dataclass
class Conversation:
    """Everything said so far in one troubleshooting session."""

    turns: list[Turn] = field(default_factory=list)

    @property
    def evidence(self) -> list[Evidence]:
        """All evidence, where a later turn's word on a symptom replaces an earlier one,
        unless it is much less sure than what stands (under ``CORRECTION_SHARE`` of its
        strength): a passing resemblance in a later message ("/tmp has plenty of room")
        does not overturn a log line the user pasted before. An answer always counts.

        >>> from graph.evidence import Origin, OriginKind
        >>> o = Origin(OriginKind.MESSAGE, "m", "x")
        >>> said = lambda present, r=0.8: Evidence("s", present, r, o)
        >>> c = Conversation([Turn("it fails", (), (said(True),))])
        >>> c.turns.append(Turn("no, it works", (), (said(False),)))
        >>> [e.present for e in c.evidence]
        [False]
        >>> c.turns.append(Turn("something else works", (), (said(True, 0.3),)))
        >>> [(e.present, e.strength) for e in c.evidence]
        [(False, 0.8)]
        """
        standing: dict[str, tuple[int, float]] = {}  # symptom -> (turn, strength)
        for n, turn in enumerate(self.turns):
            strongest: dict[str, Evidence] = {}
            for e in turn.evidence:
                if e.symptom not in strongest or e.strength > strongest[e.symptom].strength:
                    strongest[e.symptom] = e
            for symptom, e in strongest.items():
                before = standing.get(symptom)
                answered = e.origin.kind is OriginKind.ANSWER
                if before is None or answered or e.strength >= CORRECTION_SHARE * before[1]:
                    standing[symptom] = (n, e.strength)
        return [
            e
            for n, turn in enumerate(self.turns)
            for e in turn.evidence
            if standing[e.symptom][0] == n
        ]

    @property
    def asked(self) -> list[str]:
        """The symptoms Sherlog has asked about, in order."""
        return [t.question.symptom for t in self.turns if t.question is not None]

    @property
    def questions(self) -> list[Question]:
        return [t.question for t in self.turns if t.question is not None]
