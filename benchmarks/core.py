"""Benchmark the core engine: cold ask, warm latency, ingest, memory.

Run: ``make bench`` (or ``.venv/bin/python benchmarks/core.py [--questions N]``).
Everything happens in a fresh temporary SHERLOG_HOME; nothing is asserted, figures
are printed and written to ``benchmarks/results/core.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


_MEASURED_CLI = """
import resource, sys
from ui.cli import cli
try:
    cli.main(sys.argv[1:], prog_name="sherlog")
finally:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    sys.stderr.write(f"\\nmaxrss_kb={rss}\\n")
"""


def _peak_rss_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def _cli(home: Path, *args: str) -> tuple[float, int, str]:
    """Run ``sherlog ARGS`` in a new process; return wall seconds, peak RSS (MB), stdout."""
    env = {**os.environ, "SHERLOG_HOME": str(home)}
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _MEASURED_CLI, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    wall = time.perf_counter() - start
    rss = int(proc.stderr.rsplit("maxrss_kb=", 1)[1].split()[0]) // 1024
    if proc.returncode != 0:
        raise SystemExit(f"sherlog {' '.join(args)} failed:\n{proc.stderr}")
    return wall, rss, proc.stdout


def _questions(n: int) -> list[str]:
    """Varied questions: blind-written seed questions, out-of-scope ones, and random
    mixes of KB symptom phrasings with filler, so no two are alike."""
    import yaml

    from assistant.settings import DEFAULT_KB
    from kb.loader import load_kb

    data = yaml.safe_load((ROOT / "tests" / "data" / "seed_questions.yaml").read_text())
    base = [q["text"] for q in data["questions"]] + list(data["out_of_scope"])
    phrasings = [p for s in load_kb(DEFAULT_KB).symptoms.values() for p in s.phrasings]
    rng = random.Random(7)
    fillers = [
        "since this morning",
        "after the change window",
        "on two of our sites",
        "any idea?",
        "urgent, prod is down",
        "we already rebooted once",
    ]
    out = list(base)
    while len(out) < n:
        picked = rng.sample(phrasings, rng.randint(1, 3))
        out.append(", and ".join(picked) + f" {rng.choice(fillers)}")
    return out[:n]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=200)
    args = parser.parse_args()
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="sherlog-bench-") as tmp:
        home = Path(tmp)
        wall, rss, _ = _cli(home, "ingest")
        results["full_ingest_s"] = round(wall, 2)
        results["full_ingest_peak_rss_mb"] = rss
        wall, rss, err = _cli(home, "ingest")
        results["incremental_ingest_unchanged_s"] = round(wall, 2)
        results["incremental_ingest_unchanged_output"] = err.strip()
        cold = [_cli(home, "ask", "vCenter lost a host but its VMs keep running") for _ in range(3)]
        results["cold_ask_s"] = [round(w, 2) for w, _, _ in cold]
        results["cold_ask_peak_rss_mb"] = max(r for _, r, _ in cold)

        # Where a cold start goes: imports and model load, measured in this process.
        t0 = time.perf_counter()
        from assistant.engine import Sherlog
        from assistant.settings import Settings

        t1 = time.perf_counter()
        sherlog = Sherlog.open(Settings.from_env({"SHERLOG_HOME": str(home)}))
        t2 = time.perf_counter()
        sherlog.embedder.warm_up()
        t3 = time.perf_counter()
        results["cold_breakdown_s"] = {
            "import_engine": round(t1 - t0, 2),
            "load_kb_and_open_index": round(t2 - t1, 2),
            "load_minilm_model": round(t3 - t2, 2),
        }
        questions = _questions(args.questions)
        sherlog.ask(questions[0])
        latencies = []
        for q in questions:
            start = time.perf_counter()
            sherlog.ask(q)
            latencies.append((time.perf_counter() - start) * 1000)
        latencies.sort()
        results["warm_questions"] = len(latencies)
        results["warm_p50_ms"] = round(statistics.median(latencies), 1)
        results["warm_p95_ms"] = round(latencies[int(0.95 * (len(latencies) - 1))], 1)
        results["warm_max_ms"] = round(latencies[-1], 1)
        results["warm_process_peak_rss_mb"] = _peak_rss_mb()
    out = ROOT / "benchmarks" / "results" / "core.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
