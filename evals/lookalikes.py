"""Fit each symptom's look-alike rate (see :mod:`graph.inference`) on labelled cases.

A symptom's look-alike rate is how often a problem outside the KB that resembles a cause
shows the symptom, relative to how often the cause's own cases show it. It is read off
the eval cases: the in-KB cases of the causes the symptom belongs to, and the
out-of-KB cases (look-alikes) of the cause Sherlog ranks first for them. Both
frequencies are shrunk toward a base frequency by a pseudo-count, the look-alikes'
toward ``default`` times that base, so a symptom seen in few cases keeps a rate near
``default``.

Run ``python -m evals.lookalikes`` (``make fit-lookalikes``) after the KB or the dev
cases change; it writes ``graph/lookalike_rates.json``, which the engine
(:func:`assistant.engine.lookalike_rates`) loads. Only dev cases are read, never the
test split, and the held-out blind batches are left out so that they can still check the fit.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import networkx as nx

from assistant.engine import LOOKALIKE_RATES
from graph.build import NodeKind
from graph.inference import is_background

__all__ = ["RATES_FILE", "Observation", "fit_rates"]

RATES_FILE = Path(__file__).resolve().parent.parent / "graph" / LOOKALIKE_RATES
# a symptom is seen in a case when the case's evidence says present at this strength
SEEN_STRENGTH = 0.5
PSEUDO_COUNT = 1.0
BASE_FREQUENCY = 0.3


@dataclass(frozen=True)
class Observation:
    """What one case showed: its expected cause (None out of the KB), the cause Sherlog
    ranked first, and the symptoms seen present."""

    expected: str | None
    ranked_first: str | None
    seen: frozenset[str]


def fit_rates(
    G: nx.DiGraph, observations: Iterable[Observation], default: float = 0.6
) -> dict[str, float]:
    """Each symptom's look-alike rate, for the symptoms some case could have shown.

    >>> from graph.build import add_cause, add_symptom, add_effect
    >>> G = nx.DiGraph(); add_cause(G, "c", 0.5)
    >>> for s in ("surface", "own"): add_symptom(G, s); add_effect(G, "c", s, 0.9)
    >>> cases = [Observation("c", "c", frozenset({"surface", "own"}))] * 8
    >>> cases += [Observation(None, "c", frozenset({"surface"}))] * 8
    >>> {s: round(r, 2) for s, r in fit_rates(G, cases).items()}
    {'own': 0.02, 'surface': 0.99}
    """
    seen_kb: Counter[str] = Counter()
    cases_kb: Counter[str] = Counter()
    seen_like: Counter[str] = Counter()
    cases_like: Counter[str] = Counter()
    for case in observations:
        cause = case.expected or case.ranked_first
        if cause is None or cause not in G:
            continue
        seen, cases = (seen_kb, cases_kb) if case.expected else (seen_like, cases_like)
        for symptom in G.successors(cause):
            if G.nodes[symptom].get("kind") is NodeKind.SYMPTOM:
                cases[symptom] += 1
                seen[symptom] += symptom in case.seen
    rates = {}
    for symptom in sorted(set(cases_kb) | set(cases_like)):
        if is_background(G, symptom):
            continue
        own = (seen_kb[symptom] + PSEUDO_COUNT * BASE_FREQUENCY) / (
            cases_kb[symptom] + PSEUDO_COUNT
        )
        like = (seen_like[symptom] + PSEUDO_COUNT * BASE_FREQUENCY * default) / (
            cases_like[symptom] + PSEUDO_COUNT
        )
        rates[symptom] = min(1.0, like / own)
    return rates


def _observe(engine, cases) -> Iterable[Observation]:
    from assistant.attachments import Attachment
    from assistant.conversation import Conversation

    for n, case in enumerate(cases, 1):
        conversation = Conversation()
        for turn in case.turns:
            files = [Attachment(name, text.encode()) for name, text in turn.attachments]
            answer = engine.reply(conversation, turn.message, files)
        seen = frozenset(
            e.symptom for e in answer.evidence if e.present and e.strength >= SEEN_STRENGTH
        )
        first = answer.diagnoses[0].cause if answer.diagnoses else None
        yield Observation(case.expected, first, seen)
        if n % 100 == 0:
            print(f"{n}/{len(cases)} cases read", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.lookalikes", description=__doc__)
    parser.add_argument("paths", nargs="*", type=Path, default=[Path("evals/cases")])
    parser.add_argument(
        "--exclude", default="blind-15,blind-18", help="held-out tags left out (comma list)"
    )
    parser.add_argument("--out", type=Path, default=RATES_FILE)
    args = parser.parse_args(argv)

    from assistant.engine import Sherlog
    from assistant.settings import Settings
    from evals.cases import load_cases

    excluded = set(filter(None, args.exclude.split(",")))
    cases = [c for c in load_cases(args.paths) if "dev" in c.tags and not excluded & set(c.tags)]
    engine = Sherlog.open(Settings.from_env())
    # ranked first without look-alikes: the fit must not depend on an earlier fit
    engine.params = replace(engine.params, lookalike_prior=0.0)
    rates = fit_rates(engine.graph, _observe(engine, cases), engine.params.lookalike_rate)
    doc = {
        "about": "look-alike rate per symptom (graph.inference), fitted by evals/lookalikes.py",
        "cases": len(cases),
        "excluded_tags": sorted(excluded),
        "rates": {s: round(r, 4) for s, r in rates.items()},
    }
    args.out.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"{len(rates)} symptom rates from {len(cases)} dev cases -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
