"""Clause splitting, negation, and symptom matching with a deterministic embedder."""

from __future__ import annotations

import pytest

from assistant.matching import _clause_matches, clauses, is_request, match_symptoms
from assistant.negation import is_negated
from graph.evidence import OriginKind
from kb.index import PhrasingHit, SherlogIndex
from kb.loader import load_kb
from kb.store import open_chroma


@pytest.mark.parametrize(
    ("text", "negated"),
    [
        ("other VMs were not affected", True),
        ("no errors in vCenter", True),
        ("we havent touched the firewall", True),
        ("nothing in the logs", True),
        ("the host is not responding", False),
        ("vCenter cannot connect to the host", False),
        ("files never show up on the branch server", False),  # a failure, not a denial
        ("the backlog count keeps growing on the client", False),
        ("SSH still works", False),
    ],
)
def test_is_negated(text, negated):
    assert is_negated(text) is negated


def test_clauses_keep_their_position():
    message = "SSH hangs. Ping is fine, but HTTPS times out"
    for clause in clauses(message):
        assert message[clause.start : clause.end] == clause.text


def test_a_wrapped_line_does_not_cut_its_sentence():
    # a mail client wrapped the line: the denial and what it denies stay one clause
    message = (
        "10.8.0.4 and 10.8.0.5 are the load balancer's own addresses, I think. I don't see\n"
        "any user names being tried.\n"
        "vpxa running\nhostd running"
    )
    read = [c.text for c in clauses(message)]
    assert "I don't see\nany user names being tried." in read
    assert "any user names being tried." not in read
    # short lines are a list of facts, each its own clause
    assert read[-2:] == ["vpxa running", "hostd running"]
    for clause in clauses(message):
        assert message[clause.start : clause.end] == clause.text


def test_a_guess_is_dropped_and_what_was_done_about_it_is_kept():
    message = "we figured connection limit so we bumped max_connections, no change"
    read = [(c.text, is_request(c.text)) for c in clauses(message)]
    assert read == [
        ("we figured connection limit", True),
        ("we bumped max_connections, no change", False),
    ]
    assert not is_request("I figured out the cause: the log is full")


@pytest.fixture
def index(tmp_path, kb_dir, fake_embedder):
    idx = SherlogIndex(open_chroma(tmp_path / "chroma"), fake_embedder)
    idx.ingest(load_kb(kb_dir))
    return idx


class TestMatchSymptoms:
    def test_words_become_evidence_with_origin(self, index, fake_embedder):
        message = "Hello. Since Monday widget alpha fails"
        (evidence,) = match_symptoms(message, fake_embedder, index)
        assert (evidence.symptom, evidence.present) == ("alpha-symptom", True)
        start, end = evidence.origin.span
        assert message[start:end] == "Since Monday widget alpha fails"
        assert evidence.origin.matched == "widget alpha fails"
        assert 0 < evidence.strength <= 0.75

    def test_denial_is_evidence_against(self, index, fake_embedder):
        (evidence,) = match_symptoms("widget beta does not fail", fake_embedder, index)
        assert (evidence.symptom, evidence.present) == ("beta-symptom", False)

    def test_saying_it_works_is_evidence_against_a_failure(self, index, fake_embedder):
        (evidence,) = match_symptoms("widget alpha works fine", fake_embedder, index)
        assert (evidence.symptom, evidence.present) == ("alpha-symptom", False)

    def test_unrelated_words_give_no_evidence(self, index, fake_embedder):
        assert match_symptoms("lunch menu for friday please", fake_embedder, index) == []

    def test_masked_log_spans_are_not_read_as_prose(self, index, fake_embedder):
        message = "widget alpha fails"
        assert match_symptoms(message, fake_embedder, index, masked=[(1, 0, len(message))]) == []

    def test_what_a_mask_leaves_of_a_quoted_line_is_not_read(self, index, fake_embedder):
        # the pattern read the quoted line; "widget alpha" alone is a lead-in to it
        message = 'widget alpha "WIDGET-ALPHA-FAIL at boot"'
        quote = message.index('"')
        assert (
            match_symptoms(message, fake_embedder, index, masked=[(1, quote, len(message))]) == []
        )
        # a clause the mask left whole is still read
        (evidence,) = match_symptoms(
            message + "\nwidget alpha fails",
            fake_embedder,
            index,
            masked=[(1, quote, len(message))],
        )
        assert evidence.origin.text == "widget alpha fails"

    def test_a_question_to_sherlog_is_not_an_observation(self, index, fake_embedder):
        assert match_symptoms("should widget alpha fail?", fake_embedder, index) == []
        (evidence,) = match_symptoms("why does widget alpha fail?", fake_embedder, index)
        assert (evidence.symptom, evidence.present) == ("alpha-symptom", True)


