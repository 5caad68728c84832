"""The conversation store: what the chat page keeps survives, bad input stores nothing, and
confirmed conversations become eval cases the eval loader accepts."""

from __future__ import annotations

import sqlite3
import threading

import pytest
import yaml

from assistant.attachments import Attachment
from assistant.conversation import Conversation, Reply, Turn
from assistant.errors import ConversationError, StoreError
from assistant.settings import Settings
from assistant.store import (
    ConversationStore,
    FeedbackKind,
    Message,
    export_cases,
    write_cases,
)
from evals.cases import load_cases
from graph import Evidence, OriginKind, Question
from graph.evidence import Origin

CAUSES = {"pump-bearing", "pump-seal"}
LOG = Attachment("pump.log", b"10:01 PUMP-NOISE level 7\n10:02 PUMP-NOISE level 9\n")


def _conversation(n: int = 3) -> tuple[Conversation, tuple[Message, ...]]:
    """A real conversation of ``n`` turns (the first with a log) and its transcript."""
    log = Origin(OriginKind.LOG, "pump.log", "10:01 PUMP-NOISE level 7", line=1, span=(6, 16))
    answer = Origin(OriginKind.ANSWER, "answer", "yes")
    turns = [
        Turn(
            "the pump is loud, log attached",
            ("pump.log",),
            (Evidence("pump-noise", True, 0.9, log),),
            question=Question("pump-hot", "Is the pump casing hot?", 0.7, "Touch it."),
        ),
        Turn(
            "yes, very",
            (),
            (Evidence("pump-hot", True, 0.95, answer),),
            reply=Reply.YES,
            replied_to="pump-hot",
        ),
        Turn("Actually, it also leaks — ünïcode", (), (), correction=True),
    ][:n]
    transcript = (
        Message("the pump is loud, log attached", (LOG,)),
        Message("yes, very"),
        Message("Actually, it also leaks — ünïcode"),
    )[:n]
    return Conversation(turns), transcript


@pytest.fixture
def store(tmp_path):
    with ConversationStore(tmp_path / "state" / "sherlog.db") as s:
        yield s


@pytest.fixture
def saved(store):
    """The store with conversation 'c1' (3 turns) saved."""
    store.save("c1", *_conversation())
    return store


def _rows(path, table: str) -> int:
    raw = sqlite3.connect(path)
    try:
        return raw.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        raw.close()


class TestOpen:
    def test_the_database_is_in_wal_mode(self, store):
        raw = sqlite3.connect(store.path)
        try:
            assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        finally:
            raw.close()

    def test_open_puts_it_in_sherlog_home(self, sherlog_home):
        with ConversationStore.open(Settings.from_env()) as s:
            assert s.path == sherlog_home / "sherlog.db"
        assert (sherlog_home / "sherlog.db").is_file()

    def test_a_text_file_is_refused_and_left_untouched(self, tmp_path):
        path = tmp_path / "sherlog.db"
        text = "these are my notes, not a database\n" * 50
        path.write_text(text, encoding="utf-8")
        with pytest.raises(StoreError, match="not a Sherlog database") as err:
            ConversationStore(path)
        assert str(err.value).startswith(f"{path}: ")
        assert isinstance(err.value.__cause__, sqlite3.DatabaseError)
        assert path.read_text(encoding="utf-8") == text
        assert sorted(p.name for p in tmp_path.iterdir()) == ["sherlog.db"]

    def test_another_programs_sqlite_database_is_refused_and_left_untouched(self, tmp_path):
        path = tmp_path / "sherlog.db"
        raw = sqlite3.connect(path)
        raw.execute("CREATE TABLE photos (name TEXT)")
        raw.commit()
        raw.close()
        before = path.read_bytes()
        with pytest.raises(StoreError, match=r"not a Sherlog database.*photos"):
            ConversationStore(path)
        assert path.read_bytes() == before

    def test_a_newer_schema_is_refused_with_the_path(self, tmp_path):
        path = tmp_path / "sherlog.db"
        ConversationStore(path).close()
        raw = sqlite3.connect(path)
        raw.execute("PRAGMA user_version = 99")
        raw.close()
        with pytest.raises(StoreError, match="schema version 99") as err:
            ConversationStore(path)
        assert str(path) in str(err.value)


