"""Render an Answer as terminal text."""

from __future__ import annotations

import textwrap

from assistant.answer import Answer, RankedCause
from assistant.logread import occurrences, template_lines
from graph.evidence import Evidence, OriginKind

__all__ = ["percent", "render_text"]

FIXES_FOR_CONFIDENCE = 0.15  # fix steps are shown for candidates at least this likely
QUOTE_CHARS = 400


def percent(p: float, decimals: int = 0) -> str:
    """A probability as a percentage that never claims certainty it does not have: a
    posterior rounds to 100% or 0% only when it is exactly that.

    >>> percent(0.99997, 1), percent(0.42), percent(0.004), percent(1.0), percent(0.0, 1)
    ('>99.9%', '42%', '<1%', '100%', '0%')
    """
    if p <= 0.0 or p >= 1.0:
        return f"{p:.0%}"
    step = 10.0**-decimals
    shown = round(p * 100, decimals)
    if shown >= 100:
        return f">{100 - step:.{decimals}f}%"
    if shown <= 0:
        return f"<{step:.{decimals}f}%"
    return f"{shown:.{decimals}f}%"


def _bar(confidence: float, width: int = 20) -> str:
    filled = round(confidence * width)
    return "█" * filled + "·" * (width - filled)


def _evidence_line(item: Evidence) -> str:
    origin = item.origin
    if origin.kind is OriginKind.LOG:
        where = f"{origin.source}:{origin.line}"
        detail = occurrences(origin)
        times = f" (x{origin.count}{', ' + detail if detail else ''})" if origin.count > 1 else ""
        ruled_out = "" if item.present else f"rules out {item.symptom}: "
        return f"{where}{times}: {ruled_out}{_clip(origin.text, 160)}"
    if origin.kind is OriginKind.TEMPLATE:
        return (
            f'{origin.source}: ~{origin.count:,} unexplained lines like "{_clip(origin.text, 120)}"'
            f' resemble "{origin.matched}" (similarity {origin.similarity:.2f})'
        )
    if origin.kind is OriginKind.MESSAGE:
        verb = "you said" if item.present else "you ruled out"
        return (
            f'{verb} "{_clip(origin.text, 120)}" ~ "{origin.matched}" '
            f"(similarity {origin.similarity:.2f})"
        )
    to = f' to "{_clip(origin.matched, 100)}"' if origin.matched else ""
    return f'you answered "{_clip(origin.text, 60)}"{to}'


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _diagnosis(rank: int, d: RankedCause, lines: list[str]) -> None:
    lines.append(f"{rank}. {d.title}  [{d.cause}]")
    lines.append(f"   confidence {percent(d.confidence, 1):>6} {_bar(d.confidence)}")
    for item in d.supporting:
        lines.append(f"   + {_evidence_line(item)}")
    if d.resembles is not None:
        r = d.resembles
        lines.append(
            f'   + your description resembles [{r.article}#{r.anchor}] "{r.heading}" '
            f"(similarity {r.score:.2f})"
        )
    for item in d.contradicting:
        lines.append(f"   - {_evidence_line(item)}")
    if d.unlike is not None:
        u = d.unlike
        lines.append(
            f'   - your description resembles [{u.article}#{u.anchor}] "{u.heading}", a '
            f"look-alike, more than anything about this cause (similarity {u.score:.2f})"
        )
    if d.product_note:
        lines.append(f"   - {d.product_note}")
    if d.confidence < FIXES_FOR_CONFIDENCE:
        return
    for plan in d.fixes:
        lines.append(f"   Fix: {plan.title}")
        for n, step in enumerate(plan.steps, 1):
            c = step.citation
            lines.append(f"     {n}. {step.text}  [{c.article}#{c.anchor}]")
    quoted: set[tuple[str, str]] = set()
    for plan in d.fixes:
        for step in plan.steps:
            c = step.citation
            if (c.article, c.anchor) in quoted:
                continue
            quoted.add((c.article, c.anchor))
            lines.append(f"     [{c.article}#{c.anchor}] {c.heading}:")
            body = textwrap.fill(
                _clip(c.passage, QUOTE_CHARS),
                width=88,
                initial_indent="       > ",
                subsequent_indent="       > ",
            )
            lines.append(body)


def render_text(answer: Answer) -> str:
    """The answer as plain text, for a terminal."""
    lines: list[str] = []
    if answer.abstained:
        lines.append(
            "I don't know: nothing in the knowledge base explains this well enough "
            f"(unknown cause {percent(answer.unknown_confidence)})."
        )
        if answer.diagnoses:
            lines.append("Weak candidates:")
    else:
        lines.append("Likely causes:")
    for rank, d in enumerate(answer.diagnoses, 1):
        _diagnosis(rank, d, lines)
    if not answer.abstained:
        lines.append(f"Not in the knowledge base: {percent(answer.unknown_confidence, 1)}")
    if answer.next_question:
        lines.append(f"Next question: {answer.next_question.text}  (yes / no / don't know)")
    if answer.checks:
        lines.append("To narrow it down, collect:")
        lines.extend(f"  - {q.check or q.text}" for q in answer.checks)
    if answer.related and (answer.abstained or not answer.diagnoses):
        lines.append("Related reading:")
        for hit in answer.related:
            lines.append(
                f"  [{hit.article}#{hit.anchor}] {hit.heading or hit.article} "
                f"(similarity {hit.score:.2f})"
            )
    lines.extend(f"Note: {n}" for n in answer.notes)
    for report in answer.logs:
        lines.extend(f"Log: {n}" for n in report.notes())
        if report.templates:
            lines.append(f"Most frequent lines no KB pattern explains, in {report.name}:")
            lines.extend(f"  - {_clip(t, 200)}" for t in template_lines(report))
    return "\n".join(lines)
