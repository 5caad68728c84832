"""The Chroma index: article passages (for citations and related reading) and symptom
phrasings (for matching a user's words to symptoms).

Ingest is incremental and crash-safe. Each build writes a new *generation* of
collections beside the active one, copying the vectors of unchanged articles (same
content hash, same embedder) and embedding only what changed; then one record in the
manifest collection switches readers to the new generation, and the old one is dropped.
A crash before the switch leaves the previous generation in use.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.errors import IndexError_
from kb.embedding import Embedder
from kb.model import Article, ArticleKind, KnowledgeBase

__all__ = ["IngestReport", "PassageHit", "PhrasingHit", "SherlogIndex"]

_MANIFEST = "sherlog-manifest"
_PREFIX = "sherlog-g"


@dataclass(frozen=True)
class IngestReport:
    """What one ingest did."""

    generation: int
    articles: int
    embedded_articles: tuple[str, ...]
    reused_articles: int
    removed_articles: tuple[str, ...]
    embedded_passages: int
    embedded_phrasings: int

    @property
    def changed(self) -> bool:
        return bool(self.embedded_articles or self.removed_articles)


@dataclass(frozen=True)
class PassageHit:
    """A passage found by similarity to the user's words."""

    article: str
    anchor: str
    heading: str
    text: str
    score: float


@dataclass(frozen=True)
class PhrasingHit:
    """A symptom phrasing close to one piece of the user's text."""

    symptom: str
    phrasing: str
    score: float


@dataclass(frozen=True)
class _Manifest:
    generation: int
    embedder: str
    digests: dict[str, str]


