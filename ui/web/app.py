"""Sherlog's chat page: ``streamlit run ui/web/app.py``, or ``sherlog page``.

Three views share one browser session: the chat, the causal graph around the current
candidates, and the knowledge base. Errors a user can cause are shown in the page.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from assistant.errors import KBError, SherlogError
from ui.web.resources import loaded

VIEWS = Path(__file__).parent / "views"

st.set_page_config(page_title="Sherlog", page_icon=":material/search:", layout="wide")

try:
    loaded()
except KBError as err:
    st.error("The knowledge base has problems; fix them and reload the page.")
    st.table(
        [
            {"where": f"{p.path}:{p.line}" if p.line else p.path, "problem": p.message}
            for p in err.problems
        ]
    )
    st.stop()
except SherlogError as err:
    st.error(f"Sherlog cannot start: {err}")
    st.stop()

page = st.navigation(
    [
        st.Page(
            VIEWS / "chat_view.py",
            title="Chat",
            icon=":material/forum:",
            url_path="chat",
            default=True,
        ),
        st.Page(
            VIEWS / "graph_view.py", title="Graph", icon=":material/account_tree:", url_path="graph"
        ),
        st.Page(
            VIEWS / "kb_view.py", title="Knowledge base", icon=":material/menu_book:", url_path="kb"
        ),
    ]
)
page.run()
