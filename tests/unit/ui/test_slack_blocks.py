"""The Slack rendering of an Answer: what a user reads in the thread, the buttons that
come back, and Slack's Block Kit limits."""

from __future__ import annotations

import dataclasses
import doctest
import json

import pytest

import ui.slack.blocks as slack_blocks
from assistant.answer import Answer, Citation, FixPlan, FixStep, RankedCause
from assistant.conversation import Reply
from assistant.store import FeedbackKind
from graph.evidence import Evidence, Origin, OriginKind
from graph.questions import Question
from kb.index import PassageHit
from tests.conftest import NOISE
from ui.render_text import FIXES_FOR_CONFIDENCE
from ui.slack.blocks import (
    CUT_TO_FIT,
    FEEDBACK_ACTION,
    REPLY_ACTION,
    FeedbackAction,
    ReplyAction,
    answer_blocks,
    answer_text,
    error_blocks,
    parse_action,
)

QUESTION = Question("pump-hot", "Is the pump casing hot?", 0.7)


def check_limits(blocks: list[dict]) -> None:
    """Every Block Kit limit Slack enforces on what the renderer makes."""
    json.dumps(blocks)  # a message is JSON
    assert 0 < len(blocks) <= 50
    action_ids = []
    for block in blocks:
        kind = block["type"]
        if kind == "header":
            assert block["text"]["type"] == "plain_text"
            assert 0 < len(block["text"]["text"]) <= 150
        elif kind == "section":
            assert 0 < len(block["text"]["text"]) <= 3000
        elif kind == "context":
            assert 0 < len(block["elements"]) <= 10
            assert all(0 < len(e["text"]) <= 3000 for e in block["elements"])
        elif kind == "actions":
            assert 0 < len(block["elements"]) <= 25
            for button in block["elements"]:
                assert button["type"] == "button" and button["text"]["type"] == "plain_text"
                assert 0 < len(button["text"]["text"]) <= 75
                assert 0 < len(button["value"]) <= 2000
                assert 0 < len(button["action_id"]) <= 255
                action_ids.append(button["action_id"])
        else:
            assert kind == "divider", block
    assert len(action_ids) == len(set(action_ids)), action_ids


def texts(blocks: list[dict]) -> list[str]:
    """Every piece of text the user can read, in order."""
    found = []
    for block in blocks:
        if "text" in block:
            found.append(block["text"]["text"])
        for element in block.get("elements", []):
            found.append(element["text"] if block["type"] == "context" else element["text"]["text"])
    return found


def mrkdwn_objects(blocks: list[dict]) -> list[dict]:
    objects = [b["text"] for b in blocks if b["type"] == "section"]
    objects += [e for b in blocks if b["type"] == "context" for e in b["elements"]]
    return objects


def buttons(blocks: list[dict]) -> list[dict]:
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


def clicked(button: dict) -> dict:
    """What Slack sends back for a click on ``button`` (one entry of ``actions``)."""
    return {
        "action_id": button["action_id"],
        "block_id": "Xy1",
        "type": "button",
        "text": button["text"],
        "value": button["value"],
        "action_ts": "1700000000.000100",
    }


def log_evidence(text: str, span=None, *, present=True, source="app.log", line=12, count=1):
    origin = Origin(OriginKind.LOG, source, text, line=line, span=span, count=count)
    return Evidence("pump-noise", present, 0.95, origin)


def said(text: str, matched: str = "the pump is noisy", present: bool = True) -> Evidence:
    origin = Origin(OriginKind.MESSAGE, "message", text, matched=matched, similarity=0.81)
    return Evidence("pump-noise", present, 0.6, origin)


def plan(article: str, anchor: str, *steps: str, passage: str = "Replace the pump.") -> FixPlan:
    citation = Citation(article, anchor, "Fix", passage)
    return FixPlan(f"{article}-fix", "Replace the pump", tuple(FixStep(s, citation) for s in steps))


def cause(
    cause_id: str = "pump-bearing",
    confidence: float = 0.81,
    supporting=(),
    contradicting=(),
    fixes=(),
    title: str = "Worn pump bearing",
    resembles: PassageHit | None = None,
) -> RankedCause:
    return RankedCause(
        cause_id,
        title,
        "pumps",
        confidence,
        tuple(supporting),
        tuple(contradicting),
        tuple(fixes),
        resembles,
    )


