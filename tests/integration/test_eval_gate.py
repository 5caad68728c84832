"""The quick regression gate of `make test`: the eval cases tagged ``easy`` (an exact
error string or log line a senior engineer recognises at once), run by ``sherlog eval``
on the real model, end to end through the command line and its JSON records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.integration.conftest import run_cli

pytestmark = pytest.mark.integration

CASES = Path(__file__).parents[2] / "evals" / "cases"


def test_easy_cases_stay_right(sherlog, real_home, tmp_path):
    out = tmp_path / "easy.json"
    result = run_cli("eval", str(CASES), "--tags", "easy", "--json", str(out), home=real_home)
    assert result.returncode == 0, result.stderr
    assert "| AC@1" in result.stdout and "bm25" in result.stdout
    doc = json.loads(out.read_text())
    records = doc["cases"]
    assert len(records) >= 15 and all("easy" in r["tags"] for r in records)
    summary = doc["summary"]
    # 40 of the 45 in-KB easy cases were right when the gate was last set (issue 4, KB of
    # 45 causes; the misses need cross-line reasoning single-line patterns cannot do):
    # one more miss fails.
    assert summary["ac@1"] >= 0.86, [r["id"] for r in records if not r["correct"]]
    assert summary["false_answer_rate"] == 0.0
    assert summary["citation_validity"] == 1.0
    for record in records:
        assert record["latency_ms"] > 0
        if record["expected"] and not record["abstained"]:
            assert record["citations"], record["id"]


def test_a_bad_case_file_is_refused_with_file_case_and_field(real_home, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "cases:\n- id: one\n  turns: [{message: hi}]\n  expect: {cause: no-such-cause}\n"
    )
    result = run_cli("eval", str(bad), home=real_home)
    assert result.returncode == 2
    assert "bad.yaml: case 'one': expect.cause: not a cause in the knowledge base" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_parameter_override_changes_the_run(real_home, tmp_path):
    """``--param`` measures another setting on the same cases: with "not in the KB"
    holding nearly all the prior mass, the in-KB easy cases are no longer answered."""
    out = tmp_path / "easy.json"
    result = run_cli(
        "eval", str(CASES), "--tags", "easy", "--no-baselines", "--json", str(out),
        "--param", "unknown_prior=0.999999", home=real_home,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    summary = json.loads(out.read_text())["summary"]
    assert summary["ac@1"] < 0.5
    assert summary["false_answer_rate"] == 0.0


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("prior=0.4", "--param prior=0.4: no such parameter; one of evidence_weight,"),
        ("unknown_prior=1.5", "unknown_prior must be a number above 0 and below 1"),
        ("evidence_weight=x", "evidence_weight=x: evidence_weight must be a number above 0"),
        ("leak", "--param leak: expected NAME=VALUE"),
    ],
)  # fmt: skip
def test_a_bad_parameter_override_is_refused_by_name(real_home, override, message):
    result = run_cli("eval", str(CASES), "--param", override, home=real_home)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
