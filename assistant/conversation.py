"""A conversation: the turns a user has typed, the questions Sherlog asked, the answers.

Evidence accumulates across turns. When a later turn speaks about a symptom again, its
word replaces the earlier one (the user corrected themselves or found out more), unless
it is much less sure than the word it would replace; an answer to a question, or a turn
that says it corrects ("actually, ...", "correction: ..."), always replaces.

A turn that follows a question may answer it: yes, no or don't know, in the usual
variants ("yep", "no, it works", "not sure"). :func:`parse_reply` reads that; whatever
follows the answer ("no, but the datastore is full") is matched like any message.

A conversation is a plain value: :meth:`Conversation.to_json` and
:meth:`Conversation.from_json` round-trip it, so the chat page and the Slack bot can
store it between requests.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any

from assistant.errors import ConversationError
from graph import Evidence, OriginKind, Question
from graph.evidence import Origin

__all__ = [
    "CORRECTION_SHARE",
    "FORMAT_VERSION",
    "Conversation",
    "Reply",
    "Turn",
    "is_correction",
    "parse_reply",
]

CORRECTION_SHARE = 0.5  # a later word on a symptom must be at least half as sure to replace
FORMAT_VERSION = 1


class Reply(Enum):
    """An answer to a yes/no follow-up question."""

    YES = "yes"
    NO = "no"
    UNSURE = "don't know"


# Order matters: "no idea" and "not sure" are not "no".
_UNSURE = (
    r"(?:i\s+)?(?:do\s*n[o']?t|dont|didn'?t|did\s+not)\s+(?:know|check|look)"
    r"|not\s+sure|unsure|no\s+idea|no\s+clue|dunno|idk|maybe|perhaps|possibly"
    r"|(?:i\s+)?(?:can'?t|cannot|could\s*n[o']?t)\s+(?:tell|say|check|see|look)"
    r"|(?:i\s+)?haven'?t\s+(?:checked|looked|tried)|not\s+(?:checked|known)|unknown"
)
_YES = r"yes|yeah|yea|yep|yup|ya|aye"
# These also open reports ("right after the reboot it failed", "it is still down"): they
# are an answer only when punctuation follows, or nothing does.
_YES_ALONE = (
    r"correct|right|affirmative|indeed|sure|true|confirmed|definitely|absolutely|certainly"
    r"|exactly|it\s+(?:does|is|did|was|has)|they\s+(?:do|are|did|were|have)"
    r"|that'?s\s+(?:right|correct|true|it)|i\s+do|we\s+do"
)
_NO = (
    r"nope|nah|negative|false|not\s+really|not\s+at\s+all|never|none|no"
    r"|it\s+(?:does\s*n[o']?t|doesnt|is\s*n[o']?t|isnt|did\s*n[o']?t|was\s*n[o']?t|has\s*n[o']?t)"
    r"|they\s+(?:do\s*n[o']?t|dont|are\s*n[o']?t|arent|did\s*n[o']?t|were\s*n[o']?t)"
)
# A bare "no" opens many reports ("no space left on device", "no errors in the log"):
# it is an answer only when punctuation or a pronoun follows, or nothing does.
_NO_FOLLOWERS = r"it|they|that|this|we|i|not|nothing|all|everything|both|neither|none|never"
_END = r"(?=$|[\s,.;:!?)\-])"
_REPLY = re.compile(
    rf"^\s*(?:(?P<unsure>{_UNSURE}){_END}"
    rf"|(?P<no>(?:{_NO})(?=$|[,.;:!?)\-]|\s+(?:{_NO_FOLLOWERS})\b))"
    rf"|(?P<yes>{_YES}){_END}"
    rf"|(?P<yes_alone>{_YES_ALONE})(?=$|[,.;:!?)\-])"
    r"|(?P<y>y)\s*$|(?P<n>n)\s*$)",
    re.IGNORECASE,
)
_CORRECTION = re.compile(
    r"^\s*(?:actually|correction|update|scratch\s+that|wait|sorry|oops|my\s+mistake"
    r"|i\s+was\s+wrong|(?:it\s+)?turns\s+out|on\s+second\s+look|i\s+misspoke)\b",
    re.IGNORECASE,
)


def parse_reply(text: str) -> tuple[Reply | None, str]:
    """Read an answer to a yes/no question at the start of ``text``.

    Returns the answer (None when the text does not start with one) and the rest of the
    text, which the caller matches like any message.

    >>> parse_reply("yep")
    (<Reply.YES: 'yes'>, '')
    >>> parse_reply("no, it works fine after a reboot")
    (<Reply.NO: 'no'>, 'it works fine after a reboot')
    >>> parse_reply("not sure, I can't get to the switch")
    (<Reply.UNSURE: "don't know">, "I can't get to the switch")
    >>> parse_reply("No space left on device on /var")
    (None, 'No space left on device on /var')
    >>> parse_reply("It doesn't.")[0]
    <Reply.NO: 'no'>
    """
    found = _REPLY.match(text)
    if not found:
        return None, text.strip()
    kind = found.lastgroup
    reply = {
        "unsure": Reply.UNSURE,
        "no": Reply.NO,
        "n": Reply.NO,
        "yes": Reply.YES,
        "yes_alone": Reply.YES,
        "y": Reply.YES,
    }[kind]
    rest = text[found.end() :].lstrip(" \t,.;:!?-—").strip()
    return reply, rest


def is_correction(text: str) -> bool:
    """Whether a message says it corrects what was said before.

    >>> is_correction("Actually, other VMs were affected too")
    True
    >>> is_correction("the host is actually fine")
    False
    """
    return bool(_CORRECTION.match(text))


@dataclass(frozen=True)
class Turn:
    """One user message, the files it attached, and what Sherlog made of it.

    ``reply`` is set when the message answered ``replied_to`` (the symptom of the question
    pending before it); ``question`` is the follow-up question Sherlog asked after it.
    """

    text: str
    attachments: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    question: Question | None = None
    reply: Reply | None = None
    replied_to: str | None = None
    correction: bool = False

    @property
    def description(self) -> str:
        """What the turn says about the problem: its text, minus a leading yes/no."""
        if self.reply is None:
            return self.text
        return parse_reply(self.text)[1]


@dataclass
class Conversation:
    """Everything said so far in one troubleshooting session."""

    turns: list[Turn] = field(default_factory=list)

    @property
    def evidence(self) -> list[Evidence]:
        """All evidence, where a later turn's word on a symptom replaces an earlier one,
        unless it is much less sure than what stands (under ``CORRECTION_SHARE`` of its
        strength): a passing resemblance in a later message ("/tmp has plenty of room")
        does not overturn a log line the user pasted before. An answer always replaces,
        and so does a turn that says it corrects when it says the opposite.

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
        >>> c.turns.append(Turn("actually it fails", (), (said(True, 0.3),), correction=True))
        >>> [(e.present, e.strength) for e in c.evidence]
        [(True, 0.3)]
        """
        standing: dict[str, tuple[int, float, bool]] = {}  # symptom -> turn, strength, present
        for n, turn in enumerate(self.turns):
            strongest: dict[str, Evidence] = {}
            for e in turn.evidence:
                if e.symptom not in strongest or e.strength > strongest[e.symptom].strength:
                    strongest[e.symptom] = e
            for symptom, e in strongest.items():
                before = standing.get(symptom)
                overrides = e.origin.kind is OriginKind.ANSWER or (
                    turn.correction and before is not None and e.present != before[2]
                )
                if before is None or overrides or e.strength >= CORRECTION_SHARE * before[1]:
                    standing[symptom] = (n, e.strength, e.present)
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

    @property
    def pending(self) -> Question | None:
        """The question the last turn ended with, which the next message may answer."""
        return self.turns[-1].question if self.turns else None

    @property
    def answers(self) -> list[tuple[str, Reply]]:
        """(symptom, answer) for every question the user answered, in order."""
        return [
            (t.replied_to, t.reply)
            for t in self.turns
            if t.reply is not None and t.replied_to is not None
        ]

    @property
    def attachments(self) -> list[str]:
        """The names of every file attached so far, in order."""
        return [name for t in self.turns for name in t.attachments]

    @property
    def description(self) -> str:
        """Everything the user typed about the problem, for comparing with the KB's prose."""
        return " ".join(d for t in self.turns if (d := t.description))

    def pose(self, question: Question | None) -> None:
        """Make ``question`` the pending one, in place of what the last turn asked (an
        evaluation's random-question policy uses this)."""
        if not self.turns:
            raise ValueError("no turn yet: a question follows a message")
        self.turns[-1] = replace(self.turns[-1], question=question)

    # Serialisation -------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {"version": FORMAT_VERSION, "turns": [_turn_to_dict(t) for t in self.turns]}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: Any) -> Conversation:
        if not isinstance(data, dict):
            raise ConversationError("conversation: expected a JSON object")
        if data.get("version") != FORMAT_VERSION:
            raise ConversationError(
                f"conversation: format version {data.get('version')!r}, "
                f"this Sherlog reads version {FORMAT_VERSION}"
            )
        turns = data.get("turns")
        if not isinstance(turns, list):
            raise ConversationError("conversation: 'turns' must be a list")
        out = []
        for n, raw in enumerate(turns):
            try:
                out.append(_turn_from_dict(raw))
            except (KeyError, TypeError, ValueError) as err:
                raise ConversationError(f"conversation: turns[{n}]: {_why(err)}") from err
        return cls(out)

    @classmethod
    def from_json(cls, text: str) -> Conversation:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise ConversationError(
                f"conversation: not JSON (line {err.lineno}, column {err.colno}: {err.msg})"
            ) from err
        return cls.from_dict(data)


