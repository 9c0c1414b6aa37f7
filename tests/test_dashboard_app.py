"""The dashboard: its formatting and takeaway helpers, and every page run with Streamlit's AppTest.

The page tests read the warehouse the whole pipeline builds from the shipped raw/ files, and
check the figures on screen against the marts themselves (and against the seed's own numbers:
Bihar ranks 8 of 9 in category C with 39.09, 43.67 behind Maharashtra).
"""

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from support import REPO_ROOT

from streamlit_app import insights, warehouse
from streamlit_app.formatting import (
    MISSING,
    date_time,
    duration,
    group_indian,
    hours,
    indian_compact,
    indian_number,
    long_date,
    percent,
    rank_movement,
    score,
    short_date,
    utc_to_india,
)
from streamlit_app.mandate import TODAY_KEY, Deadline, mandate_due

APP = str(REPO_ROOT / "streamlit_app" / "app.py")
PAGES = {
    "state_ranking": "app_pages/state_ranking.py",
    "departments": "app_pages/departments.py",
    "org_mapping_review": "app_pages/org_mapping_review.py",
    "courses": "app_pages/courses.py",
    "data_status": "app_pages/data_status.py",
}
# The marts each page needs first; without it the page says what to run.
FIRST_MART = {
    "state_ranking": "state_ranking",
    "departments": "department_summary",
    "org_mapping_review": "org_mapping_issues",
    "courses": "course_recommendation",
    "data_status": "pipeline_runs",
}
RUN_SECONDS = 30


def open_page(page: str, *, today: dt.date | None = None) -> AppTest:
    """Run the app as a browser would on its first visit to `page`."""
    app = AppTest.from_file(APP, default_timeout=RUN_SECONDS)
    if today is not None:
        app.session_state[TODAY_KEY] = today
    app.run()
    if page != "state_ranking":
        app.switch_page(PAGES[page]).run()
    assert not app.exception, [exception.message for exception in app.exception]
    return app


def texts(app: AppTest) -> str:
    """Everything the page says in headings, takeaways, captions, notices and markdown."""
    elements = [
        *app.title,
        *app.header,
        *app.subheader,
        *app.caption,
        *app.markdown,
        *app.info,
        *app.warning,
        *app.error,
        *app.success,
    ]
    return "\n".join(str(element.value) for element in elements)


def metrics(app: AppTest) -> dict[str, str]:
    """Metric cards by label (the first card of a label wins)."""
    cards: dict[str, str] = {}
    for metric in app.metric:
        cards.setdefault(metric.label, metric.value)
    return cards


def mart(warehouse_file: Path, sql: str, params: list | None = None) -> pd.DataFrame:
    con = duckdb.connect(str(warehouse_file), read_only=True)
    try:
        return con.execute(sql, params or []).df()
    finally:
        con.close()


# --- formatting -----------------------------------------------------------------------------


@pytest.mark.unit
@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (1389815, 0, "13,89,815"),
        (90110, 0, "90,110"),
        (999, 0, "999"),
        (1000, 0, "1,000"),
        (100000, 0, "1,00,000"),
        (10000000, 0, "1,00,00,000"),
        (705788.84, 2, "7,05,788.84"),
        (1234.5, 0, "1,235"),  # whole counts, rounded half up
        (1234.5, 1, "1,234.5"),
        (0.5, 0, "1"),
        (-12345, 0, "-12,345"),
        (-0.4, 0, "0"),
        (0, 0, "0"),
        (np.int64(1389815), 0, "13,89,815"),
        (None, 0, MISSING),
        (float("nan"), 0, MISSING),
        (pd.NA, 0, MISSING),
    ],
)
def test_indian_number_groups_lakhs_and_crores(value, decimals, expected):
    assert indian_number(value, decimals=decimals) == expected


@pytest.mark.unit
def test_group_indian_groups_digit_strings():
    assert group_indian("1") == "1"
    assert group_indian("1389815") == "13,89,815"
    assert group_indian("123456789") == "12,34,56,789"


