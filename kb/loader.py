"""Read a KB folder into a :class:`~kb.model.KnowledgeBase`, reporting every problem.

``check_kb`` collects problems (for ``sherlog kb validate``); ``load_kb`` is what the
app uses: it refuses an invalid KB with the same messages, as one :class:`KBError`.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from assistant.errors import KBError, Problem
from kb.model import (
    Article,
    ArticleKind,
    Cause,
    Effect,
    Fix,
    KnowledgeBase,
    LineSequence,
    Step,
    Symptom,
    Waiver,
)
from kb.passages import html_sections, markdown_sections, slugify, text_sections
from kb.patterns import pattern_problem
from kb.schema import FrontMatter

__all__ = ["ARTICLE_SUFFIXES", "article_files", "check_kb", "load_kb"]

ARTICLE_SUFFIXES = (".md", ".txt", ".html", ".htm")
MAX_ARTICLE_BYTES = 2 << 20


def article_files(root: Path) -> list[Path]:
    """Every article file under ``root``, sorted; READMEs and hidden files are skipped."""
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file()
        and p.suffix.lower() in ARTICLE_SUFFIXES
        and not p.name.upper().startswith("README")
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )


def load_kb(root: Path) -> KnowledgeBase:
    """Load and validate the KB in ``root``; raise :class:`KBError` listing every problem."""
    kb, problems = check_kb(root)
    if problems:
        raise KBError(problems)
    return kb


def check_kb(root: Path) -> tuple[KnowledgeBase, list[Problem]]:
    """Load what can be loaded from ``root`` and return it with every problem found."""
    root = Path(root)
    if not root.is_dir():
        return KnowledgeBase(root), [Problem(str(root), None, "no such KB folder")]
    articles: list[Article] = []
    problems: list[Problem] = []
    lines: dict[str, _Lines] = {}
    for path in article_files(root):
        article, where, found = _read_article(path, root)
        problems += found
        if article is not None:
            articles.append(article)
            lines[article.id] = where
    if not articles and not problems:
        problems.append(Problem(str(root), None, "no articles (.md, .txt, .html) found"))
    problems += _cross_problems(articles, lines)
    return KnowledgeBase(root, tuple(articles)), problems


# --- one file ---------------------------------------------------------------------------


class _Lines:
    """Maps a front-matter location such as ``("causes", 0, "prior")`` to a file line."""

    def __init__(self, node: yaml.Node | None, offset: int):
        self._node, self._offset = node, offset

    def __call__(self, *loc: str | int) -> int | None:
        node, line = self._node, None
        for key in loc:
            if node is None:
                break
            line = node.start_mark.line
            node = _child(node, key)
        if node is not None:
            line = node.start_mark.line
        return None if line is None else line + self._offset


def _child(node: yaml.Node, key: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        return next((v for k, v in node.value if k.value == key), None)
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
        return node.value[key]
    return None


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _read_article(path: Path, root: Path) -> tuple[Article | None, _Lines, list[Problem]]:
    shown = _display(path, root)
    nowhere = _Lines(None, 0)
    try:
        data = path.read_bytes()
    except OSError as err:
        return None, nowhere, [Problem(shown, None, f"cannot read: {err.strerror}")]
    if len(data) > MAX_ARTICLE_BYTES:
        return None, nowhere, [Problem(shown, None, f"too large ({len(data)} bytes)")]
    if b"\0" in data[:8192]:
        return None, nowhere, [Problem(shown, None, "binary file (contains NUL bytes)")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        msg = f"not UTF-8 text (invalid byte 0x{data[err.start]:02x} at offset {err.start})"
        return None, nowhere, [Problem(shown, None, msg)]
    digest = hashlib.sha256(data).hexdigest()
    suffix = path.suffix.lower()
    if suffix == ".md" and text.startswith("---"):
        return _graph_article(path, shown, text, digest)
    stem_id = slugify(path.stem)
    if suffix in (".html", ".htm"):
        title, sections = html_sections(text)
    elif suffix == ".md":
        sections = markdown_sections(text)
        title = next((s.heading for s in sections if s.heading), "")
    else:
        sections = text_sections(text)
        title = ""
    if not sections:
        return None, nowhere, [Problem(shown, None, "empty article: no text to index")]
    article = Article(
        id=stem_id,
        title=title or path.stem,
        path=path,
        kind=ArticleKind.RAW,
        digest=digest,
        sections=tuple(sections),
    )
    return article, nowhere, []


def _graph_article(
    path: Path, shown: str, text: str, digest: str
) -> tuple[Article | None, _Lines, list[Problem]]:
    lines = text.split("\n")
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() == "---"), None)
    if lines[0].rstrip() != "---" or end is None:
        msg = "front matter must start and end with a line '---'"
        return None, _Lines(None, 0), [Problem(shown, 1, msg)]
    front = "\n".join(lines[1:end])
    try:
        node = yaml.compose(front, Loader=yaml.SafeLoader)
        raw = yaml.safe_load(front)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 2 if mark else None
        problem = getattr(err, "problem", None) or str(err)
        return (
            None,
            _Lines(None, 0),
            [Problem(shown, line, f"front matter is not valid YAML: {problem}")],
        )
    where = _Lines(node, 2)  # YAML line 0 is file line 2, after the opening '---'
    if not isinstance(raw, dict):
        return None, where, [Problem(shown, 2, "front matter must be a YAML mapping")]
    try:
        spec = FrontMatter.model_validate(raw)
    except ValidationError as err:
        return None, where, [_pydantic_problem(shown, where, e) for e in err.errors()]
    sections = markdown_sections("\n".join(lines[end + 1 :]), first_line=end + 2)
    article = Article(
        id=spec.id,
        title=spec.title,
        path=path,
        kind=ArticleKind.GRAPH,
        digest=digest,
        sections=tuple(sections),
        products=tuple(spec.products),
        sources=tuple(spec.sources),
        waivers=tuple(Waiver(w.code, w.subject, w.reason) for w in spec.lint_waivers),
        symptoms=tuple(
            Symptom(
                id=s.id,
                text=s.text,
                question=s.question,
                article=spec.id,
                check=s.check or "",
                phrasings=tuple(s.phrasings),
                patterns=tuple(s.patterns),
                distinct=tuple(s.distinct),
                sequences=tuple(
                    LineSequence(q.first, q.then, q.within, q.until, q.absent) for q in s.sequences
                ),
                different_vendors=s.different_vendors,
                state=s.state,
            )
            for s in spec.symptoms
        ),
        causes=tuple(
            Cause(
                id=c.id,
                title=c.title,
                prior=c.prior,
                article=spec.id,
                effects=tuple(Effect(e.symptom, e.p) for e in c.effects),
                fixes=tuple(c.fixes),
                cite=_split_cite(c.cite, spec.id) if c.cite else None,
                area=c.area,
                products=tuple(c.products),
            )
            for c in spec.causes
        ),
        fixes=tuple(
            Fix(
                id=f.id,
                title=f.title or f.id,
                article=spec.id,
                steps=tuple(Step(s.text, *_split_cite(s.cite, spec.id)) for s in f.steps),
            )
            for f in spec.fixes
        ),
    )
    return article, where, []


def _split_cite(cite: str, own: str) -> tuple[str, str]:
    article, _, anchor = cite.partition("#")
    return article or own, anchor


def _pydantic_problem(shown: str, where: _Lines, error: dict[str, Any]) -> Problem:
    loc = error["loc"]
    field = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = "unknown field"
    elif error["type"] == "missing":
        message = "required field is missing"
    elif error["type"] == "string_pattern_mismatch":
        message = (
            "must be lowercase kebab-case"
            if loc[-1] != "cite"
            else ("must be '#anchor' or 'article-id#anchor'")
        )
    got = "" if error["type"] == "missing" else f", got {error['input']!r}"
    return Problem(shown, where(*loc), f"{field or 'front matter'}: {message}{got}")


# --- across articles --------------------------------------------------------------------


def _cross_problems(articles: list[Article], lines: dict[str, _Lines]) -> Iterator[Problem]:
    seen_article: dict[str, Article] = {}
    for article in articles:
        if article.id in seen_article:
            first = seen_article[article.id]
            yield Problem(
                str(article.path),
                lines[article.id]("id"),
                f"id: duplicate article id {article.id!r} (also {first.path})",
            )
        else:
            seen_article[article.id] = article

    owner: dict[str, tuple[str, Article]] = {}
    for article in articles:
        where = lines.get(article.id, _Lines(None, 0))
        for kind, items in (
            ("symptoms", article.symptoms),
            ("causes", article.causes),
            ("fixes", article.fixes),
        ):
            for i, item in enumerate(items):
                if item.id in owner:
                    other_kind, other = owner[item.id]
                    yield Problem(
                        str(article.path),
                        where(kind, i, "id"),
                        f"{kind}[{i}].id: {item.id!r} is already defined as one of the "
                        f"{other_kind} of {other.path.name}",
                    )
                else:
                    owner[item.id] = (kind, article)

    symptom_ids = {s.id for a in articles for s in a.symptoms}
    in_state = Counter(s.state for a in articles for s in a.symptoms if s.state)
    with_distinct = {s.id for a in articles for s in a.symptoms if s.distinct}
    fix_ids = {f.id for a in articles for f in a.fixes}
    for article in articles:
        where = lines.get(article.id, _Lines(None, 0))
        shown = str(article.path)
        for i, symptom in enumerate(article.symptoms):
            if symptom.state is not None and in_state[symptom.state] < 2:
                yield Problem(
                    shown,
                    where("symptoms", i, "state"),
                    f"symptoms[{i}].state: {symptom.state!r} has no other symptom; a state "
                    "names two or more symptoms that hold one at a time",
                )
            source = symptom.different_vendors
            if source is not None and source not in with_distinct:
                what = "has no distinct patterns" if source in symptom_ids else "is no symptom"
                yield Problem(
                    shown,
                    where("symptoms", i, "different_vendors"),
                    f"symptoms[{i}].different_vendors: {source!r} {what}; it must name a "
                    "symptom whose distinct patterns find the MACs to compare",
                )
            for label, path, pattern, groups in symptom.regexes():
                reason = pattern_problem(pattern, groups)
                if reason:
                    yield Problem(
                        shown,
                        where("symptoms", i, *path),
                        f"symptoms[{i}].{label}: {reason}, got {pattern!r}",
                    )
        for i, cause in enumerate(article.causes):
            for j, effect in enumerate(cause.effects):
                if effect.symptom not in symptom_ids:
                    yield Problem(
                        shown,
                        where("causes", i, "effects", j, "symptom"),
                        f"causes[{i}].effects[{j}].symptom: unknown symptom id, "
                        f"got {effect.symptom!r}",
                    )
            for j, fix in enumerate(cause.fixes):
                if fix not in fix_ids:
                    yield Problem(
                        shown,
                        where("causes", i, "fixes", j),
                        f"causes[{i}].fixes[{j}]: unknown fix id, got {fix!r}",
                    )
        for i, cause in enumerate(article.causes):
            if cause.cite is not None:
                problem = _cite_problem(seen_article, article.id, *cause.cite)
                target = seen_article.get(cause.cite[0])
                section = target.section(cause.cite[1]) if target else None
                if not problem and section is not None and section.differential:
                    problem = (
                        f"{section.anchor!r} is a differential section (it tells what the "
                        "cause is not), so it cannot explain the cause"
                    )
                if problem:
                    yield Problem(shown, where("causes", i, "cite"), f"causes[{i}].cite: {problem}")
        for i, fix in enumerate(article.fixes):
            for j, step in enumerate(fix.steps):
                problem = _cite_problem(seen_article, article.id, step.article, step.anchor)
                if problem:
                    yield Problem(
                        shown,
                        where("fixes", i, "steps", j, "cite"),
                        f"fixes[{i}].steps[{j}].cite: {problem}",
                    )


def _cite_problem(articles: dict[str, Article], own: str, target_id: str, anchor: str) -> str:
    """What is wrong with a citation of ``target_id#anchor`` from article ``own``, or ''."""
    cite = ("" if target_id == own else target_id) + "#" + anchor
    target = articles.get(target_id)
    if target is None:
        return f"unknown article, got {target_id + '#' + anchor!r}"
    if target.section(anchor) is None:
        return f"no section with anchor {anchor!r} in {target.path.name}, got {cite!r}"
    return ""
