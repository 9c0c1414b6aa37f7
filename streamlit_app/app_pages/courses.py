"""Courses: the catalogue, and the quickest way to meet the AI/Cybersecurity mandate by its due
date."""

import datetime as dt

import streamlit as st

from streamlit_app import charts, components, insights, warehouse
from streamlit_app.components import Card
from streamlit_app.formatting import MISSING, duration, indian_number, long_date, md, short_date
from streamlit_app.i18n import t
from streamlit_app.mandate import TODAY_KEY, Deadline, mandate_due

components.page_header(
    t("Courses"),
    t(
        "Which courses meet the mandate fastest for each experience band? Karmayogi Bharat asks "
        "every employee for at least one AI and one Cybersecurity course from Annexure 3; the "
        "Bihar WRD memo asks each officer for two to three."
    ),
)
warehouse.require("course_recommendation", "course_catalogue")

recommended = warehouse.query(
    "select * from marts.course_recommendation order by domain, experience_band, serial_no"
)
due = mandate_due(recommended)
today = st.session_state.get(TODAY_KEY) or dt.date.today()
deadline = Deadline(due=due, today=today) if due else None
pairs = insights.quickest_pairs(recommended)
bands = pairs["experience_band"].tolist()


def deadline_card(deadline: Deadline | None) -> Card:
    if deadline is None:
        return Card(t("Due date"), MISSING, help=t("The loaded mandates set none."))
    return Card(
        t("Days left to {date}", date=short_date(deadline.due)),
        t("Date passed") if deadline.passed else deadline.short(),
        help=t(
            "Counted from {today}; the letters ask for completion by {due}.",
            today=long_date(deadline.today),
            due=long_date(deadline.due),
        ),
    )


components.takeaway(insights.courses_takeaway(deadline, pairs))
catalogue = warehouse.query("select * from marts.course_catalogue order by course_name")
quickest = pairs.dropna(subset=["total_minutes"]).sort_values("total_minutes")
components.metric_cards(
    [
        deadline_card(deadline),
        Card(
            t("Quickest AI + Cyber pair"),
            duration(quickest["total_minutes"].iloc[0]) if not quickest.empty else MISSING,
            help=(
                t("For {band}.", band=md(quickest["experience_band"].iloc[0]))
                if not quickest.empty
                else None
            ),
        ),
        Card(
            t("Recommended courses"),
            indian_number(recommended["course_name"].nunique()),
            help=t("Distinct AI and Cybersecurity courses in Annexure 3."),
        ),
        Card(t("Courses in the catalogue"), indian_number(len(catalogue))),
    ]
)
if deadline and deadline.passed:
    st.warning(
        t(
            "Deadline passed: the mandate was due by {due}. The quickest pairs below are still "
            "the fastest way for anyone who has not yet complied.",
            due=long_date(deadline.due),
        ),
        icon=":material/event_busy:",
    )

st.header(t("Quickest way to meet the mandate, per experience band"), anchor=False, divider="gray")
st.caption(
    t("The shortest AI course plus the shortest Cybersecurity course recommended for a band.")
)
components.table(
    pairs.assign(
        ai_length=pairs["ai_minutes"].map(duration),
        cyber_length=pairs["cyber_minutes"].map(duration),
        total_length=pairs["total_minutes"].map(duration),
    )[
        [
            "experience_band",
            "ai_course",
            "ai_length",
            "cyber_course",
            "cyber_length",
            "total_length",
        ]
    ],
    file_name="quickest_mandate_pairs",
    key="pairs",
    column_config={
        "ai_course": t("Quickest AI course"),
        "ai_length": t("AI length"),
        "cyber_course": t("Quickest Cybersecurity course"),
        "cyber_length": t("Cyber length"),
        "total_length": t("Together"),
    },
)

