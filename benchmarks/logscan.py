"""Benchmark the log scan on a big generated log, against ``grep -E -c`` in the same run.

Run: ``.venv/bin/python benchmarks/logscan.py [--size-mb 100] [--seed 7] [--runs 3]``.

1. ``benchmarks/loggen.py`` writes a reproducible mixed ESXi / syslog / Windows-event log
   with 500 planted lines for each of a dozen KB symptoms (their line numbers recorded).
2. Each run scans the file in a fresh process, through the product's path for an
   attached file (``assistant.logread.read_upload``: bundle walk, one-pass scan of every
   KB pattern, hit aggregation, template mining of the unexplained lines, redaction),
   and reports the wall time, MB/s and the process's peak RSS.
3. Correctness: every planted line must be found under its symptom (count, first and last
   line), and no other symptom may be found: the noise matches no KB pattern.
4. ``grep -E -c`` (C locale) runs with the same dozen symptoms' patterns, translated to
   ERE, on the same file, the same number of times.

Also measured: the same log gzipped and attached as ``.gz`` (the streaming inflate).
Figures are printed and written to ``benchmarks/results/logscan.json``; nothing is
asserted.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.loggen import ere, generate, grep_count  # noqa: E402

_SCAN = """
import json, resource, sys, time
from pathlib import Path
from assistant.attachments import read_attachment
from assistant.bundles import UploadLimits
from assistant.logread import read_upload
from assistant.logscan import compile_readers
from kb.loader import load_kb

readers = compile_readers(load_kb(Path("kb/articles")))
attachment = read_attachment(Path(sys.argv[1]), 1 << 40)
start = time.perf_counter()
hits, report = read_upload(readers, attachment, UploadLimits(max_bytes=1 << 40))
wall = time.perf_counter() - start
print(json.dumps({
    "wall": wall,
    "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "bytes": report.bytes,
    "lines": report.lines,
    "hits": {h.symptom: [h.count, h.first_line, h.last_line or h.first_line] for h in hits},
    "templates": [[t.estimate, t.text] for t in report.templates],
}))
"""


def _scan(path: Path) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", _SCAN, str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"scan of {path} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _check(result: dict, planted: dict) -> list[str]:
    """What the scan got wrong against the planted lines (empty: all found, no others)."""
    problems = []
    for symptom, lines in planted["symptoms"].items():
        got = result["hits"].get(symptom)
        want = [len(lines), lines[0], lines[-1]]
        if got != want:
            problems.append(f"{symptom}: found {got}, planted {want}")
    extra = sorted(set(result["hits"]) - set(planted["symptoms"]))
    problems += [f"{s}: found, never planted ({result['hits'][s]})" for s in extra]
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if shutil.which("grep") is None:
        raise SystemExit("grep is not installed")
    with tempfile.TemporaryDirectory(prefix="sherlog-logscan-") as tmp:
        log = Path(tmp) / "mixed.log"
        planted = generate(log, args.size_mb * 1024 * 1024, seed=args.seed)
        size_mb = log.stat().st_size / 1e6
        patterns = [p for ps in planted["patterns"].values() for p in ps]
        translated = [ere(p) for p in patterns]
        if None in translated:
            raise SystemExit("a planted symptom's pattern has no ERE translation")
        scans, greps = [], []
        for _ in range(args.runs):
            scans.append(_scan(log))
            greps.append(grep_count(log, translated))
        problems = _check(scans[0], planted)
        planted_total = sum(len(v) for v in planted["symptoms"].values())
        if greps[0][0] != planted_total:
            problems.append(f"grep counted {greps[0][0]} lines, {planted_total} were planted")
        gz = log.with_suffix(".log.gz")
        with log.open("rb") as src, gzip.open(gz, "wb", compresslevel=6) as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        gz_scan = _scan(gz)
        problems += [f"gzip: {p}" for p in _check(gz_scan, planted)]

    walls = [s["wall"] for s in scans]
    grep_walls = [g[1] for g in greps]
    median, grep_median = statistics.median(walls), statistics.median(grep_walls)
    results = {
        "file_mb": round(size_mb, 1),
        "lines": scans[0]["lines"],
        "planted_lines": planted_total,
        "scan_seconds": [round(w, 3) for w in walls],
        "scan_mb_per_s_median": round(size_mb / median, 1),
        "grep_seconds": [round(w, 3) for w in grep_walls],
        "scan_over_grep_median": round(median / grep_median, 2),
        "peak_rss_mb_max": round(max(s["rss_mb"] for s in scans)),
        "gzip_scan_seconds": round(gz_scan["wall"], 3),
        "gzip_mb_per_s": round(size_mb / gz_scan["wall"], 1),
        "gzip_peak_rss_mb": round(gz_scan["rss_mb"]),
        "problems": problems,
        "top_templates": scans[0]["templates"][:3],
    }
    out = ROOT / "benchmarks" / "results" / "logscan.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    for key, value in results.items():
        print(f"{key:24} {value}")
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
