"""The page's pieces that do not need Streamlit: rendering helpers and the session."""

from __future__ import annotations

import pytest

from assistant.errors import EvidenceError
from assistant.store import ConversationStore, FeedbackKind
from graph.evidence import Evidence, Origin, OriginKind
from tests.conftest import NOISE
from ui.web.render import article_link, evidence_html, highlight
from ui.web.session import PASTED_NAME, ChatSession, Upload, read_uploads


class TestRender:
    def test_a_log_line_is_escaped_and_its_match_marked(self):
        line = "<script>x</script> PUMP-NOISE level 7"
        item = Evidence(
            "pump-noise", True, 1.0, Origin(OriginKind.LOG, "a.log", line, 12, (19, 29), count=3)
        )
        out = evidence_html(item)
        assert "<script>" not in out and "&lt;script&gt;" in out
        assert "<mark>PUMP-NOISE</mark>" in out and "a.log:12 ×3" in out

    def test_a_huge_line_is_shown_around_its_match(self):
        line = "x" * 5000 + "PUMP-NOISE" + "y" * 5000
        item = Evidence(
            "pump-noise", True, 1.0, Origin(OriginKind.LOG, "a.log", line, 1, (5000, 5010))
        )
        out = evidence_html(item)
        assert "<mark>PUMP-NOISE</mark>" in out and len(out) < 1000

    def test_a_span_outside_the_text_marks_nothing(self):
        assert highlight("abc", (2, 9)) == "abc"

    def test_words_and_answers_say_what_they_matched(self):
        said = Evidence(
            "s",
            False,
            0.7,
            Origin(
                OriginKind.MESSAGE, "message", "it <works>", matched="it fails", similarity=0.81
            ),
        )
        answered = Evidence(
            "s", True, 0.95, Origin(OriginKind.ANSWER, "answer", "yep", matched="Does it fail?")
        )
        assert (
            evidence_html(said) == "you ruled out “it &lt;works&gt;” ≈ “it fails” (similarity 0.81)"
        )
        assert evidence_html(answered) == "you answered <b>yes</b> to “Does it fail?”"

    def test_article_links_quote_their_parts(self):
        assert article_link("a b", "c#d") == "kb?article=a%20b#c%23d"


class TestReadUploads:
    def test_text_files_and_pasted_lines_become_attachments(self):
        attachments, errors = read_uploads([Upload("a.log", b"line one\n")], "pasted line", 1000)
        assert errors == []
        assert [(a.name, a.text(1000)) for a in attachments] == [
            ("a.log", "line one\n"),
            (PASTED_NAME, "pasted line"),
        ]

    def test_a_latin1_upload_is_read_not_refused(self):
        # bad UTF-8 is read with replacement characters, and the answer reports where
        attachments, errors = read_uploads(
            [Upload("latin.log", "café\n".encode("latin-1"))], "", 1000
        )
        assert [a.name for a in attachments] == ["latin.log"] and errors == []

    @pytest.mark.parametrize(
        ("upload", "said"),
        [
            (Upload("core.bin", b"\x00\x01ELF" * 10), "binary"),
            (Upload("big.log", b"x" * 2000), "over the attachment limit"),
            (Upload("empty.log", b"  \n"), "empty"),
        ],
    )
    def test_a_bad_upload_is_refused_by_name(self, upload, said):
        attachments, errors = read_uploads([upload, Upload("ok.log", b"fine\n")], "", 1000)
        assert [a.name for a in attachments] == ["ok.log"]
        assert len(errors) == 1 and errors[0].startswith(upload.name) and said in errors[0]


class TestChatSession:
    def test_each_turn_is_answered_and_saved_with_its_transcript(self, pump_sherlog, tmp_path):
        store = ConversationStore(tmp_path / "s.db")
        chat = ChatSession()
        first = chat.send(pump_sherlog, store, NOISE)
        assert first.next_question is not None
        chat.send(pump_sherlog, store, "yes")
        stored = store.load(chat.key)
        assert [m.text for m in stored.transcript] == [NOISE, "yes"]
        assert stored.conversation.answers == chat.conversation.answers
        assert len(chat.answers) == 2 and chat.answer is chat.answers[-1]

    def test_a_refused_turn_changes_nothing(self, pump_sherlog, tmp_path):
        store = ConversationStore(tmp_path / "s.db")
        chat = ChatSession()
        chat.send(pump_sherlog, store, NOISE)
        with pytest.raises(EvidenceError, match="empty question"):
            chat.send(pump_sherlog, store, "   ")
        assert len(chat.transcript) == len(chat.answers) == len(chat.conversation.turns) == 1
        assert len(store.load(chat.key).transcript) == 1

    def test_feedback_refers_to_the_latest_answer(self, pump_sherlog, tmp_path):
        store = ConversationStore(tmp_path / "s.db")
        chat = ChatSession()
        chat.send(pump_sherlog, store, NOISE)
        chat.send(pump_sherlog, store, "yes")
        recorded = chat.feedback(store, "pump-bearing", FeedbackKind.FIXED)
        assert (recorded.turn, recorded.kind) == (1, FeedbackKind.FIXED)

    def test_reset_starts_a_new_conversation_and_keeps_the_old_one_stored(
        self, pump_sherlog, tmp_path
    ):
        store = ConversationStore(tmp_path / "s.db")
        chat = ChatSession()
        chat.send(pump_sherlog, store, NOISE)
        old = chat.key
        chat.reset()
        assert chat.key != old and not chat.transcript and not chat.conversation.turns
        assert store.load(old) is not None
