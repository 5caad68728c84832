"""benchmarks/loggen.py: the benchmark log generator and its RE2 -> ERE translation."""

from __future__ import annotations

import doctest
import itertools
import json
import random
import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
import re2
import yaml

from benchmarks import loggen
from benchmarks.loggen import ere, generate, grep_count, kb_patterns, noise_templates

SIZE = 300_000
PER = 5
GREP = shutil.which("grep")
needs_grep = pytest.mark.skipif(GREP is None, reason="grep is not installed")


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    path = tmp_path_factory.mktemp("loggen") / "small.log"
    manifest = generate(path, SIZE, seed=7, planted_per_symptom=PER)
    lines = path.read_text(encoding="ascii").split("\n")
    assert lines.pop() == ""  # the file ends with a newline
    return path, manifest, lines


@pytest.fixture(scope="module")
def compiled():
    return {sid: [re2.compile(p) for p in ps] for sid, ps in kb_patterns().items()}


def _matches(compiled, line: str) -> list[str]:
    return [sid for sid, rs in compiled.items() if any(r.search(line) for r in rs)]


def _planted(manifest) -> dict[int, str]:
    return {n: sid for sid, numbers in manifest["symptoms"].items() for n in numbers}


def test_manifest(small):
    path, manifest, lines = small
    assert set(manifest) == {"seed", "bytes", "lines", "symptoms", "patterns"}
    assert manifest["seed"] == 7
    assert manifest["bytes"] == path.stat().st_size
    assert abs(manifest["bytes"] - SIZE) < SIZE * 0.1
    assert manifest["lines"] == len(lines)
    assert len(manifest["symptoms"]) == 12
    assert list(manifest["symptoms"]) == sorted(manifest["symptoms"])
    assert manifest["symptoms"].keys() == manifest["patterns"].keys()
    assert all(len(numbers) == PER for numbers in manifest["symptoms"].values())
    assert len(_planted(manifest)) == 12 * PER  # distinct line numbers
    for sid, patterns in manifest["patterns"].items():
        assert patterns == list(kb_patterns()[sid])
        assert all(ere(p) is not None for p in patterns), sid
    on_disk = json.loads(Path(f"{path}.planted.json").read_text())
    assert on_disk == manifest


def test_default_symptoms_are_spread_over_areas():
    areas = loggen.fixture_lines()
    chosen = loggen.choose_symptoms()
    assert len(chosen) == 12
    assert len({areas[sid][0] for sid in chosen}) == 6


def test_planted_lines_are_fixture_lines_matching_only_their_symptom(small, compiled):
    _, manifest, lines = small
    for number, sid in _planted(manifest).items():
        line = lines[number - 1]
        assert line in loggen.fixture_lines()[sid][1]
        assert _matches(compiled, line) == [sid], (number, line)


def test_no_noise_line_matches_any_kb_pattern(small, compiled):
    _, manifest, lines = small
    planted = _planted(manifest)
    noise = [line for n, line in enumerate(lines, 1) if n not in planted]
    assert len(noise) == manifest["lines"] - 12 * PER
    bad = [(line, _matches(compiled, line)) for line in noise if _matches(compiled, line)]
    assert not bad, bad[:5]


def test_every_noise_template_matches_no_kb_pattern(compiled):
    templates = noise_templates(random.Random(1))
    assert len(templates) >= 25
    assert {source for source, _ in templates} == {"esx", "syslog", "windows"}
    stamps = {
        "esx": "2026-12-06T07:12:03.123Z",
        "syslog": "Dec  6 07:12:03",
        "windows": "12/6/2026 7:12:03 AM",
    }
    for source, make in templates:
        for _ in range(50):
            line = make(stamps[source])
            assert line.isascii() and "\n" not in line
            assert _matches(compiled, line) == [], (make.__name__, line)


def _seconds(line: str) -> float | None:
    if m := re.match(r"2026-12-06T(\d\d):(\d\d):(\d\d)\.(\d{3})Z ", line):
        h, mi, s, ms = map(int, m.groups())
        return h * 3600 + mi * 60 + s + ms / 1000
    # the other sources have whole seconds: compare at that resolution
    if m := re.match(r"Dec  6 (\d\d):(\d\d):(\d\d) ", line):
        h, mi, s = map(int, m.groups())
        return h * 3600 + mi * 60 + s
    if m := re.match(r"\w+\t(12/6/2026 \d+:\d\d:\d\d [AP]M)\t", line):
        t = datetime.strptime(m.group(1), "%m/%d/%Y %I:%M:%S %p")
        return t.hour * 3600 + t.minute * 60 + t.second
    return None


def test_noise_mixes_sources_with_rising_timestamps(small):
    _, manifest, lines = small
    planted = _planted(manifest)
    times = [_seconds(line) for n, line in enumerate(lines, 1) if n not in planted]
    assert None not in times
    assert all(int(a) <= int(b) for a, b in itertools.pairwise(times))
    esx = [t for t in times if t != int(t)]
    assert esx == sorted(esx)
    assert times[0] >= 7 * 3600 and times[-1] < 11 * 3600
    noise = [line for n, line in enumerate(lines, 1) if n not in planted]
    for head in (r"2026-12-06T", r"Dec  6 ", r"(Information|Warning)\t12/6/2026 "):
        share = sum(bool(re.match(head, line)) for line in noise) / len(noise)
        assert 0.2 < share < 0.45, head