@pytest.mark.unit
def test_ratios_scores_hours_durations_and_dates_read_as_officials_write_them():
    assert percent(0.7249) == "72.5%"
    assert percent(1) == "100.0%"
    assert percent(0.83383, decimals=2) == "83.38%"
    assert percent(None) == MISSING
    assert score(37.4) == "37.40"
    assert score(43.67) == "43.67"
    assert hours(7.833) == "7.8"
    assert hours(705788.84) == "7,05,788.8"
    assert duration(162) == "2h 42m"
    assert duration(53) == "53m"
    assert duration(120) == "2h"
    assert duration(None) == MISSING
    assert indian_compact(1389815) == "13.9 lakh"
    assert indian_compact(25_000_000) == "2.5 crore"
    assert indian_compact(90110) == "90,110"
    assert long_date(dt.date(2025, 12, 31)) == "31 December 2025"
    assert short_date(pd.Timestamp("2026-02-25")) == "25 Feb 2026"
    assert date_time(pd.Timestamp("2026-11-28 10:02:59")) == "28 Nov 2026 10:02"
    # the run log is kept in UTC; India is 5h30m ahead
    in_india = utc_to_india(pd.Series([pd.Timestamp("2026-11-28 10:02")]))
    assert in_india.iloc[0] == pd.Timestamp("2026-11-28 15:32")


@pytest.mark.unit
def test_rank_movement_says_which_way_the_state_moved():
    assert rank_movement(1) == "up 1 place"
    assert rank_movement(3) == "up 3 places"
    assert rank_movement(-2) == "down 2 places"
    assert rank_movement(0) == "no change"
    assert rank_movement(None) == "first edition"


# --- the mandate deadline -------------------------------------------------------------------

DUE = dt.date(2026, 3, 31)


@pytest.mark.unit
@pytest.mark.parametrize(
    ("today", "short", "passed"),
    [
        (dt.date(2026, 2, 25), "34 days left", False),
        (dt.date(2026, 3, 30), "1 day left", False),
        (dt.date(2026, 3, 31), "due today", False),
        (dt.date(2026, 4, 1), "deadline passed", True),
        (dt.date(2026, 11, 28), "deadline passed", True),
    ],
)
def test_deadline_counts_days_left_or_says_it_passed(today, short, passed):
    deadline = Deadline(due=DUE, today=today)
    assert deadline.short() == short
    assert deadline.passed is passed


@pytest.mark.unit
def test_deadline_sentence_says_how_long_ago_it_passed():
    assert Deadline(DUE, dt.date(2026, 4, 2)).sentence() == (
        "The deadline passed on 31 March 2026, 2 days ago."
    )
    assert Deadline(DUE, dt.date(2026, 2, 25)).sentence() == (
        "34 days left to the deadline of 31 March 2026."
    )


@pytest.mark.unit
def test_the_due_date_is_the_later_of_the_domains_due_dates_in_the_mart():
    # As the mart carries it: one due date per domain, null where no mandate covers the domain.
    recommended = pd.DataFrame(
        {
            "domain": ["AI", "AI", "Cybersecurity"],
            "mandate_due_date": pd.to_datetime(["2026-03-31", "2026-03-31", "2026-04-30"]),
        }
    )
    assert mandate_due(recommended) == dt.date(2026, 4, 30)
    uncovered = recommended.assign(mandate_due_date=pd.NaT)
    assert mandate_due(uncovered) is None
    assert insights.courses_takeaway(None, pd.DataFrame(columns=["total_minutes"])) == (
        insights.NO_DUE_DATE
    )


# --- takeaways ------------------------------------------------------------------------------


def category_c() -> pd.DataFrame:
    """Category C of the 31 Dec 2025 edition, as the seed prints it."""
    scores = {
        "Maharashtra": 82.76,
        "Madhya Pradesh": 73.81,
        "Rajasthan": 72.04,
        "Uttar Pradesh": 70.48,
        "Andhra Pradesh": 53.04,
        "Kerala": 48.74,
        "Tamil Nadu": 40.39,
        "Bihar": 39.09,
        "West Bengal": 38.06,
    }
    frame = pd.DataFrame({"state": list(scores), "composite_score": list(scores.values())})
    return frame.assign(
        category="C",
        rank_in_category=range(1, len(scores) + 1),
        score_gap_to_leader=82.76 - frame["composite_score"],
    )


