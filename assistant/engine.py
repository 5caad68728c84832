"""Sherlog, wired: KB + graph + index + embedder -> ``ask(text, attachments) -> Answer``.

Expensive parts (the embedding model, Chroma) are built once, by ``Sherlog.open`` or by
the caller, and passed in; ``ask`` does no file I/O of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import networkx as nx

from assistant.answer import Answer, compose_answer
from assistant.attachments import Attachment
from assistant.conversation import Conversation, Reply, Turn, is_correction, parse_reply
from assistant.errors import EvidenceError
from assistant.logscan import LogHit, LogReaders, compile_readers, hits_to_evidence, scan_all
from assistant.matching import match_symptoms, pasted_output
from assistant.negation import denies_mention
from assistant.settings import Settings
from graph import UNKNOWN, InferenceParams, posterior, rank_causes, rank_questions
from graph.evidence import Evidence, Origin, OriginKind
from kb.embedding import Embedder, MiniLMEmbedder
from kb.index import IngestReport, PassageHit, SherlogIndex
from kb.loader import load_kb
from kb.model import KnowledgeBase
from kb.store import chroma_client

__all__ = ["Sherlog"]

MAX_QUESTION_CHARS = 20_000  # longer text belongs in an attachment
RELATED_PASSAGES = 3
RELATED_MIN_SIMILARITY = 0.3  # below this a passage is not related reading, just the nearest
ALL_PASSAGES = 10_000  # resemblance ranks every passage; a KB has a few hundred
REFERENCE_ANCHORS = frozenset({"sources", "references", "see-also"})
# A direct answer is near-hard evidence: the user looked, but may have looked wrong.
ANSWER_STRENGTH = 0.95
MIN_REST_WORDS = 3  # "no, it works" is an answer; "no, but the datastore is full" says more
# "no ORA-00257 in the alert log": a message the user says is not there. As sure as what
# the user says, not as a log line.
DENIED_MENTION_STRENGTH = 0.8


def _read_mention(hit: LogHit) -> LogHit:
    """A product message typed once in the user's words after a denial ("redo - no
    ORA-00257, archive dest at 20%") says the message is *not* there."""
    if hit.present and hit.count == 1 and hit.span and denies_mention(hit.text[: hit.span[0]]):
        return replace(hit, present=False, strength=DENIED_MENTION_STRENGTH)
    return hit


@dataclass
class Sherlog:
    """The assistant: one loaded KB, its graph and index, and an embedder."""

    kb: KnowledgeBase
    graph: nx.DiGraph
    index: SherlogIndex
    embedder: Embedder
    params: InferenceParams = field(default_factory=InferenceParams)
    readers: LogReaders = field(init=False)

    def __post_init__(self) -> None:
        self.readers = compile_readers(self.kb)

    @classmethod
    def open(
        cls,
        settings: Settings,
        embedder: Embedder | None = None,
        client=None,
        progress: Callable[[str], None] | None = None,
    ) -> Sherlog:
        """Load and validate the KB, open the index and bring it up to date."""
        from graph import build_graph

        kb = load_kb(settings.kb_dir)
        embedder = embedder or MiniLMEmbedder()
        index = SherlogIndex(client or chroma_client(settings), embedder)
        if not index.is_current(kb):
            if progress:
                progress(f"indexing {len(kb.articles)} articles from {settings.kb_dir} ...")
            index.ingest(kb, progress)
        return cls(kb, build_graph(kb), index, embedder)

    def ingest(self, progress: Callable[[str], None] | None = None) -> IngestReport:
        return self.index.ingest(self.kb, progress)

    def gather_evidence(
        self,
        text: str,
        attachments: Sequence[Attachment] = (),
        revisiting: Mapping[str, bool] | None = None,
    ) -> list[Evidence]:
        """Evidence from the message's words, its pasted log lines and every attachment;
        ``revisiting``: what the conversation holds on each symptom, which a correcting
        message may reverse (see :func:`match_symptoms`)."""
        pasted = [_read_mention(hit) for hit in scan_all(self.readers, "message", text)]
        evidence = hits_to_evidence(pasted)
        for attachment in attachments:
            evidence += hits_to_evidence(scan_all(self.readers, attachment.name, attachment.text))
        # A log line is a better witness than a paraphrase of it: words only speak for
        # symptoms the logs did not already show, and matched log lines are not prose.
        logged = {e.symptom for e in evidence}
        masked = [span for hit in pasted for span in hit.spans] + pasted_output(text)
        evidence += [
            e
            for e in match_symptoms(
                text, self.embedder, self.index, masked=masked, revisiting=revisiting
            )
            if e.symptom not in logged
        ]
        return evidence

    def _resemblance(self, passages: Sequence[PassageHit]) -> dict[str, PassageHit]:
        """Each cause's closest passage among ``passages`` (best first). A list of sources
        is not a description of a cause: it resembles any text that names the products."""
        owners = self.kb.passage_causes
        best: dict[str, PassageHit] = {}
        for hit in passages:
            if hit.anchor in REFERENCE_ANCHORS:
                continue
            for cause in owners.get((hit.article, hit.anchor), ()):
                best.setdefault(cause, hit)
        return best

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
            raise EvidenceError(
                f"question is {len(text)} characters, over the limit of "
                f"{MAX_QUESTION_CHARS}: attach long logs as files (--log)"
            )
        pending = conversation.pending
        reply, rest = parse_reply(text) if pending is not None else (None, text)
        correction = reply is None and is_correction(text)
        if reply is None:
            said_before = (
                {e.symptom: e.present for e in conversation.evidence} if correction else {}
            )
            turn_evidence = self.gather_evidence(text, attachments, said_before)
        else:
            words = rest if len(rest.split()) >= MIN_REST_WORDS else ""
            read = self.gather_evidence(words, attachments) if words or attachments else []
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
        resemblance = {cause: hit.score for cause, hit in resembling.items()}
        ranking = rank_causes(self.graph, evidence, self.params, resemblance)
        unknown = posterior(self.graph, evidence, self.params, resemblance)[UNKNOWN]
        informative = rank_questions(self.graph, evidence, so_far.asked, self.params, resemblance)
        answer = compose_answer(
            text,
            self.graph,
            self.kb,
            ranking,
            unknown,
            evidence,
            informative[0] if informative else None,
            [p for p in passages[:RELATED_PASSAGES] if p.score >= RELATED_MIN_SIMILARITY],
            {
                cause: hit
                for cause, hit in resembling.items()
                if hit.score > self.params.resemblance_floor
            },
            informative=informative,
        )
        conversation.turns.append(replace(turn, question=answer.next_question))
        return answer
