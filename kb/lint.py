"""``sherlog kb lint``: quality warnings about a valid knowledge base's causal graph.

Validation (:mod:`kb.loader`) refuses a KB that cannot be used; lint points at one that
works but diagnoses worse than it could:

=========================  ===============================================================
code                       what it means
=========================  ===============================================================
cause-without-fix          a cause none of whose fixes has a cited step to show
step-without-citation      a fix step whose cited section does not resolve
near-duplicate-symptoms    two symptoms of different articles whose texts embed within
                           ``NEAR_DUPLICATE`` cosine of each other: probably one node
inseparable-causes         two causes with the same set of effects: no evidence can ever
                           rank one above the other except their priors
symptom-without-question   a symptom Sherlog can never ask about: no cause produces it,
                           or its question is not a question
pattern-never-matched      a log pattern that matched no line of the test corpus, so
                           nothing shows it fires on what the product really prints
cause-without-area         a cause that does not say which area (``kb.model.AREAS``) it
                           belongs to, so coverage per area cannot be counted
cause-products-undeclared  a cause whose title names a product (``kb.products``) of a
                           family it declares no product of, so naming another product
                           of that family cannot count against it
=========================  ===============================================================

An article can justify a warning it keeps, in its front matter::

    lint_waivers:
      - {code: inseparable-causes, subject: cause-a, reason: "told apart by ..."}

``subject`` is the id (or pattern) the warning names first.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kb.embedding import Embedder
from kb.model import AREAS, KnowledgeBase
from kb.patterns import PatternSet
from kb.products import NAMES, PRODUCTS, named

__all__ = ["NEAR_DUPLICATE", "LintWarning", "corpus_texts", "lint_kb"]

# all-MiniLM-L6-v2 cosine between two symptom texts. Distinct observations of one
# subject reach 0.84 in the shipped KB ("VMs come back at failback" against "VMs were
# lost at failover"); 0.90 and above reads as the same observation written twice.
NEAR_DUPLICATE = 0.90


@dataclass(frozen=True)
class LintWarning:
    """One thing worth a look, with the file and id it is about."""

    code: str
    path: str
    subject: str
    message: str
    waived: str | None = None  # the article's reason, when it justifies the warning

    def __str__(self) -> str:
        return f"{self.path}: {self.code}: {self.message}"


def lint_kb(
    kb: KnowledgeBase,
    embedder: Embedder | None = None,
    corpus: Iterable[str] | None = None,
    near_duplicate: float = NEAR_DUPLICATE,
) -> list[LintWarning]:
    """Every lint warning of ``kb``, waived ones included (see :attr:`LintWarning.waived`).

    ``embedder`` enables the near-duplicate check and ``corpus`` (log lines and messages
    from the tests) the pattern check; either is skipped when not given.
    """
    warnings = [
        *_fixes(kb),
        *_areas(kb),
        *_products(kb),
        *_inseparable(kb),
        *_unaskable(kb),
        *(_near_duplicates(kb, embedder, near_duplicate) if embedder else ()),
        *(_unmatched_patterns(kb, corpus) if corpus is not None else ()),
    ]
    return [_waive(kb, w) for w in warnings]


def _path(kb: KnowledgeBase, article_id: str) -> str:
    article = kb.by_id.get(article_id)
    return str(article.path) if article else article_id


def _waive(kb: KnowledgeBase, warning: LintWarning) -> LintWarning:
    article = next((a for a in kb.articles if str(a.path) == warning.path), None)
    for waiver in article.waivers if article else ():
        if (waiver.code, waiver.subject) == (warning.code, warning.subject):
            return dataclasses.replace(warning, waived=waiver.reason)
    return warning


def _areas(kb: KnowledgeBase) -> Iterable[LintWarning]:
    for cause in kb.causes.values():
        if cause.area is None:
            yield LintWarning(
                "cause-without-area",
                _path(kb, cause.article),
                cause.id,
                f"cause {cause.id!r} has no area; add one of: {', '.join(AREAS)}",
            )


def _products(kb: KnowledgeBase) -> Iterable[LintWarning]:
    for cause in kb.causes.values():
        declared = {PRODUCTS[p] for p in cause.products}
        for product in sorted(named(cause.title)):
            if PRODUCTS[product] not in declared:
                yield LintWarning(
                    "cause-products-undeclared",
                    _path(kb, cause.article),
                    cause.id,
                    f"cause {cause.id!r} names {NAMES[product]} in its title but declares no"
                    f" {PRODUCTS[product]} in products; add products: [{product}]",
                )


def _fixes(kb: KnowledgeBase) -> Iterable[LintWarning]:
    for cause in kb.causes.values():
        shown = 0
        for fix_id in cause.fixes:
            fix = kb.fixes.get(fix_id)
            for step in fix.steps if fix else ():
                if kb.passage(step.article, step.anchor) is None:
                    yield LintWarning(
                        "step-without-citation",
                        _path(kb, fix.article),
                        fix.id,
                        f"fix {fix.id!r}: step {step.text!r} cites "
                        f"{step.article}#{step.anchor}, which does not resolve",
                    )
                else:
                    shown += 1
        if not shown:
            yield LintWarning(
                "cause-without-fix",
                _path(kb, cause.article),
                cause.id,
                f"cause {cause.id!r} has no fix with a cited step",
            )


def _inseparable(kb: KnowledgeBase) -> Iterable[LintWarning]:
    causes = sorted(kb.causes.values(), key=lambda c: c.id)
    for a, b in itertools.combinations(causes, 2):
        if {e.symptom for e in a.effects} == {e.symptom for e in b.effects}:
            yield LintWarning(
                "inseparable-causes",
                _path(kb, a.article),
                a.id,
                f"causes {a.id!r} and {b.id!r} have the same effects: add a symptom "
                "that only one of them produces",
            )


def _unaskable(kb: KnowledgeBase) -> Iterable[LintWarning]:
    produced = {e.symptom for c in kb.causes.values() for e in c.effects}
    for symptom in kb.symptoms.values():
        if symptom.id not in produced:
            reason = "no cause produces it, so it is never asked nor counted"
        elif not symptom.question.rstrip().endswith("?"):
            reason = f"its question is not a question, got {symptom.question!r}"
        else:
            continue
        yield LintWarning(
            "symptom-without-question",
            _path(kb, symptom.article),
            symptom.id,
            f"symptom {symptom.id!r}: {reason}",
        )


def _near_duplicates(
    kb: KnowledgeBase, embedder: Embedder, threshold: float
) -> Iterable[LintWarning]:
    symptoms = sorted(kb.symptoms.values(), key=lambda s: s.id)
    if len(symptoms) < 2:
        return
    vectors = embedder.embed_documents([s.text for s in symptoms])
    for (i, a), (j, b) in itertools.combinations(enumerate(symptoms), 2):
        if a.article == b.article:
            continue
        similarity = sum(x * y for x, y in zip(vectors[i], vectors[j], strict=True))
        if similarity >= threshold:
            yield LintWarning(
                "near-duplicate-symptoms",
                _path(kb, a.article),
                a.id,
                f"symptoms {a.id!r} and {b.id!r} ({_path(kb, b.article)}) read alike "
                f"(cosine {similarity:.2f} >= {threshold}): probably one node",
            )


def _unmatched_patterns(kb: KnowledgeBase, corpus: Iterable[str]) -> Iterable[LintWarning]:
    # an ``until`` pattern is a boundary (the next command): it need not match the corpus
    patterns = [
        (s, p)
        for s in kb.symptoms.values()
        for label, _, p, _ in s.regexes()
        if not label.endswith(".until")
    ]
    if not patterns:
        return
    matcher = PatternSet((str(n), p) for n, (_, p) in enumerate(patterns))
    pending = set(range(len(patterns)))
    for text in corpus:
        for line in text.splitlines():
            pending.difference_update(int(key) for key in matcher.match(line))
        if not pending:
            break
    for n in sorted(pending):
        symptom, pattern = patterns[n]
        yield LintWarning(
            "pattern-never-matched",
            _path(kb, symptom.article),
            pattern,
            f"symptom {symptom.id!r}: pattern {pattern!r} matched no line of the "
            "test corpus; add a real log line it must match",
        )


def corpus_texts(paths: Iterable[Path]) -> Iterator[str]:
    """Every string in the YAML files under ``paths``: eval cases, log-line fixtures.

    A folder is walked for ``*.yaml``/``*.yml``; a missing path yields nothing.
    """
    for path in paths:
        files = sorted(path.rglob("*.y*ml")) if path.is_dir() else [path]
        for file in files:
            if not file.is_file():
                continue
            yield from _strings(yaml.safe_load(file.read_text(encoding="utf-8")))


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(key)
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)
