"""Baselines, the runner and the report, on a small KB with the fake embedder."""

from __future__ import annotations

import dataclasses
import json

import pytest

from assistant.engine import Sherlog
from evals.baselines import BM25Baseline, DenseBaseline, choose_threshold
from evals.cases import load_cases
from evals.metrics import accuracy_at_k
from evals.report import render_markdown, render_terminal, write_report
from evals.runner import run_eval
from graph import build_graph
from kb.index import SherlogIndex
from kb.loader import load_kb
from kb.store import open_chroma
from tests.conftest import write_article
from tests.unit.evals.test_cases import write

TWO_CAUSES = """\
---
id: gears
title: Gearbox troubles
sources: ["test"]
symptoms:
  - id: gear-grinds
    text: the gearbox grinds when shifting
    question: Does the gearbox grind?
    phrasings: ["grinding noise from the gears", "gears grind on shift"]
causes:
  - id: gear-worn-teeth
    title: Worn gear teeth
    prior: 0.05
    effects:
      - {symptom: gear-grinds, p: 0.9}
    fixes: [gear-replace]
    cite: "#cause-teeth"
  - id: gear-no-oil
    title: Gearbox oil ran dry
    prior: 0.1
    effects:
      - {symptom: gear-grinds, p: 0.6}
    fixes: [gear-refill]
fixes:
  - id: gear-replace
    steps:
      - {text: Replace the worn gear., cite: "#fix-replace"}
  - id: gear-refill
    steps:
      - {text: Refill the oil., cite: "#fix-oil"}
---
## Overview {#overview}
Gearboxes grind for two reasons.

## Cause: worn teeth {#cause-teeth}
Chipped teeth on the third gear grind against each other.

## Fix: replace {#fix-replace}
Replace the chipped third gear.

## Fix: oil {#fix-oil}
Refill the lubricant to the dipstick mark.
"""

CASES = """\
cases:
- id: alpha-words
  tags: [dev, words]
  turns:
  - message: widget alpha fails every morning
  expect: {cause: alpha-cause}
- id: beta-two-turns
  tags: [test]
  turns:
  - message: something is off with our widgets
  - message: widget beta fails now
  expect: {cause: beta-cause}
- id: alpha-log
  tags: [dev, logs]
  turns:
  - message: see attached
    attachments:
    - {name: w.log, text: "10:00 ok\\n10:01 WIDGET-ALPHA-FAIL code 7\\n"}
  expect: {cause: alpha-cause}
- id: lunch
  tags: [test, oos]
  turns:
  - message: where should we go for lunch on friday
  expect: {cause: null}
- id: too-long
  tags: [test]
  turns:
  - message: "WORDS"
  expect: {cause: alpha-cause}
"""


@pytest.fixture
def kb_with_gears(kb_dir):
    write_article(kb_dir, "gears", TWO_CAUSES)
    return kb_dir


class TestPassageCauses:
    def test_cited_passages_speak_for_their_cause_the_rest_for_all(self, kb_with_gears):
        owners = load_kb(kb_with_gears).passage_causes
        assert owners["gears", "cause-teeth"] == ("gear-worn-teeth",)
        assert owners["gears", "fix-oil"] == ("gear-no-oil",)
        assert owners["gears", "overview"] == ("gear-no-oil", "gear-worn-teeth")  # by prior
        assert owners["alpha", "fix"] == ("alpha-cause",)

    def test_a_differential_section_speaks_for_no_cause(self, kb_dir):
        lookalike = "\n## Not the gears: a bent shaft {#not-gears}\nA bent shaft hums.\n"
        write_article(kb_dir, "gears", TWO_CAUSES + lookalike)
        kb = load_kb(kb_dir)
        assert kb.passage_causes["gears", "not-gears"] == ()
        assert kb.differentials == {("gears", "not-gears"): ("gear-worn-teeth", "gear-no-oil")}


class TestBM25:
    def test_ranks_the_cause_of_the_best_passage(self, kb_with_gears):
        bm25 = BM25Baseline(load_kb(kb_with_gears))
        ranked = bm25.rank("the third gear has chipped teeth")
        assert ranked[0].cause == "gear-worn-teeth"
        assert ranked[0].confidence > 0
        assert bm25.rank("lubricant dipstick")[0].cause == "gear-no-oil"

    def test_no_shared_word_ranks_nothing(self, kb_with_gears):
        assert BM25Baseline(load_kb(kb_with_gears)).rank("zzz qqq") == ()