st.header(t("Recommended courses (Annexure 3)"), anchor=False, divider="gray")
band = st.selectbox(t("Experience band"), bands, key="courses_band")
in_band = recommended.loc[recommended["experience_band"] == band]
pair = pairs.loc[pairs["experience_band"] == band].iloc[0]
# Annexure 3 lists a few courses twice in one band (under two serial numbers): each is shown
# once, and the page says so, rather than drawing one bar twice as long.
listed_twice = insights.listed_twice(in_band)
once = in_band.drop_duplicates(subset=["domain", "course_name"])
st.altair_chart(charts.course_durations(once, {pair["ai_course"], pair["cyber_course"]}))
st.caption(t("The quickest AI and Cybersecurity courses are drawn solid."))
for course in listed_twice.itertuples():
    st.caption(
        t(
            "Annexure 3 lists {course} ({domain}) {times} times for this band, as serial "
            "numbers {serials}; it is shown once.",
            course=md(course.course_name),
            domain=md(course.domain),
            times=course.times,
            serials=course.serials,
        )
    )
components.table(
    once[["domain", "course_name", "provider"]].assign(
        length=once["duration_minutes"].map(duration)
    ),
    file_name=components.file_slug("recommended_courses", band),
    key="recommended",
)

st.header(t("Course catalogue"), anchor=False, divider="gray")
by_theme = catalogue.assign(theme=catalogue["themes"].map(insights.split_themes)).explode("theme")
themes = sorted(by_theme["theme"].dropna().unique())
providers = sorted(catalogue["provider"].dropna().unique())
chart_column, filter_column = st.columns([3, 2], gap="large")
chart_column.altair_chart(charts.courses_per_theme(by_theme))
with filter_column:
    search = st.text_input(
        t("Course name contains"), key="catalogue_search", placeholder=t("e.g. cyber")
    )
    domains = sorted(recommended["domain"].dropna().unique())
    domain = st.selectbox(
        t("Recommended for"),
        ["any", *domains],
        format_func=components.labels_from(
            {
                "any": t("Any domain"),
                **{value: t("{domain} (Annexure 3)", domain=value) for value in domains},
            }
        ),
        key="catalogue_domain",
    )
    chosen_themes = st.multiselect(t("Theme"), themes, key="catalogue_themes", placeholder=t("All"))
    chosen_providers = st.multiselect(
        t("Provider"), providers, key="catalogue_providers", placeholder=t("All")
    )

# Every filter is a bound parameter; an empty choice means "no filter".
found = warehouse.query(
    "select c.course_name, c.provider, c.themes, c.duration_minutes, c.in_marketplace, "
    "c.is_recommended, c.canonical_url "
    "from marts.course_catalogue as c "
    "where (? = '' or c.course_name ilike '%' || ? || '%') "
    "and (len(?::varchar[]) = 0 "
    "     or len(list_intersect(string_split(c.themes, '; '), ?::varchar[])) > 0) "
    "and (len(?::varchar[]) = 0 or list_contains(?::varchar[], c.provider)) "
    "and (? = 'any' or exists (select 1 from marts.course_recommendation as r "
    "     where r.domain = ? and r.course_id = c.course_id)) "
    "order by c.course_name",
    [
        search,
        search,
        chosen_themes,
        chosen_themes,
        chosen_providers,
        chosen_providers,
        domain,
        domain,
    ],
)
st.caption(
    t(
        "{shown} of {total} courses shown. A course without an address on iGOT has no link.",
        shown=indian_number(len(found)),
        total=indian_number(len(catalogue)),
    )
)
components.table(
    found.assign(length=found["duration_minutes"].map(duration))[
        [
            "course_name",
            "canonical_url",
            "provider",
            "themes",
            "length",
            "in_marketplace",
            "is_recommended",
        ]
    ],
    file_name="course_catalogue",
    key="catalogue",
    column_config={
        "course_name": st.column_config.TextColumn(t("Course"), width="large"),
        # The link text is taken from the address itself, so a course with no address shows
        # an empty cell rather than a link to nowhere.
        "canonical_url": st.column_config.LinkColumn(
            t("Link"), display_text=r"^https://(portal\.igotkarmayogi\.gov\.in)/"
        ),
        "in_marketplace": st.column_config.CheckboxColumn(t("In Marketplace")),
        "is_recommended": st.column_config.CheckboxColumn(t("Recommended")),
    },
)
