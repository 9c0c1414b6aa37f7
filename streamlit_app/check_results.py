"""The Data status page's section on checks: which warned or failed and why, and the Data Docs.

It reads `marts.check_results` (the newest result of every dbt test and Great Expectations
expectation). The counts per suite are the ones the Data Docs show for the same validation, and
a test holds the two to agreement.

The Data Docs are offered as a download of the whole site (a ZIP), not as a link: the pages
sit beside the warehouse file, and a browser will not follow a `file://` link from a page
served over http. Serving them through Streamlit's static folder would mean copying them into
the app's own folder on every run, for one warehouse only; a ZIP works for any warehouse the
dashboard is pointed at, and the site inside renders with no internet (its assets are local).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import streamlit as st

from streamlit_app import components, warehouse
from streamlit_app.formatting import indian_number
from streamlit_app.i18n import t

MART = "check_results"
NOT_PASSED = ("warn", "fail", "error", "skipped")
TOOLS = {"dbt": "dbt test", "great_expectations": "Great Expectations"}
STATUS_ORDER = {"fail": 0, "error": 1, "skipped": 2, "warn": 3, "pass": 4}
DOCS_INTERNALS = ".validation_results"  # GX's own JSON store inside the site: not for readers


def tally(results: pd.DataFrame) -> dict[str, int]:
    """Checks in all, and how many passed, warned and failed (failed includes checks that could
    not be evaluated or were skipped because their table could not be read)."""
    status = results["status"]
    return {
        "checks": len(results),
        "passed": int((status == "pass").sum()),
        "warned": int((status == "warn").sum()),
        "failed": int(status.isin(["fail", "error", "skipped"]).sum()),
    }


def suite_counts(results: pd.DataFrame) -> pd.DataFrame:
    """Per Great Expectations suite: expectations evaluated, successful and unsuccessful, as
    the suite's Data Docs page counts them."""
    expectations = results.loc[results["tool"] == "great_expectations"]
    counts = (
        expectations.assign(successful=expectations["status"] == "pass")
        .groupby("suite", as_index=False)
        .agg(evaluated=("check_id", "count"), successful=("successful", "sum"))
    )
    counts["unsuccessful"] = counts["evaluated"] - counts["successful"]
    return counts.astype({"evaluated": int, "successful": int, "unsuccessful": int})


def not_passed(results: pd.DataFrame) -> pd.DataFrame:
    """The checks that warned or failed, failures first, with what a reader needs."""
    shown = results.loc[results["status"].isin(NOT_PASSED)].copy()
    shown["order"] = shown["status"].map(STATUS_ORDER)
    shown = shown.sort_values(["order", "tool", "suite", "check_name"])
    shown["tool"] = shown["tool"].map(TOOLS).fillna(shown["tool"])
    return shown[
        [
            "status",
            "severity",
            "tool",
            "suite",
            "check_name",
            "failing_count",
            "failing_examples",
            "reason",
        ]
    ]


@st.cache_data(max_entries=2, show_spinner=False)
def docs_zip(docs_dir: str, newest_change_ns: int) -> bytes:
    """The Data Docs site as one ZIP (cached until a page changes)."""
    folder = Path(docs_dir)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder)
            if path.is_file() and DOCS_INTERNALS not in relative.parts:
                archive.write(path, Path("data_docs") / relative)
    return buffer.getvalue()


def _newest_change(folder: Path) -> int:
    return max((p.stat().st_mtime_ns for p in folder.rglob("*.html")), default=0)


def render_counts(results: pd.DataFrame) -> None:
    counts = tally(results)
    components.metric_cards(
        [
            components.Card(t("Checks"), indian_number(counts["checks"])),
            components.Card(t("Passed"), indian_number(counts["passed"])),
            components.Card(
                t("Warned"),
                indian_number(counts["warned"]),
                help=t("The source says something implausible; the data is still published."),
            ),
            components.Card(
                t("Failed"),
                indian_number(counts["failed"]),
                help=t("A failed check of severity error stops a run from publishing."),
            ),
        ]
    )


def render_not_passed(results: pd.DataFrame) -> None:
    problems = not_passed(results)
    if problems.empty:
        st.success(t("Every check passed."), icon=":material/check_circle:")
        return
    st.markdown(
        t(
            "{count} checks warned or failed. Each row says which check, on what, how many "
            "rows failed, a few of them (by file and row, or by the table's key) and why the "
            "check exists.",
            count=indian_number(len(problems)),
        )
    )
    components.table(
        problems,
        file_name="checks_warned_or_failed",
        key="checks_not_passed",
        column_config={
            "status": t("Status"),
            "severity": t("Severity"),
            "tool": t("Checked by"),
            "suite": t("Suite or tested table"),
            "check_name": t("Check"),
            "failing_count": t("Failing rows"),
            "failing_examples": t("Examples"),
            "reason": t("Why the check exists"),
        },
    )


def render_data_docs(results: pd.DataFrame) -> None:
    docs_index = warehouse.data_docs_index()
    st.markdown(
        t(
            "Great Expectations counts per suite, as its Data Docs show them for the same "
            "validation:"
        )
    )
    components.table(
        suite_counts(results),
        file_name="expectation_suites",
        key="suite_counts",
        column_config={
            "suite": t("Suite"),
            "evaluated": t("Evaluated"),
            "successful": t("Successful"),
            "unsuccessful": t("Unsuccessful"),
        },
    )
    if not docs_index.exists():
        # Rendering the Data Docs never blocks a run; the check's metadata says why it failed.
        st.warning(
            t(
                "The last run could not write the Data Docs (its quality checks' details in "
                "Dagster say why). The check results above are unaffected."
            ),
            icon=":material/warning:",
        )
        return
    folder = docs_index.parent
    st.download_button(
        t("Download the Data Docs (ZIP)"),
        data=docs_zip(str(folder), _newest_change(folder)),
        file_name="data_docs.zip",
        mime="application/zip",
        key="download_data_docs",
        icon=":material/download:",
    )
    st.caption(
        t("Unzip it and open data_docs/index.html in your browser: the pages need no internet.")
    )


def render() -> None:
    """The section: counts, the checks that warned or failed, and the Data Docs."""
    st.header(t("Data quality checks"), anchor=False, divider="gray")
    if MART not in warehouse.mart_names():
        st.info(
            t(
                "This warehouse was built before check results were kept; the next run "
                "records them."
            ),
            icon=":material/info:",
        )
        return
    results = warehouse.query(f"select * from marts.{MART}")
    render_counts(results)
    render_not_passed(results)
    render_data_docs(results)