def test_same_seed_same_bytes(small, tmp_path):
    path, manifest, _ = small
    again = generate(tmp_path / "again.log", SIZE, seed=7, planted_per_symptom=PER)
    assert (tmp_path / "again.log").read_bytes() == path.read_bytes()
    assert again == manifest
    other = generate(tmp_path / "other.log", SIZE, seed=8, planted_per_symptom=PER)
    assert (tmp_path / "other.log").read_bytes() != path.read_bytes()
    assert other["symptoms"] != manifest["symptoms"]


def test_chosen_symptoms(tmp_path, compiled):
    chosen = ["duplicate-ping-replies", "sqlserver-error-9002"]
    manifest = generate(tmp_path / "two.log", 20_000, seed=3, symptoms=chosen)
    assert list(manifest["symptoms"]) == chosen
    lines = (tmp_path / "two.log").read_text().splitlines()
    assert len(lines) == manifest["lines"] >= 1000
    for sid, numbers in manifest["symptoms"].items():
        assert len(numbers) == 500
        assert all(_matches(compiled, lines[n - 1]) == [sid] for n in numbers)
    with pytest.raises(ValueError, match="not a KB symptom"):
        generate(tmp_path / "bad.log", 1000, symptoms=["no-such-symptom"])


def test_ere_doctests():
    result = doctest.testmod(loggen, verbose=False)
    assert result.attempted >= 10 and result.failed == 0


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"Valid sense data: 0x7 0x27 0x7\b", r"Valid sense data: 0x7 0x27 0x7\b"),
        (r"\d{3,}\.\d+s", r"[0-9]{3,}\.[0-9]+s"),
        (r"[^\d\s]", "[^\t\f\r 0-9]"),  # RE2's \s in brackets, spelled out (no \v)
        (r"[\D]", None),
        (r"[[:alpha:]_]+", "[_[:alpha:]]+"),
        (r"[[:^alpha:]]", None),
        (r"[\[\]^-]", r"[][^-]"),
        (r"[\^]", r"\^"),
        (r"[.]", r"\."),
        (r"a{,3}", r"a\{,3}"),
        (r"\/var\/core", "/var/core"),
        (r"x(?=y)", None),
        (r"(?s).", None),
        (r"\C", None),
        (r"a\0", None),
        ("caf\u00e9", None),
    ],
)
def test_ere_cases(pattern, expected):
    assert ere(pattern) == expected


def _grep_matches(pattern: str, path: Path) -> int:
    proc = subprocess.run(
        [GREP, "-E", "-c", "-e", pattern, str(path)],
        capture_output=True,
        text=True,
        env={"LC_ALL": "C"},
        check=False,
    )
    assert proc.returncode in (0, 1), (pattern, proc.stderr)
    assert not proc.stderr, (pattern, proc.stderr)  # no "stray \" warnings
    return int(proc.stdout)


TRICKY = [
    r"[]a]",
    r"[^]a]",
    r"[a-]x",
    r"[-a]",
    r"[\]\\]",
    r"[\^-]",
    r"[[.]",
    r"[.[:]",
    r"[\w-]+=",
    r"[\d.]+",
    r"[^\d\s]",
    r"\{\}",
    r"a{2}",
    r"x{,2}",
    r"\bfoo\b",
    r"\Bo\B",
    r"^\s*\S+$",
    r"[[:punct:]]{2}",
    r"(?:ab|cd)+e",
    r"\W\w",
    r"\$\^\|\*\+\?\.\(\)",
]


@needs_grep
def test_ere_agrees_with_re2_line_by_line(tmp_path):
    chars = [chr(c) for c in range(32, 127)] + ["\t"]
    lines = chars + [a + b for a in "a]-^\\.[{}$" for b in "a]-^\\.[:"]
    lines += ["foo bar", " foo", "xfoo", "aa", "x,", "a-b=1", "1.2", "{}", "$^|*+?.()", "ab cde"]
    path = tmp_path / "lines.txt"
    path.write_text("\n".join(lines) + "\n")
    for pattern in TRICKY:
        translated = ere(pattern)
        assert translated is not None, pattern
        compiled = re2.compile(pattern)
        expected = sum(1 for line in lines if compiled.search(line))
        assert _grep_matches(translated, path) == expected, (pattern, translated)


@needs_grep
def test_ere_agrees_with_re2_on_every_kb_pattern(tmp_path):
    """Each translatable KB pattern counts the same ASCII fixture lines in grep and RE2."""
    lines = set()
    for yaml_file in sorted(loggen.FIXTURES.glob("*.yaml")):
        for value in yaml.safe_load(yaml_file.read_text(encoding="utf-8")).values():
            if isinstance(value, list):
                lines.update(v for v in value if isinstance(v, str) and v.isascii())
    lines = sorted(line for line in lines if "\n" not in line and "\r" not in line)
    assert len(lines) > 500
    path = tmp_path / "fixtures.txt"
    path.write_text("\n".join(lines) + "\n")
    checked = 0
    for patterns in kb_patterns().values():
        for pattern in patterns:
            translated = ere(pattern)
            if translated is None:
                continue
            compiled = re2.compile(pattern)
            expected = sum(1 for line in lines if compiled.search(line))
            assert _grep_matches(translated, path) == expected, (pattern, translated)
            checked += 1
    assert checked > 200


@needs_grep
def test_grep_counts_exactly_the_planted_lines(small):
    path, manifest, _ = small
    every = [ere(p) for ps in manifest["patterns"].values() for p in ps]
    count, seconds = grep_count(path, every)
    assert count == 12 * PER and seconds >= 0
    for patterns in manifest["patterns"].values():  # planted lines match one symptom each
        assert grep_count(path, [ere(p) for p in patterns])[0] == PER
    assert grep_count(path, ["no such line in the log"])[0] == 0
    with pytest.raises(ValueError):
        grep_count(path, [])
