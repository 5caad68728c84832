"""The chat view: describe, paste or upload logs, read the ranked answer, answer the
follow-up question, give feedback."""

from __future__ import annotations

import html

import streamlit as st

from assistant.answer import Answer, RankedCause
from assistant.errors import SherlogError
from assistant.logread import template_lines
from assistant.store import FeedbackKind
from ui.render_text import FIXES_FOR_CONFIDENCE, percent
from ui.web.render import article_link, clip, evidence_html, passage_item
from ui.web.resources import chat_session, loaded
from ui.web.session import Upload, read_uploads

QUOTE_CHARS = 1200
REPLIES = {"Yes": "yes", "No": "no", "Don't know": "don't know"}
# label, icon (Material icons ship with Streamlit; emoji need a font the machine may lack)
FEEDBACK = {
    FeedbackKind.UP: ("Helpful", ":material/thumb_up:"),
    FeedbackKind.DOWN: ("Not it", ":material/thumb_down:"),
    FeedbackKind.FIXED: ("This fixed it", ":material/check_circle:"),
}
FOR = '<b style="color:#2e7d32">for</b>'
AGAINST = '<b style="color:#c62828">against</b>'


resources = loaded()
chat = chat_session()
st.session_state.setdefault("attach_round", 0)


def send(text: str, uploads: list[Upload] = (), pasted: str = "") -> None:
    """Send one turn; a refused upload or message is an error in the page, and nothing
    already said is lost."""
    attachments, errors = read_uploads(uploads, pasted, resources.settings.max_attachment_bytes)
    if errors:  # send all of it or nothing: an answer without the file would mislead
        shown = f" Your message was: “{clip(text, 300)}”" if text.strip() else ""
        st.session_state.errors = [
            *errors,
            f"Nothing was sent: remove or replace that file in the sidebar and send again.{shown}",
        ]
        return
    st.session_state.errors = []
    try:
        chat.send(resources.sherlog, resources.store, text, attachments)
    except SherlogError as err:
        st.session_state.errors = [str(err)]
        return
    st.session_state.attach_round += 1  # clears the uploader and the paste box


def diagnosis_card(rank: int, d: RankedCause, latest: bool, turn: int) -> None:
    with st.container(border=True):
        st.markdown(f"**{rank}. {d.title}**  `{d.cause}`")
        st.progress(min(max(d.confidence, 0.0), 1.0), text=f"confidence {percent(d.confidence)}")
        for item in d.supporting:
            st.markdown(f"{FOR} {evidence_html(item)}", unsafe_allow_html=True)
        if d.resembles is not None:
            r = d.resembles
            st.markdown(
                f"{FOR} your description resembles [{r.heading or r.article}]"
                f"({article_link(r.article, r.anchor)}) (similarity {r.score:.2f})",
                unsafe_allow_html=True,
            )
        for item in d.contradicting:
            st.markdown(f"{AGAINST} {evidence_html(item)}", unsafe_allow_html=True)
        if d.unlike is not None:
            u = d.unlike
            st.markdown(
                f"{AGAINST} your description resembles [{html.escape(u.heading or u.article)}]"
                f"({article_link(u.article, u.anchor)}), a look-alike, more than anything about "
                f"this cause (similarity {u.score:.2f})",
                unsafe_allow_html=True,
            )
        if d.product_note:
            st.markdown(f"{AGAINST} {html.escape(d.product_note)}", unsafe_allow_html=True)
        if d.confidence >= FIXES_FOR_CONFIDENCE:
            for plan in d.fixes:
                st.markdown(f"**Fix: {plan.title}**")
                for n, step in enumerate(plan.steps, 1):
                    c = step.citation
                    st.markdown(f"{n}. {step.text}  \n   ↳ cited from `{c.article}#{c.anchor}`")
                cited = {(s.citation.article, s.citation.anchor): s.citation for s in plan.steps}
                for c in cited.values():
                    with st.expander(f"{c.heading} — {c.article}#{c.anchor}"):
                        st.markdown(f"> {clip(c.passage, QUOTE_CHARS)}")
                        link = article_link(c.article, c.anchor)
                        st.markdown(f"[Open in the knowledge base]({link})")
        if latest:
            columns = st.columns(len(FEEDBACK))
            for column, (kind, (label, icon)) in zip(columns, FEEDBACK.items(), strict=True):
                if column.button(label, icon=icon, key=f"feedback-{turn}-{d.cause}-{kind.value}"):
                    try:
                        chat.feedback(resources.store, d.cause, kind)
                        st.toast(f"Recorded: {label} for {d.title}")
                    except SherlogError as err:
                        st.error(str(err))