def _why(err: Exception) -> str:
    if isinstance(err, KeyError):
        return f"missing field {err.args[0]!r}"
    return str(err)


def _turn_to_dict(turn: Turn) -> dict[str, Any]:
    q = turn.question
    return {
        "text": turn.text,
        "attachments": list(turn.attachments),
        "evidence": [_evidence_to_dict(e) for e in turn.evidence],
        "question": None if q is None else dataclasses.asdict(q),
        "reply": None if turn.reply is None else turn.reply.value,
        "replied_to": turn.replied_to,
        "correction": turn.correction,
    }


def _turn_from_dict(raw: Any) -> Turn:
    if not isinstance(raw, dict):
        raise TypeError("expected an object")
    q = raw.get("question")
    reply = raw.get("reply")
    return Turn(
        text=_str(raw["text"], "text"),
        attachments=tuple(_str(a, "attachments") for a in raw.get("attachments", [])),
        evidence=tuple(_evidence_from_dict(e) for e in raw.get("evidence", [])),
        question=None if q is None else _question_from_dict(q),
        reply=None if reply is None else Reply(reply),
        replied_to=raw.get("replied_to"),
        correction=bool(raw.get("correction", False)),
    )


def _question_from_dict(q: Any) -> Question:
    if not isinstance(q, dict):
        raise TypeError("question: expected an object")
    return Question(
        _str(q["symptom"], "question.symptom"),
        _str(q["text"], "question.text"),
        float(q["gain_bits"]),
        _str(q.get("check", ""), "question.check"),
    )


