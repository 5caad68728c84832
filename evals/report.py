"""The evaluation report: Sherlog and the baselines side by side, in the terminal and as
Markdown, with a reliability diagram of Sherlog's confidence."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evals.metrics import abstention_frontier, accuracy_at_k, false_answer_rate, reliability_bins
from evals.runner import EvalRun

__all__ = ["METRICS", "render_markdown", "render_terminal", "write_report"]

# (summary key, label, kind): kind says how to show the value.
METRICS = (
    ("ac@1", "AC@1", "ratio"),
    ("ac@3", "AC@3", "ratio"),
    ("mrr", "MRR", "ratio"),
    ("macro_f1", "macro-F1", "ratio"),
    ("false_answer_rate", "false-answer rate (out-of-KB)", "ratio"),
    ("abstention_precision", "abstention precision", "ratio"),
    ("abstention_recall", "abstention recall", "ratio"),
    ("ece", "ECE (10 bins, top-1)", "ratio"),
    ("brier", "Brier (top-1)", "ratio"),
    ("citation_validity", "citation validity", "ratio"),
    ("latency_p50_ms", "latency p50 (ms)", "ms"),
    ("latency_p95_ms", "latency p95 (ms)", "ms"),
)


def _show(value: Any, kind: str = "ratio") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if kind == "ms":
        return f"{value:.0f}"
    return f"{value:.3f}"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return [line(headers), rule, *(line(r) for r in rows)]


def _split_table(run: EvalRun, ids: Sequence[str]) -> list[str]:
    summaries = [run.summarize(s, ids) for s in run.systems]
    headers = ["metric", *(s.name for s in run.systems)]
    counts = summaries[0]
    rows = [
        [
            "cases (in-KB / out-of-KB)",
            *[f"{counts['in_kb']} / {counts['out_of_kb']}"] * len(summaries),
        ]
    ]
    rows += [[label, *(_show(s[key], kind) for s in summaries)] for key, label, kind in METRICS]
    return _table(headers, rows)


def _title(split: str, ids: Sequence[str]) -> str:
    return f"{split} split ({len(ids)} cases)" if split != "all" else f"all cases ({len(ids)})"


def render_terminal(run: EvalRun) -> str:
    """The summary tables, one per split, for the terminal."""
    out = []
    for split, ids in run.splits().items():
        out += ["", _title(split, ids), *_split_table(run, ids)]
    out += _interactive_lines(run)
    out += ["", *_threshold_lines(run)]
    errors = [r for r in run.sherlog.results if "error" in r.extra]
    if errors:
        out.append(f"{len(errors)} case(s) raised an error; see the JSON records")
    return "\n".join(out).lstrip("\n")


def _interactive_table(block: dict[str, Any], max_questions: int) -> list[str]:
    """Policies by number of questions answered, then the questions each needed."""
    policies = list(block)
    headers = ["after k questions", *(f"{p} {m}" for p in policies for m in ("AC@1", "FAR"))]
    rows = []
    for k in range(max_questions + 1):
        row = [str(k)]
        for p in policies:
            at = block[p]["by_questions"][k]
            row += [_show(at["ac@1"]), _show(at["false_answer_rate"])]
        rows.append(row)
    for key, label in (
        ("mean_questions_asked", "mean questions asked"),
        ("questions_to_confident", "questions to confident right (unreached = budget + 1)"),
        ("questions_to_confident_reached", "questions to confident right (reached only)"),
    ):
        rows.append([label, *(x for p in policies for x in (f"{_num(block[p][key])}", ""))])
    rows.append(
        [
            "in-KB cases reaching a confident right answer",
            *(
                x
                for p in policies
                for x in (f"{block[p]['reached_confident']} / {block[p]['in_kb']}", "")
            ),
        ]
    )
    return _table(headers, rows)


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _interactive_lines(run: EvalRun) -> list[str]:
    out = []
    for split, block in run.interactive().items():
        if block:
            ids = run.splits()[split]
            out += [
                "",
                f"interactive, {_title(split, ids)}",
                *_interactive_table(block, run.max_questions),
            ]
    return out


def _threshold_lines(run: EvalRun) -> list[str]:
    """How each baseline's threshold was chosen, and what its ranking alone reaches.

    A retrieval score separates in-KB cases from look-alikes poorly, so the chosen
    threshold can make a baseline abstain on most cases; its accuracy when it never
    abstains is the strongest form of it to compare against.
    """
    lines = []
    for s in run.systems[1:]:
        t = s.threshold
        if t is None:
            continue
        answering = [dataclasses.replace(r, abstained=False) for r in s.results]
        never = "; ".join(
            f"{split} AC@1 {_show(accuracy_at_k(part, 1))}, AC@3 {_show(accuracy_at_k(part, 3))}"
            for split, ids in run.splits().items()
            if split != "all"
            for chosen in [set(ids)]
            for part in [[r for r in answering if r.id in chosen]]
        )
        lines.append(
            f"{s.name} abstains below a top score of {t.threshold:.3f}, chosen on "
            f"{t.chosen_on} ({t.right}/{t.cases} decided right there); never abstaining, "
            f"it scores {never}"
        )
    return lines


def _frontier_table(run: EvalRun) -> list[str]:
    """Per split: Sherlog's rule, then the best a threshold on "unknown" could do under
    each cap on the false-answer rate (:func:`evals.metrics.abstention_frontier`)."""
    rows = []
    for split, ids in run.splits().items():
        if split == "all":
            continue
        wanted = set(ids)
        results = [r for r in run.sherlog.results if r.id in wanted]
        frontier = abstention_frontier(results)
        if not frontier:
            continue
        far = false_answer_rate(results)
        rule = [_show(accuracy_at_k(results, 1)), _show(accuracy_at_k(results, 3))]
        rows.append([split, "Sherlog: abstain when unknown ranks first", "—", _show(far), *rule])
        for point in frontier:
            t = point["threshold"]
            rows.append(
                [
                    split,
                    f"best threshold with FAR <= {point['limit']:.2f}",
                    "any" if math.isinf(t) else f"< {t:.3f}",
                    _show(point["far"]),
                    _show(point["ac@1"]),
                    _show(point["ac@3"]),
                ]
            )
    headers = ["split", "rule", "answer while P(unknown)", "FAR", "AC@1", "AC@3"]
    return _table(headers, rows) if rows else []


def _by_tag_table(run: EvalRun, ids: Sequence[str]) -> list[str]:
    wanted = set(ids)
    cases = [c for c in run.cases if c.id in wanted]
    tags = sorted({t for c in cases for t in c.tags} - set(run.splits()))
    headers = [
        "tag",
        "cases",
        *(f"{s.name} AC@1" for s in run.systems),
        "sherlog AC@3",
        "sherlog false answers",
        "sherlog ECE",
    ]
    rows = []
    for tag in tags:
        tagged = [c.id for c in cases if tag in c.tags]
        summaries = [run.summarize(s, tagged) for s in run.systems]
        rows.append(
            [
                tag,
                str(len(tagged)),
                *(_show(s["ac@1"]) for s in summaries),
                _show(summaries[0]["ac@3"]),
                _show(summaries[0]["false_answer_rate"]),
                _show(summaries[0]["ece"]),
            ]
        )
    return _table(headers, rows)


def _misses(run: EvalRun, ids: Sequence[str]) -> list[str]:
    wanted = set(ids)
    rows = []
    for r in run.sherlog.results:
        if r.id not in wanted or r.correct:
            continue
        got = "abstained" if not r.answered else r.ranked[0].cause
        confidence = r.confidence
        rows.append([r.id, r.expected or "(abstain)", got, _show(confidence), ", ".join(r.tags)])
    if not rows:
        return ["None."]
    return _table(["case", "expected", "sherlog's top answer", "confidence", "tags"], rows)


def render_markdown(run: EvalRun, command: str, kb_line: str, figure: str | None) -> str:
    """The whole report as Markdown."""
    splits = run.splits()
    out = [
        "# Sherlog evaluation report",
        "",
        f"Produced by `{command}`. {kb_line}",
        "",
        "Sherlog is the causal-graph diagnosis; **bm25** and **dense** are retrieval "
        "baselines over the same KB passages (BM25 with `bm25s`; MiniLM vectors in the same "
        "Chroma index through LangChain), answering with the cause of the best passage and "
        "abstaining under a score threshold chosen on the dev split. An abstention on an "
        "in-KB case counts as a miss; ECE and Brier score the top-1 decision (a cause or "
        '"I don\'t know") and are only defined for Sherlog, whose confidence is a '
        "probability. Latency is per case, all turns included.",
    ]
    for split, ids in splits.items():
        out += ["", f"## {_title(split, ids).capitalize()}", "", *_split_table(run, ids)]
    if run.max_questions:
        out += [
            "",
            f"## Interactive: up to {run.max_questions} simulated follow-up answers",
            "",
            "After each case's scripted turns, a simulated user answers follow-up "
            "questions from the ground truth: yes when the asked symptom is an effect of "
            "the expected cause with p >= 0.5, no otherwise, don't know on out-of-KB "
            "cases. **voi** asks Sherlog's question (largest expected information gain); "
            "**random** asks about a random unreported symptom of the shown candidates "
            "(seeded by case id). A conversation stops when the top cause reaches the "
            "confidence threshold, or when there is nothing to ask. FAR is the "
            "false-answer rate on out-of-KB cases.",
        ]
        for split, block in run.interactive().items():
            if block:
                ids = splits[split]
                out += ["", f"### {_title(split, ids).capitalize()}", ""]
                out += _interactive_table(block, run.max_questions)
    frontier = _frontier_table(run)
    if frontier:
        out += [
            "",
            "## Abstention trade-off",
            "",
            'Sherlog abstains when "not in the KB" (unknown) has the largest posterior. '
            "Answering only while the posterior of unknown stays under a threshold trades "
            "false answers against in-KB accuracy differently. Under each cap on the "
            "false-answer rate, the rows give the threshold that would have scored the best "
            "AC@3 on that split, and what it scores. The threshold is picked on the cases it "
            "is scored on, so a row is a bound for any such rule on this posterior, not a "
            "setting.",
            "",
            *frontier,
        ]
    out += ["", "## Baseline thresholds", "", *(f"- {line}" for line in _threshold_lines(run))]
    for split, ids in splits.items():
        out += [
            "",
            f"## By tag, {_title(split, ids)} (every metric per tag is in the --json summary)",
            "",
            *_by_tag_table(run, ids),
        ]
    for split, ids in splits.items():
        if split != "all":
            out += ["", f"## Sherlog's misses on the {split} split", "", *_misses(run, ids)]
    if figure:
        out += ["", "## Reliability of Sherlog's top-1 confidence", "", f"![reliability]({figure})"]
    return "\n".join(out) + "\n"


def reliability_figure(run: EvalRun, path: Path) -> None:
    """Accuracy against confidence per bin, one curve per split, with bin counts."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(6, 7), height_ratios=[3, 1], sharex=True, constrained_layout=True
    )
    top.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect calibration")
    for split, ids in run.splits().items():
        wanted = set(ids)
        chosen = [r for r in run.sherlog.results if r.id in wanted and r.confidence is not None]
        bins = reliability_bins([r.confidence for r in chosen], [r.correct for r in chosen])
        points = [(mean, acc) for n, mean, acc in bins if n]
        if points:
            top.plot(*zip(*points, strict=True), marker="o", label=f"{split} ({len(chosen)} cases)")
        centres = [(i + 0.5) / len(bins) for i in range(len(bins))]
        bottom.step(centres, [n for n, _, _ in bins], where="mid", label=split)
    top.set_ylabel("accuracy of the top-1 decision")
    top.set_title("Sherlog: reliability of the top-1 confidence")
    top.set_xlim(0, 1)
    top.set_ylim(0, 1.02)
    top.legend(loc="upper left")
    bottom.set_xlabel("confidence (10 equal-width bins)")
    bottom.set_ylabel("cases")
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_report(run: EvalRun, folder: Path, command: str, kb_line: str) -> Path:
    """Write ``latest.md`` and ``reliability.png`` into ``folder``; return the Markdown path."""
    folder.mkdir(parents=True, exist_ok=True)
    figure = folder / "reliability.png"
    reliability_figure(run, figure)
    markdown = folder / "latest.md"
    markdown.write_text(render_markdown(run, command, kb_line, figure.name), encoding="utf-8")
    return markdown
