"""What the page loads once per process (``st.cache_resource``) and once per browser
session (``st.session_state``)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import streamlit as st

from assistant.engine import Sherlog
from assistant.settings import Settings
from assistant.store import ConversationStore
from ui.web.session import ChatSession

__all__ = ["Loaded", "chat_session", "loaded"]

log = logging.getLogger("sherlog.page")


@dataclass(frozen=True)
class Loaded:
    """The process-wide parts: settings, the assistant (model, graph, index), the store."""

    settings: Settings
    sherlog: Sherlog
    store: ConversationStore


def loaded() -> Loaded:
    """The process-wide parts for the settings in the environment."""
    return _open(Settings.from_env())


@st.cache_resource(
    show_spinner="Loading the model and the knowledge base (the first run also indexes it)…"
)
def _open(settings: Settings) -> Loaded:
    """Open Sherlog once per process and settings; the KB is indexed here when the index
    is stale, with progress in the server's log."""
    sherlog = Sherlog.open(settings, progress=lambda message: log.warning("sherlog: %s", message))
    sherlog.embedder.embed_query("warm up")  # load the model now, not on the first question
    return Loaded(settings, sherlog, ConversationStore.open(settings))


def chat_session() -> ChatSession:
    """This browser session's conversation (each session has its own)."""
    if "chat" not in st.session_state:
        st.session_state.chat = ChatSession()
    return st.session_state.chat
