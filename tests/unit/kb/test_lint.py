"""kb lint: each warning on a small KB built to show it, and a waiver that justifies one."""

from __future__ import annotations

from kb.lint import corpus_texts, lint_kb
from kb.loader import load_kb
from kb.model import KnowledgeBase
from tests.conftest import ARTICLE, write_article


def codes(warnings, waived=False):
    return sorted((w.code, w.subject) for w in warnings if (w.waived is not None) == waived)


class TestLint:
    def test_clean_kb_has_no_warning(self, kb_dir, fake_embedder):
        corpus = ["x WIDGET-ALPHA-FAIL y", "WIDGET-BETA-FAIL"]
        assert lint_kb(load_kb(kb_dir), fake_embedder, corpus) == []

    def test_empty_kb(self, tmp_path, fake_embedder):
        assert lint_kb(KnowledgeBase(tmp_path), fake_embedder, []) == []

    def test_causes_with_the_same_effects_cannot_be_separated(self, kb_dir):
        twin = ARTICLE.format(id="gamma", title="Gamma", upper="GAMMA").replace(
            "{symptom: gamma-symptom, p: 0.9}", "{symptom: alpha-symptom, p: 0.5}"
        )
        write_article(kb_dir, "gamma", twin)
        warnings = lint_kb(load_kb(kb_dir))
        assert ("inseparable-causes", "alpha-cause") in codes(warnings)
        assert ("symptom-without-question", "gamma-symptom") in codes(warnings)  # orphan

    def test_near_duplicate_symptoms_across_articles(self, kb_dir, fake_embedder):
        copy = ARTICLE.format(id="gamma", title="Gamma", upper="GAMMA").replace(
            "the widget gamma is broken", "the widget alpha is broken"
        )
        write_article(kb_dir, "gamma", copy)
        (warning,) = [
            w for w in lint_kb(load_kb(kb_dir), fake_embedder) if w.code.startswith("near")
        ]
        assert "'alpha-symptom' and 'gamma-symptom'" in warning.message
        assert warning.path.endswith("alpha.md")

    def test_pattern_that_no_test_line_matches(self, kb_dir):
        warnings = lint_kb(load_kb(kb_dir), corpus=["2024-01-01 WIDGET-ALPHA-FAIL code 7"])
        assert codes(warnings) == [("pattern-never-matched", "WIDGET-BETA-FAIL")]
        assert "beta.md" in warnings[0].path

    def test_a_waiver_in_the_article_justifies_the_warning(self, kb_dir):
        body = ARTICLE.format(id="beta", title="Widget beta", upper="BETA").replace(
            'sources: ["test"]',
            'sources: ["test"]\nlint_waivers:\n'
            "  - {code: pattern-never-matched, subject: WIDGET-BETA-FAIL, reason: rare}",
        )
        write_article(kb_dir, "beta", body)
        warnings = lint_kb(load_kb(kb_dir), corpus=["WIDGET-ALPHA-FAIL"])
        assert codes(warnings) == []
        assert codes(warnings, waived=True) == [("pattern-never-matched", "WIDGET-BETA-FAIL")]
        assert warnings[0].waived == "rare"

    def test_cause_without_an_area(self, kb_dir):
        body = ARTICLE.format(id="beta", title="Widget beta", upper="BETA")
        write_article(kb_dir, "beta", body.replace("    area: linux\n", ""))
        warnings = lint_kb(load_kb(kb_dir), corpus=["WIDGET-ALPHA-FAIL", "WIDGET-BETA-FAIL"])
        assert codes(warnings) == [("cause-without-area", "beta-cause")]
        assert "vsphere-hosts" in warnings[0].message

    def test_a_cause_naming_a_product_it_does_not_declare(self, kb_dir):
        body = ARTICLE.format(id="beta", title="Widget beta", upper="BETA")
        body = body.replace("    title: Cause of beta", "    title: Cause of beta on PostgreSQL")
        write_article(kb_dir, "beta", body)
        corpus = ["WIDGET-ALPHA-FAIL", "WIDGET-BETA-FAIL"]
        warnings = lint_kb(load_kb(kb_dir), corpus=corpus)
        assert codes(warnings) == [("cause-products-undeclared", "beta-cause")]
        assert "add products: [postgresql]" in warnings[0].message
        area = "    area: linux\n"
        write_article(kb_dir, "beta", body.replace(area, area + "    products: [postgresql]\n"))
        assert codes(lint_kb(load_kb(kb_dir), corpus=corpus)) == []

    def test_corpus_reads_every_string_of_yaml_files(self, tmp_path):
        (tmp_path / "c.yaml").write_text('cases:\n- turns: [{message: "a\\nb"}]\n  x: [c, 1]\n')
        assert list(corpus_texts([tmp_path, tmp_path / "missing.yaml"])) == [
            "cases",
            "turns",
            "message",
            "a\nb",
            "x",
            "c",
        ]
