"""Pydantic models of an article's YAML front matter: the KB's file boundary."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from kb.model import AREAS
from kb.products import PRODUCTS

__all__ = ["CITE_RE", "ID_RE", "CauseSpec", "FixSpec", "FrontMatter", "StepSpec", "SymptomSpec"]

ID_RE = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
CITE_RE = r"^(?:[a-z0-9]+(?:-[a-z0-9]+)*)?#[A-Za-z0-9_-]+$"


def _probability(value: float) -> float:
    if not 0.0 < value <= 1.0:
        raise ValueError("must be in (0, 1]")
    return value


Id = Annotated[str, StringConstraints(pattern=ID_RE)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Probability = Annotated[float, AfterValidator(_probability)]
Area = Literal[tuple(AREAS)]  # type: ignore[valid-type]
Product = Literal[tuple(PRODUCTS)]  # type: ignore[valid-type]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SequenceSpec(_Strict):
    first: Text
    then: Text
    within: int = Field(default=5, ge=0, le=50)
    until: Text | None = None
    absent: bool = False


class SymptomSpec(_Strict):
    id: Id
    text: Text
    question: Text
    check: Text | None = None
    phrasings: list[Text] = []
    patterns: list[Text] = []
    distinct: list[Text] = []
    sequences: list[SequenceSpec] = []
    different_vendors: Id | None = None
    state: Id | None = None


class EffectSpec(_Strict):
    symptom: Id
    p: Probability


class CauseSpec(_Strict):
    id: Id
    title: Text
    prior: Probability
    effects: Annotated[list[EffectSpec], Field(min_length=1)]
    fixes: Annotated[list[Id], Field(min_length=1)]
    cite: Annotated[str, StringConstraints(pattern=CITE_RE)] | None = None
    area: Area | None = None
    products: list[Product] = []


class StepSpec(_Strict):
    text: Text
    cite: Annotated[str, StringConstraints(pattern=CITE_RE)]


class FixSpec(_Strict):
    id: Id
    title: Text | None = None
    steps: Annotated[list[StepSpec], Field(min_length=1)]


class WaiverSpec(_Strict):
    code: Annotated[str, StringConstraints(pattern=r"^[a-z]+(-[a-z]+)*$")]
    subject: Text
    reason: Text


class FrontMatter(_Strict):
    id: Id
    title: Text
    products: list[Text] = []
    sources: Annotated[list[Text], Field(min_length=1)]
    symptoms: list[SymptomSpec] = []
    causes: list[CauseSpec] = []
    fixes: list[FixSpec] = []
    lint_waivers: list[WaiverSpec] = []
