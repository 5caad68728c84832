"""Evaluation cases: the YAML format of ../shared/DESIGN.md, validated at the boundary.

A case file holds ``cases:``, a list of cases; each case has an ``id``, free ``tags``,
one or more ``turns`` (a message and optional attachments ``{name, text}``) and an
``expect`` block: the cause that should rank first, or ``cause: null`` when the right
answer is "I don't know", plus optional ``also_ok`` causes accepted at rank 1 too.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from assistant.errors import SherlogError

__all__ = ["Case", "CaseError", "CaseTurn", "load_cases", "select"]

CASE_SUFFIXES = (".yaml", ".yml")

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=120)]
Tag = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=60)]


class CaseError(SherlogError):
    """A case file that cannot be used; the message names file, case and field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Attachment(_Strict):
    name: Annotated[str, StringConstraints(min_length=1)]
    text: str


class _Turn(_Strict):
    message: str = ""
    attachments: list[_Attachment] = []


class _Expect(_Strict):
    cause: Id | None
    also_ok: list[Id] = []


class _Case(_Strict):
    id: Id
    tags: list[Tag] = []
    turns: Annotated[list[_Turn], Field(min_length=1)]
    expect: _Expect


class _CaseFile(_Strict):
    cases: Annotated[list[dict], Field(min_length=1)]


@dataclass(frozen=True)
class CaseTurn:
    message: str
    attachments: tuple[tuple[str, str], ...] = ()  # (name, text)


@dataclass(frozen=True)
class Case:
    """One labelled troubleshooting conversation."""

    id: str
    tags: tuple[str, ...]
    turns: tuple[CaseTurn, ...]
    expected: str | None
    also_ok: tuple[str, ...]
    source: str

    @property
    def accepted(self) -> frozenset[str | None]:
        """What counts as right at rank 1 (None: abstaining)."""
        return frozenset({self.expected, *self.also_ok})


def _field(loc: Sequence[int | str]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")


def _parse_file(path: Path) -> list[Case]:
    shown = str(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as err:
        raise CaseError(f"{shown}: not UTF-8 text ({err.reason} at byte {err.start})") from err
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"{shown}:{mark.line + 1}" if mark else shown
        raise CaseError(f"{where}: not valid YAML: {getattr(err, 'problem', err)}") from err
    try:
        top = _CaseFile.model_validate(raw if isinstance(raw, dict) else {"cases": raw})
    except ValidationError as err:
        first = err.errors()[0]
        raise CaseError(
            f"{shown}: {_field(first['loc']) or 'file'}: {first['msg']} "
            "(a case file is a mapping with a non-empty 'cases:' list)"
        ) from err
    cases = []
    for n, item in enumerate(top.cases):
        label = f"case {item.get('id')!r}" if isinstance(item, dict) and "id" in item else None
        label = label or f"cases[{n}]"
        try:
            spec = _Case.model_validate(item)
        except ValidationError as err:
            problems = "; ".join(
                f"{_field(e['loc'])}: "
                + ("unknown field" if e["type"] == "extra_forbidden" else e["msg"])
                + ("" if e["type"] == "missing" else f", got {e['input']!r}")
                for e in err.errors()
            )
            raise CaseError(f"{shown}: {label}: {problems}") from err
        turns = tuple(
            CaseTurn(t.message, tuple((a.name, a.text) for a in t.attachments)) for t in spec.turns
        )
        for i, turn in enumerate(turns):
            if not turn.message.strip() and not turn.attachments:
                raise CaseError(f"{shown}: {label}: turns[{i}]: needs a message or attachments")
        cases.append(
            Case(
                spec.id,
                tuple(spec.tags),
                turns,
                spec.expect.cause,
                tuple(spec.expect.also_ok),
                shown,
            )
        )
    return cases


def case_files(paths: Iterable[Path]) -> list[Path]:
    """Every case file named, or found (recursively, sorted) in a named folder."""
    files = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix in CASE_SUFFIXES)
        elif path.is_file():
            files.append(path)
        else:
            raise CaseError(f"{path}: no such file or folder")
    return files


def load_cases(paths: Iterable[Path], known_causes: Collection[str] | None = None) -> list[Case]:
    """Load and check the cases in ``paths`` (files or folders).

    Case ids must be unique across everything loaded; when ``known_causes`` is given,
    every expected cause must be one of them (a typo would otherwise score as a miss).
    """
    paths = list(paths)
    files = case_files(paths)
    if not files:
        raise CaseError("no case files (*.yaml, *.yml) found in " + ", ".join(map(str, paths)))
    cases: list[Case] = []
    seen: dict[str, str] = {}
    for path in files:
        for case in _parse_file(path):
            if case.id in seen:
                raise CaseError(
                    f"{case.source}: case {case.id!r}: id: duplicate (also in {seen[case.id]})"
                )
            seen[case.id] = case.source
            if known_causes is not None:
                for name, cause in [
                    ("cause", case.expected),
                    *(("also_ok", c) for c in case.also_ok),
                ]:
                    if cause is not None and cause not in known_causes:
                        raise CaseError(
                            f"{case.source}: case {case.id!r}: expect.{name}: "
                            f"not a cause in the knowledge base, got {cause!r}"
                        )
            cases.append(case)
    return cases


def select(cases: Iterable[Case], tags: Collection[str]) -> list[Case]:
    """The cases carrying any of ``tags`` (all cases when ``tags`` is empty)."""
    wanted = set(tags)
    return [c for c in cases if not wanted or wanted & set(c.tags)]
