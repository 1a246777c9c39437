"""Articles: the table with provenance, the reader, the metadata editor, uploads."""
import html
import os

import streamlit as st

from analysis.build.corpus import manifest_path, rebuild, uploads_dir
from analysis.ingest.uploads import ALLOWED_UPLOADS, MAX_FILES, MAX_UPLOAD_BYTES, accept
from analysis.ingest.sidefiles import update_manifest
from analysis.views.filters import describe
from pages import _charts, _reader

TABLE_COLUMNS = ["title", "outlet", "published", "month", "n_words", "title_how", "title_evidence",
                 "source_how", "source_evidence", "published_how", "published_evidence", "file", "id"]

_ROWS = os.environ.get("NEWS_TABLE_ROWS", "5000").strip()   # rows of the table sent to the browser
TABLE_ROWS = int(_ROWS) if _ROWS.isdigit() and int(_ROWS) > 0 else 5000   # a bad value: the default


def shown_values(table):
    """The table as a person reads it: a missing title is the file name, an unknown date or
    month reads "unknown", and no cell shows None."""
    table = table.assign(title=table["title"].where(table["title"].notna(), table["file"]),
                         published=table["published"].fillna("unknown"), month=table["month"].fillna("unknown"))
    return table.fillna("")


def table_of(rows):
    """The table's rows as shown (shown_values), its columns named as a person reads them."""
    return shown_values(rows).rename(columns={"n_words": "words", "source_how": "outlet_how",
                                              "source_evidence": "outlet_evidence", "published": "date",
                                              "published_how": "date_how", "published_evidence": "date_evidence"})


st.title("Articles")
v = _charts.view(allow_empty=True)


def reopen(message: str, *, refused: list[str] = (), notes: list[str] = (), changed: tuple[str, list[str]] = ("", [])) -> None:
    """After a change on disk (a new store generation, so the next run opens the new store):
    the messages are shown after the rerun (file names and paths as text, never markdown);
    ``changed`` = (what, article ids) that the person just added or corrected."""
    st.session_state["_flash"] = (message, list(refused), list(notes), changed)
    st.rerun()


def offer_changed(what: str, ids: list[str]) -> None:
    """Say when what the person just added or corrected is hidden by their own filters, and
    offer to show only those articles."""
    hidden = len(set(ids) - set(v.ids))
    if hidden:
        st.warning(f"{hidden} of {len(ids)} {what} hidden by the filters you chose: "
                   f"{_charts.md_escape('; '.join(describe(v.filters)))}.")
    st.button(f"Show only the {what}", on_click=_charts.reset_filters, args=(ids,), key="show_changed",
              icon=":material/filter_alt:")


if flash := st.session_state.pop("_flash", None):
    message, refused, notes, (what, changed) = flash
    st.success(_charts.md_escape(message))
    for line in refused:
        st.error(_charts.md_escape(line))
    for line in notes:
        st.warning(_charts.md_escape(line))
    if changed:
        offer_changed(what, changed)

