"""The KB loader and validator: every problem reported with file, line, field and value."""

from __future__ import annotations

import pytest

from assistant.errors import KBError
from kb.loader import check_kb, load_kb
from kb.model import AREAS, ArticleKind
from tests.conftest import ARTICLE, write_article


def _problems(folder):
    return [str(p) for p in check_kb(folder)[1]]


def _article(**changes) -> str:
    text = ARTICLE.format(id="gamma", title="Widget gamma", upper="GAMMA")
    for old, new in changes.items():
        old = old.replace("_", " ")
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


class TestValidKB:
    def test_loads_typed_values(self, kb_dir):
        kb = load_kb(kb_dir)
        assert [a.id for a in kb.articles] == ["alpha", "beta"]
        assert kb.causes["alpha-cause"].effects[0].p == 0.9
        step = kb.fixes["alpha-fix"].steps[0]
        assert (step.article, step.anchor) == ("alpha", "fix")
        assert kb.passage("alpha", "fix").text == "Replace widget alpha."

    def test_shipped_kb_is_valid(self):
        from assistant.settings import DEFAULT_KB

        kb = load_kb(DEFAULT_KB)
        assert len(kb.causes) >= 45
        assert {c.area for c in kb.causes.values()} == set(AREAS)
        required = [
            "esxi-netgpheap-depletion",
            "mtu-mismatch",
            "duplex-mismatch",
            "duplicate-ip-address",
            "stp-loop-mac-flapping",
            "esxi-iphash-without-etherchannel",
            "beacon-probing-with-etherchannel",
            "dns-resolution-failure",
            "kerberos-clock-skew",
            "tls-certificate-expired",
            "disk-full",
            "inode-exhaustion",
            "linux-oom-killer",
            "ssh-brute-force",
            "esxi-storage-apd",
            "esxi-storage-pdl",
            "vm-snapshot-consolidation-needed",
            "ad-replication-tombstone",
        ]
        assert set(required) <= set(kb.causes)

    def test_raw_articles_are_passages_only(self, kb_dir):
        (kb_dir / "runbook.txt").write_text("First paragraph.\n\nSecond paragraph.\n")
        (kb_dir / "vendor.html").write_text(
            "<html><head><title>Vendor KB 42</title><script>x()</script></head><body>"
            "<h2 id='cause'>Cause</h2><p>The driver leaks memory.</p></body></html>"
        )
        (kb_dir / "notes.md").write_text("# Notes\n\nJust notes, no front matter.\n")
        kb = load_kb(kb_dir)
        raw = {a.id: a for a in kb.articles if a.kind is ArticleKind.RAW}
        assert set(raw) == {"runbook", "vendor", "notes"}
        assert raw["vendor"].title == "Vendor KB 42"
        assert raw["vendor"].section("cause").text == "The driver leaks memory."
        assert "x()" not in str(raw["vendor"].sections)
        assert len(kb.causes) == 2  # raw articles add nothing to the graph


