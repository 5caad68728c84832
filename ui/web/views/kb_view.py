"""The knowledge-base view: search, read an article at an anchor, and see what it adds
to the causal graph. ``?article=<id>#<anchor>`` opens an article at a section."""

from __future__ import annotations

import streamlit as st

from ui.web.render import article_link, passage_item
from ui.web.resources import loaded

SEARCH_HITS = 8

resources = loaded()
kb = resources.sherlog.kb
articles = sorted(kb.articles, key=lambda a: a.title.lower())
ids = [a.id for a in articles]

st.title("Knowledge base")
st.caption(
    f"{len(kb.articles)} articles, {len(kb.causes)} causes, {len(kb.symptoms)} symptoms, "
    f"{len(kb.fixes)} fixes; the knowledge base passed validation when it was loaded."
)

query = st.text_input("Search the articles", placeholder="e.g. host not responding in vCenter")
if query.strip():
    sherlog = resources.sherlog
    hits = sherlog.index.search_passages(sherlog.embedder.embed_query(query), k=SEARCH_HITS)
    st.markdown("\n".join(passage_item(hit, excerpt=160) for hit in hits))

wanted = st.query_params.get("article")
if wanted and wanted not in kb.by_id:
    st.error(f"No article with id {wanted!r} in the knowledge base.")
    wanted = None
choice = st.selectbox(
    "Article",
    ids,
    index=ids.index(wanted) if wanted else 0,
    format_func=lambda i: f"{kb.by_id[i].title} ({i})",
)
if choice != st.query_params.get("article"):
    st.query_params["article"] = choice
article = kb.by_id[choice]

st.header(article.title, anchor=False)
st.caption(f"`{article.id}` · {article.kind.value} · {article.path.name}")
if article.products:
    st.markdown("**Products:** " + ", ".join(article.products))

with st.expander("What this article adds to the graph", expanded=True):
    if article.causes:
        st.markdown("**Causes**")
        for cause in article.causes:
            effects = ", ".join(f"`{e.symptom}` ({e.p:.2f})" for e in cause.effects)
            fixes = ", ".join(f"`{f}`" for f in cause.fixes)
            st.markdown(
                f"- **{cause.title}** `{cause.id}`, prior {cause.prior:g}  \n"
                f"  effects: {effects}  \n  fixes: {fixes}"
            )
    if article.symptoms:
        st.markdown("**Symptoms**")
        st.markdown("\n".join(f"- `{s.id}`: {s.text} — *{s.question}*" for s in article.symptoms))
    if article.fixes:
        st.markdown("**Fixes**")
        for fix in article.fixes:
            steps = "\n".join(
                f"   {n}. {step.text} [`#{step.anchor}`]({article_link(step.article, step.anchor)})"
                for n, step in enumerate(fix.steps, 1)
            )
            st.markdown(f"- **{fix.title}** `{fix.id}`\n{steps}")
    if not (article.causes or article.symptoms or article.fixes):
        st.markdown("Nothing: a reading article, searched and cited but not part of the graph.")

for section in article.sections:
    st.subheader(section.heading, anchor=section.anchor)
    st.markdown(section.text)

if article.sources:
    st.subheader("Sources", anchor="article-sources")
    st.markdown("\n".join(f"- {source}" for source in article.sources))