def answer(*diagnoses: RankedCause, question=QUESTION, abstained=False, **fields) -> Answer:
    unknown = fields.pop("unknown_confidence", 0.05)
    return Answer(
        "q",
        tuple(diagnoses),
        unknown,
        abstained,
        question,
        fields.pop("related", ()),
        (),
        **fields,
    )


def bearing(**fields) -> RankedCause:
    fields.setdefault("supporting", [log_evidence("10:01 PUMP-NOISE level 7", (6, 16), count=3)])
    fields.setdefault("fixes", [plan("pumps", "fix", "Replace the pump.")])
    return cause(**fields)


class TestAnswerBlocks:
    def test_a_real_answer_shows_the_ranked_causes_evidence_fix_and_question(self, pump_sherlog):
        real = pump_sherlog.ask(NOISE)
        blocks = answer_blocks(real, turn=0)
        check_limits(blocks)
        shown = "\n".join(texts(blocks))
        assert blocks[0] == {
            "type": "header",
            "text": {"type": "plain_text", "text": "Likely causes", "emoji": True},
        }
        assert "Not in the knowledge base: 2%" in shown  # with the causes' look-alikes
        titles = [t for t in texts(blocks) if t[:3] in ("*1.", "*2.")]
        assert titles[0].startswith("*1. Worn pump bearing*  `pump-bearing`\n█████░░░░░ 49%")
        assert titles[1].startswith("*2. Failed pump seal*  `pump-seal`")
        assert "• `message:2` `10:01 PUMP-NOISE level 7` matched `PUMP-NOISE`" in shown
        assert "1. Replace the pump.  ↳ `pumps#fix`" in shown
        assert "*Next question:* Is the pump casing hot?" in shown
        assert blocks[-1]["type"] == "actions"

    def test_confidence_is_a_bar_and_a_percentage(self):
        (title,) = [t for t in texts(answer_blocks(answer(bearing()), turn=0)) if "*1." in t]
        assert title.endswith("\n████████░░ 81%")

    def test_evidence_for_and_against_says_where_it_came_from(self):
        d = bearing(
            supporting=[
                log_evidence("10:01 PUMP-NOISE level 7", (6, 16), count=3),
                said("the pump <screams>"),
            ],
            contradicting=[log_evidence("pump ok", present=False, source="b.log", line=4)],
            resembles=PassageHit("pumps", "overview", "Overview", "Pumps get noisy.", 0.7),
        )
        shown = "\n".join(texts(answer_blocks(answer(d), turn=0)))
        assert "*For:*\n• `app.log:12` ×3 `10:01 PUMP-NOISE level 7` matched `PUMP-NOISE`" in shown
        assert "• you said “the pump &lt;screams&gt;” ≈ “the pump is noisy” (similarity 0.81)" in (
            shown
        )
        assert "• your description resembles “Overview” `pumps#overview` (similarity 0.70)" in (
            shown
        )
        assert "*Against:*\n• `b.log:4` rules out pump-noise: `pump ok`" in shown

    def test_a_look_alike_the_description_resembles_more_is_shown_against_it(self):
        d = dataclasses.replace(
            bearing(),
            unlike=PassageHit("pumps", "not-bearing", "Not the bearing: cavitation", "", 0.74),
        )
        shown = "\n".join(texts(answer_blocks(answer(d), turn=0)))
        assert (
            "*Against:*\n• your description resembles “Not the bearing: cavitation” "
            "`pumps#not-bearing`, a look-alike, more than anything about this cause "
            "(similarity 0.74)"
        ) in shown

    def test_a_product_named_against_the_cause_is_shown_against_it(self):
        d = dataclasses.replace(bearing(), product_note="you named F5 BIG-IP; this cause <x>")
        shown = "\n".join(texts(answer_blocks(answer(d), turn=0)))
        assert "*Against:*\n• you named F5 BIG-IP; this cause &lt;x&gt;" in shown

    def test_a_long_log_line_is_shown_around_its_match(self):
        line = "x" * 5000 + " PUMP-NOISE " + "y" * 5000
        d = bearing(supporting=[log_evidence(line, (5001, 5011))])
        (evidence,) = [t for t in texts(answer_blocks(answer(d), turn=0)) if "*For:*" in t]
        assert "PUMP-NOISE y" in evidence and "matched `PUMP-NOISE`" in evidence
        assert len(evidence) < 500

    def test_citations_are_code_without_a_public_address(self):
        shown = "\n".join(texts(answer_blocks(answer(bearing()), turn=0)))
        assert "↳ `pumps#fix`" in shown and "<http" not in shown

    def test_citations_link_to_the_kb_page_at_the_public_address(self):
        blocks = answer_blocks(answer(bearing()), turn=0, public_url="https://sherlog.example/")
        shown = "\n".join(texts(blocks))
        assert "↳ <https://sherlog.example/kb?article=pumps#fix|pumps#fix>" in shown
        assert "//kb" not in shown

    def test_each_distinct_citation_is_quoted_once(self):
        passage = "Replace the pump. " * 100
        both = plan("pumps", "fix", "Replace the pump.", "Test it.", passage=passage)
        other = plan("seals", "fix", "Replace the seal.", passage="Replace the seal.")
        blocks = answer_blocks(
            answer(
                bearing(fixes=[both]), cause("pump-seal", 0.5, [said("x")], fixes=[both, other])
            ),
            turn=0,
        )
        quotes = [e["text"] for b in blocks if b["type"] == "context" for e in b["elements"]]
        quotes = [q for q in quotes if "“" in q]
        assert len(quotes) == 2
        assert quotes[0].startswith("`pumps#fix` *Fix*: “Replace the pump. Replace")
        assert quotes[0].endswith("…”") and len(quotes[0]) < 500
        assert quotes[1] == "`seals#fix` *Fix*: “Replace the seal.”"

    def test_fix_steps_are_shown_only_for_likely_enough_candidates(self):
        unlikely = bearing(confidence=FIXES_FOR_CONFIDENCE - 0.01)
        assert "pumps#fix" not in json.dumps(answer_blocks(answer(unlikely), turn=0))
        likely = bearing(confidence=FIXES_FOR_CONFIDENCE)
        assert "pumps#fix" in json.dumps(answer_blocks(answer(likely), turn=0))

    def test_the_question_buttons_come_back_as_replies_to_this_turn(self):
        blocks = answer_blocks(answer(bearing()), turn=3)
        replies = [b for b in buttons(blocks) if b["action_id"].startswith(REPLY_ACTION)]
        assert [b["text"]["text"] for b in replies] == ["Yes", "No", "Don't know"]
        assert [parse_action(clicked(b)) for b in replies] == [
            ReplyAction(3, "yes"),
            ReplyAction(3, "no"),
            ReplyAction(3, "don't know"),
        ]
        assert {parse_action(clicked(b)).reply for b in replies} == {r.value for r in Reply}

    def test_no_question_no_reply_buttons(self):
        blocks = answer_blocks(answer(bearing(), question=None), turn=0)
        assert not [b for b in buttons(blocks) if b["action_id"].startswith(REPLY_ACTION)]
        assert "Next question" not in json.dumps(blocks)

    def test_each_cause_has_feedback_buttons_that_come_back_as_feedback(self):
        second = cause("pump-seal", 0.3, [said("leaks")], title="Failed pump seal")
        blocks = answer_blocks(answer(bearing(), second), turn=2)
        feedback = [b for b in buttons(blocks) if b["action_id"].startswith(FEEDBACK_ACTION)]
        assert [b["text"]["text"] for b in feedback] == ["Helpful", "Not it", "This fixed it"] * 2
        actions = [parse_action(clicked(b)) for b in feedback]
        assert actions == [
            FeedbackAction(2, c, k.value)
            for c in ("pump-bearing", "pump-seal")
            for k in FeedbackKind
        ]
        assert FeedbackKind(actions[2].kind) is FeedbackKind.FIXED

    def test_action_ids_are_unique_and_name_the_turn(self):
        many = [cause(f"c{n}", 0.1, [said("x")]) for n in range(5)]
        blocks = answer_blocks(answer(*many), turn=7)
        ids = [b["action_id"] for b in buttons(blocks)]
        assert len(ids) == 5 * 3 + 3 == len(set(ids))
        assert "sherlog_feedback:7:1:fixed" in ids and "sherlog_reply:7:unsure" in ids
        check_limits(blocks)

    def test_an_abstention_says_i_dont_know_with_checks_and_related_reading(self):
        checks = (
            Question("pump-hot", "Is the pump casing hot?", 0.4, "Touch the casing."),
            Question("pump-leaks", "Does the pump leak water?", 0.3),
        )
        related = (PassageHit("pumps", "overview", "Overview", "Pumps get noisy.", 0.42),)
        weak = cause("pump-seal", 0.2, [said("x")], title="Failed pump seal")
        abstention = answer(
            weak,
            question=None,
            abstained=True,
            unknown_confidence=0.71,
            checks=checks,
            related=related,
        )
        blocks = answer_blocks(abstention, turn=0, public_url="https://s.example")
        check_limits(blocks)
        shown = texts(blocks)
        assert shown[:2] == [
            "I don't know: nothing in the knowledge base explains this well enough",
            "Not in the knowledge base: 71%",
        ]
        assert (
            "*To narrow it down, collect:*\n• Touch the casing.\n• Does the pump leak water?"
            in shown
        )
        assert (
            "*Related reading:*\n• Overview <https://s.example/kb?article=pumps#overview"
            "|pumps#overview> (similarity 0.42)" in shown
        )
        assert shown.index("*Weak candidates:*") < shown.index(
            "*1. Failed pump seal*  `pump-seal`\n██░░░░░░░░ 20%"
        )
        assert answer_text(abstention) == (
            "I don't know: nothing in the knowledge base explains this well enough "
            "(not in the knowledge base: 71%)."
        )

    def test_an_answer_with_nothing_shown_is_an_i_dont_know(self):
        blocks = answer_blocks(
            answer(question=None, abstained=True, unknown_confidence=1.0), turn=0
        )
        check_limits(blocks)
        assert texts(blocks)[0].startswith("I don't know")
        assert buttons(blocks) == []

    def test_notes_are_shown(self):
        blocks = answer_blocks(answer(bearing(), notes=("a.log: 3 lines <skipped>",)), turn=0)
        assert "Note: a.log: 3 lines &lt;skipped&gt;" in texts(blocks)

    def test_a_negative_turn_is_refused(self):
        with pytest.raises(ValueError, match="turn must be an integer >= 0, got -1"):
            answer_blocks(answer(bearing()), turn=-1)


