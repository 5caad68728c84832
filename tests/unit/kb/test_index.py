"""The Chroma index: incremental, crash-safe ingest with a real embedded Chroma."""

from __future__ import annotations

import pytest

from kb.index import SherlogIndex
from kb.loader import load_kb
from kb.store import open_chroma
from tests.conftest import FakeEmbedder, write_article


@pytest.fixture
def client(tmp_path):
    return open_chroma(tmp_path / "chroma")


class TestIngest:
    def test_first_ingest_embeds_everything(self, client, kb_dir, fake_embedder):
        report = SherlogIndex(client, fake_embedder).ingest(load_kb(kb_dir))
        assert report.embedded_articles == ("alpha", "beta")
        assert report.embedded_passages == 4  # two sections per article
        assert report.embedded_phrasings == 6  # text + 2 phrasings per symptom

    def test_unchanged_kb_embeds_nothing(self, client, kb_dir, fake_embedder):
        index = SherlogIndex(client, fake_embedder)
        index.ingest(load_kb(kb_dir))
        before = fake_embedder.embedded
        report = index.ingest(load_kb(kb_dir))
        assert (report.embedded_passages, report.embedded_phrasings) == (0, 0)
        assert fake_embedder.embedded == before
        assert index.is_current(load_kb(kb_dir))

    def test_changed_article_only_is_embedded(self, client, kb_dir, fake_embedder):
        index = SherlogIndex(client, fake_embedder)
        index.ingest(load_kb(kb_dir))
        path = kb_dir / "beta.md"
        path.write_text(path.read_text().replace("Replace widget beta.\n", "Swap widget beta.\n"))
        report = index.ingest(load_kb(kb_dir))
        assert report.embedded_articles == ("beta",)
        assert report.reused_articles == 1
        hits = index.search_passages(fake_embedder.embed_query("swap widget beta"), k=1)
        assert hits[0].text == "Swap widget beta."

    def test_deleted_article_is_removed(self, client, kb_dir, fake_embedder):
        index = SherlogIndex(client, fake_embedder)
        index.ingest(load_kb(kb_dir))
        (kb_dir / "beta.md").unlink()
        report = index.ingest(load_kb(kb_dir))
        assert report.removed_articles == ("beta",)
        found = index.search_passages(fake_embedder.embed_query("widget beta"), k=10)
        assert {h.article for h in found} == {"alpha"}

    def test_new_embedder_rebuilds_everything(self, client, kb_dir, fake_embedder):
        SherlogIndex(client, fake_embedder).ingest(load_kb(kb_dir))
        other = FakeEmbedder()
        other.name = "another-model"
        report = SherlogIndex(client, other).ingest(load_kb(kb_dir))
        assert report.embedded_articles == ("alpha", "beta")

    def test_crash_mid_ingest_keeps_previous_index(self, client, kb_dir, fake_embedder):
        index = SherlogIndex(client, fake_embedder)
        index.ingest(load_kb(kb_dir))
        write_article(kb_dir, "gamma")
        (kb_dir / "alpha.md").write_text((kb_dir / "alpha.md").read_text() + "\nMore.\n")

        class Exploding(FakeEmbedder):
            name = fake_embedder.name

            def embed_documents(self, texts):
                if self.calls >= 1:
                    raise RuntimeError("power cut")
                return super().embed_documents(texts)

        with pytest.raises(RuntimeError, match="power cut"):
            SherlogIndex(client, Exploding()).ingest(load_kb(kb_dir))
        # The old generation still answers, without the half-built one's articles.
        found = index.search_passages(fake_embedder.embed_query("widget gamma"), k=10)
        assert {h.article for h in found} == {"alpha", "beta"}
        # And the next ingest finishes the job.
        report = index.ingest(load_kb(kb_dir))
        assert set(report.embedded_articles) == {"alpha", "gamma"}

    def test_phrasing_search(self, client, kb_dir, fake_embedder):
        index = SherlogIndex(client, fake_embedder)
        index.ingest(load_kb(kb_dir))
        (hits,) = index.search_phrasings([fake_embedder.embed_query("widget beta fails")])
        assert hits[0].symptom == "beta-symptom"
        assert hits[0].phrasing == "widget beta fails"
        assert hits[0].score == pytest.approx(1.0, abs=1e-4)

    def test_empty_index_says_what_to_do(self, client, fake_embedder):
        from assistant.errors import IndexError_

        with pytest.raises(IndexError_, match="sherlog ingest"):
            SherlogIndex(client, fake_embedder).search_passages([0.0] * 64)
