"""State ranking: why the state ranks where it does, against the others in its category."""

import datetime as dt

import streamlit as st

from streamlit_app import charts, components, insights, warehouse
from streamlit_app.components import Card
from streamlit_app.formatting import MISSING, long_date, md, rank_movement, score, short_date
from streamlit_app.i18n import t

components.page_header(
    t("State ranking"),
    t(
        "Composite score and rank of each State/UT on iGOT Karmayogi, from Karmayogi Bharat's "
        "ranking letters. States are ranked within their category (A, B or C, by number of "
        "state employees)."
    ),
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
    t("State/UT"), states, index=states.index(home) if home in states else 0, key="ranking_state"
)
edition_date = edition_column.selectbox(
    t("Ranking edition (data as on)"),
    editions,
    format_func=components.labels_from({edition: long_date(edition) for edition in editions}),
    key="ranking_edition",
)

edition = warehouse.query(
    "select * from marts.state_ranking where edition_date = ? "
    "order by category, rank_in_category, state",
    [edition_date],
)
if state not in set(edition["state"]):
    st.warning(
        t(
            "{state} is not in the ranking with data as on {date}.",
            state=md(state),
            date=long_date(edition_date),
        )
    )
    st.stop()

row = edition.loc[edition["state"] == state].iloc[0]
category = row["category"]
in_category = edition.loc[edition["category"] == category]
leader = in_category.sort_values("rank_in_category").iloc[0]
above = insights.state_just_above(edition, state)
is_leader = int(row["rank_in_category"]) == 1

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
        return t("no change since {date}", date=since), "off"
    return t("{change:+d} places since {date}", change=change, date=since), "normal"


def next_rank_card() -> Card:
    """The leader has no next rank to close in on: it shows how far ahead it is instead."""
    if is_leader or above is None:
        return Card(
            t("Points behind the next rank"),
            t("Leads"),
            help=t("{state} leads category {category}.", state=md(state), category=md(category)),
        )
    return Card(
        t("Points behind the next rank"),
        score(row["score_gap_to_next_rank"]),
        help=t(
            "{above} is one place above with {score}.",
            above=md(above["state"]),
            score=score(above["composite_score"]),
        ),
    )


rank_delta, rank_delta_color = movement_since_previous_edition()
components.metric_cards(
    [
        Card(
            t("Rank in category {category}", category=md(category)),
            t(
                "{rank} of {size}",
                rank=int(row["rank_in_category"]),
                size=int(row["states_in_category"]),
            ),
            delta=rank_delta,
            delta_color=rank_delta_color,
            help=t("As printed in the ranking letter; 1 is best."),
        ),
        Card(t("Composite score"), score(row["composite_score"]), help=t("Out of 100.")),
        Card(
            t("Points behind the leader"),
            score(row["score_gap_to_leader"]),
            help=t(
                "{leader} leads category {category} with {score}.",
                leader=md(leader["state"]),
                category=md(category),
                score=score(leader["composite_score"]),
            ),
        ),
        next_rank_card(),
    ]
)
if int(row["rank_in_category"]) != int(row["computed_rank"]):
    st.warning(
        t(
            "The printed rank ({printed}) differs from the rank the scores give ({computed}).",
            printed=int(row["rank_in_category"]),
            computed=int(row["computed_rank"]),
        ),
        icon=":material/info:",
    )

# --- why: the score's parts beside the state's own figures -----------------------------------
st.header(t("What the score is made of"), anchor=False, divider="gray")
st.markdown(
    t(
        "Karmayogi Bharat's letter of 20 January 2026 says the ranking rests on indicators that "
        "reflect **organisational hygiene**, **user readiness** and **role-based course "
        "consumption**. It does not publish their weights, so the score cannot be taken apart; "
        "the state's own figures below show where each part stands."
    )
)
comparison, parts = st.columns([2, 3], gap="large")
with comparison:
    st.markdown(t("**{state} and the state just above**", state=md(state)))
    neighbours = [row] if above is None else [above, row]
    components.table(
        edition.loc[edition["state"].isin([neighbour["state"] for neighbour in neighbours])][
            ["rank_in_category", "state", "composite_score"]
        ].sort_values("rank_in_category"),
        file_name=components.file_slug(state, "and_next_rank", edition_date),
        key="neighbours",
        highlight=("state", state),
    )
    if above is not None:
        st.caption(
            t(
                "{points} points separate {state} from {above}.",
                points=score(row["score_gap_to_next_rank"]),
                state=md(state),
                above=md(above["state"]),
            )
        )
with parts:
    # The state's latest MDO report: its totals, its largest MDO and its open mapping findings.
    state_figures = warehouse.query(
        "select * from marts.state_summary where state = ? and mdo_count is not null "
        "order by as_of_date desc limit 1",
        [state],
    )
    if state_figures.empty:
        st.info(
            t(
                "No MDO report of {state} is loaded, so its own figures cannot be shown.",
                state=md(state),
            ),
            icon=":material/info:",
        )
    else:
        figures = state_figures.iloc[0]
        largest = warehouse.query(
            "select mdo_name, onboarded, activation_rate from marts.mdo_snapshot "
            "where state = ? and snapshot_date = ? order by onboarded desc nulls last limit 1",
            [state, figures["as_of_date"]],
        ).iloc[0]
        findings = warehouse.query(
            "select count(*) as open_findings, count(*) filter (severity = 'error') as errors "
            "from marts.org_mapping_issues where state = ? and is_open",
            [state],
        ).iloc[0]
        st.caption(
            t(
                "From {state}'s MDO report as on {date}.",
                state=md(state),
                date=long_date(figures["as_of_date"]),
            )
        )
        for part, sentence in insights.score_evidence(figures, largest, findings):
            st.markdown(f"**{part}**: {sentence}")

st.header(t("Composite score by category"), anchor=False, divider="gray")
st.caption(
    t(
        "Data as on {date}. {state} is in colour; its category comes first.",
        date=long_date(edition_date),
        state=md(state),
    )
)


def category_chart(name: str):
    rows = edition.loc[edition["category"] == name]
    return charts.category_ranking(
        rows, state, t("Category {name}: {count} States/UTs", name=name, count=len(rows))
    )


st.altair_chart(category_chart(category))
others = sorted(set(edition["category"]) - {category})
for column, name in zip(st.columns(len(others) or 1), others, strict=False):
    column.altair_chart(category_chart(name))

st.header(t("Rank across editions"), anchor=False, divider="gray")
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
            t(
                "{date} rank {rank} ({movement})",
                date=short_date(edition_row.edition_date),
                rank=int(edition_row.rank_in_category),
                movement=rank_movement(edition_row.rank_change),
            )
            for edition_row in own.itertuples()
        )
    )
else:
    st.info(
        t(
            "Only one ranking edition is loaded (data as on {date}). Rank changes appear here "
            "once the next edition's letter is loaded.",
            date=long_date(editions[0]),
        ),
        icon=":material/history:",
    )

st.header(t("All States/UTs in this edition"), anchor=False, divider="gray")
st.caption(t("{state} is highlighted.", state=md(state)))
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
all_states = edition[columns].copy()
# A leader has no next rank: its gap reads as a dash, not 0.00 (nor Streamlit's grey "None").
all_states["score_gap_to_next_rank"] = [
    MISSING if rank == 1 else score(gap)
    for rank, gap in zip(
        all_states["rank_in_category"], all_states["score_gap_to_next_rank"], strict=True
    )
]
components.table(
    all_states,
    file_name=components.file_slug("state_ranking", edition_date),
    key="ranking",
    highlight=("state", state),
)
