"""``sherlog chat``: a conversation in the terminal, line by line.

Each line is one message; a fenced block (a line opening with three backticks, up to the
line closing it) is one message too, for pasting logs. After every message the answer is
printed. When Sherlog asked a question, the next message may answer it: yes, no, don't
know, or anything freer. Only these are commands ("/var is full" is a message):

    /log FILE   attach a log file; it is read at once, as a message of its own
    /why        the evidence gathered so far, one line per symptom
    /reset      forget the conversation and start over
    /quit       leave (end of input does the same)
    /help       this list

It reads standard input whether it is a terminal or a pipe, so a session can be
scripted: ``printf 'host not responding\\nyes\\n/why\\n' | sherlog chat``. Prompts and
notices go to standard error, answers to standard output.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TextIO

from assistant.attachments import read_attachment
from assistant.conversation import Conversation
from assistant.errors import SherlogError
from graph.evidence import OriginKind
from ui.render_text import render_text

__all__ = ["HELP", "chat_session", "evidence_table", "messages"]

HELP = """\
commands:
  /log FILE   attach a log file (read at once)
  /why        show the evidence gathered so far
  /reset      start a new conversation
  /quit       leave
Answer a question with yes, no or don't know, or just say more."""

FENCE = "```"
COMMANDS = frozenset({"/log", "/why", "/reset", "/quit", "/exit", "/help"})


def messages(lines: Iterable[str]) -> Iterator[str]:
    """Group input lines into messages: one line each, or one fenced block.

    >>> list(messages(["hello", "```", "a", "b", "```", "", "/why"]))
    ['hello', '```\\na\\nb\\n```', '/why']
    """
    block: list[str] | None = None
    for raw in lines:
        line = raw.rstrip("\r\n")
        if block is not None:
            block.append(line)
            if line.strip().startswith(FENCE):
                yield "\n".join(block)
                block = None
            continue
        if line.strip().startswith(FENCE):
            block = [line]
            continue
        if line.strip():
            yield line.strip()
    if block:
        yield "\n".join(block)  # an unclosed fence at end of input still counts


def evidence_table(conversation: Conversation) -> str:
    """One line per symptom with standing evidence: seen or ruled out, how sure, where from."""
    rows = []
    for e in conversation.evidence:
        o = e.origin
        state = "seen" if e.present else "ruled out"
        if o.kind is OriginKind.LOG:
            where = f"{o.source}:{o.line}" + (f" x{o.count}" if o.count > 1 else "")
        elif o.kind is OriginKind.ANSWER:
            where = "your answer"
        else:
            where = "your words"
        text = " ".join(o.text.split())
        rows.append((e.symptom, state, f"{e.strength:.2f}", where, text[:70]))
    if not rows:
        return "no evidence yet: nothing said so far matches a symptom in the knowledge base"
    header = ("symptom", "state", "strength", "from", "text")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    out = []
    for row in [header, *rows]:
        out.append(
            "  ".join(c.ljust(w) for c, w in zip(row[:4], widths, strict=True)) + "  " + row[4]
        )
    return "\n".join(out)


def chat_session(
    sherlog,
    lines: Iterable[str],
    out: TextIO,
    err: TextIO,
    max_attachment_bytes: int,
    conversation: Conversation | None = None,
    saved: Callable[[Conversation], None] | None = None,
) -> Conversation:
    """Run one chat over ``lines``; returns the conversation as it stands at the end.

    ``saved`` is called after every turn that changed the conversation.
    """
    conversation = conversation if conversation is not None else Conversation()

    def say(text: str) -> None:
        print(text, file=out, flush=True)

    def note(text: str) -> None:
        print(f"sherlog: {text}", file=err, flush=True)

    def turn(text: str, attachments=()) -> None:
        try:
            answer = sherlog.reply(conversation, text, attachments)
        except SherlogError as error:  # nothing said so far is lost
            note(str(error))
            return
        say(render_text(answer))
        say("")
        if saved:
            saved(conversation)

    for message in messages(lines):
        command, _, argument = message.partition(" ")
        if command in COMMANDS or (re.fullmatch(r"/[a-z]+", command) and not argument):
            if command in ("/quit", "/exit"):
                break
            if command == "/help":
                say(HELP)
            elif command == "/why":
                say(evidence_table(conversation))
            elif command == "/reset":
                conversation.turns.clear()
                if saved:
                    saved(conversation)
                say("(new conversation)")
            elif command == "/log":
                if not argument.strip():
                    note("/log needs a file name: /log FILE")
                else:
                    try:
                        attachment = read_attachment(
                            Path(argument.strip()).expanduser(), max_attachment_bytes
                        )
                    except SherlogError as error:
                        note(str(error))
                    else:
                        note(f"attached {attachment.name}")
                        turn("", [attachment])
            else:
                note(f"unknown command {command}; /help lists them")
        else:
            turn(message)
    return conversation
