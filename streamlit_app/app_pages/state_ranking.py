"""State ranking: why the state ranks where it does, against the others in its category."""

import datetime as dt

import streamlit as st

from streamlit_app import charts, components, insights, warehouse
from streamlit_app.components import Card
from streamlit_app.formatting import long_date, md, rank_movement, score, short_date
from streamlit_app.i18n import t

components.page_header(
    "State ranking",
    "Composite score and rank of each State/UT on iGOT Karmayogi, from Karmayogi Bharat's "
    "ranking letters. States are ranked within their category (A, B or C, by number of state "
    "employees).",
)
warehouse.require("state_ranking")

editions = warehouse.query(
    "select distinct edition_date from marts.state_ranking order by edition_date desc"
)["edition_date"].tolist()
states = warehouse.query("select distinct state from marts.state_ranking order by state")[
    "state"
].tolist()
home = warehouse.home_state()

state_column, edition_column = st.columns([2, 1])
state = state_column.selectbox(
    "State/UT", states, index=states.index(home) if home in states else 0, key="ranking_state"
)
edition_date = edition_column.selectbox(
    "Ranking edition (data as on)", editions, format_func=long_date, key="ranking_edition"
)

edition = warehouse.query(
    "select * from marts.state_ranking where edition_date = ? "
    "order by category, rank_in_category, state",
    [edition_date],
)
if state not in set(edition["state"]):
    st.warning(f"{md(state)} is not in the ranking with data as on {long_date(edition_date)}.")
    st.stop()

row = edition.loc[edition["state"] == state].iloc[0]
category = row["category"]
in_category = edition.loc[edition["category"] == category]
leader = in_category.sort_values("rank_in_category").iloc[0]
above = insights.state_just_above(edition, state)

components.takeaway(insights.ranking_takeaway(edition, state))


def monthly_brief() -> bytes:
    """The chief secretary's brief on the latest figures of every source. Made only when the
    button is pressed, and its PDF and chart libraries imported only then."""
    from handouts.brief import brief_pdf

    return brief_pdf(state, None, warehouse.warehouse_path())


st.download_button(
    t("Monthly brief for the Chief Secretary (PDF)"),
    data=monthly_brief,
    file_name=f"{components.file_slug('brief', state, dt.date.today())}.pdf",
    mime="application/pdf",
    key="download_brief",
    icon=":material/picture_as_pdf:",
    on_click="ignore",
)


def movement_since_previous_edition() -> tuple[str | None, str]:
    """The rank card's delta, signed so that Streamlit draws up in green and down in red."""
    older = [edition for edition in editions if edition < edition_date]
    if not older or row.isna()["rank_change"]:
        return None, "off"
    change, since = int(row["rank_change"]), short_date(older[0])
    if change == 0:
        return f"no change since {since}", "off"
    return f"{change:+d} place{'s' if abs(change) != 1 else ''} since {since}", "normal"


rank_delta, rank_delta_color = movement_since_previous_edition()
components.metric_cards(
    [
        Card(
            f"Rank in category {md(category)}",
            f"{int(row['rank_in_category'])} of {int(row['states_in_category'])}",
            delta=rank_delta,
            delta_color=rank_delta_color,
            help="As printed in the ranking letter; 1 is best.",
        ),
        Card("Composite score", score(row["composite_score"]), help="Out of 100."),
        Card(
            "Points behind the leader",
            score(row["score_gap_to_leader"]),
            help=f"{md(leader['state'])} leads category {md(category)} with "
            f"{score(leader['composite_score'])}.",
        ),
        Card(
            "Points behind the next rank",
            score(row["score_gap_to_next_rank"]),
            help=(
                f"{md(above['state'])} is one place above with {score(above['composite_score'])}."
                if above is not None
                else f"{md(state)} leads its category."
            ),
        ),
    ]
)
if int(row["rank_in_category"]) != int(row["computed_rank"]):
    st.warning(
        f"The printed rank ({int(row['rank_in_category'])}) differs from the rank the scores "
        f"give ({int(row['computed_rank'])}).",
        icon=":material/info:",
    )

st.header("Composite score by category", anchor=False, divider="gray")
st.caption(
    f"Data as on {long_date(edition_date)}. {md(state)} is in colour; its category comes first."
)


def category_chart(name: str):
    rows = edition.loc[edition["category"] == name]
    return charts.category_ranking(rows, state, f"Category {name}: {len(rows)} States/UTs")


st.altair_chart(category_chart(category))
others = sorted(set(edition["category"]) - {category})
for column, name in zip(st.columns(len(others) or 1), others, strict=False):
    column.altair_chart(category_chart(name))

st.header("Rank across editions", anchor=False, divider="gray")
if len(editions) > 1:
    history = warehouse.query(
        "select edition_date, state, composite_score, rank_in_category, rank_change "
        "from marts.state_ranking where category = ? order by edition_date, rank_in_category",
        [category],
    )
    st.altair_chart(charts.rank_history(history, state))
    own = history.loc[history["state"] == state]
    st.caption(
        f"{md(state)}: "
        + "; ".join(
            f"{short_date(edition_row.edition_date)} rank {int(edition_row.rank_in_category)} "
            f"({rank_movement(edition_row.rank_change)})"
            for edition_row in own.itertuples()
        )
    )
else:
    st.info(
        f"Only one ranking edition is loaded (data as on {long_date(editions[0])}). Rank "
        "changes appear here once the next edition is added to `raw/ranking/` and "
        "`make run` has run.",
        icon=":material/history:",
    )

st.header("All States/UTs in this edition", anchor=False, divider="gray")
columns = [
    "category",
    "rank_in_category",
    "state",
    "composite_score",
    "score_gap_to_leader",
    "score_gap_to_next_rank",
    "computed_rank",
]
if len(editions) > 1:  # with one edition these are empty for every state
    columns += ["previous_rank", "rank_change"]
components.table(
    edition[columns],
    file_name=components.file_slug("state_ranking", edition_date),
    key="ranking",
)