class TestConversations:
    def test_round_trip_keeps_the_conversation_and_the_attachment_text(self, saved):
        conversation, transcript = _conversation()
        back = saved.load("c1")
        assert back.key == "c1"
        assert back.conversation == conversation
        assert back.conversation.pending is None and back.conversation.asked == ["pump-hot"]
        assert back.transcript == transcript
        assert back.transcript[0].attachments[0].text(1 << 20) == LOG.text(1 << 20)
        assert back.updated.endswith("+00:00")

    def test_an_unknown_key_loads_as_none(self, store):
        assert store.load("nope") is None

    def test_saving_again_replaces(self, store):
        store.save("c1", *_conversation(1))
        store.save("c1", *_conversation(3))
        assert len(store.load("c1").transcript) == 3
        assert store.keys() == ["c1"]

    def test_keys_are_listed_oldest_first(self, store):
        for key in ("b", "a", "c"):
            store.save(key, *_conversation(1))
        store.save("b", *_conversation(2))  # an update does not move it
        assert store.keys() == ["b", "a", "c"]

    def test_it_survives_reopening(self, tmp_path):
        path = tmp_path / "sherlog.db"
        with ConversationStore(path) as first:
            first.save("c1", *_conversation())
            first.record("c1", "pump-seal", FeedbackKind.UP, 1)
        with ConversationStore(path) as again:
            assert again.load("c1").transcript == _conversation()[1]
            assert [f.kind for f in again.feedback("c1")] == [FeedbackKind.UP]

    def test_two_stores_on_one_file_see_each_others_writes(self, tmp_path):
        path = tmp_path / "sherlog.db"
        with ConversationStore(path) as one, ConversationStore(path) as two:
            one.save("from-one", *_conversation(1))
            assert two.load("from-one") is not None
            two.record("from-one", "pump-seal", "down", 0)
            assert [f.kind for f in one.feedback()] == [FeedbackKind.DOWN]

    def test_a_transcript_that_does_not_match_the_turns_is_refused(self, store):
        conversation, transcript = _conversation(3)
        with pytest.raises(StoreError, match="'c1': the transcript has 2 message"):
            store.save("c1", conversation, transcript[:2])
        assert store.keys() == []

    def test_a_corrupt_stored_conversation_names_the_file_and_key(self, saved):
        raw = sqlite3.connect(saved.path)
        raw.execute("UPDATE conversations SET conversation = '{bad' WHERE key = 'c1'")
        raw.commit()
        raw.close()
        with pytest.raises(StoreError) as err:
            saved.load("c1")
        assert str(err.value).startswith(f"{saved.path}: conversation 'c1': conversation: not JSON")
        assert isinstance(err.value.__cause__, ConversationError)


class TestFeedback:
    def test_recorded_feedback_is_listed_oldest_first(self, saved):
        saved.save("c2", *_conversation(1))
        first = saved.record("c1", "pump-seal", FeedbackKind.DOWN, 0)
        saved.record("c2", "pump-bearing", "up", 0)
        saved.record("c1", "pump-bearing", "fixed", 2)
        assert first.kind is FeedbackKind.DOWN and first.at.endswith("+00:00")
        assert [(f.key, f.kind, f.turn) for f in saved.feedback()] == [
            ("c1", FeedbackKind.DOWN, 0),
            ("c2", FeedbackKind.UP, 0),
            ("c1", FeedbackKind.FIXED, 2),
        ]
        assert [f.cause for f in saved.feedback("c1")] == ["pump-seal", "pump-bearing"]
        assert saved.feedback("c1")[0] == first

    def test_an_unknown_key_is_refused_and_nothing_stored(self, saved):
        with pytest.raises(StoreError, match="no conversation 'ghost'"):
            saved.record("ghost", "pump-seal", FeedbackKind.UP, 0)
        assert _rows(saved.path, "feedback") == 0

    def test_a_bad_kind_lists_the_valid_ones_and_nothing_stored(self, saved):
        with pytest.raises(StoreError) as err:
            saved.record("c1", "pump-seal", "meh", 0)
        assert "'c1'" in str(err.value) and "got 'meh'" in str(err.value)
        assert "'up', 'down', 'fixed'" in str(err.value)
        assert _rows(saved.path, "feedback") == 0

    @pytest.mark.parametrize("turn", [3, -1, 1.0, True])
    def test_a_turn_out_of_range_is_refused_and_nothing_stored(self, saved, turn):
        with pytest.raises(StoreError, match=f"'c1': feedback turn.*{turn}"):
            saved.record("c1", "pump-seal", FeedbackKind.FIXED, turn)
        assert _rows(saved.path, "feedback") == 0

    @pytest.mark.parametrize("separate", [False, True], ids=["shared-store", "store-per-thread"])
    def test_concurrent_records_from_8_threads_lose_nothing(self, saved, separate):
        per_thread, errors = 25, []
        start = threading.Barrier(8)

        def work(n: int) -> None:
            store = ConversationStore(saved.path) if separate else saved
            try:
                start.wait()
                store.save(f"t{n}", *_conversation(1))
                for i in range(per_thread):
                    store.record("c1", f"cause-{n}-{i}", FeedbackKind.UP, i % 3)
            except Exception as err:  # collected: a failure in a thread must fail the test
                errors.append(err)
            finally:
                if separate:
                    store.close()

        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        causes = {f.cause for f in saved.feedback("c1")}
        assert causes == {f"cause-{n}-{i}" for n in range(8) for i in range(per_thread)}
        assert len(saved.keys()) == 9