class SherlogIndex:
    """Passages and phrasings of one KB in Chroma, embedded with one embedder.

    Parameters
    ----------
    client
        A ``chromadb`` client: ``PersistentClient`` for one process, ``HttpClient`` when
        several processes share the index.
    embedder
        Any :class:`~kb.embedding.Embedder`; vectors are always computed here, never by
        Chroma's default embedding function (which would try the network).
    """

    def __init__(self, client, embedder: Embedder):
        self._client = client
        self._embedder = embedder
        self._cache: tuple[int, object, object] | None = None

    # --- state ---------------------------------------------------------------------

    def _manifest(self) -> _Manifest | None:
        col = self._client.get_or_create_collection(_MANIFEST, embedding_function=None)
        got = col.get(ids=["active"], include=["metadatas"])
        if not got["ids"]:
            return None
        meta = got["metadatas"][0]
        return _Manifest(
            int(meta["generation"]), str(meta["embedder"]), json.loads(str(meta["digests"]))
        )

    def _write_manifest(self, manifest: _Manifest) -> None:
        col = self._client.get_or_create_collection(_MANIFEST, embedding_function=None)
        col.upsert(
            ids=["active"],
            embeddings=[[0.0]],
            metadatas=[
                {
                    "generation": manifest.generation,
                    "embedder": manifest.embedder,
                    "digests": json.dumps(manifest.digests, sort_keys=True),
                }
            ],
        )

    def is_current(self, kb: KnowledgeBase) -> bool:
        """True when the active generation holds exactly this KB's articles."""
        manifest = self._manifest()
        return (
            manifest is not None
            and manifest.embedder == self._embedder.name
            and manifest.digests == {a.id: a.digest for a in kb.articles}
        )

    def _collections(self, generation: int, create: bool = False):
        names = (f"{_PREFIX}{generation}-passages", f"{_PREFIX}{generation}-phrasings")
        if create:
            for name in names:
                if name in self._collection_names():
                    self._client.delete_collection(name)  # debris of a crashed build
            return tuple(
                self._client.create_collection(
                    name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
                )
                for name in names
            )
        return tuple(self._client.get_collection(name, embedding_function=None) for name in names)

    def _collection_names(self) -> set[str]:
        return {getattr(c, "name", c) for c in self._client.list_collections()}

    # --- ingest --------------------------------------------------------------------

    def ingest(
        self, kb: KnowledgeBase, progress: Callable[[str], None] | None = None
    ) -> IngestReport:
        """Bring the index in line with ``kb``, embedding only new or changed articles."""
        say = progress or (lambda _msg: None)
        old = self._manifest()
        digests = {a.id: a.digest for a in kb.articles}
        if old is not None and old.embedder == self._embedder.name and old.digests == digests:
            return IngestReport(old.generation, len(digests), (), len(digests), (), 0, 0)

        reusable = old if old is not None and old.embedder == self._embedder.name else None
        generation = (old.generation + 1) if old else 1
        passages, phrasings = self._collections(generation, create=True)
        old_cols = self._collections(reusable.generation) if reusable else None
        embedded: list[str] = []
        reused = n_passages = n_phrasings = 0
        todo = [a for a in kb.articles if not (reusable and reusable.digests.get(a.id) == a.digest)]
        for article in kb.articles:
            if article not in todo:
                for new, prev in zip((passages, phrasings), old_cols, strict=True):
                    self._copy(prev, new, article.id)
                reused += 1
        for i, article in enumerate(todo, 1):
            say(f"embedding {article.path.name} ({i}/{len(todo)})")
            n_passages += self._add(passages, *_passage_records(article))
            n_phrasings += self._add(phrasings, *_phrasing_records(article))
            embedded.append(article.id)
        removed = tuple(sorted(set(old.digests) - set(digests))) if old else ()
        self._write_manifest(_Manifest(generation, self._embedder.name, digests))
        self._cache = None
        for name in self._collection_names():
            if name.startswith(_PREFIX) and not name.startswith(f"{_PREFIX}{generation}-"):
                self._client.delete_collection(name)
        return IngestReport(
            generation, len(digests), tuple(embedded), reused, removed, n_passages, n_phrasings
        )

    def _add(self, collection, ids: list[str], documents: list[str], metadatas: list[dict]) -> int:
        if not ids:
            return 0
        vectors = self._embedder.embed_documents(documents)
        self._batched(collection, ids, vectors, documents, metadatas)
        return len(ids)

    def _copy(self, source, target, article_id: str) -> None:
        got = source.get(
            where={"article": article_id}, include=["embeddings", "documents", "metadatas"]
        )
        if got["ids"]:
            self._batched(target, got["ids"], got["embeddings"], got["documents"], got["metadatas"])

    def _batched(self, collection, ids, vectors, documents, metadatas) -> None:
        size = max(1, int(self._client.get_max_batch_size()))
        for start in range(0, len(ids), size):
            end = start + size
            collection.add(
                ids=list(ids[start:end]),
                embeddings=list(vectors[start:end]),
                documents=list(documents[start:end]),
                metadatas=list(metadatas[start:end]),
            )

    # --- queries -------------------------------------------------------------------

    def _active(self):
        manifest = self._manifest()
        if manifest is None:
            raise IndexError_("the index is empty: run 'sherlog ingest' first")
        if self._cache is None or self._cache[0] != manifest.generation:
            self._cache = (manifest.generation, *self._collections(manifest.generation))
        return self._cache[1], self._cache[2]

    def passage_store(self):
        """The active passages as a LangChain ``Chroma`` vector store, for plain RAG.

        Sherlog itself queries Chroma directly; this view exists so a baseline can be
        exactly what a LangChain retrieval pipeline would do over the same vectors.
        """
        from langchain_chroma import Chroma

        passages, _ = self._active()
        return Chroma(
            client=self._client,
            collection_name=passages.name,
            embedding_function=self._embedder,
        )

    def search_phrasings(
        self, vectors: Sequence[Sequence[float]], k: int = 40
    ) -> list[list[PhrasingHit]]:
        """For each query vector, the ``k`` nearest symptom phrasings, best first."""
        if not vectors:
            return []
        _, phrasings = self._active()
        count = phrasings.count()
        if count == 0:
            return [[] for _ in vectors]
        found = phrasings.query(
            query_embeddings=[list(v) for v in vectors],
            n_results=min(k, count),
            include=["metadatas", "documents", "distances"],
        )
        return [
            [
                PhrasingHit(str(m["symptom"]), doc, 1.0 - float(d))
                for m, doc, d in zip(metas, docs, dists, strict=True)
            ]
            for metas, docs, dists in zip(
                found["metadatas"], found["documents"], found["distances"], strict=True
            )
        ]

    def search_passages(self, vector: Sequence[float], k: int = 5) -> list[PassageHit]:
        """The ``k`` passages nearest to ``vector``, best first."""
        passages, _ = self._active()
        count = passages.count()
        if count == 0:
            return []
        found = passages.query(
            query_embeddings=[list(vector)],
            n_results=min(k, count),
            include=["metadatas", "documents", "distances"],
        )
        return [
            PassageHit(
                str(m["article"]),
                str(m["anchor"]),
                str(m["heading"]),
                str(m["text"]),
                1.0 - float(d),
            )
            for m, d in zip(found["metadatas"][0], found["distances"][0], strict=True)
        ]


def _passage_records(article: Article) -> tuple[list[str], list[str], list[dict]]:
    ids, docs, metas = [], [], []
    for section in article.sections:
        ids.append(f"{article.id}#{section.anchor}")
        # The heading and article title give a short section its context for retrieval.
        docs.append(f"{article.title}. {section.heading}\n{section.text}".strip())
        metas.append(
            {
                "article": article.id,
                "anchor": section.anchor,
                "heading": section.heading,
                "text": section.text,
                "kind": article.kind.value,
            }
        )
    return ids, docs, metas


def _phrasing_records(article: Article) -> tuple[list[str], list[str], list[dict]]:
    ids, docs, metas = [], [], []
    if article.kind is not ArticleKind.GRAPH:
        return ids, docs, metas
    for symptom in article.symptoms:
        for i, text in enumerate(dict.fromkeys((symptom.text, *symptom.phrasings))):
            ids.append(f"{symptom.id}::{i}")
            docs.append(text)
            metas.append({"article": article.id, "symptom": symptom.id})
    return ids, docs, metas