def read_clause(text, *hits, revisiting=None):
    """The symptoms the first clause of ``text`` speaks for, given its phrasing hits."""
    found = _clause_matches(clauses(text)[0], hits, revisiting or {})
    return {h.symptom: present for h, present in found}


class TestCorrectionReadsWhatWasSaid:
    """A correcting clause may speak about a symptom said before even when another
    symptom resembles it a little more, but only to reverse it."""

    CLAUSE = "actually, other VMs were affected too"
    HITS = (
        PhrasingHit("spread-over-hosts", "VMs on every host have had the problem", 0.76),
        PhrasingHit("only-some-vms", "only the VMs running that application are affected", 0.71),
    )

    def _read(self, revisiting):
        return read_clause(self.CLAUSE, *self.HITS, revisiting=revisiting)

    def test_without_history_only_the_closest_symptom_counts(self):
        assert self._read({}) == {"spread-over-hosts": True}

    def test_a_standing_symptom_it_reverses_is_read_too(self):
        read = self._read({"only-some-vms": True})
        assert read == {"spread-over-hosts": True, "only-some-vms": False}

    def test_a_standing_symptom_it_would_only_repeat_is_not(self):
        assert self._read({"only-some-vms": False}) == {"spread-over-hosts": True}


class TestTwoDenials:
    """A denial agrees with a denying phrasing only when both deny the same thing."""

    def test_a_denied_thing_is_not_the_phrasings_incidental_never(self):
        hits = (
            PhrasingHit("agent-crashed", "the cluster software on the VMs died", 0.69),
            PhrasingHit("agent-crashed", "the cluster software died and never stopped", 0.65),
        )
        assert read_clause("no cluster software", *hits) == {"agent-crashed": False}

    def test_a_denial_of_the_same_thing_agrees(self):
        hits = (
            PhrasingHit("no-faults", "an alarm is raised on the host", 0.62),
            PhrasingHit("no-faults", "vCenter shows no alarms", 0.60),
        )
        assert read_clause("no alarms anywhere", *hits) == {"no-faults": True}


class TestNamedSettingValues:
    """A clause naming one value of a setting counts against a phrasing naming another,
    even when the clause is much closer to some other symptom."""

    CLAUSE = "teaming on that vswitch is route based on originating port id"

    def _read(self, *hits):
        return read_clause(self.CLAUSE, *hits)

    def test_another_value_counts_against_beyond_the_clause_margin(self):
        hits = (
            PhrasingHit(
                "channel-mismatch", "a port channel for a vswitch on originating port id", 0.75
            ),
            PhrasingHit("ip-hash", "teaming policy on the vswitch is iphash", 0.72),
        )
        assert self._read(*hits) == {"channel-mismatch": True, "ip-hash": False}

    def test_a_distant_match_without_a_named_value_still_does_not(self):
        hits = (
            PhrasingHit(
                "channel-mismatch", "a port channel for a vswitch on originating port id", 0.75
            ),
            PhrasingHit("uplink-down", "the vswitch uplink went down", 0.70),
        )
        assert self._read(*hits) == {"channel-mismatch": True}

    def test_a_value_of_another_setting_says_nothing(self):
        hits = (PhrasingHit("beacon", "teaming and failover shows Beacon probing", 0.70),)
        assert self._read(*hits) == {}

    def test_full_duplex_counts_against_half(self):
        hits = (PhrasingHit("half", "esxcli network nic list shows Half for the vmnic", 0.83),)
        assert read_clause("esxcli network nic list shows both Up at 25000 Full", *hits) == {
            "half": False
        }


