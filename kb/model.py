"""Typed, immutable values for a loaded knowledge base.

These are what the rest of Sherlog sees: pydantic stays at the file boundary
(:mod:`kb.schema`), everything past the loader is a frozen dataclass.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property
from pathlib import Path

from kb.patterns import DISTINCT_GROUPS

__all__ = [
    "AREAS",
    "DIFFERENTIAL_PREFIX",
    "Article",
    "ArticleKind",
    "Cause",
    "Effect",
    "Fix",
    "KnowledgeBase",
    "Section",
    "Step",
    "Symptom",
    "Waiver",
]


AREAS: dict[str, str] = {  # the areas a cause belongs to: id -> what it covers
    "vsphere-hosts": "vSphere hosts and vCenter",
    "vsphere-networking": "vSphere networking",
    "vsphere-storage": "vSphere storage",
    "nsx-load-balancing": "NSX and load balancers",
    "physical-networking": "physical networking",
    "windows-ad": "Windows Server and Active Directory",
    "linux": "Linux hosts",
    "databases": "databases",
}


class ArticleKind(Enum):
    """Whether an article adds to the causal graph or is related reading only."""

    GRAPH = "graph"
    RAW = "raw"


# A section whose anchor starts with this tells what looks like the article's causes but
# is not ("## Not mirroring: idle connections closed by a timeout {#not-mirroring}").
DIFFERENTIAL_PREFIX = "not-"


@dataclass(frozen=True)
class Section:
    """One citable passage of an article: a heading and the text under it."""

    anchor: str
    heading: str
    text: str
    line: int

    @property
    def differential(self) -> bool:
        """Whether the section is about a look-alike of its article's causes, not them."""
        return self.anchor.startswith(DIFFERENTIAL_PREFIX)


@dataclass(frozen=True)
class LineSequence:
    """A line matching ``first``, then ``then`` later on that line or on one of the next
    ``within`` lines, unless a line matching ``until`` comes between (the next command):
    a command and its result (a large DF ping, then 100% packet loss). An ``absent``
    sequence shows that the symptom is *not* there (df -i, then every filesystem well
    below 100% IUse%), unless a sequence or pattern in the same text shows it is."""

    first: str
    then: str
    within: int = 5
    until: str | None = None
    absent: bool = False


@dataclass(frozen=True)
class Symptom:
    """An observation a user can make; shared by every cause that produces it."""

    id: str
    text: str
    question: str
    article: str
    # what to run or look at to find out, for "collect this next" (default: the question)
    check: str = ""
    phrasings: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    # patterns with groups "key" and "value": seen when one key shows two values
    distinct: tuple[str, ...] = ()
    sequences: tuple[LineSequence, ...] = ()
    # seen when the MACs another symptom's distinct patterns find for one key belong to
    # different registered vendors (IEEE OUI): that symptom's id
    different_vendors: str | None = None
    # symptoms with one state are values of one observation that holds one at a time (the
    # error of the last replication attempt): a later turn's word on one outdates the others
    state: str | None = None

    def regexes(self) -> Iterator[tuple[str, tuple[str, int], str, tuple[str, ...]]]:
        """Every regex the symptom declares: (label, YAML path, pattern, named groups it
        must have), for the loader's checks and the linter's coverage alike."""
        for j, pattern in enumerate(self.patterns):
            yield f"patterns[{j}]", ("patterns", j), pattern, ()
        for j, pattern in enumerate(self.distinct):
            yield f"distinct[{j}]", ("distinct", j), pattern, DISTINCT_GROUPS
        for j, seq in enumerate(self.sequences):
            for part in ("first", "then", "until"):
                if getattr(seq, part) is not None:
                    yield f"sequences[{j}].{part}", ("sequences", j), getattr(seq, part), ()


@dataclass(frozen=True)
class Effect:
    """P(symptom observed | cause)."""

    symptom: str
    p: float


