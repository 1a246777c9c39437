"""Entities: top entities by type, mentions per outlet, an entity over time, the
co-occurrence network, and keyword in context."""
import streamlit as st

from analysis.build.corpus import aliases_path, apply_entity_edit, refresh_entity_analyses
from analysis.entities.edits import edit_rules
from analysis.ingest.sidefiles import ENTITY_TYPES, append_alias, remove_last_alias
from analysis.views.charts import top_entities
from analysis.views.entities import entities_charts, entity_cluster_charts, focus_entity
from pages import _charts, _kwic

st.title("Entities")
v = _charts.view()
if flash := st.session_state.pop("_entity_flash", None):
    st.success(_charts.md_escape(flash))
names = _charts.cached_charts(top_entities, v, 200)["entity"].tolist()   # kept per filter state, as the charts
focus = _charts.cached_charts(focus_entity, v)
entity = st.selectbox("Entity to follow over time", names, index=names.index(focus) if focus in names else 0,
                      key="focus_entity") if names else None
notes = v.corpus.entity_notes
if entity and entity in set(notes["entity"]):
    st.caption(_charts.md_escape(f"{entity}: {notes.loc[notes['entity'] == entity, 'note'].iat[0]}"))
# the first chart fills the first screen: the others are drawn when their sections are opened
_charts.charts(_charts.cached_charts(entities_charts, v, entity=entity), page="entities", drawn=1)
st.header("Clusters and communities")
st.caption("Articles grouped by the entities they mention (TF-IDF over canonical entities, k chosen by "
           "silhouette), and entities grouped by the company they keep (Louvain communities of the "
           "same-sentence co-occurrence graph). Sizes count the selected articles.")
_charts.stale_note(v, "entity_clusters", "entity_communities", "entity_cooccurrence")
_charts.charts(_charts.cached_charts(entity_cluster_charts, v), page="entity_clusters", drawn=0)
_kwic.section(v, default=entity or "")


def entity_notes() -> None:
    st.caption("A lone surname joins the full name the article names, else the one full name that has "
               "80% of the articles where it was resolved; otherwise it stays apart, as here. A name the "
               "offline gazetteer knows as a town or country is a place unless the text says it is a person.")
    if notes.empty:
        st.info("No entity of this corpus was kept apart or retyped.")
    else:
        st.dataframe(notes, hide_index=True, width="stretch",
                     column_config={"note": st.column_config.TextColumn(width="large")})


_charts.lazy_expander(f"Entities kept apart or retyped, and why ({len(notes)})", entity_notes, key="entity_notes")


def _apply(rules: list[tuple[str, str, str]], undo: bool = False) -> None:
    """Write the rules (or take the last one out), rebuild the store (NER from the cache), rerun."""
    paths, target = st.session_state["_paths"], aliases_path(st.session_state["_paths"])
    try:
        done = remove_last_alias(target) if undo else [append_alias(target, *r) for r in rules]
    except OSError as exc:
        st.error(_charts.md_escape(f"Cannot write {target}: {exc.strerror or exc}."))
        return
    what = ("Undid " + ",".join(done) if done else "Nothing to undo") if undo else \
        "Saved " + "; ".join(",".join(r) for r in rules)
    with st.spinner("Updating the entities of the store (no NER)…"):
        edit = ("undo of " + ",".join(done) if done else "undo") if undo else "; ".join(",".join(r) for r in rules)
        seconds = apply_entity_edit(paths, edit=edit)["total"]
    st.session_state["_entity_flash"] = (f"{what} ({target}); the store followed in {seconds:.1f} s. Entity clusters, "
                                         "quotes, stories and places are stale until refreshed (below) or rebuilt.")
    st.rerun()


st.header("Edit entities")
st.caption(_charts.md_escape(f"Each change is a rule in {aliases_path(st.session_state['_paths'])} (merge, rename, "
                             "type, ignore); the store's entities follow without NER in seconds, the longer "
                             "analyses that read them (entity clusters, quotes, stories, places) are marked "
                             "stale until refreshed here or rebuilt (the topics keep their entity names until "
                             "the next full build), and the last change can be undone."))
with st.form("entity_editor"):
    chosen = st.multiselect("Entities (a merge joins the others into the first)", names, key="edit_entities")
    action = st.radio("Change", ["merge", "rename", "type", "ignore"], horizontal=True, key="edit_action",
                      format_func={"merge": "Merge", "rename": "Rename", "type": "Set type", "ignore": "Ignore"}.get)
    new_name = st.text_input("New name (rename)", key="edit_name")
    new_type = st.selectbox("Type (set type)", sorted(ENTITY_TYPES), key="edit_type")
    submitted = st.form_submit_button("Apply the change")
if submitted:
    try:
        _apply(edit_rules(action, chosen, new_name=new_name, new_type=new_type))
    except ValueError as exc:
        st.warning(_charts.md_escape(str(exc)))
if st.button("Undo the last change", key="edit_undo"):
    _apply([], undo=True)
stale = sorted(v.corpus.meta.get("stale") or {})
if stale and st.button(f"Refresh the analyses the edits left stale ({', '.join(stale)})", key="edit_refresh"):
    with st.spinner("Making the stale analyses again (no NER, no topics)…"):
        seconds = refresh_entity_analyses(st.session_state["_paths"])["total"]
    st.session_state["_entity_flash"] = f"The stale analyses were made again in {seconds:.1f} s."
    st.rerun()
