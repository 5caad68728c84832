"""Sherlog's causal graph: build it from KB fragments, infer over it. Pure functions."""

from graph.build import NodeKind, add_cause, add_effect, add_fix, add_symptom, build_graph
from graph.evidence import Evidence, Origin, OriginKind
from graph.inference import (
    UNKNOWN,
    Diagnosis,
    InferenceParams,
    posterior,
    rank_causes,
)
from graph.questions import Question, next_question, rank_questions

__all__ = [
    "UNKNOWN",
    "Diagnosis",
    "Evidence",
    "InferenceParams",
    "NodeKind",
    "Origin",
    "OriginKind",
    "Question",
    "add_cause",
    "add_effect",
    "add_fix",
    "add_symptom",
    "build_graph",
    "next_question",
    "posterior",
    "rank_causes",
    "rank_questions",
]