class TestEscaping:
    HOSTILE = "<!channel> see <http://x|y> & <@U123> `rm -rf` *bold*"

    def test_a_log_line_cannot_mention_or_link(self):
        d = bearing(
            title="Pump <!here>",
            supporting=[log_evidence(self.HOSTILE, (0, 10)), said(self.HOSTILE, self.HOSTILE)],
            contradicting=[log_evidence(self.HOSTILE, present=False, source="<!everyone>.log")],
            fixes=[plan("pumps", "fix", self.HOSTILE, passage=self.HOSTILE)],
        )
        hostile = answer(d, question=Question("s", self.HOSTILE, 0.5), notes=(self.HOSTILE,))
        for public_url in (None, "https://s.example"):
            blocks = answer_blocks(hostile, turn=0, public_url=public_url)
            check_limits(blocks)
            every = "\n".join(texts(blocks))
            for dangerous in ("<!", "<@", "<http://x"):
                assert dangerous not in every
            assert "&lt;!channel&gt;" in every and "&lt;http://x|y&gt;" in every
            assert all(o["verbatim"] is True for o in mrkdwn_objects(blocks))
        text = answer_text(hostile)
        assert "<" not in text and "&lt;!here&gt;" in text

    def test_backticks_cannot_end_a_code_span_early(self):
        d = bearing(supporting=[log_evidence("a `b` PUMP-NOISE ``` c", (6, 16))])
        (evidence,) = [t for t in texts(answer_blocks(answer(d), turn=0)) if "*For:*" in t]
        assert "`a ˋbˋ PUMP-NOISE ˋˋˋ c`" in evidence
        assert evidence.count("`") == 6  # where, the line, the match: three code spans

    def test_a_public_address_cannot_break_out_of_its_link(self):
        blocks = answer_blocks(answer(bearing()), turn=0, public_url="https://s.example/a|b>c")
        shown = "\n".join(texts(blocks))
        assert "<https://s.example/a%7Cb%3Ec/kb?article=pumps#fix|pumps#fix>" in shown


