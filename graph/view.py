"""Draw the part of the causal graph around the current candidates, as Graphviz DOT.

Causes are shaded by their confidence; symptoms are coloured by what the conversation
holds on them: observed, denied, or not known yet. Pure: a graph in, a DOT string out.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import networkx as nx

from graph.build import NodeKind

__all__ = ["DENIED", "OBSERVED", "UNOBSERVED", "neighbourhood", "to_dot"]

MAX_UNKNOWN_PER_CAUSE = 4  # a cause with 15 effects would drown the picture

OBSERVED, DENIED, UNOBSERVED = "#2e7d32", "#c62828", "#9e9e9e"  # green, red, grey


def neighbourhood(
    G: nx.DiGraph,
    confidences: Mapping[str, float],
    observed: Collection[str] = (),
    denied: Collection[str] = (),
) -> nx.DiGraph:
    """The subgraph of the causes in ``confidences``, every symptom the conversation
    holds that one of them explains, and their most likely unobserved effects.

    >>> from graph.build import add_cause, add_symptom, add_effect
    >>> G = nx.DiGraph(); add_cause(G, "c", 0.1); add_cause(G, "d", 0.1)
    >>> for s in "xyz": add_symptom(G, s)
    >>> add_effect(G, "c", "x", 0.9); add_effect(G, "d", "z", 0.9)
    >>> sorted(neighbourhood(G, {"c": 0.7}, observed={"x"}).nodes)
    ['c', 'x']
    >>> sorted(neighbourhood(G, {"ghost": 0.7}).nodes)
    []
    """
    known = set(observed) | set(denied)
    keep: set[str] = set()
    for cause in confidences:
        if cause not in G or G.nodes[cause].get("kind") is not NodeKind.CAUSE:
            continue
        keep.add(cause)
        effects = [s for s in G.successors(cause) if G.nodes[s]["kind"] is NodeKind.SYMPTOM]
        keep.update(s for s in effects if s in known)
        unseen = sorted(
            (s for s in effects if s not in known), key=lambda s: -G.edges[cause, s]["p"]
        )
        keep.update(unseen[:MAX_UNKNOWN_PER_CAUSE])
    return G.subgraph(keep).copy()


def _quote(text: str) -> str:
    """A DOT string literal; a newline becomes a line break in the label."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _wrap(text: str, width: int = 28) -> str:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines)


def _shade(confidence: float) -> str:
    """White for 0, deep blue for 1, as an RGB hex colour."""
    c = min(max(confidence, 0.0), 1.0)
    white, blue = (255, 255, 255), (21, 101, 192)
    r, g, b = (round(w + (k - w) * c) for w, k in zip(white, blue, strict=True))
    return f"#{r:02x}{g:02x}{b:02x}"


def to_dot(
    G: nx.DiGraph,
    confidences: Mapping[str, float],
    observed: Collection[str] = (),
    denied: Collection[str] = (),
) -> str:
    """Graphviz DOT for :func:`neighbourhood`, causes on the left, symptoms on the right.

    >>> from graph.build import add_cause, add_symptom, add_effect
    >>> G = nx.DiGraph(); add_cause(G, "c", 0.1, "Disk full"); add_symptom(G, "x", text="ENOSPC")
    >>> add_effect(G, "c", "x", 0.9)
    >>> dot = to_dot(G, {"c": 0.8}, observed={"x"})
    >>> '"c" -> "x"' in dot and "#2e7d32" in dot and "80%" in dot
    True
    """
    H = neighbourhood(G, confidences, observed, denied)
    out = [
        "digraph sherlog {",
        "  rankdir=LR;",
        '  node [fontname="Helvetica", fontsize=10, style=filled];',
        '  edge [color="#777777", fontsize=8];',
    ]
    for node, data in H.nodes(data=True):
        if data["kind"] is NodeKind.CAUSE:
            confidence = confidences.get(node, 0.0)
            label = f"{_wrap(data.get('title', node))}\n{confidence:.0%}"
            font = "white" if confidence > 0.5 else "black"
            out.append(
                f"  {_quote(node)} [shape=box, label={_quote(label)}, "
                f'fillcolor="{_shade(confidence)}", fontcolor={font}];'
            )
        else:
            colour = OBSERVED if node in observed else DENIED if node in denied else UNOBSERVED
            out.append(
                f"  {_quote(node)} [shape=ellipse, label={_quote(_wrap(data.get('text', node)))}, "
                f'fillcolor="white", color="{colour}", fontcolor="{colour}", penwidth=2];'
            )
    for cause, symptom, p in H.edges(data="p"):
        out.append(f"  {_quote(cause)} -> {_quote(symptom)} [label={_quote(f'{p:.2f}')}];")
    out.append("}")
    return "\n".join(out)
