"""Data status: how fresh the figures are, where they came from, and whether they passed checks."""

import streamlit as st

from streamlit_app import check_results, components, insights, warehouse
from streamlit_app.components import Card
from streamlit_app.formatting import indian_number, md, short_date, utc_to_india
from streamlit_app.i18n import t

components.page_header(
    t("Data status"),
    t(
        "When each source was loaded and from which file, how many rows were loaded or set "
        "aside, and what the data-quality checks found."
    ),
)
warehouse.require("pipeline_runs", "source_files")

runs = warehouse.query(
    "select * from marts.pipeline_runs order by finished_at desc nulls last, started_at desc"
)
runs["started_at"] = utc_to_india(runs["started_at"])
runs["finished_at"] = utc_to_india(runs["finished_at"])
published = runs.loc[runs["status"] == "success"]
if published.empty:
    components.takeaway(t("No run has published these figures successfully yet."))
else:
    last = published.iloc[0]
    components.takeaway(insights.run_takeaway(last))
    failed_since = runs.loc[
        (runs["status"] != "success") & (runs["started_at"] > last["finished_at"])
    ]
    components.metric_cards(
        [
            Card(
                t("Last published"),
                short_date(last["finished_at"]),
                help=t(
                    "Finished at {time} IST (pipeline run {run}).",
                    time=f"{last['finished_at']:%H:%M}",
                    run=md(last["run_id"]),
                ),
            ),
            Card(t("Files loaded"), indian_number(last["files_loaded"])),
            Card(t("Rows loaded"), indian_number(last["rows_loaded"])),
            Card(
                t("Rows quarantined"),
                indian_number(last["rows_quarantined"]),
                help=t("Rows that could not be read safely; listed on the Org mapping review."),
            ),
            Card(t("Checks passed"), indian_number(last["checks_passed"])),
            Card(
                t("Checks warned / failed"),
                f"{indian_number(last['checks_warned'])} / {indian_number(last['checks_failed'])}",
            ),
        ]
    )
    if not failed_since.empty:
        st.warning(
            t(
                "{count} later runs did not finish; the figures shown are from the last "
                "successful run, which a failed run never changes.",
                count=len(failed_since),
            ),
            icon=":material/warning:",
        )

st.header(t("Sources"), anchor=False, divider="gray")
components.table(
    warehouse.query("select * from marts.source_files"), file_name="source_files", key="sources"
)

st.header(t("Pipeline runs"), anchor=False, divider="gray")
components.table(runs, file_name="pipeline_runs", key="runs")

st.header(t("Tables of figures"), anchor=False, divider="gray")
st.caption(t("The tables the pages read (the warehouse's marts), with their row counts."))
names = sorted(warehouse.mart_names())
# Table names come from the warehouse's own catalogue, quoted; no user input reaches this SQL.
counts = warehouse.query(
    " union all ".join(
        f"select '{name}' as mart, count(*) as row_count from marts.\"{name}\"" for name in names
    )
    + " order by mart"
)
components.table(counts, file_name="marts_row_counts", key="marts")

check_results.render()