class TestExport:
    def test_a_fixed_conversation_becomes_a_case_the_eval_loader_accepts(self, saved, tmp_path):
        saved.record("c1", "pump-seal", FeedbackKind.UP, 0)
        saved.record("c1", "pump-bearing", FeedbackKind.FIXED, 1)
        export = export_cases(saved, CAUSES)
        assert export.skipped == ()
        (case,) = export.cases
        assert case == {
            "id": "feedback-c1",
            "tags": ["feedback"],
            "turns": [
                {
                    "message": "the pump is loud, log attached",
                    "attachments": [{"name": "pump.log", "text": LOG.text(1 << 20)}],
                },
                {"message": "yes, very"},  # cut at the confirmed answer: the third is not here
            ],
            "expect": {"cause": "pump-bearing"},
        }
        out = tmp_path / "out" / "feedback.yaml"
        write_cases(out, export.cases)
        (loaded,) = load_cases([out], known_causes=CAUSES)
        assert loaded.id == "feedback-c1" and loaded.expected == "pump-bearing"
        assert [t.message for t in loaded.turns] == ["the pump is loud, log attached", "yes, very"]
        assert loaded.turns[0].attachments == (("pump.log", LOG.text(1 << 20)),)
        assert list(yaml.safe_load(out.read_text(encoding="utf-8"))["cases"][0]) == [
            "id",
            "tags",
            "turns",
            "expect",
        ]

    def test_the_latest_fixed_feedback_wins(self, saved):
        saved.record("c1", "pump-seal", FeedbackKind.FIXED, 0)
        saved.record("c1", "pump-bearing", FeedbackKind.FIXED, 2)
        (case,) = export_cases(saved, CAUSES).cases
        assert case["expect"] == {"cause": "pump-bearing"} and len(case["turns"]) == 3

    def test_conversations_with_only_up_feedback_are_not_exported(self, saved):
        saved.record("c1", "pump-seal", FeedbackKind.UP, 2)
        saved.save("c2", *_conversation(1))
        saved.record("c2", "pump-seal", FeedbackKind.FIXED, 0)
        assert [c["id"] for c in export_cases(saved, CAUSES).cases] == ["feedback-c2"]

    def test_a_cause_no_longer_in_the_kb_is_skipped_and_reported(self, saved):
        saved.save("c2", *_conversation(1))
        saved.record("c1", "pump-gone", FeedbackKind.FIXED, 1)
        saved.record("c2", "pump-seal", FeedbackKind.FIXED, 0)
        export = export_cases(saved, CAUSES)
        assert [c["id"] for c in export.cases] == ["feedback-c2"]
        (skipped,) = export.skipped
        assert skipped.key == "c1" and "'pump-gone' is not in the knowledge base" in str(skipped)

    def test_keys_become_valid_ids_and_never_share_one(self, store, tmp_path):
        keys = ["Slack C024:1712345678.123", "x" * 300]
        store.save(keys[0], *_conversation(1))
        first = export_cases(store, CAUSES)  # no feedback yet
        assert first.cases == ()
        store.record(keys[0], "pump-seal", "fixed", 0)
        (made,) = export_cases(store, CAUSES).cases
        keys.append(made["id"].removeprefix("feedback-"))  # a key that is that id already
        for key in keys[1:]:
            store.save(key, *_conversation(1))
            store.record(key, "pump-seal", "fixed", 0)
        ids = [c["id"] for c in export_cases(store, CAUSES).cases]
        assert len(set(ids)) == 3
        assert all(len(i) <= 120 for i in ids)
        out = tmp_path / "cases.yaml"
        write_cases(out, export_cases(store, CAUSES).cases)
        assert len(load_cases([out])) == 3

    def test_writing_no_cases_says_there_is_no_fixed_feedback_and_writes_nothing(self, tmp_path):
        out = tmp_path / "cases.yaml"
        with pytest.raises(StoreError, match='no conversation has "this fixed it" feedback yet'):
            write_cases(out, [])
        assert not out.exists()


def test_membership_says_whether_a_key_is_kept(tmp_path):
    from assistant.conversation import Conversation

    store = ConversationStore(tmp_path / "m.db")
    assert "k1" not in store
    store.save("k1", Conversation(), [])
    assert "k1" in store and "k2" not in store
