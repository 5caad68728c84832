"""Pieces of the page that are plain functions of an Answer: HTML for log lines, links to
article anchors, evidence wording. No Streamlit here, so they are tested directly."""

from __future__ import annotations

import html
from urllib.parse import quote

from assistant.logread import occurrences
from graph.evidence import Evidence, OriginKind
from kb.index import PassageHit

__all__ = [
    "KB_PAGE",
    "article_link",
    "clip",
    "evidence_html",
    "highlight",
    "passage_item",
]

KB_PAGE = "kb"  # url_path of the knowledge-base page
LINE_CHARS = 400


def clip(text: str, limit: int) -> str:
    """One line of at most ``limit`` characters.

    >>> clip("a  b\\nc", 10), clip("abcdef", 4)
    ('a b c', 'abc…')
    """
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def article_link(article: str, anchor: str = "") -> str:
    """The knowledge-base page's address of an article, at a section.

    >>> article_link("esxi-agents", "restart-management-agents")
    'kb?article=esxi-agents#restart-management-agents'
    """
    link = f"{KB_PAGE}?article={quote(article)}"
    return f"{link}#{quote(anchor)}" if anchor else link


def passage_item(hit: PassageHit, excerpt: int = 0) -> str:
    """A Markdown list item linking a found passage, with its similarity and, when
    ``excerpt`` is set, that many characters of its text.

    >>> passage_item(PassageHit("a", "fix", "Fix it", "Run x.", 0.5), excerpt=40)
    '- [Fix it](kb?article=a#fix) `a#fix` (similarity 0.50): Run x.'
    """
    item = (
        f"- [{hit.heading or hit.article}]({article_link(hit.article, hit.anchor)}) "
        f"`{hit.article}#{hit.anchor}` (similarity {hit.score:.2f})"
    )
    return f"{item}: {clip(hit.text, excerpt)}" if excerpt else item


def highlight(text: str, span: tuple[int, int] | None) -> str:
    """``text`` as HTML with the matched ``span`` marked; everything else escaped.

    >>> highlight("a <b> ENOSPC here", (6, 12))
    'a &lt;b&gt; <mark>ENOSPC</mark> here'
    >>> highlight("<x>", None)
    '&lt;x&gt;'
    """
    if span is None or not 0 <= span[0] < span[1] <= len(text):
        return html.escape(text)
    start, end = span
    return (
        html.escape(text[:start])
        + f"<mark>{html.escape(text[start:end])}</mark>"
        + html.escape(text[end:])
    )


def evidence_html(item: Evidence) -> str:
    """One line of evidence, for or against, as HTML: where it came from and what it is.

    A log line is shown with its file, line number and repeat count and the matched part
    marked; words are shown with the symptom phrasing they resembled.
    """
    origin = item.origin
    if origin.kind is OriginKind.LOG:
        detail = occurrences(origin)
        times = (
            f" ×{origin.count}{' (' + detail + ')' if detail else ''}" if origin.count > 1 else ""
        )
        where = html.escape(f"{origin.source}:{origin.line}{times}")
        line = origin.text
        span = origin.span
        if len(line) > LINE_CHARS:  # a huge line: show the part around the match
            start = max(0, span[0] - 100) if span else 0
            line = line[start : start + LINE_CHARS]
            span = (span[0] - start, min(span[1] - start, len(line))) if span else None
        ruled_out = "" if item.present else "rules it out: "
        return (
            f"<code>{where}</code> {ruled_out}"
            f'<span class="sherlog-log">{highlight(line, span)}</span> '
            f"<small>({html.escape(item.symptom)})</small>"
        )
    if origin.kind is OriginKind.MESSAGE:
        verb = "you said" if item.present else "you ruled out"
        similarity = f" (similarity {origin.similarity:.2f})" if origin.similarity else ""
        return (
            f"{verb} “{html.escape(clip(origin.text, 160))}” ≈ "
            f"“{html.escape(origin.matched)}”{similarity}"
        )
    if origin.kind is OriginKind.TEMPLATE:
        return (
            f"<code>{html.escape(origin.source)}</code> ≈{origin.count:,} unexplained lines "
            f'like <span class="sherlog-log">{html.escape(clip(origin.text, 160))}</span> '
            f"resemble “{html.escape(origin.matched)}” "
            f"(similarity {origin.similarity or 0:.2f}, weak evidence)"
        )
    answered = "yes" if item.present else "no"
    return (
        f"you answered <b>{answered}</b> to “{html.escape(clip(origin.matched, 160))}”"
        if origin.matched
        else f"you answered “{html.escape(clip(origin.text, 80))}”"
    )
