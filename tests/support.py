"""What the tests share besides fixtures: the repository's paths, running the pipeline and dbt
against temporary files, a second month of the shipped MDO report, and the dashboard served to
a browser.

Tests import these from here (`from support import ...`); fixtures stay in conftest.py.
"""

import csv
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from dagster_project.settings import DBT_PROJECT_DIR, DEFAULT_RAW_DIR, REPO_ROOT

SHIPPED_RAW = DEFAULT_RAW_DIR
DBT_PROJECT = DBT_PROJECT_DIR
DBT = Path(sys.executable).parent / "dbt"

# Where the tests of one `pytest` run note each pipeline run and dbt build (set by conftest.py),
# so the run's summary can say how many it paid for.
PIPELINE_LOG_VARIABLE = "IGOT_TEST_PIPELINE_LOG"

# The shipped MDO report, and the second month `write_march` derives from it.
FEBRUARY = "mdo/bihar_2026-02-25.csv"
MARCH = "mdo/bihar_2026-03-31.csv"
ADDED_MDO = "District Nalanda, Bihar"
REMOVED_MDO = "Tourism Department Bihar"  # its own-named MDO row; Bihar Tourism stays

# The browser tests: Debian's Chromium, told to make no request of its own.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SERVER_START_SECONDS = 45


def materialize_into(
    raw_dir: Path, warehouse: Path, *, with_dbt: bool = True, with_quality: bool = True
):
    """Run the pipeline's own assets and checks against a given raw folder and warehouse file.

    Without dbt the run loads the raw files and publishes them, which is all the ingestion tests
    need; with dbt it is the full-refresh job. Tests about history and publishing may leave out
    the Great Expectations checks, which they do not exercise, to save their time.
    """
    import dagster as dg

    from dagster_project.assets.dbt import dbt_models
    from dagster_project.assets.publish import published_warehouse
    from dagster_project.assets.quality import quality_checks, raw_quality_checks
    from dagster_project.assets.raw import raw_asset_checks, raw_assets
    from dagster_project.resources import RawFiles, Warehouse, dbt_cli

    note_pipeline_run("full" if with_dbt else "loads", with_quality=with_quality)
    assets = [*raw_assets, *raw_asset_checks, published_warehouse]
    if with_dbt:
        assets.append(dbt_models)
    if with_quality:
        assets += quality_checks if with_dbt else raw_quality_checks
    return dg.materialize(
        assets,
        resources={
            "warehouse": Warehouse(path=str(warehouse)),
            "raw_files": RawFiles(root=str(raw_dir)),
            "dbt": dbt_cli(),
        },
        raise_on_error=False,
    )


def run_dbt(*args: str, warehouse: Path, target: Path) -> subprocess.CompletedProcess:
    """The venv's dbt against a given warehouse file, with its artifacts in `target`."""
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DO_NOT_TRACK": "1"}
    if args[:1] == ("build",):
        note_pipeline_run("dbt build")
    return subprocess.run(
        [
            str(DBT),
            *args,
            "--project-dir",
            str(DBT_PROJECT),
            "--profiles-dir",
            str(DBT_PROJECT),
            "--target-path",
            str(target),
            "--log-path",
            str(target / "logs"),
            "--vars",
            json.dumps({"warehouse_path": str(warehouse)}),
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def note_pipeline_run(kind: str, *, with_quality: bool = False) -> None:
    """One line per pipeline run or dbt build, naming the test that paid for it."""
    log = os.environ.get(PIPELINE_LOG_VARIABLE)
    if not log:
        return
    test = os.environ.get("PYTEST_CURRENT_TEST", "?").split(" ")[0]
    line = f"{kind}{' + checks' if with_quality else ''}\t{test}\n"
    with open(log, "a", encoding="utf-8") as handle:  # one short append: atomic between workers
        handle.write(line)


def copy_warehouse(source: Path, folder: Path) -> Path:
    """A private copy of a published warehouse in `folder` (which must not exist yet), with
    everything the pipeline keeps beside it (Data Docs, notes of what it was built from), as if
    the pipeline had published it there. Copying a DuckDB file takes a second; building one, a
    minute.
    """
    shutil.copytree(source.parent, folder, ignore=shutil.ignore_patterns(".build"))
    return folder / source.name


def write_march(raw: Path) -> None:
    """A second month: every figure of February's 11-cell rows +10 onboarded and +5 active,
    one MDO added and one removed. Ragged rows and the printed total stay out of it."""
    with (raw / FEBRUARY).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], [r for r in rows[1:] if len(r) == 11 and (r[0] or r[1])]
    march = [header]
    for row in body:
        if row[1] == REMOVED_MDO:
            continue
        changed = list(row)
        changed[2] = str(int(row[2]) + 10)
        changed[3] = str(int(row[3]) + 5)
        march.append(changed)
    march.append(["General Administration Department Bihar", ADDED_MDO, "40", "20", "10",
                  "100", "50", "30.5", "40", "30", "75.00%"])  # fmt: skip
    with (raw / MARCH).open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(march)


# The dashboard in a browser ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def served_dashboard(warehouse: Path, log: Path) -> Iterator[str]:
    """`streamlit run` of the dashboard on `warehouse`, on a free local port, its output in `log`;
    yields the address once it answers, and stops the server whatever the tests do."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with log.open("w") as output:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "streamlit_app/app.py",
                "--server.address=127.0.0.1",
                f"--server.port={port}",
                "--server.headless=true",
                "--server.fileWatcherType=none",
                "--browser.gatherUsageStats=false",
            ],
            cwd=REPO_ROOT,
            env={**os.environ, "IGOT_WAREHOUSE": str(warehouse)},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_healthy(url, server, log)
        yield url
    finally:
        stop_server(server, seconds=10)


def stop_server(server: subprocess.Popen, seconds: float) -> None:
    """SIGTERM, then SIGKILL if the server has not stopped within `seconds`: Streamlit sometimes
    ignores SIGTERM while it is still starting up (seen on a slow machine in a fresh-clone run),
    and the tests check what it serves, not how it stops."""
    server.terminate()
    try:
        server.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=seconds)


def _wait_until_healthy(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"streamlit exited with {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"streamlit did not answer within {SERVER_START_SECONDS}s:\n{log.read_text()}")


@contextmanager
def chromium_browser():
    """Debian's Chromium under Playwright (which cannot download browsers here)."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's Chromium "
            "(apt-get update && apt-get install -y chromium, or make browser)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


def settle(page, seconds: float, pause_ms: int = 500) -> None:
    """Wait until the page's script run has finished, then give the charts a moment to draw."""
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=seconds * 1000
    )
    page.wait_for_timeout(pause_ms)


def wait_for_charts(page, seconds: float, minimum: int = 0) -> None:
    """Vega draws after the script run has finished: wait until the page has at least `minimum`
    charts and every chart has its SVG. (With no charts in the DOM yet, "every chart" holds at
    once: a page known to draw charts names how many.)"""
    page.wait_for_function(
        """minimum => {
            const charts = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')];
            return charts.length >= minimum
                && charts.every(chart => chart.querySelector('.vega-embed svg'));
        }""",
        arg=minimum,
        timeout=seconds * 1000,
    )
