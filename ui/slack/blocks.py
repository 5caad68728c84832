"""Render an Answer as Slack Block Kit blocks, and read a clicked button back.

Pure functions: no Slack SDK, no I/O. The bot posts ``answer_blocks(...)`` with
``answer_text(...)`` as the message's ``text`` (notifications and screen readers), and
hands each clicked button's action to :func:`parse_action`.

Every piece of text taken from an Answer (log lines, the user's words, KB prose) is
escaped for mrkdwn (``&``, ``<``, ``>``), so a log line cannot post a link or a mention
such as ``<!channel>``, and every mrkdwn object is ``verbatim`` so that Slack does not
turn bare names or addresses into mentions or links either. Slack's limits are kept here:
50 blocks (the lowest-ranked detail goes first), 3000 characters a section, 150 a header,
75 a button label, 2000 a button value, 10 elements a context block.

A button's ``action_id`` is ``sherlog_reply:<turn>:<reply>`` or
``sherlog_feedback:<turn>:<rank>:<kind>`` (unique within a message, as Slack requires);
its ``value`` is compact JSON holding the action, which :func:`parse_action` reads.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.answer import Answer, Citation, RankedCause
from assistant.conversation import Reply
from assistant.logread import occurrences, template_lines
from assistant.store import FeedbackKind
from graph.evidence import Evidence, OriginKind
from kb.index import PassageHit
from ui.render_text import FIXES_FOR_CONFIDENCE, percent
from ui.web.render import article_link, clip

__all__ = [
    "CUT_TO_FIT",
    "FEEDBACK_ACTION",
    "MAX_BLOCKS",
    "REPLY_ACTION",
    "FeedbackAction",
    "ReplyAction",
    "answer_blocks",
    "answer_text",
    "error_blocks",
    "escape",
    "parse_action",
]

REPLY_ACTION = "sherlog_reply"  # follow-up answer buttons
FEEDBACK_ACTION = "sherlog_feedback"  # feedback buttons

# Slack's Block Kit limits
MAX_BLOCKS = 50
SECTION_CHARS = 3000
HEADER_CHARS = 150
BUTTON_TEXT_CHARS = 75
BUTTON_VALUE_CHARS = 2000
CONTEXT_ELEMENTS = 10

# How much of the Answer one message shows; the chat page shows the rest.
TITLE_CHARS = 200  # these limits are on the escaped text
NAME_CHARS = 120  # an id, article#anchor or file:line
URL_CHARS = 1000
LINE_CHARS = 300  # one log line, clause or step
AROUND_MATCH = 100  # of a long log line, this much is shown before the match
EVIDENCE_LINES = 10  # for, and against, each candidate
QUOTE_CHARS = 400
TEXT_CHARS = 300  # each line of answer_text
ERROR_CHARS = 500  # escaped, at most 5 times longer: within a section
BAR_WIDTH = 10
CUT_TO_FIT = "…cut to fit in one Slack message"

I_DONT_KNOW = "I don't know: nothing in the knowledge base explains this well enough"
REPLIES = {"Yes": Reply.YES, "No": Reply.NO, "Don't know": Reply.UNSURE}
FEEDBACK = {
    FeedbackKind.UP: "Helpful",
    FeedbackKind.DOWN: "Not it",
    FeedbackKind.FIXED: "This fixed it",
}
_GRAVE = "ˋ"  # MODIFIER LETTER GRAVE ACCENT: looks like a backtick, cannot close a code span


@dataclass(frozen=True)
class ReplyAction:
    """A click on Yes / No / Don't know under the question of answer ``turn`` (0-based)."""

    turn: int
    reply: str  # a Reply value: "yes", "no" or "don't know", sent as the user's next turn

    def __post_init__(self) -> None:
        _check_turn(self.turn)
        replies = [r.value for r in Reply]
        if self.reply not in replies:
            raise ValueError(f"reply must be one of {replies}, got {self.reply!r}")


@dataclass(frozen=True)
class FeedbackAction:
    """A click on Helpful / Not it / This fixed it under ``cause`` in answer ``turn``."""

    turn: int
    cause: str
    kind: str  # a FeedbackKind value: "up", "down" or "fixed"

    def __post_init__(self) -> None:
        _check_turn(self.turn)
        if not isinstance(self.cause, str) or not self.cause:
            raise ValueError(f"cause must be a non-empty string, got {self.cause!r}")
        kinds = [k.value for k in FeedbackKind]
        if self.kind not in kinds:
            raise ValueError(f"kind must be one of {kinds}, got {self.kind!r}")


