"""Shared fixtures: an isolated SHERLOG_HOME for every test, a deterministic embedder,
and small KB folders written on the fly."""

from __future__ import annotations

import hashlib
import math
import re
import textwrap
from collections.abc import Sequence
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def sherlog_home(tmp_path, monkeypatch) -> Path:
    """Every test gets its own SHERLOG_HOME; nothing touches the user's real state."""
    home = tmp_path / "sherlog-home"
    monkeypatch.setenv("SHERLOG_HOME", str(home))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.delenv("SHERLOG_KB", raising=False)
    monkeypatch.delenv("SHERLOG_CHROMA_URL", raising=False)  # never a developer's server
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return home


class FakeEmbedder:
    """Hash-seeded bag-of-words vectors: deterministic, offline, instant.

    Texts sharing words get similar vectors, which is enough to test matching logic
    without the real model.
    """

    name = "fake-bow-64"
    dim = 64

    def __init__(self) -> None:
        self.calls = 0
        self.embedded = 0
        self.texts: list[str] = []  # every document embedded (not queries), in order

    def _vector(self, text: str) -> list[float]:
        vec = [0.0] * self.dim
        for word in re.findall(r"[a-z0-9]+", text.lower()):
            digest = hashlib.sha256(word.encode()).digest()
            for i in range(self.dim):
                vec[i] += 1.0 if digest[i % len(digest)] & (1 << (i % 8)) else -1.0
        norm = math.sqrt(sum(v * v for v in vec)) or 1.0
        return [v / norm for v in vec]

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        self.calls += 1
        self.embedded += len(texts)
        self.texts += texts
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        self.calls += 1
        self.embedded += 1
        return self._vector(text)


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


ARTICLE = """\
---
id: {id}
title: {title}
sources: ["test"]
symptoms:
  - id: {id}-symptom
    text: the widget {id} is broken
    question: Is widget {id} broken?
    phrasings: ["widget {id} fails", "{id} widget broke"]
    patterns: ['WIDGET-{upper}-FAIL']
causes:
  - id: {id}-cause
    title: Cause of {id}
    prior: 0.1
    area: linux
    effects:
      - {{symptom: {id}-symptom, p: 0.9}}
    fixes: [{id}-fix]
fixes:
  - id: {id}-fix
    steps:
      - {{text: Replace widget {id}., cite: "#fix"}}
---
## Symptoms {{#symptoms}}
Widget {id} fails.

## Fix {{#fix}}
Replace widget {id}.
"""


def write_article(folder: Path, article_id: str, body: str | None = None) -> Path:
    """Write a valid small graph article (or ``body`` verbatim) as ``folder/ID.md``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{article_id}.md"
    text = (
        body
        if body is not None
        else ARTICLE.format(id=article_id, title=f"Widget {article_id}", upper=article_id.upper())
    )
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def kb_dir(tmp_path) -> Path:
    """A folder with two valid articles, alpha and beta."""
    folder = tmp_path / "kb"
    write_article(folder, "alpha")
    write_article(folder, "beta")
    return folder


PUMPS = """\
---
id: pumps
title: Pump troubles
sources: ["test"]
symptoms:
  - id: pump-noise
    text: the pump raises a noise alarm
    question: Does the pump raise a noise alarm?
    phrasings: ["pump noise alarm", "the pump is noisy"]
    patterns: ['PUMP-NOISE']
  - id: pump-hot
    text: the pump casing is hot
    question: Is the pump casing hot?
    check: Touch the casing with the back of the hand.
    phrasings: ["casing hot", "pump casing overheating"]
  - id: pump-leaks
    text: the pump leaks water
    question: Does the pump leak water?
    phrasings: ["water puddle under pump", "pump leaking water"]
causes:
  - id: pump-bearing
    title: Worn pump bearing
    prior: 0.1
    effects:
      - {symptom: pump-noise, p: 0.9}
      - {symptom: pump-hot, p: 0.9}
    fixes: [pump-fix]
  - id: pump-seal
    title: Failed pump seal
    prior: 0.1
    effects:
      - {symptom: pump-noise, p: 0.9}
      - {symptom: pump-leaks, p: 0.9}
    fixes: [pump-fix]
fixes:
  - id: pump-fix
    steps:
      - {text: Replace the pump., cite: "#fix"}
---
## Overview {#overview}
Pumps get noisy for two reasons.

## Fix {#fix}
Replace the pump.
"""

NOISE = "see this\n10:01 PUMP-NOISE level 7"


@pytest.fixture
def pump_sherlog(tmp_path, fake_embedder):
    """A Sherlog over the pumps KB: two causes share a log-matched symptom and each has
    one of its own, so one question splits them."""
    from assistant.engine import Sherlog
    from graph import build_graph
    from kb.index import SherlogIndex
    from kb.loader import load_kb
    from kb.store import open_chroma

    folder = tmp_path / "kb"
    write_article(folder, "pumps", PUMPS)
    kb = load_kb(folder)
    index = SherlogIndex(open_chroma(tmp_path / "chroma"), fake_embedder)
    index.ingest(kb)
    return Sherlog(kb, build_graph(kb), index, fake_embedder)
