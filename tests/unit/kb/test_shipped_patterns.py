"""The shipped KB's log patterns against real-format lines in tests/data/log_lines.

Each YAML file maps a symptom id to lines its patterns must recognise (every pattern of
the symptom must match at least one of them), and ``_must_not_match`` to look-alike lines
that no pattern in the whole KB may match. ``_distinct`` maps a symptom with ``distinct``
patterns to pasted blocks in which one key shows two values (every such pattern must read
a line of them), and ``_distinct_none`` holds blocks where no key does; ``_sequences`` and
``_sequences_none`` do the same for line sequences (a command, then its result). The same
files feed `sherlog kb lint`'s pattern-never-matched check.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import re2
import yaml

from assistant.logscan import (
    compile_distinct,
    compile_patterns,
    compile_readers,
    compile_sequences,
    compile_vendor_rules,
    scan_all,
    scan_distinct,
)
from kb.loader import load_kb

REPO = Path(__file__).resolve().parents[3]
LINES = REPO / "tests" / "data" / "log_lines"
KB = load_kb(REPO / "kb" / "articles")
PATTERNS = compile_patterns(KB)
DISTINCT = compile_distinct(KB)
SEQUENCES = compile_sequences(KB)
VENDORS = compile_vendor_rules(KB)
READERS = compile_readers(KB)


def _entries() -> list[tuple[str, str, list[str]]]:
    entries = []
    for path in sorted(LINES.glob("*.yaml")):
        for key, lines in yaml.safe_load(path.read_text(encoding="utf-8")).items():
            entries.append((path.name, key, lines))
    return entries


ENTRIES = _entries()
SYMPTOM_ENTRIES = [e for e in ENTRIES if not e[1].startswith("_")]
# Readers of facts that span lines: fixture key -> (whether a symptom declares one, the
# patterns it declares for it, what finds the fact in a block of text and names symptoms)
MULTI_LINE = {
    "distinct": (
        lambda s: bool(s.distinct),
        lambda s: s.distinct,
        lambda text: [c.symptom for c in DISTINCT.conflicts(text)],
    ),
    "sequences": (
        lambda s: any(not q.absent for q in s.sequences),
        lambda s: [q.first for q in s.sequences if not q.absent],
        lambda text: [c.symptom for c in SEQUENCES.chains(text) if not c.absent],
    ),
    "absent": (  # sequences that show a symptom is not there
        lambda s: any(q.absent for q in s.sequences),
        lambda s: [q.first for q in s.sequences if q.absent],
        lambda text: [h.symptom for h in scan_all(READERS, "fixture", text) if not h.present],
    ),
    "vendors": (  # different_vendors: the MACs that another symptom's distinct patterns find
        lambda s: s.different_vendors is not None,
        lambda s: [],
        lambda text: [
            h.symptom
            for h in scan_distinct(DISTINCT, "fixture", text, VENDORS)
            if KB.symptoms[h.symptom].different_vendors
        ],
    ),
}
BLOCKS = [
    (kind, file, symptom, blocks)
    for kind in MULTI_LINE
    for file, key, table in ENTRIES
    if key == f"_{kind}"
    for symptom, blocks in table.items()
]
NO_FACT_BLOCKS = [
    (kind, file, block)
    for kind in MULTI_LINE
    for file, key, blocks in ENTRIES
    if key == f"_{kind}_none"
    for block in blocks
]
NEGATIVE_LINES = [
    (file, line) for file, key, lines in ENTRIES if key == "_must_not_match" for line in lines
]


def test_every_patterned_symptom_has_lines():
    covered = {key for _, key, _ in SYMPTOM_ENTRIES}
    missing = sorted(s.id for s in KB.symptoms.values() if s.patterns and s.id not in covered)
    assert not missing, f"symptoms with patterns but no lines in {LINES}: {missing}"


@pytest.mark.parametrize(("file", "symptom", "lines"), SYMPTOM_ENTRIES, ids=lambda v: str(v)[:40])
def test_lines_match_their_symptom(file, symptom, lines):
    assert symptom in KB.symptoms, f"{file}: {symptom!r} is not a symptom of the KB"
    assert lines, f"{file}: {symptom}: no lines"
    for line in lines:
        assert symptom in PATTERNS.match(line), f"{file}: {symptom}: no pattern matches {line!r}"
    for pattern in KB.symptoms[symptom].patterns:
        compiled = re2.compile(pattern)
        assert any(compiled.search(line) for line in lines), (
            f"{file}: {symptom}: pattern {pattern!r} matches none of its lines"
        )


@pytest.mark.parametrize(("file", "line"), NEGATIVE_LINES, ids=lambda v: str(v)[:40])
def test_look_alike_lines_match_nothing(file, line):
    assert PATTERNS.match(line) == [], f"{file}: {line!r} matched {PATTERNS.match(line)}"


@pytest.mark.parametrize("kind", MULTI_LINE)
def test_every_multi_line_symptom_has_blocks(kind):
    declares, _, _ = MULTI_LINE[kind]
    covered = {symptom for k, _, symptom, _ in BLOCKS if k == kind}
    missing = sorted(s.id for s in KB.symptoms.values() if declares(s) and s.id not in covered)
    assert not missing, f"symptoms with {kind} but no _{kind} blocks: {missing}"


@pytest.mark.parametrize(("kind", "file", "symptom", "blocks"), BLOCKS, ids=lambda v: str(v)[:40])
def test_blocks_show_their_fact(kind, file, symptom, blocks):
    declares, declared, find = MULTI_LINE[kind]
    assert declares(KB.symptoms[symptom]), f"{file}: {symptom} declares no {kind}"
    for block in blocks:
        assert symptom in find(block), f"{file}: {symptom}: {kind} finds nothing in {block!r}"
    lines = [line for block in blocks for line in block.splitlines()]
    for pattern in declared(KB.symptoms[symptom]):
        compiled = re2.compile(pattern)
        assert any(compiled.search(line) for line in lines), (
            f"{file}: {symptom}: {kind} pattern {pattern!r} reads none of its lines"
        )


@pytest.mark.parametrize(("kind", "file", "block"), NO_FACT_BLOCKS, ids=lambda v: str(v)[:40])
def test_blocks_without_the_fact_show_none(kind, file, block):
    assert MULTI_LINE[kind][2](block) == [], f"{file}: {block!r}"