class TestValueTheWordsMustName:
    """An NLB cluster's mode is named or unknown: a clause that names none does not
    confirm a phrasing about one mode, and one that names the other counts against it."""

    HITS = (PhrasingHit("multicast", "the nlb cluster runs in multicast mode", 0.70),)

    def test_a_cluster_without_a_mode_says_nothing_of_multicast(self):
        assert read_clause("We have a 2-node Windows NLB cluster", *self.HITS) == {}

    def test_unicast_counts_against_multicast(self):
        assert read_clause("we run a 2-node NLB in unicast", *self.HITS) == {"multicast": False}

    def test_a_multicast_mac_confirms_it(self):
        hits = (PhrasingHit("multicast", "the vip's mac begins with 03-bf", 0.70),)
        assert read_clause("the router holds 03-bf-0a-01-05-64 for the VIP", *hits) == {
            "multicast": True
        }

    def test_unicast_replies_are_not_a_mode(self):
        assert read_clause("Unicast reply from 10.30.5.20", *self.HITS) == {}


class TestNamedActions:
    """A clause naming one action says nothing of a phrasing naming another."""

    def test_power_on_is_not_power_off(self):
        hits = (
            PhrasingHit("paused", "can't power off the VM, it has a pending question", 0.71),
            PhrasingHit("power-on-fails", "the VM fails to power on", 0.70),
        )
        assert read_clause("powering on a VM there fails", *hits) == {"power-on-fails": True}


class TestDeniedMentions:
    """A product message the user says is not there is evidence against its symptom."""

    def test_no_message_in_prose_counts_against_it(self, pump_sherlog):
        answer = pump_sherlog.ask("the pump stopped; no PUMP-NOISE in the controller log")
        [noise] = [e for e in answer.evidence if e.symptom == "pump-noise"]
        assert noise.present is False and noise.strength < 0.95

    def test_the_message_itself_still_counts_for_it(self, pump_sherlog):
        answer = pump_sherlog.ask("the controller log says PUMP-NOISE level 7")
        [noise] = [e for e in answer.evidence if e.symptom == "pump-noise"]
        assert noise.present is True

    def test_a_denial_in_an_earlier_clause_does_not_count(self, pump_sherlog):
        answer = pump_sherlog.ask("no alarms at first, then PUMP-NOISE level 7 at 10:01")
        [noise] = [e for e in answer.evidence if e.symptom == "pump-noise"]
        assert noise.present is True

    def test_a_message_told_as_history_is_no_evidence_either_way(self, pump_sherlog):
        pump_sherlog.embedder.texts.clear()
        answer = pump_sherlog.ask(
            "we had PUMP-NOISE level 7 on the old controller a few weeks ago, could this be"
            " the same thing?"
        )
        # no log-line evidence, and the message's words are masked from the prose reading
        assert all(e.origin.kind is OriginKind.MESSAGE for e in answer.evidence)
        clauses_embedded = pump_sherlog.embedder.texts
        assert clauses_embedded and all("PUMP-NOISE" not in t for t in clauses_embedded)

    def test_evidence_shows_the_words_a_pattern_read(self, pump_sherlog):
        # the pattern's span is blanked for the embedding, not in what the user is shown
        message = "pump casing overheating right after PUMP-NOISE level 7"
        answer = pump_sherlog.ask(message)
        [hot] = [e for e in answer.evidence if e.symptom == "pump-hot"]
        assert hot.origin.text == message[slice(*hot.origin.span)]
        assert "PUMP-NOISE" in hot.origin.text

    def test_a_message_that_is_back_counts_for_it(self, pump_sherlog):
        answer = pump_sherlog.ask("we had PUMP-NOISE level 7 last year and again this morning")
        [noise] = [e for e in answer.evidence if e.symptom == "pump-noise"]
        assert noise.present is True


class TestStepWithoutOutcome:
    """Taking a step says nothing of what the step achieved."""

    RESTORED = PhrasingHit("restart-restores", "bounced hostd and the host reconnected", 0.85)

    def test_the_step_alone_does_not_confirm_its_outcome(self):
        assert read_clause("I restarted hostd", self.RESTORED) == {}

    def test_a_plan_does_not_either(self):
        rebooted = PhrasingHit("reboot-restores", "had to reboot the host to get it back", 0.7)
        assert read_clause("Before I reboot it", rebooted) == {}

    def test_the_step_with_its_outcome_does(self):
        clause = "restarted hostd and the host came back"
        assert read_clause(clause, self.RESTORED) == {"restart-restores": True}


def test_snat_automap_counts_against_no_snat():
    hits = (PhrasingHit("no-snat", "SNAT is disabled on the virtual server", 0.66),)
    assert read_clause("SNAT mode on the pool is Automap already", *hits) == {"no-snat": False}
