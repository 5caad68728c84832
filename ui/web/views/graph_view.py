"""The graph view: the causal graph around the current candidates. Observed symptoms are
green, denied ones red, unknown ones grey; causes are shaded by confidence."""

from __future__ import annotations

import streamlit as st

from graph.inference import strongest_per_symptom
from graph.view import DENIED, OBSERVED, UNOBSERVED, to_dot
from ui.web.resources import chat_session, loaded

resources = loaded()
chat = chat_session()

st.title("Causal graph")
answer = chat.answer
if answer is None or not answer.diagnoses:
    st.info("Ask a question in the Chat view: its candidates and their symptoms appear here.")
    st.stop()

held = strongest_per_symptom(chat.conversation.evidence)
observed = {s for s, e in held.items() if e.present}
denied = {s for s, e in held.items() if not e.present}
confidences = {d.cause: d.confidence for d in answer.diagnoses}
st.markdown(
    f'<span style="color:{OBSERVED}">■ observed</span> &nbsp; '
    f'<span style="color:{DENIED}">■ denied</span> &nbsp; '
    f'<span style="color:{UNOBSERVED}">■ not known yet</span> &nbsp; '
    "causes: darker is more likely; edge labels are P(symptom | cause)",
    unsafe_allow_html=True,
)
st.graphviz_chart(to_dot(resources.sherlog.graph, confidences, observed, denied))
