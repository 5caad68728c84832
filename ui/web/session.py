"""One browser session's conversation: what was sent, what Sherlog answered, and saving it.

Kept apart from Streamlit so the page's behaviour (a turn, a follow-up answer, feedback)
can be driven and tested without a page.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.answer import Answer
from assistant.attachments import Attachment, attachment_from_bytes
from assistant.conversation import Conversation
from assistant.engine import Sherlog
from assistant.errors import EvidenceError
from assistant.store import ConversationStore, Feedback, FeedbackKind, Message

__all__ = ["PASTED_NAME", "ChatSession", "Upload", "read_uploads"]

PASTED_NAME = "pasted log"


@dataclass(frozen=True)
class Upload:
    """A file as the browser sent it."""

    name: str
    data: bytes


def read_uploads(
    uploads: Sequence[Upload], pasted: str, max_bytes: int
) -> tuple[list[Attachment], list[str]]:
    """The attachments to send, and one error per upload that cannot be one (binary,
    too large, empty, not UTF-8), each naming the file. Pasted log text is an attachment
    named ``PASTED_NAME``."""
    attachments: list[Attachment] = []
    errors: list[str] = []
    for upload in uploads:
        try:
            attachments.append(attachment_from_bytes(upload.name, upload.data, max_bytes))
        except EvidenceError as err:
            errors.append(str(err))
    if pasted.strip():
        try:
            attachments.append(attachment_from_bytes(PASTED_NAME, pasted.encode(), max_bytes))
        except EvidenceError as err:
            errors.append(str(err))
    return attachments, errors


@dataclass
class ChatSession:
    """The conversation of one browser session, saved to the store after every turn."""

    key: str = field(default_factory=lambda: f"page-{uuid.uuid4().hex}")
    conversation: Conversation = field(default_factory=Conversation)
    transcript: list[Message] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)

    @property
    def answer(self) -> Answer | None:
        return self.answers[-1] if self.answers else None

    def send(
        self,
        sherlog: Sherlog,
        store: ConversationStore | None,
        text: str,
        attachments: Sequence[Attachment] = (),
    ) -> Answer:
        """Add one turn and answer it. A refused turn (empty, too long) raises
        ``EvidenceError`` and leaves the conversation as it was."""
        answer = sherlog.reply(self.conversation, text, attachments)
        self.transcript.append(Message(text, tuple(attachments)))
        self.answers.append(answer)
        if store is not None:
            store.save(self.key, self.conversation, tuple(self.transcript))
        return answer

    def feedback(self, store: ConversationStore, cause: str, kind: FeedbackKind) -> Feedback:
        """Record thumbs up, down or "this fixed it" on a cause of the latest answer."""
        return store.record(self.key, cause, kind, len(self.answers) - 1)

    def reset(self) -> None:
        """Start over: a new conversation under a new key (the old one stays stored)."""
        fresh = ChatSession()
        self.key, self.conversation, self.transcript, self.answers = (
            fresh.key,
            fresh.conversation,
            fresh.transcript,
            fresh.answers,
        )