def _str(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name}: expected a string, got {type(value).__name__}")
    return value


def _evidence_to_dict(e: Evidence) -> dict[str, Any]:
    o = e.origin
    return {
        "symptom": e.symptom,
        "present": e.present,
        "strength": e.strength,
        "origin": {
            "kind": o.kind.value,
            "source": o.source,
            "text": o.text,
            "line": o.line,
            "span": None if o.span is None else list(o.span),
            "matched": o.matched,
            "similarity": o.similarity,
            "count": o.count,
            "last_line": o.last_line,
            "first_time": o.first_time,
            "last_time": o.last_time,
        },
    }


def _evidence_from_dict(raw: Any) -> Evidence:
    if not isinstance(raw, dict):
        raise TypeError("evidence: expected an object")
    o = raw["origin"]
    span = o.get("span")
    strength = float(raw["strength"])
    if not 0.0 < strength <= 1.0:
        raise ValueError(f"evidence strength must be in (0, 1], got {strength}")
    return Evidence(
        symptom=_str(raw["symptom"], "evidence.symptom"),
        present=bool(raw["present"]),
        strength=strength,
        origin=Origin(
            kind=OriginKind(o["kind"]),
            source=_str(o["source"], "origin.source"),
            text=_str(o["text"], "origin.text"),
            line=o.get("line"),
            span=None if span is None else (int(span[0]), int(span[1])),
            matched=o.get("matched", ""),
            similarity=o.get("similarity"),
            count=int(o.get("count", 1)),
            last_line=o.get("last_line"),
            first_time=o.get("first_time"),
            last_time=o.get("last_time"),
        ),
    )
