"""A conversation: the turns a user has typed and the evidence each one brought.

Evidence accumulates across turns; when a later turn speaks about a symptom again, its
word replaces the earlier one (the user corrected themselves or found out more).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graph import Evidence, Question

__all__ = ["Conversation", "Turn"]


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
        """All evidence, where a later turn's word on a symptom replaces an earlier one.

        >>> from graph.evidence import Origin, OriginKind
        >>> said = lambda present: Evidence("s", present, 0.8, Origin(OriginKind.MESSAGE, "m", "x"))
        >>> c = Conversation([Turn("it fails", (), (said(True),))])
        >>> c.turns.append(Turn("no, it works", (), (said(False),)))
        >>> [e.present for e in c.evidence]
        [False]
        """
        latest: dict[str, int] = {}
        for n, turn in enumerate(self.turns):
            for e in turn.evidence:
                latest[e.symptom] = n
        return [
            e for n, turn in enumerate(self.turns) for e in turn.evidence if latest[e.symptom] == n
        ]

    @property
    def asked(self) -> list[str]:
        """The symptoms Sherlog has asked about, in order."""
        return [t.question.symptom for t in self.turns if t.question is not None]

    @property
    def questions(self) -> list[Question]:
        return [t.question for t in self.turns if t.question is not None]