def show_answer(answer: Answer, latest: bool, turn: int) -> None:
    if answer.abstained:
        st.warning(
            "**I don't know.** Nothing in the knowledge base explains this well enough "
            f"(not in the KB: {percent(answer.unknown_confidence)})."
        )
        if answer.checks:
            st.markdown("**To narrow it down, collect:**")
            st.markdown("\n".join(f"- {q.check or q.text}" for q in answer.checks))
        if answer.related:
            st.markdown("**Related reading:**")
            st.markdown("\n".join(passage_item(hit) for hit in answer.related))
        if answer.diagnoses:
            st.markdown("**Weak candidates:**")
    else:
        st.markdown(
            f"**Likely causes** (not in the knowledge base: {percent(answer.unknown_confidence)})"
        )
    for rank, d in enumerate(answer.diagnoses, 1):
        diagnosis_card(rank, d, latest, turn)
    for note in answer.notes:
        st.caption(note)
    for report in answer.logs:
        with st.expander(f"Logs read: {report.name}", expanded=False):
            st.text("\n".join(report.notes()))
            if report.templates:
                st.markdown("**Most frequent lines no KB pattern explains:**")
                st.text("\n".join(template_lines(report)))
    question = answer.next_question
    if question is not None:
        if latest:
            st.info(f"**Next question:** {question.text}")
            columns = st.columns(len(REPLIES))
            for column, (label, reply) in zip(columns, REPLIES.items(), strict=True):
                if column.button(label, key=f"reply-{turn}-{reply}"):
                    send(reply)
                    st.rerun()
        else:
            st.caption(f"Asked: {question.text}")


st.title("Sherlog")
st.caption("Describe what you see; paste or upload logs. Answers cite the knowledge base.")

for turn, (message, answer) in enumerate(zip(chat.transcript, chat.answers, strict=True)):
    with st.chat_message("user"):
        st.markdown(message.text or "*(logs only)*")
        if message.attachments:
            st.caption("attached: " + ", ".join(a.name for a in message.attachments))
    with st.chat_message("assistant"):
        show_answer(answer, latest=turn == len(chat.answers) - 1, turn=turn)

for error in st.session_state.get("errors", []):
    st.error(error)

round_ = st.session_state.attach_round
with st.sidebar:
    st.markdown("**Attach logs** to the next message")
    files = st.file_uploader(
        "Logs or bundles (.log, .txt, .gz, .tgz, .zip)",
        accept_multiple_files=True,
        key=f"files-{round_}",
    )
    pasted = st.text_area("Or paste log lines", key=f"pasted-{round_}", height=150)
    logs_only = st.button("Send the logs without a message", key=f"logs-only-{round_}")
    st.divider()
    if st.button("New conversation", disabled=not chat.transcript):
        chat.reset()
        st.session_state.errors = []
        st.rerun()
    st.caption(f"Conversation `{chat.key}`")

uploads = [Upload(f.name, f.getvalue()) for f in files or []]
text = st.chat_input("Describe what you see…")
if text is not None or logs_only:
    if not (text or "").strip() and not uploads and not pasted.strip():
        st.session_state.errors = ["Empty message: describe what you see, or attach a log."]
    else:
        with st.chat_message("user"):
            st.markdown(text or "*(logs only)*")
        with st.chat_message("assistant"), st.spinner("Reading your words, logs and the KB…"):
            send(text or "", uploads, pasted)
    st.rerun()
