"""Build Sherlog's causal graph: a ``networkx.DiGraph`` of cause -> symptom and cause -> fix.

Node attribute ``kind`` is a :class:`NodeKind`. Cause nodes carry ``prior`` and
``title``; symptom nodes ``text``, ``question`` and ``check`` (what to run or look at);
fix nodes ``title`` and ``steps``.
A cause -> symptom edge carries ``p`` = P(symptom observed | cause).

>>> from pathlib import Path
>>> G = build_graph(KnowledgeBase(Path("."), ()))
>>> G.number_of_nodes()
0
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum

import networkx as nx

from kb.model import KnowledgeBase, Step

__all__ = [
    "CONTRA_P",
    "NodeKind",
    "add_cause",
    "add_effect",
    "add_fix",
    "add_symptom",
    "build_graph",
    "causes",
    "set_lookalike_rates",
    "symptoms",
]


# A symptom every linked cause shows with p <= CONTRA_P is a background fact that rules
# those causes out (graph.inference.is_background).
CONTRA_P = 0.05


class NodeKind(Enum):
    CAUSE = "cause"
    SYMPTOM = "symptom"
    FIX = "fix"


def add_cause(G: nx.DiGraph, cause: str, prior: float, title: str = "", article: str = "") -> None:
    """Add a cause node.

    >>> G = nx.DiGraph(); add_cause(G, "disk-full", 0.1)
    >>> G.nodes["disk-full"]["kind"]
    <NodeKind.CAUSE: 'cause'>
    """
    G.add_node(cause, kind=NodeKind.CAUSE, prior=prior, title=title or cause, article=article)


def add_symptom(
    G: nx.DiGraph,
    symptom: str,
    question: str = "",
    text: str = "",
    article: str = "",
    check: str = "",
) -> None:
    """Add a symptom node.

    >>> G = nx.DiGraph(); add_symptom(G, "no-space", "Does df show 100%?")
    >>> G.nodes["no-space"]["question"]
    'Does df show 100%?'
    """
    G.add_node(
        symptom,
        kind=NodeKind.SYMPTOM,
        question=question,
        text=text or symptom,
        article=article,
        check=check or question,
    )


def add_effect(G: nx.DiGraph, cause: str, symptom: str, p: float) -> None:
    """Link a cause to a symptom it produces with probability ``p``.

    The symptom's ``background`` attribute says whether every cause linked to it shows it
    with p at most ``CONTRA_P`` (see :func:`graph.inference.is_background`); it is kept
    here so inference reads it instead of walking the edges for every likelihood.

    >>> G = nx.DiGraph(); add_cause(G, "c", 0.1); add_symptom(G, "s"); add_effect(G, "c", "s", 0.9)
    >>> G.edges["c", "s"]["p"], G.nodes["s"]["background"]
    (0.9, False)
    """
    G.add_edge(cause, symptom, p=p)
    linked = G.in_edges(symptom, data="p")
    G.nodes[symptom]["background"] = all(q <= CONTRA_P for _, _, q in linked)


def add_fix(
    G: nx.DiGraph, cause: str, fix: str, title: str = "", steps: tuple[Step, ...] = ()
) -> None:
    """Link a cause to a fix node (created if missing).

    >>> G = nx.DiGraph(); add_cause(G, "c", 0.1); add_fix(G, "c", "f", "Restart it")
    >>> list(G.successors("c"))
    ['f']
    """
    if fix not in G:
        G.add_node(fix, kind=NodeKind.FIX, title=title or fix, steps=steps)
    G.add_edge(cause, fix)


def set_lookalike_rates(G: nx.DiGraph, rates: Mapping[str, float]) -> None:
    """Give each symptom its fitted look-alike rate (see :mod:`graph.inference`); a rate
    for a symptom the graph does not have is ignored (the KB changed since the fit).

    >>> G = nx.DiGraph(); add_symptom(G, "s"); set_lookalike_rates(G, {"s": 0.4, "gone": 1})
    >>> G.nodes["s"]["lookalike"], "gone" in G
    (0.4, False)
    """
    for symptom, rate in rates.items():
        if G.nodes.get(symptom, {}).get("kind") is NodeKind.SYMPTOM:
            G.nodes[symptom]["lookalike"] = float(rate)


def build_graph(kb: KnowledgeBase) -> nx.DiGraph:
    """Merge every article's fragment into one graph; raw articles add nothing."""
    G = nx.DiGraph()
    for symptom in kb.symptoms.values():
        add_symptom(G, symptom.id, symptom.question, symptom.text, symptom.article, symptom.check)
        G.nodes[symptom.id]["patterns"] = symptom.patterns
    for cause in kb.causes.values():
        add_cause(G, cause.id, cause.prior, cause.title, cause.article)
        G.nodes[cause.id]["products"] = cause.products
        for effect in cause.effects:
            add_effect(G, cause.id, effect.symptom, effect.p)
        for fix_id in cause.fixes:
            fix = kb.fixes[fix_id]
            add_fix(G, cause.id, fix.id, fix.title, fix.steps)
    return G


def causes(G: nx.DiGraph) -> list[str]:
    """Cause node ids, in insertion order.

    >>> G = nx.DiGraph(); add_cause(G, "a", 0.1); add_symptom(G, "s"); causes(G)
    ['a']
    """
    return [n for n, kind in G.nodes(data="kind") if kind is NodeKind.CAUSE]


def symptoms(G: nx.DiGraph) -> list[str]:
    """Symptom node ids, in insertion order.

    >>> G = nx.DiGraph(); add_cause(G, "a", 0.1); add_symptom(G, "s"); symptoms(G)
    ['s']
    """
    return [n for n, kind in G.nodes(data="kind") if kind is NodeKind.SYMPTOM]
