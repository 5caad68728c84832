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

from assistant.logscan import compile_distinct, compile_patterns, compile_sequences
from kb.loader import load_kb

REPO = Path(__file__).resolve().parents[3]
LINES = REPO / "tests" / "data" / "log_lines"
KB = load_kb(REPO / "kb" / "articles")
PATTERNS = compile_patterns(KB)
DISTINCT = compile_distinct(KB)
SEQUENCES = compile_sequences(KB)


def _entries() -> list[tuple[str, str, list[str]]]:
    entries = []
    for path in sorted(LINES.glob("*.yaml")):
        for key, lines in yaml.safe_load(path.read_text(encoding="utf-8")).items():
            entries.append((path.name, key, lines))
    return entries


ENTRIES = _entries()
SYMPTOM_ENTRIES = [e for e in ENTRIES if not e[1].startswith("_")]
DISTINCT_ENTRIES = [
    (file, symptom, blocks)
    for file, key, table in ENTRIES
    if key == "_distinct"
    for symptom, blocks in table.items()
]
SEQUENCE_ENTRIES = [
    (file, symptom, blocks)
    for file, key, table in ENTRIES
    if key == "_sequences"
    for symptom, blocks in table.items()
]
NO_SEQUENCE_BLOCKS = [
    (file, block) for file, key, blocks in ENTRIES if key == "_sequences_none" for block in blocks
]
NO_CONFLICT_BLOCKS = [
    (file, block) for file, key, blocks in ENTRIES if key == "_distinct_none" for block in blocks
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


def test_every_distinct_symptom_has_blocks():
    covered = {symptom for _, symptom, _ in DISTINCT_ENTRIES}
    missing = sorted(s.id for s in KB.symptoms.values() if s.distinct and s.id not in covered)
    assert not missing, f"symptoms with distinct patterns but no _distinct blocks: {missing}"


@pytest.mark.parametrize(("file", "symptom", "blocks"), DISTINCT_ENTRIES, ids=lambda v: str(v)[:40])
def test_blocks_show_their_conflict(file, symptom, blocks):
    assert KB.symptoms[symptom].distinct, f"{file}: {symptom} has no distinct patterns"
    for block in blocks:
        found = [c.symptom for c in DISTINCT.conflicts(block)]
        assert symptom in found, f"{file}: {symptom}: no conflict in {block!r}"
    for pattern in KB.symptoms[symptom].distinct:
        compiled = re2.compile(pattern)
        lines = [line for block in blocks for line in block.splitlines()]
        assert any(compiled.search(line) for line in lines), (
            f"{file}: {symptom}: distinct pattern {pattern!r} reads none of its lines"
        )


@pytest.mark.parametrize(("file", "block"), NO_CONFLICT_BLOCKS, ids=lambda v: str(v)[:40])
def test_blocks_without_a_conflict_show_none(file, block):
    assert DISTINCT.conflicts(block) == [], f"{file}: {block!r}"


def test_every_sequence_symptom_has_blocks():
    covered = {symptom for _, symptom, _ in SEQUENCE_ENTRIES}
    missing = sorted(s.id for s in KB.symptoms.values() if s.sequences and s.id not in covered)
    assert not missing, f"symptoms with sequences but no _sequences blocks: {missing}"


@pytest.mark.parametrize(("file", "symptom", "blocks"), SEQUENCE_ENTRIES, ids=lambda v: str(v)[:40])
def test_blocks_complete_their_sequence(file, symptom, blocks):
    for block in blocks:
        found = [c.symptom for c in SEQUENCES.chains(block)]
        assert symptom in found, f"{file}: {symptom}: no sequence completes in {block!r}"
    for seq in KB.symptoms[symptom].sequences:
        first = re2.compile(seq.first)
        assert any(first.search(line) for b in blocks for line in b.splitlines()), (
            f"{file}: {symptom}: sequence first {seq.first!r} reads none of its lines"
        )


@pytest.mark.parametrize(("file", "block"), NO_SEQUENCE_BLOCKS, ids=lambda v: str(v)[:40])
def test_blocks_without_a_sequence_complete_none(file, block):
    assert SEQUENCES.chains(block) == [], f"{file}: {block!r}"
