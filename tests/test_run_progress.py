"""`make run`'s progress display and log file (dagster_project/progress.py).

The unit tests feed the display what a run feeds it: dbt's lines as dagster-dbt echoes them
(the format of dbt 1.11, colours included) and the steps of the job. The pipeline test of the
whole command is in test_raw_assets (`make run` publishes the rest...): it checks that the
terminal gets the summary and not dbt's log, and that the log file has it.
"""

import io
import itertools
import logging
import time

import pytest

from dagster_project.progress import (
    LOGS_KEPT,
    DbtEcho,
    ProgressDisplay,
    log_path_for,
    prune_logs,
    quiet_run,
)

pytestmark = pytest.mark.unit

# What dbt 1.11 prints for a build of 4 nodes whose third fails, as dagster-dbt echoes it
# (dbt colours ERROR and PASS on a terminal).
DBT_FAILING_BUILD = """\
Running with dbt=1.11.16
Found 2 models, 2 data tests, 4 sources, 511 macros
Concurrency: 1 threads (target='warehouse')
1 of 4 START sql view model staging.stg_mandates ..................... [RUN]
1 of 4 OK created sql view model staging.stg_mandates ................ [\x1b[32mOK\x1b[0m in 0.05s]
2 of 4 START test not_null_stg_mandates_mandate_id ........... [RUN]
2 of 4 PASS not_null_stg_mandates_mandate_id ........... [\x1b[32mPASS\x1b[0m in 0.03s]
3 of 4 START sql table model marts.state_ranking ..................... [RUN]
3 of 4 ERROR creating sql table model marts.state_ranking .. [\x1b[31mERROR\x1b[0m in 0.04s]
4 of 4 SKIP relation marts.state_summary due to ephemeral model status [\x1b[33mSKIP\x1b[0m]
Finished running 2 view models, 2 data tests in 0 hours 0 minutes and 0.51 seconds (0.51s).
\x1b[31mCompleted with 1 error, 0 partial successes, and 0 warnings:\x1b[0m
Runtime Error in model state_ranking (models/marts/state_ranking.sql)
  Binder Error: Referenced column "composite_scor" not found in FROM clause!
Done. PASS=2 WARN=0 ERROR=1 SKIP=1 NO-OP=0 TOTAL=4
"""


def echo_into(display: ProgressDisplay) -> tuple[DbtEcho, io.StringIO]:
    log = io.StringIO()
    return DbtEcho(log, display.dbt_node_done), log


def test_dbt_lines_go_to_the_log_move_the_display_on_and_keep_the_failure_account():
    out = io.StringIO()
    display = ProgressDisplay(out, total_steps=47, live=False)
    echo, log = echo_into(display)
    # dagster-dbt writes a line and its newline in one call, but a write may end mid-line.
    text = DBT_FAILING_BUILD
    echo.write(text[:200])
    echo.write(text[200:])
    assert log.getvalue() == DBT_FAILING_BUILD  # everything, as dbt said it
    progress = display.progress
    assert (progress.dbt_done, progress.dbt_total) == (4, 4)  # START lines do not count
    assert echo.failure_account == [
        "Completed with 1 error, 0 partial successes, and 0 warnings:",
        "Runtime Error in model state_ranking (models/marts/state_ranking.sql)",
        '  Binder Error: Referenced column "composite_scor" not found in FROM clause!',
        "Done. PASS=2 WARN=0 ERROR=1 SKIP=1 NO-OP=0 TOTAL=4",
    ]


def test_plain_output_is_a_few_lines_however_many_nodes_dbt_builds():
    out = io.StringIO()
    display = ProgressDisplay(out, total_steps=47, live=False)
    display.start()
    display.enter_stage("ingest")
    display.enter_stage("ingest")  # a second step of the same stage says nothing new
    display.enter_stage("dbt")
    for done in range(1, 347):
        display.dbt_node_done(done, 346)
    display.enter_stage("checks")
    display.enter_stage("publish")
    display.finish()
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue()  # no redraws in a file or a pipe
    assert len(lines) == 10  # start, 3 stages, 4 quarters of dbt, publish, the last state
    assert lines[1].endswith("loading the delivered files | step 0 of 47")
    assert [line.split(" | ")[-1] for line in lines[3:7]] == [
        "dbt 87 of 346 nodes",
        "dbt 173 of 346 nodes",
        "dbt 260 of 346 nodes",
        "dbt 346 of 346 nodes",
    ]
    assert lines[-1].startswith("[0:00] publishing")


def test_a_terminal_gets_one_line_redrawn_in_place():
    out = io.StringIO()
    display = ProgressDisplay(out, total_steps=3, live=True)
    display.start()
    display.enter_stage("building the models (dbt) for a long while")
    display.enter_stage("dbt")
    for done in range(1, 11):
        display.dbt_node_done(done, 10)
    display.step_done()
    time.sleep(0.6)  # the ticker redraws the clock without any event
    display.finish()
    shown = out.getvalue()
    assert shown.count("\n") == 1 and shown.endswith("\n")  # one line, finished at the end
    frames = shown.rstrip("\n").split("\r")[1:]
    assert len(frames) >= 14
    assert (
        frames[-1].rstrip() == "[0:00] building the models (dbt) | step 1 of 3 | dbt 10 of 10 nodes"
    )
    # A shorter frame is padded over the longer one before it: nothing of that is left behind.
    assert all(len(later) >= len(earlier.rstrip()) for earlier, later in itertools.pairwise(frames))


def test_quiet_run_sends_stdout_stderr_and_dagster_records_to_the_log(tmp_path, capsys):
    import sys

    out = io.StringIO()
    display = ProgressDisplay(out, total_steps=1, live=False)
    path = log_path_for(tmp_path / "igot.duckdb")
    assert path.parent == tmp_path / "logs"
    with quiet_run(path, display, stage_of=lambda step: "dbt") as (quiet, logger):
        print("3 of 9 OK created sql view model staging.stg_x ... [OK in 0.05s]")
        print("a warning from a library", file=sys.stderr)
        logger.log(logging.INFO, "a Dagster record")
    written = path.read_text()
    assert "3 of 9 OK created sql view model" in written
    assert "a warning from a library" in written
    assert "INFO a Dagster record" in written
    assert capsys.readouterr().out == ""  # the terminal got none of it
    assert display.progress.dbt_done == 3
    assert quiet.log_path == path


def test_old_run_logs_are_pruned_to_the_newest(tmp_path):
    for day in range(1, LOGS_KEPT + 6):
        (tmp_path / f"run-202611{day:02d}T000000Z.log").write_text("x")
    (tmp_path / "notes.txt").write_text("kept")
    prune_logs(tmp_path)
    kept = sorted(p.name for p in tmp_path.glob("run-*.log"))
    assert len(kept) == LOGS_KEPT
    assert kept[0] == "run-20261106T000000Z.log"
    assert (tmp_path / "notes.txt").exists()


def test_nodes_finishing_out_of_order_never_move_the_count_back():
    out = io.StringIO()
    display = ProgressDisplay(out, total_steps=3, live=False)
    display.start()
    display.enter_stage("dbt")
    for done in (1, 3, 2, 5, 4):  # two threads: node 4 started before node 5 and ended after
        display.dbt_node_done(done, 5)
    assert display.progress.dbt_done == 5
    display.dbt_node_done(1, 2)  # a second dbt call counts anew
    assert (display.progress.dbt_done, display.progress.dbt_total) == (1, 2)
    display.finish()