class TestThreshold:
    def test_no_dev_cases_keeps_the_default(self):
        choice = choose_threshold([], default=0.3)
        assert (choice.threshold, choice.cases) == (0.3, 0)

    def test_out_of_kb_cases_above_every_answer_make_it_abstain_always(self):
        outcomes = [(0.9, False, False), (0.8, False, False), (0.2, True, False)]
        assert choose_threshold(outcomes).threshold == float("inf")

    def test_lowest_of_equally_good_thresholds(self):
        outcomes = [(0.9, True, True), (0.5, True, False)]
        assert choose_threshold(outcomes).threshold == 0.0


@pytest.fixture
def sherlog(tmp_path, kb_with_gears, fake_embedder):
    kb = load_kb(kb_with_gears)
    index = SherlogIndex(open_chroma(tmp_path / "chroma"), fake_embedder)
    index.ingest(kb)
    return Sherlog(kb, build_graph(kb), index, fake_embedder)


@pytest.fixture
def cases(tmp_path):
    text = CASES.replace('"WORDS"', '"' + "x " * 15_000 + '"')
    return load_cases([write(tmp_path / "cases", "c.yaml", text)])


class TestDense:
    def test_uses_the_same_chroma_vectors_through_langchain(self, sherlog):
        ranked = DenseBaseline(sherlog.kb, sherlog.index).rank("Refill the lubricant")
        assert ranked[0].cause == "gear-no-oil"
        assert 0 < ranked[0].confidence <= 1.0


class TestRunEval:
    def test_records_have_every_field_and_multi_turn_is_one_conversation(self, sherlog, cases):
        run = run_eval(sherlog, cases)
        doc = json.loads(json.dumps(run.to_dict()))
        records = {r["id"]: r for r in doc["cases"]}
        for record in records.values():
            for key in ("id", "tags", "expected", "ranked", "abstained", "citations"):
                assert key in record
            assert {"questions", "latency_ms", "baselines"} <= record.keys()
        assert records["beta-two-turns"]["turns"] == 2
        assert records["beta-two-turns"]["ranked"][0]["cause"] == "beta-cause"
        assert records["alpha-log"]["ranked"][0]["cause"] == "alpha-cause"
        assert {"article": "alpha", "anchor": "fix", "cause": "alpha-cause"} in records[
            "alpha-log"
        ]["citations"]
        assert records["lunch"]["abstained"] is True
        assert "over the limit" in records["too-long"]["error"]
        assert set(doc["summary"]["baselines"]) == {"bm25", "dense"}
        assert doc["summary"]["splits"]["dev"]["cases"] == 2
        assert doc["summary"]["by_tag"]["logs"]["ac@1"] == 1.0
        assert doc["summary"]["citation_validity"] == 1.0
        assert "tagged 'dev'" in doc["summary"]["baselines"]["bm25"]["threshold"]["chosen_on"]

    def test_threshold_line_gives_the_never_abstaining_accuracy(self, sherlog, cases):
        run = run_eval(sherlog, cases)
        bm25 = run.systems[1]
        test_ids = set(run.splits()["test"])
        expected = accuracy_at_k([r for r in bm25.results if r.id in test_ids], 1)
        assert expected > 0
        bm25.results = [dataclasses.replace(r, abstained=True) for r in bm25.results]
        line = next(x for x in render_terminal(run).splitlines() if x.startswith("bm25 abstains"))
        assert "never abstaining, it scores dev AC@1" in line
        assert f"test AC@1 {expected:.3f}" in line

    def test_report_shows_the_systems_side_by_side(self, sherlog, cases, tmp_path):
        run = run_eval(sherlog, cases)
        terminal = render_terminal(run)
        assert "| metric" in terminal and "sherlog | bm25" in terminal
        assert "1 case(s) raised an error" in terminal
        markdown = render_markdown(run, "sherlog eval cases", "KB: small.", "r.png")
        assert "## Test split (3 cases)" in markdown and "too-long" in markdown
        by_test_tag = markdown.split("## By tag, test split (3 cases)")[1].split("##")[0]
        assert "| oos " in by_test_tag and "logs" not in by_test_tag
        assert "| test " not in by_test_tag
        trade_off = markdown.split("## Abstention trade-off")[1].split("##")[0]
        assert "| test  | Sherlog: abstain when unknown ranks first" in trade_off
        assert "best threshold with FAR <= 0.05" in trade_off
        assert "| dev " not in trade_off  # no out-of-KB case there
        written = write_report(run, tmp_path / "report", "sherlog eval cases", "KB: small.")
        assert written.read_text().startswith("# Sherlog evaluation report")
        assert (tmp_path / "report" / "reliability.png").read_bytes()[:4] == b"\x89PNG"

    def test_without_baselines(self, sherlog, cases):
        run = run_eval(sherlog, cases, baselines=False)
        assert [s.name for s in run.systems] == ["sherlog"]
        assert "baselines" not in run.to_dict()["summary"]