def _check_turn(turn: object) -> None:
    # bool is an int, and "true" is no turn
    if not isinstance(turn, int) or isinstance(turn, bool) or turn < 0:
        raise ValueError(f"turn must be an integer >= 0, got {turn!r}")


_ACTIONS: dict[str, type[ReplyAction] | type[FeedbackAction]] = {
    REPLY_ACTION: ReplyAction,
    FEEDBACK_ACTION: FeedbackAction,
}


def _value(action: ReplyAction | FeedbackAction) -> str:
    return json.dumps(dataclasses.asdict(action), separators=(",", ":"), ensure_ascii=False)


def parse_action(action: Mapping[str, Any]) -> ReplyAction | FeedbackAction:
    """Read back a clicked button: one element of a ``block_actions`` payload's ``actions``.

    Raises ValueError, naming the action and the bad value, when the action is not one
    of Sherlog's buttons or its value is malformed.

    >>> parse_action({"action_id": "sherlog_reply:2:no", "value": '{"turn":2,"reply":"no"}'})
    ReplyAction(turn=2, reply='no')
    >>> parse_action({"action_id": "other_app", "value": "{}"})
    Traceback (most recent call last):
    ...
    ValueError: action 'other_app' is not a Sherlog button (sherlog_reply or sherlog_feedback)
    """
    if not isinstance(action, Mapping):
        raise ValueError(f"a Slack action is an object, got {type(action).__name__}")
    action_id = action.get("action_id")
    if not isinstance(action_id, str):
        raise ValueError(f"Slack action has no action_id: {clip(repr(action), 200)}")
    cls = _ACTIONS.get(action_id.split(":", 1)[0])
    if cls is None:
        raise ValueError(
            f"action {clip(repr(action_id), 200)} is not a Sherlog button "
            f"({REPLY_ACTION} or {FEEDBACK_ACTION})"
        )
    raw = action.get("value")
    where = f"action {clip(repr(action_id), 200)}: value {clip(repr(raw), 200)}"
    if not isinstance(raw, str):
        raise ValueError(f"{where}: expected a JSON string")
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as err:
        raise ValueError(f"{where}: not JSON ({err})") from err
    fields = [f.name for f in dataclasses.fields(cls)]
    if not isinstance(value, dict) or sorted(value) != sorted(fields):
        raise ValueError(f"{where}: expected an object with exactly the keys {fields}")
    try:
        return cls(**value)
    except ValueError as err:
        raise ValueError(f"{where}: {err}") from err


