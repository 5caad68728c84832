"""The terminal rendering of evidence: where it comes from, and which way it points."""

from __future__ import annotations

from graph.evidence import Evidence, Origin, OriginKind
from ui.render_text import _evidence_line


def _log(present: bool) -> Evidence:
    origin = Origin(
        OriginKind.LOG, "df.txt", "$ df -i /data  ->  line 3: /dev/sdb1 1% /data", line=3
    )
    return Evidence("df-inodes-exhausted", present, 0.95, origin)


def test_a_log_line_that_rules_a_symptom_out_says_so():
    assert _evidence_line(_log(True)) == "df.txt:3: $ df -i /data -> line 3: /dev/sdb1 1% /data"
    assert _evidence_line(_log(False)) == (
        "df.txt:3: rules out df-inodes-exhausted: $ df -i /data -> line 3: /dev/sdb1 1% /data"
    )
