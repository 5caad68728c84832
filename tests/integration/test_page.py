"""The chat page, run by Streamlit's AppTest against the real model and Chroma."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "ui" / "web" / "app.py")
TIMEOUT = 300  # the first run in a process loads the model (and may index the KB)

VAGUE = "vCenter shows one of our ESXi hosts as not responding"
HOSTD = (
    "Since this morning vCenter shows one of our ESXi hosts as not responding. The VMs "
    "on it are still running and I can SSH to the host, but the Host Client on the host "
    "itself won't load either."
)
VMKERNEL = (
    "2021-04-01T14:35:08.074Z: [APDCorrelator] 9413898746us: [vob.storage.apd.start] Device "
    "or filesystem with identifier [naa.60014055c425cd10a874374b415629b3] has entered the "
    "All Paths Down state.\n"
)


pytestmark = pytest.mark.integration


@pytest.fixture
def page_home(real_home, sherlog, monkeypatch) -> Path:
    """One indexed SHERLOG_HOME for every page test (the session's real Sherlog built it)."""
    monkeypatch.setenv("SHERLOG_HOME", str(real_home))
    return real_home


def open_page(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update(query)
    return at.run()


def ask(at: AppTest, text: str) -> AppTest:
    at.chat_input[0].set_value(text)
    return at.run()


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


CARD = re.compile(r"^\*\*(\d)\. .*\*\*  `([a-z0-9-]+)`$")


def card_titles(at: AppTest) -> list[str]:
    """The cause ids of the latest answer's cards, best first."""
    cards = [m for block in at.chat_message[-1:] for m in block.markdown if CARD.match(m.value)]
    return [CARD.match(m.value)[2] for m in cards]


class TestChat:
    def test_a_look_alike_the_description_resembles_more_is_shown_against_the_cause(
        self, page_home, sherlog
    ):
        section = sherlog.kb.passage("linux-filesystem-read-only", "not-kernel")
        # The section alone is now all look-alike (Sherlog shows no candidate at all); a
        # kernel line keeps the cause on the page, with the look-alike shown against it.
        kernel = "dmesg: EXT4-fs (dm-0): Remounting filesystem read-only"
        at = ask(open_page(), f"{section.heading}. {section.text} {kernel}")
        assert not at.exception
        assert "linux-readonly-filesystem" in card_titles(at)
        assert (
            "your description resembles [Not the kernel: read-only for one service only]"
            "(kb?article=linux-filesystem-read-only#not-kernel), a look-alike"
        ) in markdown(at)

    def test_seed_question_gets_the_seed_cause_first_with_a_citation(self, page_home):
        at = ask(open_page(), HOSTD)
        assert not at.exception
        assert card_titles(at)[0] == "esxi-hostd-not-responding"
        text = markdown(at)
        assert "esxi-management-agents#fix-restart-hostd" in text
        assert "kb?article=esxi-management-agents#fix-restart-hostd" in text
        quoted = [e for e in at.expander if "esxi-management-agents#fix-restart-hostd" in e.label]
        assert quoted and "hostd restart" in markdown_of(quoted[0])

    def test_a_product_named_against_a_cause_is_shown_against_it(self, page_home):
        at = ask(
            open_page(),
            "SQL Server: every insert fails, the data drive is full and the log files have"
            " grown to 300 GB",
        )
        assert not at.exception
        assert card_titles(at)[0] == "sqlserver-transaction-log-full"
        assert "you named Microsoft SQL Server; this cause happens on PostgreSQL" in markdown(at)

    def test_answering_the_follow_up_question_changes_the_ranking(self, page_home):
        at = ask(open_page(), VAGUE)
        before = card_titles(at)
        question = next(i.value for i in at.info if "Next question" in i.value)
        assert "Host Client" in question
        yes = next(b for b in at.button if b.label == "Yes")
        at = yes.click().run()
        after = card_titles(at)
        assert before[0] == "esxi-vpxa-not-responding"
        assert after[0] == "esxi-hostd-not-responding"
        assert [m.markdown[0].value for m in at.chat_message if m.name == "user"] == [VAGUE, "yes"]

    def test_an_uploaded_log_shows_its_matched_line_highlighted(self, page_home):
        at = open_page()
        at.file_uploader[0].upload("vmkernel.log", VMKERNEL.encode(), "text/plain")
        at = ask(at, "datastore went inaccessible on the host")
        text = markdown(at)
        assert "vmkernel.log:1" in text
        assert "<mark>has entered the All Paths Down</mark> state." in text

    def test_feedback_is_stored_with_the_conversation(self, page_home):
        at = ask(open_page(), HOSTD)
        fixed = next(b for b in at.button if b.label == "This fixed it" and "esxi-hostd" in b.key)
        at = fixed.click().run()
        key = at.session_state["chat"].key
        with sqlite3.connect(page_home / "sherlog.db") as db:
            rows = db.execute("SELECT cause, kind FROM feedback WHERE key = ?", (key,)).fetchall()
            stored = db.execute("SELECT 1 FROM conversations WHERE key = ?", (key,)).fetchall()
        assert rows == [("esxi-hostd-not-responding", "fixed")]
        assert stored

    def test_two_sessions_never_see_each_others_messages(self, page_home):
        first = ask(open_page(), HOSTD)
        second = ask(open_page(), "the datastore is full, VMs paused with no space left")
        first = first.run()
        users = lambda at: [m.markdown[0].value for m in at.chat_message if m.name == "user"]  # noqa: E731
        assert users(first) == [HOSTD]
        assert users(second) == ["the datastore is full, VMs paused with no space left"]
        assert first.session_state["chat"].key != second.session_state["chat"].key

    def test_a_question_outside_the_kb_gets_a_plain_i_dont_know(self, page_home):
        at = ask(open_page(), "Which hotel near the conference centre has the best breakfast?")
        assert any("I don't know" in w.value for w in at.warning)
        assert not card_titles(at)
        assert not at.exception


class TestBadInput:
    def test_a_binary_upload_is_refused_by_name_and_nothing_is_lost(self, page_home):
        at = ask(open_page(), HOSTD)
        at.file_uploader[0].upload("core.dump", b"\x7fELF\x00\x00\x01\x02" * 100)
        at = ask(at, "also this dump")
        errors = [e.value for e in at.error]
        assert any("core.dump" in e and "binary" in e for e in errors)
        assert not at.exception
        assert len(at.session_state["chat"].answers) == 1  # the turn was not sent

    def test_a_blank_message_is_an_error_in_the_page(self, page_home):
        at = ask(open_page(), "   ")
        assert [e.value for e in at.error] == [
            "Empty message: describe what you see, or attach a log."
        ]
        assert not at.session_state["chat"].transcript
        assert not at.exception

    def test_an_upload_over_the_limit_is_refused_by_name(self, page_home, monkeypatch):
        monkeypatch.setenv("SHERLOG_MAX_ATTACHMENT_BYTES", "2000")
        at = open_page()
        at.file_uploader[0].upload("vmkernel.log", VMKERNEL.encode() * 20, "text/plain")
        at = ask(at, "datastore went inaccessible on the host")
        assert any(
            "vmkernel.log" in e.value and "over the attachment limit" in e.value for e in at.error
        )
        assert not at.session_state["chat"].transcript

    def test_an_invalid_kb_shows_its_problems_not_a_traceback(
        self, page_home, monkeypatch, tmp_path
    ):
        bad = tmp_path / "bad-kb"
        bad.mkdir()
        (bad / "broken.md").write_text("---\nid: broken\ntitle: [unclosed\n---\nbody\n")
        monkeypatch.setenv("SHERLOG_KB", str(bad))
        at = open_page()
        assert any("knowledge base has problems" in e.value for e in at.error)
        problem = at.table[0].value.iloc[0]
        assert "broken.md" in problem["where"] and "not valid YAML" in problem["problem"]
        assert not at.exception and not at.chat_input


class TestOtherViews:
    def test_the_graph_view_draws_the_candidates(self, page_home):
        at = ask(open_page(), VAGUE)
        at.switch_page("views/graph_view.py").run()
        charts = at.get("graphviz_chart")
        assert charts and "esxi-vpxa-not-responding" in charts[0].proto.spec

    def test_the_kb_view_opens_an_article_at_its_anchors(self, page_home):
        at = open_page()
        at.switch_page("views/kb_view.py")
        at.query_params["article"] = "esxi-management-agents"
        at.run()
        anchors = {h.proto.anchor for h in at.subheader}
        assert "fix-restart-hostd" in anchors
        assert "esxi-hostd-not-responding" in markdown(at)

    def test_the_kb_search_finds_passages_and_links_them(self, page_home):
        at = open_page()
        at.switch_page("views/kb_view.py").run()
        at.text_input[0].set_value("hostd restart host not responding").run()
        assert "kb?article=esxi-management-agents#" in markdown(at)

    def test_an_unknown_article_id_is_said_plainly(self, page_home):
        at = open_page()
        at.switch_page("views/kb_view.py")
        at.query_params["article"] = "no-such-article"
        at.run()
        assert any("no-such-article" in e.value for e in at.error)
        assert not at.exception


def markdown_of(block) -> str:
    return "\n".join(m.value for m in block.markdown)