@pytest.mark.unit
def test_ranking_takeaway_names_rank_gap_and_leader():
    assert insights.ranking_takeaway(category_c(), "Bihar") == (
        "Bihar ranks 8 of 9 in category C, 43.67 points behind Maharashtra."
    )
    assert insights.ranking_takeaway(category_c(), "Maharashtra") == (
        "Maharashtra leads category C (9 states), 8.95 points ahead of Madhya Pradesh."
    )
    assert insights.state_just_above(category_c(), "Bihar")["state"] == "Tamil Nadu"
    assert insights.state_just_above(category_c(), "Maharashtra") is None


@pytest.mark.unit
def test_laggards_are_below_the_state_rate_ordered_by_inactive_users():
    departments = pd.DataFrame(
        {
            "department": ["Big and idle", "Small and idle", "Busy", "Mid and idle"],
            "onboarded": [1000, 10, 500, 300],
            "active": [30, 0, 450, 30],
        }
    ).assign(activation_rate=lambda frame: frame["active"] / frame["onboarded"])
    lagging = insights.laggards(departments)
    # the state rate is 510 / 1810 = 28%; "Busy" is above it
    assert lagging["department"].tolist() == ["Big and idle", "Mid and idle", "Small and idle"]
    assert lagging["inactive_users"].tolist() == [970, 270, 10]


@pytest.mark.unit
def test_quickest_pairs_follow_the_marts_flags_and_band_order():
    recommended = pd.DataFrame(
        [
            ("AI", "0-9 years", 3, 1, "Long AI", 230, False, False),
            ("AI", "0-9 years", 3, 2, "Short AI", 58, True, False),
            ("Cybersecurity", "0-9 years", 3, 1, "Short cyber", 44, False, True),
            ("AI", "16+ years", 1, 1, "Senior AI", 53, True, False),
            ("Cybersecurity", "16+ years", 1, 1, "Senior cyber", 51, False, True),
        ],
        columns=[
            "domain",
            "experience_band",
            "band_order",
            "serial_no",
            "course_name",
            "duration_minutes",
            "is_quickest_ai",
            "is_quickest_cyber",
        ],
    )
    pairs = insights.quickest_pairs(recommended)
    assert pairs["experience_band"].tolist() == ["16+ years", "0-9 years"]
    junior = pairs.iloc[1]
    assert (junior["ai_course"], junior["cyber_course"], junior["total_minutes"]) == (
        "Short AI",
        "Short cyber",
        102,
    )
    takeaway = insights.courses_takeaway(Deadline(DUE, dt.date(2026, 11, 28)), pairs)
    assert takeaway.startswith("The deadline passed on 31 March 2026, 242 days ago. The quickest")
    assert "1h 42m (0-9 years) to 1h 44m (16+ years)" in takeaway


@pytest.mark.unit
def test_split_themes_reads_the_catalogues_list_cell():
    assert insights.split_themes("Governance; Behavioural") == ["Governance", "Behavioural"]
    assert insights.split_themes(None) == []


# --- the warehouse reader -------------------------------------------------------------------


def small_warehouse(path: Path, bihar_score: float) -> Path:
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema marts")
        con.execute("create table marts.state_ranking (state varchar, composite_score double)")
        con.execute("insert into marts.state_ranking values ('Bihar', ?)", [bihar_score])
    finally:
        con.close()
    return path


@pytest.mark.unit
def test_a_publish_is_seen_and_no_connection_is_held(tmp_path, monkeypatch):
    published = small_warehouse(tmp_path / "igot.duckdb", 39.09)
    monkeypatch.setenv("IGOT_WAREHOUSE", str(published))
    sql = "select composite_score from marts.state_ranking where state = ?"
    assert warehouse.query(sql, ["Bihar"])["composite_score"].tolist() == [39.09]

    # The pipeline publishes by renaming a finished copy over the file: the cache must miss.
    build = small_warehouse(tmp_path / "build.duckdb", 41.5)
    os.replace(build, published)
    assert warehouse.query(sql, ["Bihar"])["composite_score"].tolist() == [41.5]

    # Every query closed its read-only connection, so a writer can open the file.
    duckdb.connect(str(published)).close()