def escape(text: str) -> str:
    """``text`` safe inside mrkdwn: no links, mentions or dates can be made from it.

    >>> escape("<!channel> & <http://x|y>")
    '&lt;!channel&gt; &amp; &lt;http://x|y&gt;'
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _text(text: str, limit: int) -> str:
    """``text`` on one line, escaped, at most ``limit`` characters once escaped (an
    entity is never cut in half).

    >>> _text("a & b\\n& c", 99), _text("a & b", 8), _text("a & b", 7)
    ('a &amp; b &amp; c', 'a &amp;…', 'a …')
    """
    escaped = escape(" ".join(text.split()))
    if len(escaped) <= limit:
        return escaped
    cut = escaped[: limit - 1]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + "…"


def _code(text: str, limit: int = LINE_CHARS) -> str:
    """``text`` as an inline code span that no backtick in it can end early."""
    return f"`{_text(text.replace('`', _GRAVE), limit)}`" if text.strip() else ""


def _link(url: str, label: str) -> str:
    # article_link quotes the article and anchor; this keeps a configured address from
    # breaking out of <url|label>
    safe = url.replace("|", "%7C").replace("<", "%3C").replace(">", "%3E").replace(" ", "%20")
    return f"<{escape(safe)}|{_text(label, NAME_CHARS)}>"


def _ref(article: str, anchor: str, public_url: str | None) -> str:
    """A KB reference, ``article#anchor``: a link to the KB page when there is a public
    address, else code."""
    name = f"{article}#{anchor}" if anchor else article
    url = f"{public_url}/{article_link(article, anchor)}" if public_url else ""
    if not url or len(url) > URL_CHARS:
        return _code(name, NAME_CHARS)
    return _link(url, name)


def _bar(confidence: float) -> str:
    """
    >>> _bar(0.81)
    '████████░░ 81%'
    """
    confidence = min(max(confidence, 0.0), 1.0)
    filled = round(confidence * BAR_WIDTH)
    return "█" * filled + "░" * (BAR_WIDTH - filled) + f" {percent(confidence)}"


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def _plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text, limit), "emoji": True}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": _mrkdwn(text)}


def _fit_lines(lines: Sequence[str], left_out: int = 0) -> str:
    """As many of ``lines`` as fit in a section, then how many were left out (``left_out``
    more were left out before).

    >>> print(_fit_lines(["*For:*", "• a", "• b"], left_out=1))
    *For:*
    • a
    • b
    …and 1 more
    """
    kept: list[str] = []
    size = 0
    for n, line in enumerate(lines):
        left = left_out + len(lines) - n - 1
        note = len(f"\n…and {left} more") if left else 0
        if size + len(line) + 1 + note > SECTION_CHARS:
            break
        kept.append(line)
        size += len(line) + 1
    left = left_out + len(lines) - len(kept)
    return "\n".join([*kept, f"…and {left} more"] if left else kept)


def _bullets(heading: str, items: Sequence[str], most: int | None = None) -> dict[str, Any]:
    """A section: a heading over at most ``most`` bullet items, as many as fit."""
    shown = items[:most] if most is not None else items
    return _section(_fit_lines([heading, *(f"• {i}" for i in shown)], len(items) - len(shown)))


def _context(texts: Sequence[str]) -> dict[str, Any]:
    if len(texts) > CONTEXT_ELEMENTS:
        left = len(texts) - CONTEXT_ELEMENTS + 1
        texts = [*texts[: CONTEXT_ELEMENTS - 1], f"…and {left} more"]
    return {"type": "context", "elements": [_mrkdwn(t) for t in texts]}


def _button(label: str, action_id: str, action: ReplyAction | FeedbackAction) -> dict[str, Any]:
    return {
        "type": "button",
        "text": _plain(label, BUTTON_TEXT_CHARS),
        "action_id": action_id,
        "value": _value(action),
    }


def _log_line(text: str, span: tuple[int, int] | None) -> tuple[str, str]:
    """The part of a log line to show (around the match when it is long) and the matched
    part, or "" when the match is the whole line or unknown."""
    valid = span is not None and 0 <= span[0] < span[1] <= len(text)
    matched = text[span[0] : span[1]] if valid and span != (0, len(text)) else ""
    width = LINE_CHARS - 2  # room for an ellipsis at each end
    if len(text) > width:
        start = max(0, span[0] - AROUND_MATCH) if valid else 0
        end = start + width
        text = ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
    return text, matched


def _evidence(item: Evidence) -> str:
    """One line of evidence in mrkdwn: where it came from and what it is."""
    origin = item.origin
    if origin.kind is OriginKind.LOG:
        detail = _text(occurrences(origin), LINE_CHARS)
        times = (
            f" ×{origin.count}{' (' + detail + ')' if detail else ''}" if origin.count > 1 else ""
        )
        where = f"{origin.source}:{origin.line}" if origin.line is not None else origin.source
        ruled_out = "" if item.present else f"rules out {_text(item.symptom, NAME_CHARS)}: "
        line, matched = _log_line(origin.text, origin.span)
        found = f" matched {_code(matched, AROUND_MATCH)}" if matched else ""
        return f"{_code(where, NAME_CHARS)}{times} {ruled_out}{_code(line)}{found}"
    if origin.kind is OriginKind.MESSAGE:
        verb = "you said" if item.present else "you ruled out"
        similarity = f" (similarity {origin.similarity:.2f})" if origin.similarity else ""
        return (
            f"{verb} “{_text(origin.text, LINE_CHARS)}” ≈ "
            f"“{_text(origin.matched, LINE_CHARS)}”{similarity}"
        )
    if origin.kind is OriginKind.TEMPLATE:
        return (
            f"{_code(origin.source, NAME_CHARS)} ≈{origin.count:,} unexplained lines like "
            f"{_code(origin.text)} resemble “{_text(origin.matched, LINE_CHARS)}” (weak)"
        )
    if origin.matched:
        answered = "yes" if item.present else "no"
        return f"you answered *{answered}* to “{_text(origin.matched, LINE_CHARS)}”"
    return f"you answered “{_text(origin.text, LINE_CHARS)}”"


def _resembles(hit: PassageHit, public_url: str | None, lookalike: bool = False) -> str:
    closer = ", a look-alike, more than anything about this cause" if lookalike else ""
    return (
        f"your description resembles “{_text(hit.heading or hit.article, TITLE_CHARS)}” "
        f"{_ref(hit.article, hit.anchor, public_url)}{closer} (similarity {hit.score:.2f})"
    )


@dataclass
class _Card:
    """One candidate's blocks; ``details`` go first, last first, when the message is full."""

    title: dict[str, Any]
    details: list[dict[str, Any]] = field(default_factory=list)
    feedback: dict[str, Any] | None = None

    def blocks(self) -> list[dict[str, Any]]:
        feedback = [self.feedback] if self.feedback else []
        return [{"type": "divider"}, self.title, *self.details, *feedback]


