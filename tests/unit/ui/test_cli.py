"""The command line: bad input gets one clear line and exit status 2, never a traceback."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from assistant.conversation import Conversation, Turn
from assistant.settings import Settings
from assistant.store import ConversationStore, Message
from evals.cases import load_cases
from kb.loader import load_kb
from tests.conftest import write_article
from ui.cli import cli


def run(*args, env=None, input=None):
    result = CliRunner().invoke(cli, list(args), env=env, input=input)
    assert "Traceback" not in result.output
    return result


class TestChatBadState:
    def test_a_corrupt_state_file_is_refused_and_kept(self, tmp_path):
        state = tmp_path / "conversation.json"
        state.write_text("{bad", encoding="utf-8")
        result = run("chat", "--state", str(state), input="hello\n")
        assert result.exit_code == 2
        assert f"{state}: conversation: not JSON (line 1, column 2" in result.output
        assert state.read_text(encoding="utf-8") == "{bad"  # nothing stored is lost

    def test_a_state_file_of_another_version_is_refused(self, tmp_path):
        state = tmp_path / "conversation.json"
        state.write_text('{"version": 99, "turns": []}', encoding="utf-8")
        result = run("chat", "--state", str(state), input="hello\n")
        assert result.exit_code == 2
        assert "format version 99" in result.output


class TestAskBadInput:
    def test_empty_question(self):
        result = run("ask", "   ")
        assert result.exit_code == 2
        assert "empty question" in result.output

    def test_missing_log_file(self, tmp_path):
        result = run("ask", "why?", "--log", str(tmp_path / "edge.log"))
        assert result.exit_code == 2
        assert f"{tmp_path / 'edge.log'}: no such file" in result.output

    def test_binary_log(self, tmp_path):
        (tmp_path / "core.dump").write_bytes(b"\x00\x01\x02" * 100)
        result = run("ask", "why?", "--log", str(tmp_path / "core.dump"))
        assert result.exit_code == 2
        assert "core.dump: binary file" in result.output

    def test_non_utf8_log(self, tmp_path):
        (tmp_path / "win.log").write_bytes(b"ok\nErreur r\xe9seau\n")
        # read with U+FFFD for the bad byte, and the answer says where it was
        result = run("ask", "why?", "--log", str(tmp_path / "win.log"))
        assert result.exit_code == 0, result.output
        assert "win.log: 1 place was not UTF-8 (first on line 2); read as \ufffd." in result.output

    def test_malformed_kb_is_refused_and_index_kept(self, tmp_path, kb_dir, sherlog_home):
        write_article(kb_dir, "broken", "---\nid: broken\ntitle: x\nsources: [s]\nbogus: 1\n---\n")
        result = run("ask", "widget alpha fails", env={"SHERLOG_KB": str(kb_dir)})
        assert result.exit_code == 2
        assert "broken.md:5: bogus: unknown field, got 1" in result.output
        assert not (sherlog_home / "chroma").exists()  # nothing was (re)indexed


class TestValidate:
    def test_ok(self, kb_dir):
        result = run("kb", "validate", str(kb_dir))
        assert result.exit_code == 0
        assert "2 articles, 2 causes, 2 symptoms, 2 fixes: OK" in result.output
        assert "causes per area: linux 2" in result.output

    def test_prints_every_problem_and_fails(self, kb_dir):
        write_article(kb_dir, "gamma", "---\nid: Gamma\ntitle: x\nsources: []\n---\n")
        result = run("kb", "validate", str(kb_dir))
        assert result.exit_code == 1
        assert "gamma.md:2: id: must be lowercase kebab-case, got 'Gamma'" in result.output
        assert "gamma.md:4: sources: List should have at least 1 item" in result.output
        assert "2 problem(s)" in result.output

    @pytest.mark.parametrize("args", [("kb", "validate", "/no/such/dir")])
    def test_missing_folder(self, args):
        result = run(*args)
        assert result.exit_code == 1
        assert "no such KB folder" in result.output


class TestFeedbackExport:
    def _seed(self, kind: str, cause: str = "alpha-cause") -> None:
        with ConversationStore.open(Settings.from_env()) as store:
            store.save(
                "web-1",
                Conversation([Turn("widget alpha fails", (), ())]),
                [Message("widget alpha fails")],
            )
            store.record("web-1", cause, kind, 0)

    def test_writes_the_confirmed_conversations_as_cases(self, tmp_path, kb_dir):
        self._seed("fixed")
        out = tmp_path / "feedback.yaml"
        result = run("feedback", "export", str(out), env={"SHERLOG_KB": str(kb_dir)})
        assert result.exit_code == 0, result.output
        assert f"wrote 1 case to {out}" in result.output
        (case,) = load_cases([out], known_causes=load_kb(kb_dir).causes)
        assert (case.id, case.expected) == ("feedback-web-1", "alpha-cause")

    def test_no_fixed_feedback_is_refused_with_status_2(self, tmp_path, kb_dir):
        self._seed("up")
        out = tmp_path / "feedback.yaml"
        result = run("feedback", "export", str(out), env={"SHERLOG_KB": str(kb_dir)})
        assert result.exit_code == 2
        assert 'no conversation has "this fixed it" feedback yet' in result.output
        assert not out.exists()

    def test_a_cause_gone_from_the_kb_is_reported_and_nothing_written(self, tmp_path, kb_dir):
        self._seed("fixed", cause="gamma-cause")
        out = tmp_path / "feedback.yaml"
        result = run("feedback", "export", str(out), env={"SHERLOG_KB": str(kb_dir)})
        assert result.exit_code == 2
        assert "skipped conversation web-1: cause 'gamma-cause' is not in the knowledge base" in (
            result.output
        )
        assert not out.exists()
