"""Benchmark the chat page in a real browser: start-up, warm answer latency, memory.

Run: ``.venv/bin/python benchmarks/page.py [--questions 50] [--per-session 5]``.
``sherlog page`` serves the page on a free loopback port in a fresh SHERLOG_HOME (so the
first start indexes the KB); headless Chromium asks dev-split eval questions, a new
browser session every ``--per-session`` questions. Latency is from pressing Enter to
the answer drawn in full (the run over and the page no longer growing). The server's
resident memory is read from /proc after every question. Nothing is asserted; figures
are printed and written to ``benchmarks/results/page.json``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evals.cases import load_cases  # noqa: E402
from ui.web.testing import ask, chromium, serve  # noqa: E402

WAIT = 600


def _rss_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident set size of a process, in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def _questions(count: int) -> list[str]:
    """First messages of dev-split cases with no attachments, in file order, repeated
    when there are fewer than ``count``."""
    cases = [
        c
        for c in load_cases([ROOT / "evals" / "cases"])
        if Path(c.source).name.startswith("dev") and not c.turns[0].attachments
    ]
    texts = [c.turns[0].message for c in cases if c.turns[0].message.strip()]
    return [texts[i % len(texts)] for i in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=50)
    parser.add_argument("--per-session", type=int, default=5)
    args = parser.parse_args()
    questions = _questions(args.questions)
    results: dict[str, object] = {"questions": len(questions), "per_session": args.per_session}
    with tempfile.TemporaryDirectory(prefix="sherlog-page-bench-") as tmp:
        tmp_path = Path(tmp)
        started = time.perf_counter()
        with serve(tmp_path / "home", tmp_path / "page.log", startup=WAIT) as served:
            results["start_with_first_index_s"] = round(time.perf_counter() - started, 1)
            pid = served.process.pid
            with chromium(tmp_path / "profile") as browser:
                loaded = time.perf_counter()
                browser.get(served.url)
                results["first_visit_cold_answer_s"] = round(
                    ask(browser, "warm up: the host is slow", WAIT), 2
                )
                results["first_visit_load_s"] = round(time.perf_counter() - loaded, 1)
                results["rss_after_warm_up_mb"] = round(_rss_mb(pid)[0])
                first, later, rss = [], [], []
                for n, question in enumerate(questions):
                    if n % args.per_session == 0:
                        browser.get(served.url)  # a new browser session, a new conversation
                    seconds = ask(browser, question, WAIT)
                    (first if n % args.per_session == 0 else later).append(seconds)
                    rss.append(_rss_mb(pid)[0])
                    print(f"{n + 1:3d} {seconds:5.2f} s  rss {rss[-1]:6.0f} MB", file=sys.stderr)
                current, peak = _rss_mb(pid)
    every = first + later
    q = statistics.quantiles(every, n=20)
    results |= {
        "first_answer_of_session_s": {
            "median": round(statistics.median(first), 2),
            "max": round(max(first), 2),
        },
        "every_answer_s": {
            "median": round(statistics.median(every), 2),
            "p95": round(q[18], 2),
            "max": round(max(every), 2),
        },
        "server_rss_after_all_mb": round(current),
        "server_peak_rss_mb": round(peak),
        "server_rss_per_question_mb": [round(r) for r in rss],
    }
    out = ROOT / "benchmarks" / "results" / "page.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(
        json.dumps(
            {k: v for k, v in results.items() if k != "server_rss_per_question_mb"}, indent=2
        )
    )
    print(f"written to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