def _card(
    rank: int,
    d: RankedCause,
    turn: int,
    public_url: str | None,
    quoted: set[tuple[str, str]],
) -> _Card:
    card = _Card(
        _section(
            f"*{rank}. {_text(d.title, TITLE_CHARS)}*  {_code(d.cause, NAME_CHARS)}\n"
            f"{_bar(d.confidence)}"
        )
    )
    supporting = [_evidence(item) for item in d.supporting]
    if d.resembles is not None:
        supporting.append(_resembles(d.resembles, public_url))
    if supporting:
        card.details.append(_bullets("*For:*", supporting, EVIDENCE_LINES))
    against = [_evidence(item) for item in d.contradicting]
    if d.unlike is not None:
        against.append(_resembles(d.unlike, public_url, lookalike=True))
    if d.product_note:
        against.append(_text(d.product_note, LINE_CHARS))
    if against:
        card.details.append(_bullets("*Against:*", against, EVIDENCE_LINES))
    if d.confidence >= FIXES_FOR_CONFIDENCE and d.fixes:
        lines = []
        citations: dict[tuple[str, str], Citation] = {}
        for plan in d.fixes:
            lines.append(f"*Fix: {_text(plan.title, TITLE_CHARS)}*")
            for n, step in enumerate(plan.steps, 1):
                c = step.citation
                ref = _ref(c.article, c.anchor, public_url)
                lines.append(f"{n}. {_text(step.text, LINE_CHARS)}  ↳ {ref}")
                citations.setdefault((c.article, c.anchor), c)
        card.details.append(_section(_fit_lines(lines)))
        # each passage is quoted once a message, under the first candidate citing it
        quotes = [
            f"{_ref(c.article, c.anchor, public_url)} *{_text(c.heading, TITLE_CHARS)}*: "
            f"“{_text(c.passage, QUOTE_CHARS)}”"
            for key, c in citations.items()
            if key not in quoted
        ]
        quoted.update(citations)
        if quotes:
            card.details.append(_context(quotes))
    buttons = [
        _button(label, f"{FEEDBACK_ACTION}:{turn}:{rank}:{kind.value}", action)
        for kind, label in FEEDBACK.items()
        for action in [FeedbackAction(turn, d.cause, kind.value)]
    ]
    # a KB id has no length limit, a button's value has
    if all(len(b["value"]) <= BUTTON_VALUE_CHARS for b in buttons):
        card.feedback = {"type": "actions", "elements": buttons}
    return card