@pytest.mark.unit
def test_missing_warehouse_and_missing_marts_raise_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("IGOT_WAREHOUSE", str(tmp_path / "nowhere.duckdb"))
    with pytest.raises(warehouse.WarehouseMissing, match="make run"):
        warehouse.query("select 1")
    monkeypatch.setenv("IGOT_WAREHOUSE", str(small_warehouse(tmp_path / "igot.duckdb", 1.0)))
    with pytest.raises(warehouse.MartIncompatible, match=r"`marts\.org_mapping_issues` is missing"):
        warehouse.require("state_ranking", "org_mapping_issues")
    warehouse.require("state_ranking")
    with pytest.raises(warehouse.MartIncompatible, match="make run"):
        warehouse.query("select no_such_column from marts.state_ranking")


@pytest.mark.unit
def test_a_file_locked_by_a_writer_is_reported_not_raised(tmp_path, monkeypatch):
    published = small_warehouse(tmp_path / "igot.duckdb", 39.09)
    monkeypatch.setenv("IGOT_WAREHOUSE", str(published))
    # Someone opens the published file for writing in another process (the pipeline never does).
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); print('open', "
            "flush=True); time.sleep(30)",
            str(published),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout.readline().strip() == "open"
        with pytest.raises(warehouse.WarehouseBusy, match="cannot be read just now"):
            warehouse.query("select * from marts.state_ranking")
    finally:
        writer.kill()
        writer.wait()


# --- pages without a warehouse, or without their marts --------------------------------------


@pytest.mark.unit
@pytest.mark.parametrize("page", list(PAGES))
def test_without_a_warehouse_every_page_says_to_run_make_run(page, tmp_path, monkeypatch):
    monkeypatch.setenv("IGOT_WAREHOUSE", str(tmp_path / "missing.duckdb"))
    app = open_page(page)
    # A plain sentence first, then what the person who runs the pipeline does.
    assert app.info[0].value.startswith("No figures have been loaded yet.")
    assert "make run" in app.info[0].value


@pytest.mark.unit
@pytest.mark.parametrize("page", list(PAGES))
def test_a_page_on_a_warehouse_without_its_mart_names_it_and_says_to_rebuild(
    page, tmp_path, monkeypatch
):
    """Every run builds every mart, so a missing one means a warehouse from another version."""
    other_version = tmp_path / "igot.duckdb"
    con = duckdb.connect(str(other_version))
    con.execute("create schema marts")
    con.execute("create table marts.mdo_snapshot (data_origin varchar)")
    con.close()
    monkeypatch.setenv("IGOT_WAREHOUSE", str(other_version))
    app = open_page(page)
    message = app.error[0].value
    assert f"`marts.{FIRST_MART[page]}` is missing" in message
    assert message.startswith("The loaded figures were prepared by an older version")
    assert "`make run`" in message


# --- every page on the shipped warehouse ----------------------------------------------------


@pytest.fixture
def shipped(shipped_warehouse: Path, monkeypatch) -> Path:
    monkeypatch.setenv("IGOT_WAREHOUSE", str(shipped_warehouse))
    return shipped_warehouse


@pytest.mark.pipeline
def test_state_ranking_page_shows_bihar_rank_score_and_gaps(shipped):
    app = open_page("state_ranking")
    assert app.selectbox(key="ranking_state").value == "Bihar"
    assert app.selectbox(key="ranking_edition").value == pd.Timestamp("2025-12-31")
    assert app.subheader[0].value == (
        "Bihar ranks 8 of 9 in category C, 43.67 points behind Maharashtra."
    )
    assert metrics(app) == {
        "Rank in category C": "8 of 9",
        "Composite score": "39.09",
        "Points behind the leader": "43.67",
        "Points behind the next rank": "1.30",
    }
    assert len(app.get("vega_lite_chart")) == 3  # one chart per category
    # Bihar beside the state just above it, then every state.
    neighbours = app.dataframe[0].value
    assert neighbours["state"].tolist() == ["Tamil Nadu", "Bihar"]
    table = app.dataframe[-1].value
    assert len(table) == len(mart(shipped, "select * from marts.state_ranking"))
    assert "Only one ranking edition is loaded" in texts(app)

    app.selectbox(key="ranking_state").set_value("Maharashtra").run()
    assert app.subheader[0].value == (
        "Maharashtra leads category C (9 states), 8.95 points ahead of Madhya Pradesh."
    )
    # A leader has no next rank: not "0.00" (#13 item 11).
    assert metrics(app)["Points behind the next rank"] == "Leads"
    leaders = app.dataframe[-1].value.query("rank_in_category == 1")
    assert set(leaders["score_gap_to_next_rank"]) == {MISSING}


@pytest.mark.pipeline
def test_state_ranking_relates_the_score_to_the_states_own_figures(shipped):
    """#13 item 6: the letter's three parts of the score beside Bihar's figures from the marts
    (activation 6.5%, BIPARD's 9,09,288 onboarded with 2.6% active)."""
    app = open_page("state_ranking")
    said = texts(app)
    for part in ("organisational hygiene", "user readiness", "role-based course consumption"):
        assert part in said
    state = mart(
        shipped,
        "select * from marts.state_summary where state = 'Bihar' and mdo_count is not null",
    ).iloc[0]
    largest = mart(
        shipped,
        "select * from marts.mdo_snapshot where state = 'Bihar' "
        "order by onboarded desc nulls last limit 1",
    ).iloc[0]
    findings = mart(
        shipped,
        "select count(*) as n from marts.org_mapping_issues where state = 'Bihar' and is_open",
    )["n"].iloc[0]
    assert f"({percent(state['activation_rate'])})" in said
    assert (
        f"alone has {indian_number(largest['onboarded'])} onboarded" in said
        and f"with {percent(largest['activation_rate'])} active" in said
    )
    assert f"{indian_number(findings)} open org-mapping findings" in said
    # The seed's own figures, as the issue quotes them.
    assert "6.5%" in said and "9,09,288" in said and "2.6%" in said


@pytest.mark.pipeline
def test_departments_page_matches_the_marts(shipped):
    app = open_page("departments")
    assert app.selectbox(key="departments_state").value == "Bihar"
    assert app.selectbox(key="departments_snapshot").value == pd.Timestamp("2026-02-25")
    assert app.radio(key="departments_measure").value == "onboarded"

    state = mart(
        shipped,
        "select * from marts.state_summary where state = 'Bihar' and as_of_date = '2026-02-25'",
    ).iloc[0]
    cards = metrics(app)
    assert cards["Onboarded users"] == indian_number(state["onboarded"])
    assert cards["Active users"] == indian_number(state["active"])
    assert cards["Activation rate"] == percent(state["activation_rate"])
    assert cards["Completion rate"] == percent(state["completion_rate"])
    assert cards["Pass rate"] == percent(state["pass_rate"])
    assert app.subheader[0].value.startswith(
        f"In Bihar, {percent(state['activation_rate'])} of {indian_number(state['onboarded'])} "
        "onboarded users are active; the most inactive users are in Bihar Institute of Public "
        "Administration and Rural Development (BIPARD)"
    )
    every_department = next(
        frame.value for frame in app.dataframe if "open_mapping_issues" in frame.value.columns
    )
    assert len(every_department) == len(
        mart(shipped, "select * from marts.department_summary where state = 'Bihar'")
    )

    app.selectbox(key="departments_drilldown").set_value("Water Resources Department").run()
    drilldown = [metric for metric in app.metric][-6:]
    assert {metric.label: metric.value for metric in drilldown} == {
        "MDOs": "1",
        "Onboarded": "1,219",
        "Activation rate": "88.4%",
        "Completion rate": "72.5%",  # 31,973 / 44,107 = 0.7249
        "Pass rate": "83.4%",  # 23,947 / 28,719 = 0.8338
        "Hours per active user": "21.2",
    }
    mdos = app.dataframe[-1].value
    assert mdos["mdo_name"].tolist() == ["Water Resources Department, Bihar"]


@pytest.mark.pipeline
def test_org_mapping_review_page_lists_the_open_findings(shipped):
    app = open_page("org_mapping_review")
    findings = mart(shipped, "select * from marts.org_mapping_issues where is_open")
    # An empty filter means every type, as on the other pages (#13 item 4).
    assert app.multiselect(key="review_types").value == []
    assert app.multiselect(key="review_severities").value == []
    shown = app.dataframe[-1].value
    assert metrics(app)["Open findings"] == indian_number(len(shown))
    assert 0 < len(shown) <= len(findings)
    assert f"{indian_number(len(shown))} open finding" in app.subheader[0].value
    # Issue types in words, evidence figures grouped the Indian way.
    assert "duplicate_mdo" not in set(shown["issue_type"])
    assert "MDO listed more than once" in set(shown["issue_type"])
    totals = shown.loc[shown["issue_type"] == "Printed total does not match the rows"]
    assert totals["evidence"].str.contains(r"printed \d{1,2},\d\d,\d{3}").any()

    app.multiselect(key="review_types").set_value(["duplicate_mdo"]).run()
    only = app.dataframe[-1].value
    assert set(only["issue_type"]) == {"MDO listed more than once"}
    assert "Evidence:" in texts(app) and "Suggested fix:" in texts(app)


@pytest.mark.pipeline
def test_courses_page_says_the_deadline_passed_and_shows_the_quickest_pairs(shipped):
    app = open_page("courses")
    assert metrics(app)["Days left to 31 Mar 2026"] == "Date passed"
    assert "deadline passed" in texts(app).lower()
    assert app.subheader[0].value.startswith("The deadline passed on 31 March 2026")
    pairs = app.dataframe[0].value
    junior = pairs.loc[pairs["experience_band"] == "0-9 years"].iloc[0]
    assert junior["ai_course"] == "Fundamentals of Generative Artificial Intelligence"
    assert junior["cyber_course"] == "Emerging Technologies and Security"
    assert junior["total_length"] == "1h 42m"
    assert metrics(app)["Quickest AI + Cyber pair"] == "1h 42m"
    assert app.selectbox(key="courses_band").value == "16+ years"

    # The search reaches SQL as a bound parameter and finds what the mart holds.
    expected = mart(
        shipped,
        "select count(*) as n from marts.course_catalogue where course_name ilike ?",
        ["%cyber%"],
    )["n"].iloc[0]
    app.text_input(key="catalogue_search").input("cyber").run()
    assert f"{expected} of " in texts(app)
    assert len(app.dataframe[-1].value) == expected
    # A quote in the search is data, not SQL.
    app.text_input(key="catalogue_search").input("x' or '1'='1").run()
    assert not app.exception
    assert len(app.dataframe[-1].value) == 0


@pytest.mark.pipeline
def test_courses_page_counts_days_left_before_the_deadline(shipped):
    app = open_page("courses", today=dt.date(2026, 2, 25))
    assert metrics(app)["Days left to 31 Mar 2026"] == "34 days left"
    assert "deadline passed" not in texts(app).lower()


@pytest.mark.pipeline
def test_data_status_page_shows_the_last_publishing_run(shipped):
    app = open_page("data_status")
    run = mart(
        shipped,
        "select * from marts.pipeline_runs where status = 'success' "
        "order by finished_at desc limit 1",
    ).iloc[0]
    assert app.subheader[0].value.startswith("Last published ")
    cards = metrics(app)
    assert cards["Files loaded"] == indian_number(run["files_loaded"])
    assert cards["Rows loaded"] == indian_number(run["rows_loaded"])
    assert cards["Rows quarantined"] == indian_number(run["rows_quarantined"])
    assert cards["Checks passed"] == indian_number(run["checks_passed"])
    marts = mart(
        shipped, "select table_name from information_schema.tables where table_schema = 'marts'"
    )
    (shown,) = [frame.value for frame in app.dataframe if "mart" in frame.value.columns]
    assert sorted(shown["mart"]) == sorted(marts["table_name"])
    sources = mart(shipped, "select * from marts.source_files")
    assert len(app.dataframe[0].value) == len(sources) > 0
    # The Data Docs are offered as a download, never as a file:// link a browser blocks.
    assert "file://" not in texts(app)


@pytest.mark.pipeline
def test_a_new_publish_shows_on_the_next_rerun(shipped_warehouse, tmp_path, monkeypatch):
    published = tmp_path / "igot.duckdb"
    shutil.copyfile(shipped_warehouse, published)
    monkeypatch.setenv("IGOT_WAREHOUSE", str(published))
    app = open_page("state_ranking")
    assert metrics(app)["Composite score"] == "39.09"

    build = tmp_path / "build.duckdb"
    shutil.copyfile(published, build)
    con = duckdb.connect(str(build))
    con.execute("update marts.state_ranking set composite_score = 39.5 where state = 'Bihar'")
    con.close()
    os.replace(build, published)  # what the pipeline's publish step does

    app.run()
    assert metrics(app)["Composite score"] == "39.50"
    duckdb.connect(str(published)).close()  # and the app holds no connection to it


# --- #13: the fixes and the Hindi switch -----------------------------------------------------


def sidebar_texts(app: AppTest) -> str:
    return "\n".join(str(element.value) for element in app.sidebar.caption)


@pytest.mark.unit
@pytest.mark.parametrize("page", list(PAGES))
def test_a_damaged_warehouse_is_one_message_never_a_traceback(page, tmp_path, monkeypatch):
    """#13 item 3: a corrupt file showed a traceback in the sidebar under 'Warehouse published'."""
    damaged = tmp_path / "igot.duckdb"
    damaged.write_bytes(b"this is not a DuckDB file" * 1000)
    monkeypatch.setenv("IGOT_WAREHOUSE", str(damaged))
    app = open_page(page)
    assert not app.exception
    assert len(app.error) == 1
    assert app.error[0].value.startswith("The figures cannot be read: the file")
    assert "Figures as loaded" not in sidebar_texts(app)
    assert "cannot be read just now" in sidebar_texts(app)


@pytest.mark.pipeline
def test_the_pages_speak_hindi_with_indian_grouping(shipped):
    app = AppTest.from_file(APP, default_timeout=RUN_SECONDS)
    app.session_state["language"] = "hi"
    app.run()
    assert not app.exception
    assert app.title[0].value == "राज्य रैंकिंग"
    assert app.subheader[0].value == (
        "Bihar श्रेणी C में 9 में से 8वें स्थान पर है, Maharashtra से 43.67 अंक पीछे।"
    )
    app.switch_page(PAGES["departments"]).run()
    state = mart(
        shipped,
        "select * from marts.state_summary where state = 'Bihar' and mdo_count is not null",
    ).iloc[0]
    assert app.subheader[0].value.startswith(
        f"Bihar में {indian_number(state['onboarded'])} ऑनबोर्ड उपयोगकर्ताओं में से"
    )
    assert metrics(app)["ऑनबोर्ड उपयोगकर्ता"] == indian_number(state["onboarded"])
    app.switch_page(PAGES["courses"]).run()
    assert "समय-सीमा 31 मार्च 2026 को" in app.subheader[0].value


@pytest.mark.pipeline
def test_departments_show_the_printed_total_beside_the_readable_rows(shipped):
    """#13 item 8: the cards' 13,89,799 beside the report's printed 13,89,815, explained."""
    app = open_page("departments")
    onboarded = mart(
        shipped,
        "select * from marts.mdo_report_reconciliation "
        "where state = 'Bihar' and measure = 'onboarded'",
    ).iloc[0]
    cards = metrics(app)
    assert cards["Onboarded users"] == indian_number(onboarded["loaded_sum"])
    said = texts(app)
    assert (
        f"The report prints a total of {indian_number(onboarded['printed_total'])} onboarded; "
        f"its {indian_number(onboarded['loaded_rows'])} readable rows add up to "
        f"{indian_number(onboarded['loaded_sum'])}"
    ) in said
    assert f"{indian_number(onboarded['quarantined_rows'])} rows were set aside" in said
    assert f"The remaining {indian_number(onboarded['unexplained_difference'])}" in said
    # The seed's figures: 13,89,815 printed, 16 more than the rows that could be read.
    assert "13,89,815" in said
    assert onboarded["printed_total"] - onboarded["loaded_sum"] == 16


@pytest.mark.pipeline
def test_a_course_listed_twice_in_a_band_is_shown_once(shipped):
    """#13 item 5: two courses listed twice for 0-9 years stacked into one long bar."""
    app = open_page("courses")
    app.selectbox(key="courses_band").set_value("0-9 years").run()
    twice = mart(
        shipped,
        "select distinct course_name from marts.course_recommendation "
        "where experience_band = '0-9 years' and is_duplicate_in_band",
    )["course_name"]
    assert len(twice) == 2
    band_table = next(
        frame.value
        for frame in app.dataframe
        if {"domain", "course_name", "provider"} <= set(frame.value.columns)
    )
    assert not band_table.duplicated(["domain", "course_name"]).any()
    for course in twice:
        assert (band_table["course_name"] == course).sum() == 1
        assert f"Annexure 3 lists {course} (Cybersecurity) 2 times for this band" in texts(app)


@pytest.mark.pipeline
def test_the_catalogue_shows_no_internal_course_ids(shipped):
    """#13 item 11."""
    app = open_page("courses")
    catalogue = app.dataframe[-1].value
    assert "course_id" not in catalogue.columns
    assert catalogue["canonical_url"].isna().any()  # no address, no link text either


@pytest.mark.unit
def test_lagging_follows_the_measure_shown():
    """#13 item 7: lagging was activation-only whatever measure the chart showed."""
    departments = pd.DataFrame(
        {
            "department": ["A", "B", "C"],
            "onboarded": [1000, 100, 10],
            "active": [100, 90, 9],
            "completions": [10, 80, 1],
            "enrollments": [100, 100, 10],
            "activation_rate": [0.1, 0.9, 0.9],
            "completion_rate": [0.1, 0.8, 0.1],
        }
    )
    totals = departments[["onboarded", "active", "completions", "enrollments"]].sum()
    behind, meaning = insights.lagging_on(departments, "activation_rate", totals)
    assert behind == {"A"}  # 199 / 1110 = 17.9% overall
    assert meaning == "Below the state as a whole (17.9%)"
    behind, meaning = insights.lagging_on(departments, "completion_rate", totals)
    assert behind == {"A", "C"}  # 91 / 210 = 43.3%
    behind, meaning = insights.lagging_on(departments, "onboarded", totals)
    assert behind == {"C"} and meaning == "Below the median department (100)"


@pytest.mark.unit
def test_csv_downloads_have_the_screens_headings_and_rounding():
    """#13 item 9."""
    from streamlit_app import components

    frame = pd.DataFrame(
        {
            "department": ["Health"],
            "activation_rate": [0.064791],
            "hours_per_active_user": [7.8333],
            "composite_score": [39.0912],
            "onboarded": [1389799],
        }
    )
    formats = {column: components.formatter_for(column, frame[column]) for column in frame.columns}
    written = components.csv_frame(frame, {"department": "Department name"}, formats)
    assert written.columns.tolist() == [
        "Department name",
        "Activation rate (%)",
        "Hours per active user",
        "Composite score",
        "Onboarded",
    ]
    assert written.iloc[0].tolist() == ["Health", 6.5, 7.8, 39.09, 1389799]


@pytest.mark.unit
def test_evidence_figures_are_grouped_the_indian_way():
    assert insights.indian_figures(
        "Onboarded: printed 1389815; the 96 loaded rows sum to 1389799 (printed - sum = +16); "
        "row 101 of mdo/bihar_2026-02-25.csv; hours 1879.45; id 114471830772695040186"
    ) == (
        "Onboarded: printed 13,89,815; the 96 loaded rows sum to 13,89,799 (printed - sum = "
        "+16); row 101 of mdo/bihar_2026-02-25.csv; hours 1,879.45; id 114471830772695040186"
    )