if v.ids:
    st.subheader("The selected articles, with where each value comes from")
    selected = v.selected[TABLE_COLUMNS]
    if len(selected) > TABLE_ROWS:   # 37k rows were sent to the browser on every rerun (a second of the page)
        st.caption(f"The first {TABLE_ROWS:,} of {len(selected):,} selected articles: narrow the filters, or "
                   "download them all.")
        st.download_button(f"All {len(selected):,} rows (CSV)", on_click="ignore", icon=":material/download:",
                           data=lambda t=selected: table_of(t).to_csv(index=False).encode("utf-8"),
                           file_name="articles.csv", mime="text/csv", key="dl_articles_table")
    st.dataframe(table_of(selected.head(TABLE_ROWS)), hide_index=True, width="stretch", height=320)   # rows shown only

    st.subheader("Reader")
    first = v.selected.head(5000)   # the articles offered (labels made for these only)
    label = {i: f"{t if isinstance(t, str) else f} · {o} · {f}" for i, t, o, f in
             zip(first["id"], first["title"], first["outlet"], first["file"])}
    aid = st.selectbox("Article", list(label), format_func=label.get, key="reader_article")
    row = v.corpus.text_row(aid)
    spans = v.corpus.mentions_of([aid], columns=("start", "end", "entity", "type")
                                 + (("found_by",) if "found_by" in v.corpus.mention_columns else ()))
    meta = v.corpus.articles.iloc[int(v.corpus.pos[aid])]
    # st.html, not st.markdown: a title is text, never markdown ([x](javascript:...), **, ![]())
    st.html(f"<h4>{html.escape(row['title'] if isinstance(row['title'], str) else str(meta['file']))}</h4>")
    st.html(_charts.small(f"outlet: {meta['outlet']} (how: {meta['source_how']}) · "
                      f"date: {meta['published'] if isinstance(meta['published'], str) else 'unknown'} "
                      f"(how: {meta['published_how']}) · file: {meta['file']}"))
    st.html(_reader.legend_html(sorted(spans["type"].unique().tolist())))
    if "found_by" in spans and (spans["found_by"] == "match").any():
        st.caption("Dashed underline: a further mention of a known entity, found by matching its names.")
    st.html('<div style="max-width:48rem;line-height:1.6">' + _reader.highlight_html(row["text"], spans) + "</div>")
    removed = list(row["removed"]) if row["removed"] is not None else []
    with st.expander(f"Removed page furniture ({len(removed)} line(s))"):
        for line in removed:
            st.text(line)

    st.subheader("Correct the metadata")
    with st.form("metadata_editor"):
        st.html(_charts.small(f"Corrections are written to {manifest_path(st.session_state['_paths'])} and the store "
                          "is rebuilt (entities are cached: only the changed article is analysed again)."))
        title = st.text_input("Title", value=row["title"] if isinstance(row["title"], str) else "")
        source = st.text_input("Outlet", value=meta["source"] if isinstance(meta["source"], str) else "")
        date = st.text_input("Date (YYYY-MM-DD)", value=meta["published"] if isinstance(meta["published"], str) else "")
        if st.form_submit_button("Save correction"):
            changes = {k: val.strip() for k, val in [("title", title), ("source", source), ("date", date)] if val.strip()}
            target = manifest_path(st.session_state["_paths"])
            try:
                update_manifest(target, str(meta["file"]), changes)
            except OSError as exc:
                st.error(_charts.md_escape(f"Cannot write {target}: {exc.strerror or exc}. Copy the corpus to a "
                                       "folder you can write to, or add the line to a manifest.csv there by hand."))
            else:
                with st.spinner("Rebuilding the store…"):
                    _, notes = rebuild(st.session_state["_paths"])
                reopen(f"Saved the correction of {meta['file']}.", notes=notes, changed=("corrected article", [aid]))

st.subheader("Add articles")
files = st.file_uploader(f"Files ({', '.join(ALLOWED_UPLOADS)}, also .gz; at most {MAX_UPLOAD_BYTES // 1_000_000} MB "
                         f"each, {MAX_FILES} at a time)", accept_multiple_files=True, key="uploads")
if files and st.button("Analyse the uploaded files", type="primary"):
    paths = st.session_state["_paths"]
    before = len(v.corpus.articles)
    known = set(v.corpus.articles["id"])
    bar = st.progress(0.0, text="Checking and saving the files…")
    outcome = accept(uploads_dir(paths), [(f.name, f.getvalue()) for f in files])
    for problem in outcome.refused:
        st.error(_charts.md_escape(problem))
    if outcome.saved:
        bar.progress(0.4, text=f"Analysing the new articles of {len(outcome.saved)} file(s) (entities, topics)…")
        store, notes = rebuild(paths)
        bar.progress(1.0, text="Done")
        after = store.meta().get("articles", before)
        new = [i for i in store.read("articles", columns=["id"])["id"] if i not in known]
        reopen(f"Added {len(outcome.saved)} file(s) (saved in {uploads_dir(paths)}): {after - before} new "
               f"article(s); the corpus now has {after} articles.", refused=outcome.refused, notes=notes,
               changed=("new articles", new))
    else:
        bar.progress(1.0, text="Nothing saved")