class TestLimits:
    def test_a_huge_answer_stays_within_slacks_limits(self):
        line = "&<>" * 2000 + "PUMP-NOISE" + "&" * 3000
        evidence = [log_evidence(line, (6000, 6010), line=n, count=n) for n in range(1, 60)]
        words = [said("& " * 3000, "<" * 3000) for _ in range(30)]
        fixes = [
            plan(f"a{n}", f"s{n}", *["&<> step " * 100] * 30, passage="&" * 10_000)
            for n in range(12)
        ]
        diagnoses = [
            cause(f"cause-{n}", 0.5, evidence + words, evidence, fixes, title="T&" * 500)
            for n in range(1, 21)
        ]
        huge = answer(
            *diagnoses,
            question=Question("s", "Is it <on>? " * 500, 0.5),
            notes=tuple("n&" * 1000 for _ in range(15)),
            checks=tuple(Question(f"s{n}", "&" * 5000, 0.1) for n in range(40)),
        )
        for public_url in (None, "https://sherlog.example"):
            blocks = answer_blocks(huge, turn=12345, public_url=public_url)
            check_limits(blocks)
            shown = texts(blocks)
            assert CUT_TO_FIT in shown
            assert shown[0] == "Likely causes"
            assert blocks[-1]["elements"][0]["action_id"] == "sherlog_reply:12345:yes"
            assert any(t.startswith("*For:*") for t in shown)  # the top cause keeps its detail
        assert len(answer_text(huge)) <= 2 * 300 + 1

    def test_the_lowest_ranked_detail_goes_first(self):
        full = [
            bearing(
                cause_id=f"c{n}",
                title=f"Cause {n}",
                contradicting=[log_evidence("ok", present=False)],
                fixes=[plan(f"a{n}", "fix", "Do it.")],
            )
            for n in range(1, 10)
        ]
        # each: divider, title, for, against, fixes, quote, buttons = 7 blocks; 9 of them,
        # with 2 above and 2 below, are 67 blocks
        blocks = answer_blocks(answer(*full), turn=0)
        check_limits(blocks)
        shown = texts(blocks)
        assert len(blocks) == 50 and shown[-5] == CUT_TO_FIT
        # every cause is still there, with its buttons
        assert [t.split("*")[1] for t in shown if t.startswith("*") and ". Cause" in t] == [
            f"{n}. Cause {n}" for n in range(1, 10)
        ]
        assert len(buttons(blocks)) == 9 * 3 + 3
        # the top causes keep everything, the bottom ones lose their detail
        assert "`a1#fix` *Fix*: “Replace the pump.”" in shown
        assert "`a9#fix` *Fix*: “Replace the pump.”" not in shown
        details = [t.split("\n")[0] for t in shown if t.startswith(("*For:*", "*Against:*"))]
        assert details.count("*For:*") < 9

    def test_many_evidence_lines_are_counted_not_shown(self):
        lines = [log_evidence(f"PUMP-NOISE {n}", (0, 10), line=n) for n in range(1, 201)]
        (evidence,) = [
            t
            for t in texts(answer_blocks(answer(bearing(supporting=lines)), turn=0))
            if t.startswith("*For:*")
        ]
        assert evidence.count("\n• ") == 10 and evidence.endswith("\n…and 190 more")

    def test_a_cause_id_too_long_for_a_button_value_gets_no_feedback_buttons(self):
        blocks = answer_blocks(answer(bearing(cause_id="c" * 3000)), turn=0)
        check_limits(blocks)
        assert all(b["action_id"].startswith(REPLY_ACTION) for b in buttons(blocks))


