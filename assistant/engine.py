"""Sherlog, wired: KB + graph + index + embedder -> ``ask(text, attachments) -> Answer``.

Expensive parts (the embedding model, Chroma) are built once, by ``Sherlog.open`` or by
the caller, and passed in; ``ask`` does no file I/O of its own.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib.resources import files

import networkx as nx

from assistant.answer import Answer, compose_answer
from assistant.attachments import Attachment, attachment_from_text
from assistant.bundles import UploadLimits
from assistant.conversation import (
    CORRECTION_SHARE,
    Conversation,
    Reply,
    Turn,
    is_correction,
    parse_reply,
)
from assistant.errors import EvidenceError
from assistant.logread import LogReport, read_upload, redact_hit
from assistant.logscan import LogHit, LogReaders, compile_readers, hits_to_evidence, scan_all
from assistant.matching import match_symptoms, pasted_output
from assistant.negation import denies_mention, expects_mention, recalls_mention
from assistant.settings import Settings
from assistant.templates import template_text_for_matching
from assistant.timestamps import line_time
from graph import UNKNOWN, InferenceParams, posterior, rank_causes, rank_questions
from graph.evidence import Evidence, Origin, OriginKind
from graph.inference import lookalike, strongest_per_symptom
from kb.embedding import Embedder, MiniLMEmbedder
from kb.index import IngestReport, PassageHit, SherlogIndex
from kb.loader import load_kb
from kb.model import KnowledgeBase
from kb.products import denied, named
from kb.store import chroma_client

__all__ = ["Resemblance", "Sherlog", "resemblances"]

MAX_QUESTION_CHARS = 20_000  # longer text belongs in an attachment, or is a pasted log
PASTED_LOG = "pasted log"
RELATED_PASSAGES = 3
RELATED_MIN_SIMILARITY = 0.3  # below this a passage is not related reading, just the nearest
LOOKALIKE_RATES = "lookalike_rates.json"  # in the graph package
ALL_PASSAGES = 10_000  # resemblance ranks every passage; a KB has a few hundred
REFERENCE_ANCHORS = frozenset({"sources", "references", "see-also"})
# A direct answer is near-hard evidence: the user looked, but may have looked wrong.
ANSWER_STRENGTH = 0.95
MIN_REST_WORDS = 3  # "no, it works" is an answer; "no, but the datastore is full" says more
# An unexplained log template that resembles a symptom's phrasing: weaker than the same
# words typed by the user (the template is a guess at the shape of many lines, and its
# words were never meant as a report), and only from a close resemblance.
TEMPLATE_WEIGHT = 0.5
TEMPLATE_MIN_SIMILARITY = 0.65
# Only a recurring shape is a signal: a template of a line or two of a pasted snippet is
# just that snippet's words (an openssl "verify error ... certificate" line is no report
# of an expired one), which the patterns and the message already read.
TEMPLATE_MIN_LINES = 10
# "no ORA-00257 in the alert log": a message the user says is not there. As sure as what
# the user says, not as a log line.
DENIED_MENTION_STRENGTH = 0.8


def _read_mention(hit: LogHit) -> LogHit | None:
    """A product message typed once in the user's words after a denial ("redo - no
    ORA-00257, archive dest at 20%") says the message is *not* there; one told as
    history ("we had "sorry, too many clients already" on the old server weeks ago")
    says nothing about now, and neither does one the user calls expected ("-l 1473 says
    "Packet needs to be fragmented but DF set." as expected"): None."""
    if not (hit.present and hit.count == 1 and hit.span):
        return hit
    before, after = hit.text[: hit.span[0]], hit.text[hit.span[1] :]
    if denies_mention(before):
        return replace(hit, present=False, strength=DENIED_MENTION_STRENGTH)
    if recalls_mention(before, after) or expects_mention(after):
        return None
    return hit


def split_pasted(message: str) -> tuple[str, str]:
    r"""A message split into its words and the log pasted in it: fenced blocks, a prompt
    and its output, and lines that start with a timestamp.

    >>> split_pasted("hosts drop off\n2026-12-06T07:12:03Z vmkernel: APD\nany idea?")
    ('hosts drop off\nany idea?', '2026-12-06T07:12:03Z vmkernel: APD')
    """
    lines = message.split("\n")
    pasted = {number - 1 for number, _, _ in pasted_output(message)}
    pasted |= {i for i, line in enumerate(lines) if line_time(line)}
    words = [line for i, line in enumerate(lines) if i not in pasted]
    log = [line for i, line in enumerate(lines) if i in pasted]
    return "\n".join(words).strip(), "\n".join(log)


@dataclass
class Sherlog:
    """The assistant: one loaded KB, its graph and index, and an embedder."""

    kb: KnowledgeBase
    graph: nx.DiGraph
    index: SherlogIndex
    embedder: Embedder
    params: InferenceParams = field(default_factory=InferenceParams)
    limits: UploadLimits = field(default_factory=UploadLimits)
    redact_addresses: bool = False  # mask IPs and MACs in what is shown of logs, too
    readers: LogReaders = field(init=False)
    # symptom -> its state, for the symptoms that have one (see :func:`outdated_states`)
    states: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self.readers = compile_readers(self.kb)
        self.states = {s.id: s.state for s in self.kb.symptoms.values() if s.state}

    @classmethod
    def open(
        cls,
        settings: Settings,
        embedder: Embedder | None = None,
        client=None,
        progress: Callable[[str], None] | None = None,
    ) -> Sherlog:
        """Load and validate the KB, open the index and bring it up to date."""
        from graph.build import build_graph, set_lookalike_rates

        kb = load_kb(settings.kb_dir)
        embedder = embedder or MiniLMEmbedder()
        index = SherlogIndex(client or chroma_client(settings), embedder)
        if not index.is_current(kb):
            if progress:
                progress(f"indexing {len(kb.articles)} articles from {settings.kb_dir} ...")
            index.ingest(kb, progress)
        graph = build_graph(kb)
        set_lookalike_rates(graph, lookalike_rates())
        return cls(
            kb,
            graph,
            index,
            embedder,
            limits=settings.upload_limits,
            redact_addresses=settings.redact_addresses,
        )

    def ingest(self, progress: Callable[[str], None] | None = None) -> IngestReport:
        return self.index.ingest(self.kb, progress)

    def gather_evidence(
        self,
        text: str,
        attachments: Sequence[Attachment] = (),
        revisiting: Mapping[str, bool] | None = None,
        reports: list[LogReport] | None = None,
    ) -> list[Evidence]:
        """Evidence from the message's words, its pasted log lines and every attachment;
        ``revisiting``: what the conversation holds on each symptom, which a correcting
        message may reverse (see :func:`match_symptoms`); ``reports`` collects what was
        read of each attachment."""
        typed = scan_all(self.readers, "message", text)
        # a recalled message's words are masked too: read as prose they would match it
        masked = [span for hit in typed for span in hit.spans] + pasted_output(text)
        pasted = [h for h in map(_read_mention, typed) if h is not None]
        pasted = [redact_hit(self.readers, h, self.redact_addresses) for h in pasted]
        evidence = hits_to_evidence(pasted)
        read: list[LogReport] = []
        for attachment in attachments:
            hits, report = read_upload(self.readers, attachment, self.limits, self.redact_addresses)
            evidence += hits_to_evidence(hits)
            read.append(report)
        if reports is not None:
            reports += read
        evidence += self._template_evidence(read, {e.symptom for e in evidence})
        # A log line is a better witness than a paraphrase of it: words only speak for
        # symptoms the logs did not already show, and matched log lines are not prose.
        logged = {e.symptom for e in evidence}
        evidence += [
            e
            for e in match_symptoms(
                text, self.embedder, self.index, masked=masked, revisiting=revisiting
            )
            if e.symptom not in logged
        ]
        return evidence

    def _template_evidence(self, reports: Sequence[LogReport], logged: set[str]) -> list[Evidence]:
        """Weak evidence from the most frequent unexplained templates of the logs: a
        template standing for ``TEMPLATE_MIN_LINES`` lines or more whose words resemble a
        symptom's phrasing (similarity at least ``TEMPLATE_MIN_SIMILARITY``) speaks for
        it at ``TEMPLATE_WEIGHT`` of what the same words typed by the user would.
        Symptoms the logs' patterns already showed, and resemblances to denials, are left
        out."""
        templates = [t for r in reports for t in r.templates if t.estimate >= TEMPLATE_MIN_LINES]
        words = [template_text_for_matching(t) for t in templates]
        out: dict[str, Evidence] = {}
        for template, text in zip(templates, words, strict=True):
            if len(text.split()) < 2:
                continue
            for e in match_symptoms(text, self.embedder, self.index, source=template.source):
                similarity = e.origin.similarity or 0.0
                if not e.present or e.symptom in logged or similarity < TEMPLATE_MIN_SIMILARITY:
                    continue
                origin = Origin(
                    OriginKind.TEMPLATE,
                    template.source,
                    template.example,
                    line=template.line,
                    matched=e.origin.matched,
                    similarity=similarity,
                    count=template.estimate,
                )
                found = Evidence(e.symptom, True, round(e.strength * TEMPLATE_WEIGHT, 3), origin)
                if e.symptom not in out or found.strength > out[e.symptom].strength:
                    out[e.symptom] = found
        return list(out.values())

    def _resemblance(self, passages: Sequence[PassageHit]) -> dict[str, Resemblance]:
        return resemblances(passages, self.kb.passage_causes, self.kb.differentials)

    def ask(self, text: str, attachments: Sequence[Attachment] = ()) -> Answer:
        """Diagnose one question with its attachments."""
        return self.reply(Conversation(), text, attachments)

    def reply(
        self, conversation: Conversation, text: str, attachments: Sequence[Attachment] = ()
    ) -> Answer:
        """Add one user turn to ``conversation`` and answer on everything said so far.

        When a question is pending and the message starts with an answer to it (yes, no,
        don't know and their variants), the answer is evidence of strength
        ``ANSWER_STRENGTH`` about that symptom; the rest of the message is matched like
        any message, but cannot speak about the symptom just answered, unless it reads
        that symptom the other way than the yes or no (then the message is read as a
        free reply). A message that says it corrects ("actually, ...") may also reverse
        what the conversation holds on a symptom it resembles a little less than another.
        """
        text = (text or "").strip()
        if not text and not attachments:
            raise EvidenceError("empty question: describe what you see, or attach a log")
        if len(text) > MAX_QUESTION_CHARS:
            # a long paste is read as the log it is; the words around it stay a message
            text, pasted = split_pasted(text)
            if len(text) > MAX_QUESTION_CHARS:
                raise EvidenceError(
                    f"question is {len(text)} characters besides any pasted log, over the "
                    f"limit of {MAX_QUESTION_CHARS}: attach long logs as files (--log)"
                )
            attachments = [*attachments, attachment_from_text(PASTED_LOG, pasted)]
        pending = conversation.pending
        reply, rest = parse_reply(text) if pending is not None else (None, text)
        correction = reply is None and is_correction(text)
        reports: list[LogReport] = []
        if reply is None:
            said_before = (
                {e.symptom: e.present for e in conversation.evidence} if correction else {}
            )
            turn_evidence = self.gather_evidence(text, attachments, said_before, reports)
        else:
            words = rest if len(rest.split()) >= MIN_REST_WORDS else ""
            read = (
                self.gather_evidence(words, attachments, reports=reports)
                if words or attachments
                else []
            )
            present = reply is Reply.YES
            # "yeah, I can log in to the Host Client fine" answers "does the Host Client
            # fail?" with a "yeah" that agrees with something else. Words that read the
            # asked symptom the other way are the answer: in a reply to that very
            # question, a match on its symptom is no chance resemblance.
            if reply is not Reply.UNSURE and any(
                e.symptom == pending.symptom and e.present != present for e in read
            ):
                reply, turn_evidence = None, read
            else:
                turn_evidence = [e for e in read if e.symptom != pending.symptom]
                if reply is not Reply.UNSURE:
                    origin = Origin(OriginKind.ANSWER, "answer", text, matched=pending.text)
                    turn_evidence.insert(
                        0, Evidence(pending.symptom, present, ANSWER_STRENGTH, origin)
                    )
        turn_evidence = [
            *turn_evidence,
            *outdated_states(self.states, conversation.evidence, turn_evidence),
        ]
        turn = Turn(
            text,
            tuple(a.name for a in attachments),
            tuple(turn_evidence),
            reply=reply,
            replied_to=pending.symptom if reply is not None else None,
            correction=correction,
        )
        so_far = Conversation([*conversation.turns, turn])
        evidence = so_far.evidence
        # The description as a whole: every typed turn, compared with every passage.
        said = so_far.description
        query = said or " ".join(so_far.attachments)
        passages = self.index.search_passages(self.embedder.embed_query(query), k=ALL_PASSAGES)
        resembling = self._resemblance(passages) if said else {}
        resemblance = {cause: r.similarity for cause, r in resembling.items()}
        # a description closer to a differential passage ("Not a second host: the
        # switch's own ARP probe") resembles the cause's look-alikes that much
        resemblance |= {
            lookalike(cause): r.unlike.score
            for cause, r in resembling.items()
            if r.unlike is not None
        }
        # The products the user named, in their words or in the log lines read, and those
        # they said are not there ("no NLB or anything clustered") and no log names.
        logged = "\n".join(e.origin.text for e in evidence if e.origin.kind in _FROM_LOGS)
        products = named("\n".join([said, logged]))
        absent = denied(said) - named(logged)
        ranking = rank_causes(self.graph, evidence, self.params, resemblance, products, absent)
        unknown = posterior(self.graph, evidence, self.params, resemblance, products, absent)[
            UNKNOWN
        ]
        informative = rank_questions(
            self.graph, evidence, so_far.asked, self.params, resemblance, products, absent
        )
        answer = compose_answer(
            text,
            self.graph,
            self.kb,
            ranking,
            unknown,
            evidence,
            informative[0] if informative else None,
            _related(passages),
            {
                cause: r.passage
                for cause, r in resembling.items()
                if r.similarity > self.params.resemblance_floor
            },
            informative=informative,
            unlike={cause: r.unlike for cause, r in resembling.items() if r.unlike is not None},
        )
        conversation.turns.append(replace(turn, question=answer.next_question))
        return replace(answer, logs=tuple(reports)) if reports else answer


def lookalike_rates() -> dict[str, float]:
    """The symptoms' look-alike rates fitted on the dev cases (``evals/lookalikes.py``);
    none when the file is missing, so every symptom takes the default rate.

    >>> rates = lookalike_rates()
    >>> all(0.0 <= r <= 1.0 for r in rates.values())
    True
    """
    path = files("graph") / LOOKALIKE_RATES
    if not path.is_file():
        return {}
    return dict(json.loads(path.read_text())["rates"])


@dataclass(frozen=True)
class Resemblance:
    """How much the description resembles what the KB writes about one cause."""

    passage: PassageHit  # the closest passage speaking for the cause
    similarity: float  # what counts for the cause: that passage's score, less any excess
    unlike: PassageHit | None = None  # a differential passage closer than ``passage``


def outdated_states(
    states: Mapping[str, str], standing: Sequence[Evidence], new: Sequence[Evidence]
) -> list[Evidence]:
    """What a turn's readings say of the other values of their state: a symptom seen now
    outdates the symptoms of its ``state`` that the conversation holds as seen ("the error
    is 1722", later "now the error is 8614"), and a passing resemblance to them in the same
    turn ("they opened the RPC ports") under ``CORRECTION_SHARE`` of its strength. Each is
    read as no longer there, as surely as the new value was read. One paste may show two
    values at once (two replication partners, two errors), and then both stand.

    >>> states = {"e1722": "last-error", "e8614": "last-error"}
    >>> o = Origin(OriginKind.MESSAGE, "message", "now the error is 8614")
    >>> before = [Evidence("e1722", True, 0.8, o)]
    >>> now = Evidence("e8614", True, 0.7, o)
    >>> [(e.symptom, e.present, e.strength) for e in outdated_states(states, before, [now])]
    [('e1722', False, 0.7)]
    >>> len(outdated_states(states, before, [now, Evidence("e1722", True, 0.3, o)]))
    1
    >>> outdated_states(states, before, [now, Evidence("e1722", True, 0.9, o)])
    []
    """
    surest = strongest_per_symptom(e for e in new if e.present)  # seen in this turn
    held = {e.symptom for e in standing if e.present} | set(surest)
    out: dict[str, Evidence] = {}
    for e in sorted(surest.values(), key=lambda e: e.strength):  # the surest last, to stand
        if e.symptom not in states:
            continue
        for other in sorted(held - {e.symptom}):
            rival = surest.get(other)
            if states.get(other) == states[e.symptom] and (
                rival is None or rival.strength < CORRECTION_SHARE * e.strength
            ):
                out[other] = replace(e, symptom=other, present=False)
    return list(out.values())


def resemblances(
    passages: Sequence[PassageHit],
    owners: Mapping[tuple[str, str], Sequence[str]],
    differentials: Mapping[tuple[str, str], Sequence[str]],
) -> dict[str, Resemblance]:
    """Each cause's closest passage among ``passages`` (best first), and the similarity
    that counts for the cause.

    A list of sources is not a description of a cause: it resembles any text that names
    the products. A differential section ("Not mirroring: idle connections closed by a
    timeout") speaks for no cause; a description closer to it than to every passage of a
    cause resembles the look-alike more than the cause, and the excess counts against
    the cause as much as the same similarity would count for it.

    >>> hit = lambda anchor, score: PassageHit("a", anchor, anchor, "", score)
    >>> owners = {("a", "cause"): ["c"], ("a", "fix"): ["c"]}
    >>> differ = {("a", "not-c"): ["c"]}
    >>> r = resemblances([hit("cause", 0.6), hit("not-c", 0.5)], owners, differ)
    >>> r["c"].passage.anchor, r["c"].similarity, r["c"].unlike
    ('cause', 0.6, None)
    >>> r = resemblances([hit("not-c", 0.7), hit("fix", 0.5)], owners, differ)
    >>> r["c"].passage.anchor, round(r["c"].similarity, 3), r["c"].unlike.anchor
    ('fix', 0.3, 'not-c')
    """
    best: dict[str, PassageHit] = {}
    unlike: dict[str, PassageHit] = {}
    for hit in passages:
        if hit.anchor in REFERENCE_ANCHORS:
            continue
        for cause in owners.get((hit.article, hit.anchor), ()):
            best.setdefault(cause, hit)
        for cause in differentials.get((hit.article, hit.anchor), ()):
            unlike.setdefault(cause, hit)
    out = {}
    for cause, hit in best.items():
        other = unlike.get(cause)
        closer = other if other is not None and other.score > hit.score else None
        excess = closer.score - hit.score if closer else 0.0
        out[cause] = Resemblance(hit, hit.score - excess, closer)
    return out


# evidence whose origin text is a log line (an answer's text is already in the description)
_FROM_LOGS = frozenset({OriginKind.LOG, OriginKind.TEMPLATE})


def _related(passages: Sequence[PassageHit]) -> list[PassageHit]:
    """The passages worth reading next, best first: close enough to what was said, and
    not an article's list of sources, which resembles any text naming its products.

    >>> hit = lambda anchor, score: PassageHit("a", anchor, anchor.title(), "", score)
    >>> [p.anchor for p in _related([hit("sources", 0.6), hit("cause", 0.5), hit("fix", 0.2)])]
    ['cause']
    """
    fitting = (
        p
        for p in passages
        if p.anchor not in REFERENCE_ANCHORS and p.score >= RELATED_MIN_SIMILARITY
    )
    return list(fitting)[:RELATED_PASSAGES]