@dataclass(frozen=True)
class Cause:
    """A root cause with its prior, the symptoms it produces and the fixes that cure it."""

    id: str
    title: str
    prior: float
    article: str
    effects: tuple[Effect, ...]
    fixes: tuple[str, ...]
    cite: tuple[str, str] | None = None  # (article, anchor) of the section explaining it
    area: str | None = None  # one of AREAS
    products: tuple[str, ...] = ()  # the products it is specific to (kb.products)


@dataclass(frozen=True)
class Step:
    """One fix step and the section it is cited from."""

    text: str
    article: str
    anchor: str


@dataclass(frozen=True)
class Fix:
    """An ordered list of cited steps."""

    id: str
    title: str
    article: str
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Waiver:
    """A ``kb lint`` warning the article's author has looked at and justified."""

    code: str
    subject: str
    reason: str


@dataclass(frozen=True)
class Article:
    """One file of the knowledge base."""

    id: str
    title: str
    path: Path
    kind: ArticleKind
    digest: str
    sections: tuple[Section, ...]
    products: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    symptoms: tuple[Symptom, ...] = ()
    causes: tuple[Cause, ...] = ()
    fixes: tuple[Fix, ...] = ()
    waivers: tuple[Waiver, ...] = ()

    def section(self, anchor: str) -> Section | None:
        """Return the section with this anchor, or None."""
        return next((s for s in self.sections if s.anchor == anchor), None)


@dataclass(frozen=True)
class KnowledgeBase:
    """All articles of one KB folder, with lookups by id."""

    root: Path
    articles: tuple[Article, ...] = field(default_factory=tuple)

    @cached_property
    def by_id(self) -> dict[str, Article]:
        return {a.id: a for a in self.articles}

    @cached_property
    def symptoms(self) -> dict[str, Symptom]:
        return {s.id: s for a in self.articles for s in a.symptoms}

    @cached_property
    def causes(self) -> dict[str, Cause]:
        return {c.id: c for a in self.articles for c in a.causes}

    @cached_property
    def fixes(self) -> dict[str, Fix]:
        return {f.id: f for a in self.articles for f in a.fixes}

    @cached_property
    def passage_causes(self) -> dict[tuple[str, str], tuple[str, ...]]:
        """Which causes each (article, anchor) passage speaks for, higher prior first:

        - a cause whose ``cite`` names it (the section explaining that cause), and a
          cause whose fix steps cite it;
        - otherwise, every cause of its article;
        - no cause at all when its article defines none (triage and raw articles), and
          none for a differential section: it describes what those causes are not (see
          :attr:`differentials`).
        """
        claimed: dict[tuple[str, str], list[str]] = {}
        for cause in self.causes.values():
            spots = [cause.cite] if cause.cite else []
            for fix_id in cause.fixes:
                spots += [(s.article, s.anchor) for s in self.fixes[fix_id].steps]
            for spot in dict.fromkeys(spots):
                claimed.setdefault(spot, []).append(cause.id)
        out: dict[tuple[str, str], tuple[str, ...]] = {}
        for article in self.articles:
            by_prior = tuple(c.id for c in sorted(article.causes, key=lambda c: -c.prior))
            for section in article.sections:
                key = (article.id, section.anchor)
                owners = claimed.get(key)
                out[key] = (
                    ()
                    if section.differential
                    else tuple(sorted(owners, key=lambda c: -self.causes[c].prior))
                    if owners
                    else by_prior
                )
        return out

    @cached_property
    def differentials(self) -> dict[tuple[str, str], tuple[str, ...]]:
        """Which causes each differential (article, anchor) section tells a look-alike of:
        every cause of its article. A description closer to such a section than to a
        cause's own passages resembles the look-alike more than the cause."""
        return {
            (article.id, section.anchor): tuple(c.id for c in article.causes)
            for article in self.articles
            for section in article.sections
            if section.differential and article.causes
        }

    def passage(self, article: str, anchor: str) -> Section | None:
        """Return the cited section, or None when the citation does not resolve."""
        found = self.by_id.get(article)
        return found.section(anchor) if found else None
