"""The shipped KB does not repeat the test split's wording (the house rule: eval cases
measure the product, so no phrasing is written from them)."""

from __future__ import annotations

from pathlib import Path

from assistant.logscan import compile_patterns
from evals.cases import Case, CaseTurn, load_cases, select
from evals.leakage import copied_phrasings
from kb.loader import load_kb
from kb.model import Symptom
from kb.patterns import PatternSet

REPO = Path(__file__).resolve().parents[3]


def case(message: str) -> Case:
    return Case("c", ("test",), (CaseTurn(message),), None, (), "cases.yaml")


class TestCopiedPhrasings:
    def test_a_phrasing_inside_a_longer_message_is_a_copy(self):
        said = "hi all, since friday the backup server drops off the network every hour or so"
        s = Symptom("s", "t", "?", "a", phrasings=("the backup server drops off the network",))
        [copy] = copied_phrasings([s], [case(said)], PatternSet([]))
        assert (copy.symptom, copy.case, copy.share) == ("s", "c", 1.0)

    def test_the_same_facts_in_other_words_are_not(self):
        said = "since friday the backup server drops off the network every hour or so"
        s = Symptom("s", "t", "?", "a", phrasings=("the backup box loses its network hourly",))
        assert copied_phrasings([s], [case(said)], PatternSet([])) == []

    def test_a_few_shared_words_are_not_a_copy(self):
        said = "the backup server drops off the network every hour"
        mostly_new = "every night the backup server drops its iSCSI sessions to the array"
        s = Symptom("s", "t", "?", "a", phrasings=(mostly_new,))
        assert copied_phrasings([s], [case(said)], PatternSet([])) == []

    def test_quoted_product_output_is_not_judged(self):
        said = "restore fails: SQL2539W Warning! Restoring to an existing database that is the same"
        quote = "SQL2539W Warning! Restoring to an existing database that is the same"
        s = Symptom("s", "t", "?", "a", phrasings=(quote,))
        assert copied_phrasings([s], [case(said)], PatternSet([])) != []
        assert copied_phrasings([s], [case(said)], PatternSet([("s", r"SQL2539W")])) == []


def test_the_shipped_kb_repeats_no_test_case():
    kb = load_kb(REPO / "kb" / "articles")
    test_split = select(load_cases([REPO / "evals" / "cases"]), ["test"])
    assert len(test_split) > 100
    copies = copied_phrasings(kb.symptoms.values(), test_split, compile_patterns(kb))
    assert not copies, "\n".join(
        f"{c.article}: {c.symptom}: {c.phrasing!r} repeats test case {c.case}" for c in copies
    )