def _within_block_limit(
    head: list[dict[str, Any]], cards: list[_Card], tail: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """At most ``MAX_BLOCKS`` blocks, and a note when something was left out: first the
    candidates that would not fit even bare (from the bottom), then the detail of the
    lowest-ranked candidates that still have some."""

    def join(cards: list[_Card], *more: dict[str, Any]) -> list[dict[str, Any]]:
        return [*head, *(b for card in cards for b in card.blocks()), *more, *tail]

    if len(join(cards)) <= MAX_BLOCKS:
        return join(cards)
    room = MAX_BLOCKS - len(head) - len(tail) - 1  # one for the note
    bare = [len(_Card(card.title, [], card.feedback).blocks()) for card in cards]
    while cards and sum(bare[: len(cards)]) > room:
        cards = cards[:-1]
    while sum(len(card.blocks()) for card in cards) > room:
        next(card for card in reversed(cards) if card.details).details.pop()
    return join(cards, _context([CUT_TO_FIT]))


def answer_blocks(answer: Answer, *, turn: int, public_url: str | None = None) -> list[dict]:
    """The Block Kit blocks of one answer, the ``turn``-th (0-based) of its thread.

    Parameters
    ----------
    answer
        What Sherlog said; only its fields are rendered.
    turn
        The answer's index in the thread's conversation; every button carries it, so a
        click on an old message can be told apart.
    public_url
        The chat page's public address: citations link to its KB view. Without it they
        are shown as ``article#anchor``.
    """
    _check_turn(turn)
    base = public_url.rstrip("/") if public_url else None
    head: list[dict[str, Any]] = []
    if answer.abstained or not answer.diagnoses:
        head.append({"type": "header", "text": _plain(I_DONT_KNOW, HEADER_CHARS)})
    else:
        head.append({"type": "header", "text": _plain("Likely causes", HEADER_CHARS)})
    head.append(_context([f"Not in the knowledge base: {percent(answer.unknown_confidence)}"]))
    if answer.checks:
        checks = [_text(q.check or q.text, LINE_CHARS) for q in answer.checks]
        head.append(_bullets("*To narrow it down, collect:*", checks))
    if answer.related and (answer.abstained or not answer.diagnoses):
        related = [
            f"{_text(hit.heading or hit.article, TITLE_CHARS)} "
            f"{_ref(hit.article, hit.anchor, base)} (similarity {hit.score:.2f})"
            for hit in answer.related
        ]
        head.append(_bullets("*Related reading:*", related))
    if answer.abstained and answer.diagnoses:
        head.append(_section("*Weak candidates:*"))

    quoted: set[tuple[str, str]] = set()
    cards = [_card(rank, d, turn, base, quoted) for rank, d in enumerate(answer.diagnoses, 1)]

    tail: list[dict[str, Any]] = []
    if answer.notes:
        tail.append(_context([f"Note: {_text(n, LINE_CHARS)}" for n in answer.notes]))
    for report in answer.logs:
        read = [_text(n, LINE_CHARS) for n in report.notes()[:8]]
        frequent = [_code(t) for t in template_lines(report)]
        if frequent:
            read.append("Most frequent lines no KB pattern explains: " + " · ".join(frequent))
        tail.append(_context(read[:10]))
    question = answer.next_question
    if question is not None:
        tail.append(_section(f"*Next question:* {_text(question.text, LINE_CHARS)}"))
        buttons = [
            _button(
                label, f"{REPLY_ACTION}:{turn}:{reply.name.lower()}", ReplyAction(turn, reply.value)
            )
            for label, reply in REPLIES.items()
        ]
        tail.append({"type": "actions", "elements": buttons})
    return _within_block_limit(head, cards, tail)


def answer_text(answer: Answer) -> str:
    """The message's plain-text fallback: the top cause and its confidence, or "I don't
    know", and the next question when there is one."""
    if answer.abstained or not answer.diagnoses:
        lines = [
            f"{I_DONT_KNOW} (not in the knowledge base: {percent(answer.unknown_confidence)})."
        ]
    else:
        top = answer.diagnoses[0]
        lines = [f"Likely cause: {clip(top.title, TITLE_CHARS)} ({percent(top.confidence)})"]
    if answer.next_question is not None:
        lines.append(f"Next question: {clip(answer.next_question.text, LINE_CHARS)}")
    return "\n".join(_text(line, TEXT_CHARS) for line in lines)


def error_blocks(message: str) -> list[dict]:
    """A short warning for a refused input (a binary or empty file, an empty message).

    >>> error_blocks("empty message")[0]["text"]["text"]
    ':warning: empty message'
    """
    text = message.strip() or "Sherlog could not read that."
    if len(text) > ERROR_CHARS:  # lines kept: a message may list one problem a line
        text = text[: ERROR_CHARS - 1] + "…"
    return [_section(f":warning: {escape(text)}")]