class TestAnswerText:
    def test_the_top_cause_its_confidence_and_the_question(self):
        assert answer_text(answer(bearing(), cause("pump-seal", 0.1))) == (
            "Likely cause: Worn pump bearing (81%)\nNext question: Is the pump casing hot?"
        )

    def test_a_real_answer(self, pump_sherlog):
        assert answer_text(pump_sherlog.ask(NOISE)).startswith("Likely cause: Worn pump bearing")


class TestParseAction:
    def test_a_feedback_button_round_trips(self):
        button = {"action_id": "sherlog_feedback:2:1:fixed", "value": ""}
        button["value"] = '{"turn":2,"cause":"pump-bearing","kind":"fixed"}'
        assert parse_action(button) == FeedbackAction(2, "pump-bearing", "fixed")

    @pytest.mark.parametrize(
        ("action", "message"),
        [
            ("sherlog_reply", "a Slack action is an object, got str"),
            ({"value": "{}"}, "Slack action has no action_id"),
            ({"action_id": "approve", "value": "{}"}, "'approve' is not a Sherlog button"),
            ({"action_id": "sherlog_replyx", "value": "{}"}, "is not a Sherlog button"),
            ({"action_id": "sherlog_reply:0:yes"}, "value None: expected a JSON string"),
            ({"action_id": "sherlog_reply:0:yes", "value": "yes"}, "value 'yes': not JSON"),
            ({"action_id": "sherlog_reply:0:yes", "value": "[0]"}, "exactly the keys"),
            ({"action_id": "sherlog_reply:0:yes", "value": '{"turn":0}'}, "exactly the keys"),
            (
                {"action_id": "sherlog_reply:0:yes", "value": '{"turn":0,"reply":"yes","x":1}'},
                "exactly the keys",
            ),
            (
                {"action_id": "sherlog_reply:0:yes", "value": '{"turn":-1,"reply":"yes"}'},
                "turn must be an integer >= 0, got -1",
            ),
            (
                {"action_id": "sherlog_reply:0:yes", "value": '{"turn":true,"reply":"yes"}'},
                "got True",
            ),
            (
                {"action_id": "sherlog_reply:0:yes", "value": '{"turn":"0","reply":"yes"}'},
                "got '0'",
            ),
            (
                {"action_id": "sherlog_reply:0:yes", "value": '{"turn":0,"reply":"maybe"}'},
                "reply must be one of",
            ),
            (
                {
                    "action_id": "sherlog_feedback:0:1:up",
                    "value": '{"turn":0,"cause":"c","kind":"love"}',
                },
                r"kind must be one of \['up', 'down', 'fixed'\], got 'love'",
            ),
            (
                {
                    "action_id": "sherlog_feedback:0:1:up",
                    "value": '{"turn":0,"cause":"","kind":"up"}',
                },
                "cause must be a non-empty string",
            ),
            (  # a reply's value under a feedback action_id
                {"action_id": "sherlog_feedback:0:1:up", "value": '{"turn":0,"reply":"yes"}'},
                "exactly the keys",
            ),
        ],
    )
    def test_a_malformed_or_foreign_action_is_refused(self, action, message):
        with pytest.raises(ValueError, match=message):
            parse_action(action)

    def test_the_error_names_the_action(self):
        with pytest.raises(ValueError, match=r"^action 'sherlog_reply:4:no': value '\{\}'"):
            parse_action({"action_id": "sherlog_reply:4:no", "value": "{}"})


class TestErrorBlocks:
    def test_a_refused_input_is_a_short_escaped_warning(self):
        blocks = error_blocks("<!channel>.bin is binary, not a log: attach text")
        check_limits(blocks)
        assert texts(blocks) == [":warning: &lt;!channel&gt;.bin is binary, not a log: attach text"]

    def test_a_long_message_is_clipped_and_keeps_its_lines(self):
        (text,) = texts(error_blocks("a.log: empty\nb.log: binary\n" + "&" * 10_000))
        assert text.startswith(":warning: a.log: empty\nb.log: binary\n&amp;")
        assert text.endswith("…") and len(text) <= 3000


def test_the_modules_examples_run():
    result = doctest.testmod(slack_blocks)
    assert result.attempted >= 6 and result.failed == 0
