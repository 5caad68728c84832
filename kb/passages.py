"""Split article bodies into citable passages (sections), for Markdown, text and HTML.

>>> [(s.anchor, s.line) for s in markdown_sections("## Fix it {#fix}\\nRestart.\\n", first_line=3)]
[('fix', 3)]
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from kb.model import Section

__all__ = ["html_sections", "markdown_sections", "slugify", "text_sections"]

_HEADING = re.compile(r"^(#{1,3})\s+(.*?)\s*(?:\{#([A-Za-z0-9_-]+)\})?\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_PARAGRAPHS_PER_PASSAGE_CHARS = 1200


def slugify(text: str) -> str:
    """Kebab-case anchor for a heading.

    >>> slugify("Why it happens: ARP & MACs")
    'why-it-happens-arp-macs'
    """
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


def _unique(anchor: str, seen: set[str]) -> str:
    candidate, n = anchor, 2
    while candidate in seen:
        candidate, n = f"{anchor}-{n}", n + 1
    seen.add(candidate)
    return candidate


def markdown_sections(body: str, first_line: int = 1) -> list[Section]:
    """Cut a Markdown body at its level 1-3 headings, keeping explicit ``{#anchor}``s.

    Text before the first heading becomes a section anchored ``intro``. Headings inside
    fenced code blocks are text, not headings.
    """
    sections: list[Section] = []
    seen: set[str] = set()
    anchor, heading, start, lines = "intro", "", first_line, []
    in_fence = False

    def flush() -> None:
        text = "\n".join(lines).strip()
        if text or heading:
            sections.append(Section(_unique(anchor, seen), heading, text, start))

    for offset, line in enumerate(body.splitlines()):
        if _FENCE.match(line):
            in_fence = not in_fence
        match = None if in_fence else _HEADING.match(line)
        if match:
            flush()
            heading = match.group(2)
            anchor = match.group(3) or slugify(heading)
            start, lines = first_line + offset, []
        else:
            lines.append(line)
    flush()
    return sections


def text_sections(text: str) -> list[Section]:
    """Group a plain-text file's paragraphs into passages of about 1,200 characters."""
    sections: list[Section] = []
    chunk: list[str] = []
    chunk_line = line = 1
    for paragraph in re.split(r"(\n\s*\n)", text):
        if not paragraph.strip():
            line += paragraph.count("\n")
            continue
        if not chunk:
            chunk_line = line
        chunk.append(paragraph.strip())
        line += paragraph.count("\n")
        if sum(map(len, chunk)) >= _PARAGRAPHS_PER_PASSAGE_CHARS:
            sections.append(Section(f"p{len(sections) + 1}", "", "\n\n".join(chunk), chunk_line))
            chunk = []
    if chunk:
        sections.append(Section(f"p{len(sections) + 1}", "", "\n\n".join(chunk), chunk_line))
    return sections


class _HTMLText(HTMLParser):
    """Collect an HTML page's visible text as Markdown-like headings and paragraphs."""

    _SKIP = frozenset({"script", "style", "head", "nav", "footer"})
    _BLOCK = frozenset({"p", "div", "li", "br", "tr", "pre", "section", "article", "table"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.title = ""
        self._skip = 0
        self._heading: str | None = None
        self._heading_id: str | None = None
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self._in_title = True
        if tag in self._SKIP:
            self._skip += 1
        elif tag in {"h1", "h2", "h3"}:
            self._heading, self._heading_id = "", dict(attrs).get("id")
        elif tag in self._BLOCK:
            self.out.append("\n\n")

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if tag in self._SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in {"h1", "h2", "h3"} and self._heading is not None:
            anchor = f" {{#{self._heading_id}}}" if self._heading_id else ""
            self.out.append(f"\n\n## {' '.join(self._heading.split())}{anchor}\n\n")
            self._heading = None

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        if self._skip and not self._in_title:
            return
        if self._heading is not None:
            self._heading += data
        elif not self._in_title:
            self.out.append(data)


def html_sections(html: str) -> tuple[str, list[Section]]:
    """Return an HTML page's title and its passages, cut at h1-h3 headings."""
    parser = _HTMLText()
    parser.feed(html)
    parser.close()
    text = re.sub(r"[ \t]+", " ", "".join(parser.out))
    text = re.sub(r"\n\s*\n(\s*\n)+", "\n\n", text)
    sections = [s for s in markdown_sections(text) if s.text or s.heading]
    return " ".join(parser.title.split()), sections