class TestProblems:
    def test_every_problem_at_once_with_file_and_line(self, kb_dir):
        write_article(kb_dir, "gamma", _article(**{"p: 0.9": "p: 1.7", "prior: 0.1": "prior: 0"}))
        problems = _problems(kb_dir)
        assert any("gamma.md:14: causes[0].prior: must be in (0, 1], got 0" in p for p in problems)
        assert any(
            "gamma.md:17: causes[0].effects[0].p: must be in (0, 1], got 1.7" in p for p in problems
        )

    def test_unknown_area_lists_the_areas(self, kb_dir):
        write_article(kb_dir, "gamma", _article(**{"area: linux": "area: mainframes"}))
        (problem,) = _problems(kb_dir)
        assert "gamma.md:15: causes[0].area:" in problem
        assert "'vsphere-hosts'" in problem and "got 'mainframes'" in problem

    def test_unknown_product_lists_the_products(self, kb_dir):
        write_article(
            kb_dir, "gamma", _article(**{"area: linux": "area: linux\n    products: [informix]"})
        )
        (problem,) = _problems(kb_dir)
        assert "gamma.md:16: causes[0].products[0]:" in problem
        assert "'postgresql'" in problem and "got 'informix'" in problem

    def test_products_are_loaded(self, kb_dir):
        write_article(
            kb_dir, "gamma", _article(**{"area: linux": "area: linux\n    products: [oracle]"})
        )
        assert load_kb(kb_dir).causes["gamma-cause"].products == ("oracle",)

    def test_malformed_yaml_names_the_line(self, kb_dir):
        write_article(kb_dir, "gamma", _article(**{"title: Widget gamma": "title: [unclosed"}))
        (problem,) = _problems(kb_dir)
        assert "gamma.md:" in problem and "not valid YAML" in problem

    def test_unknown_field_is_reported_not_ignored(self, kb_dir):
        write_article(kb_dir, "gamma", _article(**{"    effects:": "    efects:"}))
        problems = _problems(kb_dir)
        assert any("causes[0].efects: unknown field" in p for p in problems)

    def test_missing_front_matter_end(self, kb_dir):
        write_article(kb_dir, "gamma", "---\nid: gamma\n## no closing line\n")
        assert _problems(kb_dir) == [
            f"{kb_dir / 'gamma.md'}:1: front matter must start and end with a line '---'"
        ]

    def test_duplicate_ids_across_articles(self, kb_dir):
        write_article(kb_dir, "gamma", _article(**{"id: gamma\n": "id: alpha\n"}))
        problems = _problems(kb_dir)
        assert any("duplicate article id 'alpha'" in p for p in problems)

    def test_duplicate_symptom_id_across_articles(self, kb_dir):
        write_article(
            kb_dir,
            "gamma",
            _article(
                **{
                    "  - id: gamma-symptom": "  - id: alpha-symptom",
                    "{symptom: gamma-symptom": "{symptom: alpha-symptom",
                }
            ),
        )
        problems = _problems(kb_dir)
        assert any("symptoms[0].id: 'alpha-symptom' is already defined" in p for p in problems)

    def test_unknown_symptom_and_fix_references(self, kb_dir):
        write_article(
            kb_dir,
            "gamma",
            _article(
                **{
                    "{symptom: gamma-symptom": "{symptom: nope",
                    "fixes: [gamma-fix]": "fixes: [nofix]",
                }
            ),
        )
        problems = _problems(kb_dir)
        assert any(
            "causes[0].effects[0].symptom: unknown symptom id, got 'nope'" in p for p in problems
        )
        assert any("causes[0].fixes[0]: unknown fix id, got 'nofix'" in p for p in problems)

    def test_cite_anchor_must_exist(self, kb_dir):
        write_article(kb_dir, "gamma", _article(**{'cite: "#fix"': 'cite: "#nowhere"'}))
        (problem,) = _problems(kb_dir)
        assert "fixes[0].steps[0].cite: no section with anchor 'nowhere'" in problem
        assert "gamma.md:22:" in problem

    def test_cite_into_another_article(self, kb_dir):
        write_article(kb_dir, "gamma", _article(**{'cite: "#fix"': 'cite: "alpha#fix"'}))
        assert _problems(kb_dir) == []
        write_article(kb_dir, "gamma", _article(**{'cite: "#fix"': 'cite: "ghost#fix"'}))
        assert "unknown article, got 'ghost#fix'" in _problems(kb_dir)[0]

    def test_cause_cite_names_the_section_that_explains_it(self, kb_dir):
        explained = "fixes: [gamma-fix]\n    cite: "
        write_article(
            kb_dir, "gamma", _article(**{"fixes: [gamma-fix]": explained + '"#symptoms"'})
        )
        kb = load_kb(kb_dir)
        assert kb.causes["gamma-cause"].cite == ("gamma", "symptoms")
        write_article(kb_dir, "gamma", _article(**{"fixes: [gamma-fix]": explained + '"#nowhere"'}))
        (problem,) = _problems(kb_dir)
        assert "gamma.md:19: causes[0].cite: no section with anchor 'nowhere'" in problem

    def test_a_cause_cannot_be_explained_by_a_differential_section(self, kb_dir):
        lookalike = "## Not gamma: a loose cable {#not-gamma}\nThe cable was loose.\n"
        explained = "fixes: [gamma-fix]\n    cite: "
        write_article(
            kb_dir,
            "gamma",
            _article(**{"fixes: [gamma-fix]": explained + '"#not-gamma"'}) + lookalike,
        )
        (problem,) = _problems(kb_dir)
        assert "gamma.md:19: causes[0].cite: 'not-gamma' is a differential section" in problem

    @pytest.mark.parametrize(
        ("pattern", "reason"),
        [
            (r"(a)\1", "does not compile with RE2"),
            (r"(?=lookahead)", "does not compile with RE2"),
            (r"x*", "matches an empty line"),
        ],
    )
    def test_bad_patterns(self, kb_dir, pattern, reason):
        write_article(kb_dir, "gamma", _article(**{"'WIDGET-GAMMA-FAIL'": f"'{pattern}'"}))
        (problem,) = _problems(kb_dir)
        assert "symptoms[0].patterns[0]" in problem and reason in problem

    def test_distinct_patterns_need_key_and_value_groups(self, kb_dir):
        good = r"from (?P<key>[0-9.]+) \[(?P<value>[0-9a-f:]+)\]"
        distinct = "['WIDGET-GAMMA-FAIL']\n    distinct: ['{}']"
        write_article(kb_dir, "gamma", _article(**{"['WIDGET-GAMMA-FAIL']": distinct.format(good)}))
        assert load_kb(kb_dir).symptoms["gamma-symptom"].distinct == (good,)
        bad = good.replace("?P<value>", "?P<mac>")
        write_article(kb_dir, "gamma", _article(**{"['WIDGET-GAMMA-FAIL']": distinct.format(bad)}))
        (problem,) = _problems(kb_dir)
        assert "symptoms[0].distinct[0]: has no named group (?P<value>...)" in problem

    def test_different_vendors_names_a_symptom_with_distinct_patterns(self, kb_dir):
        distinct = (
            "['WIDGET-GAMMA-FAIL']\n    distinct: ['from (?P<key>[0-9.]+) (?P<value>[0-9a-f:]+)']"
        )
        vendors = "\n  - {id: gamma-vendors, text: t, question: 'q?', different_vendors: %s}"
        two = distinct + vendors % "gamma-symptom"
        write_article(kb_dir, "gamma", _article(**{"['WIDGET-GAMMA-FAIL']": two}))
        assert load_kb(kb_dir).symptoms["gamma-vendors"].different_vendors == "gamma-symptom"
        for target, what in [("alpha-symptom", "has no distinct patterns"), ("ghost", "is no")]:
            broken = distinct + vendors % target
            write_article(kb_dir, "gamma", _article(**{"['WIDGET-GAMMA-FAIL']": broken}))
            (problem,) = _problems(kb_dir)
            assert f"symptoms[1].different_vendors: {target!r} {what}" in problem

    def test_a_state_needs_two_symptoms(self, kb_dir):
        state = "['WIDGET-GAMMA-FAIL']\n    state: gamma-last-error"
        other = "\n  - {id: gamma-other, text: t, question: 'q?', state: gamma-last-error}"
        write_article(kb_dir, "gamma", _article(**{"['WIDGET-GAMMA-FAIL']": state + other}))
        kb = load_kb(kb_dir)
        assert kb.symptoms["gamma-symptom"].state == kb.symptoms["gamma-other"].state
        write_article(kb_dir, "gamma", _article(**{"['WIDGET-GAMMA-FAIL']": state}))
        (problem,) = _problems(kb_dir)
        assert "symptoms[0].state: 'gamma-last-error' has no other symptom" in problem

    def test_sequences_are_loaded_and_checked(self, kb_dir):
        seq = "['WIDGET-GAMMA-FAIL']\n    sequences: [{{first: 'START', then: '{}', within: 2}}]"
        write_article(kb_dir, "gamma", _article(**{"['WIDGET-GAMMA-FAIL']": seq.format("LOST")}))
        (loaded,) = load_kb(kb_dir).symptoms["gamma-symptom"].sequences
        assert (loaded.first, loaded.then, loaded.within, loaded.until) == (
            "START",
            "LOST",
            2,
            None,
        )
        write_article(kb_dir, "gamma", _article(**{"['WIDGET-GAMMA-FAIL']": seq.format("x*")}))
        (problem,) = _problems(kb_dir)
        assert "symptoms[0].sequences[0].then: matches an empty line" in problem

    def test_catastrophic_pattern_is_linear_time(self, kb_dir):
        # (a+)+$ backtracks exponentially in Python's re; RE2 accepts it and stays linear.
        write_article(kb_dir, "gamma", _article(**{"'WIDGET-GAMMA-FAIL'": "'(a+)+$'"}))
        assert _problems(kb_dir) == []
        from kb.patterns import PatternSet

        assert PatternSet([("s", "(a+)+$")]).match("a" * 100_000 + "!") == []

    def test_binary_and_non_utf8_files(self, kb_dir):
        (kb_dir / "blob.md").write_bytes(b"---\x00\x01binary")
        (kb_dir / "latin.txt").write_bytes("caf\xe9".encode("latin-1"))
        problems = _problems(kb_dir)
        assert any("blob.md: binary file" in p for p in problems)
        assert any(
            "latin.txt: not UTF-8 text (invalid byte 0xe9 at offset 3)" in p for p in problems
        )

    def test_empty_or_missing_folder(self, tmp_path):
        empty = tmp_path / "empty"
        empty.mkdir()
        assert "no articles" in _problems(empty)[0]
        assert "no such KB folder" in _problems(tmp_path / "missing")[0]

    def test_load_kb_refuses_with_the_same_messages(self, kb_dir):
        write_article(kb_dir, "gamma", _article(**{"p: 0.9": "p: 1.7"}))
        with pytest.raises(KBError) as err:
            load_kb(kb_dir)
        assert [str(p) for p in err.value.problems] == _problems(kb_dir)
        assert "1 problem" in str(err.value)
