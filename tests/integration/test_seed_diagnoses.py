"""The real model on the shipped KB: blind-written user questions for the 13 seed causes.

evals/cases/dev-seed-questions.yaml was written from the seed field notes by someone
who had not read the KB articles, two questions per cause. The issue asks that a user's
question for each seed cause ranks it first; we hold each cause to at least one of
its two questions, and the whole set to an accuracy floor below what it measures
(21 of 26 when written), so a regression anywhere shows.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.engine import REFERENCE_ANCHORS, RELATED_MIN_SIMILARITY
from evals.cases import load_cases
from tests.integration.conftest import run_cli

pytestmark = pytest.mark.integration

CASES = load_cases([Path(__file__).parents[2] / "evals" / "cases" / "dev-seed-questions.yaml"])
QUESTIONS = [(c.expected, c.turns[0].message) for c in CASES if c.expected]
OUT_OF_SCOPE = [c.turns[0].message for c in CASES if c.expected is None]
SEED_CAUSES = sorted({cause for cause, _ in QUESTIONS})


def top_cause(answer):
    if answer.abstained or not answer.diagnoses:
        return None
    return answer.diagnoses[0].cause


def assert_citations_resolve(sherlog, answer):
    assert answer.citations, "a diagnosis without a cited fix step"
    for c in answer.citations:
        section = sherlog.kb.passage(c.article, c.anchor)
        assert section is not None, f"{c.article}#{c.anchor} does not resolve"
        assert c.passage == section.text


def test_there_are_13_seed_causes(sherlog):
    assert len(SEED_CAUSES) == 13
    assert set(SEED_CAUSES) <= set(sherlog.kb.causes)


@pytest.mark.parametrize("cause", SEED_CAUSES)
def test_a_users_question_ranks_the_seed_cause_first(sherlog, cause):
    questions = [text for expected, text in QUESTIONS if expected == cause]
    answers = [sherlog.ask(text) for text in questions]
    right = [a for a in answers if top_cause(a) == cause]
    assert right, f"{cause}: got {[top_cause(a) for a in answers]}"
    assert_citations_resolve(sherlog, right[0])
    assert right[0].diagnoses[0].article in {c.article for c in right[0].citations}


def test_the_description_resembles_a_passage_of_the_diagnosed_cause(sherlog):
    from ui.render_text import render_text

    cause, text = QUESTIONS[0]
    answer = sherlog.ask(text)
    top = answer.diagnoses[0]
    assert top.cause == cause
    near = top.resembles
    assert near is not None and near.score > sherlog.params.resemblance_floor
    assert cause in sherlog.kb.passage_causes[(near.article, near.anchor)]
    assert f"resembles [{near.article}#{near.anchor}]" in render_text(answer)


def test_a_description_of_a_look_alike_the_kb_sets_apart_is_not_credited_to_the_cause(sherlog):
    from ui.render_text import render_text

    # The read-only article's differential section: one service cannot write, the kernel
    # never remounted anything. Its words are the article's words, yet they describe what
    # the cause is not; before differential sections, they answered it at 1.0.
    section = sherlog.kb.passage("linux-filesystem-read-only", "not-kernel")
    answer = sherlog.ask(f"{section.heading}. {section.text}")
    assert all(
        d.resembles is None or not d.resembles.anchor.startswith("not-") for d in answer.diagnoses
    )
    assert answer.abstained or answer.diagnoses[0].cause != "linux-readonly-filesystem"
    shown = {d.cause: d for d in answer.diagnoses}
    if "linux-readonly-filesystem" in shown:  # shown, the look-alike is evidence against it
        assert shown["linux-readonly-filesystem"].unlike.anchor == "not-kernel"
        assert '#not-kernel] "Not the kernel' in render_text(answer)


def test_two_macs_in_pasted_arping_output_are_one_observation(sherlog):
    text = (
        "users lose the app server every few minutes\n"
        "Unicast reply from 10.40.12.31 [00:50:56:9A:3C:11]  0.642ms\n"
        "Unicast reply from 10.40.12.31 [00:50:56:9A:7E:02]  0.713ms\n"
    )
    seen = [e for e in sherlog.gather_evidence(text) if e.symptom == "two-macs-for-one-ip"]
    assert [(e.origin.kind.value, e.origin.line) for e in seen] == [("log", 3)]
    assert "00:50:56:9A:7E:02 (line 3)" in seen[0].origin.text


def test_accuracy_floor_over_all_questions(sherlog):
    correct = sum(top_cause(sherlog.ask(text)) == cause for cause, text in QUESTIONS)
    assert correct / len(QUESTIONS) >= 0.75


@pytest.mark.parametrize("text", OUT_OF_SCOPE)
def test_out_of_scope_question_abstains(sherlog, text):
    answer = sherlog.ask(text)
    assert answer.abstained
    # an abstention shows the related reading it found, and nothing it did not: a
    # passage below RELATED_MIN_SIMILARITY is only the nearest, not related
    assert all(p.score >= RELATED_MIN_SIMILARITY for p in answer.related)


def test_related_reading_leaves_out_lists_of_sources(sherlog):
    # this description's nearest passages include an article's Sources section, which
    # names the same products but is nothing to read for a diagnosis
    answer = sherlog.ask(
        "half the VMs on datastore DS-NFS-02 froze around 3am and the host went grey in vcenter"
    )
    assert answer.related
    assert not [p for p in answer.related if p.anchor in REFERENCE_ANCHORS]


def test_an_abstention_near_the_kb_shows_related_reading(sherlog):
    answer = sherlog.ask("our exchange server keeps asking outlook users for their passwords")
    assert answer.abstained
    assert answer.related and answer.related[0].article == "ad-account-lockout"


def test_log_attachment_is_matched_with_file_and_line(sherlog):
    from assistant.attachments import Attachment

    log = Attachment(
        "dfsr-debug.log",
        "\n".join(
            [
                "20240301 10:00:01.100 2468 INCO  Normal start",
                "20240301 10:00:02.311 2468 STAG  4471 Failed to create stage file for GVSN "
                "{5B0E93C4-71A2-4D0F-9C3B-8E1F27A46D59}-v88213",
            ]
            * 3
        ).encode(),
    )
    answer = sherlog.ask("replication server is slow", [log])
    logged = [e for e in answer.evidence if e.origin.source == "dfsr-debug.log"]
    assert logged and logged[0].origin.line == 2 and logged[0].origin.count == 3
    assert logged[0].origin.last_line == 6
    assert top_cause(answer) == "dfsr-staging-gvsn-loop"
    (report,) = answer.logs
    assert report.notes()[0] == "dfsr-debug.log: read 1 log, 6 lines (500 bytes)."


def test_a_support_bundle_and_a_long_pasted_log_are_read_as_logs(sherlog):
    import gzip
    import io
    import tarfile

    from assistant.attachments import attachment_from_bytes

    apd = (
        "2026-12-06T07:{m:02d}:03.000Z cpu2:2097601)WARNING: NMP: nmp_DeviceStartLoop: "
        'NMP Device "naa.600140" has entered the All Paths Down state.'
    )
    noise = "2026-12-06T07:11:{s:02d}.100Z cpu1:2097152)NetPort: 1932: enabled port 0x{s:04x}"
    log = "\n".join(
        [*(noise.format(s=i % 60) for i in range(200)), *(apd.format(m=12 + i) for i in range(5))]
    )
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        for name, data in [
            ("esx-01/var/run/log/vmkernel.0.gz", gzip.compress(log.encode())),
            ("esx-01/var/core/vmkernel-zdump.1", b"\x00\x01" * 100),
        ]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    bundle = attachment_from_bytes("vm-support.tgz", out.getvalue(), 1 << 20)
    answer = sherlog.ask("VMs on one datastore hung", [bundle])
    (apd_seen,) = [e for e in answer.evidence if e.symptom == "esxi-apd-logged"]
    assert apd_seen.origin.source == "vm-support.tgz:esx-01/var/run/log/vmkernel.0"
    assert (apd_seen.origin.count, apd_seen.origin.line) == (5, 201)
    (report,) = answer.logs
    assert report.skipped[0].reason == "binary, not a text log"
    assert "NetPort" in report.templates[0].text and report.templates[0].estimate == 200
    # a short fenced block in a message is read by the patterns, its secrets masked
    fenced = f"VMs hung, vmkernel says:\n```\n{apd.format(m=12)} password=hunter2\n```"
    (pasted,) = [e for e in sherlog.ask(fenced).evidence if e.symptom == "esxi-apd-logged"]
    assert pasted.origin.source == "message" and pasted.origin.line == 3
    assert "hunter2" not in pasted.origin.text and "password=[redacted]" in pasted.origin.text
    # the same log pasted into a message past the message limit is read as a log
    pasted = "VMs on one datastore hung, vmkernel says:\n" + log * 20
    answer = sherlog.ask(pasted)
    assert any(
        e.origin.source == "pasted log" for e in answer.evidence if e.symptom == "esxi-apd-logged"
    )


def test_ask_json_output_parses_and_citations_resolve(sherlog, real_home):
    question = (
        "our two ESGs run ECMP and ssh through them hangs now and then; "
        "show firewall on one edge shows the drop invalid counter climbing"
    )
    result = run_cli("ask", "--json", question, home=real_home)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["diagnoses"][0]["cause"] == "nsx-ecmp-edge-firewall"
    assert answer["citations"]
    for c in answer["citations"]:
        assert sherlog.kb.passage(c["article"], c["anchor"]) is not None


def test_invalid_kb_is_refused_and_the_index_survives(sherlog, real_home, tmp_path):
    import shutil

    broken = tmp_path / "kb"
    shutil.copytree(sherlog.kb.root, broken)
    target = broken / "db2-restore.md"
    target.write_text(target.read_text().replace("prior: ", "prior: 7", 1))
    result = run_cli("ask", "anything", home=real_home, env_extra={"SHERLOG_KB": str(broken)})
    assert result.returncode == 2
    assert "db2-restore.md:" in result.stderr and "must be in (0, 1]" in result.stderr
    assert "Traceback" not in result.stderr
    assert sherlog.index.is_current(sherlog.kb)  # the good index was not touched


def test_a_frequent_unexplained_template_is_weak_evidence_by_embedding(sherlog):
    from assistant.attachments import attachment_from_bytes
    from graph.evidence import OriginKind
    from ui.render_text import render_text

    line = (
        "Dec  6 07:{m:02d}:{s:02d} app01 billing[2211]: database server db01 is not "
        "accepting connections, retrying in 5 s"
    )
    log = "\n".join(line.format(m=10 + i // 60, s=i % 60) for i in range(40))
    answer = sherlog.ask(
        "something is wrong on this box", [attachment_from_bytes("app.log", log.encode(), 1 << 20)]
    )
    (weak,) = [e for e in answer.evidence if e.origin.kind is OriginKind.TEMPLATE]
    assert weak.symptom == "db-new-connections-refused" and weak.origin.count == 40
    assert weak.strength < 0.375  # at most half of what the same words typed would give
    shown = render_text(answer)
    assert "~40 unexplained lines like" in shown
    assert "40 lines like: <TS> app<NUM> billing[<NUM>]: database server db<NUM>" in shown


def test_a_report_naming_one_database_engine_is_not_answered_with_another_ones_cause(sherlog):
    """Without the product check, both went to the PostgreSQL or SQL Server cause."""
    from ui.render_text import render_text

    answer = sherlog.ask(
        "SQL Server: every insert fails, the data drive is full and the log files have grown"
        " to 300 GB"
    )
    assert top_cause(answer) == "sqlserver-transaction-log-full"
    (postgres,) = [d for d in answer.diagnoses if d.cause.startswith("postgres-")]
    note = "you named Microsoft SQL Server; this cause happens on PostgreSQL"
    assert postgres.product_note == note
    assert f"   - {note}" in render_text(answer)

    elsewhere = sherlog.ask(
        "MySQL primary: writes fail, the disk is at 100% and binlogs keep piling up because a"
        " replica was down for days"
    )
    assert elsewhere.abstained
