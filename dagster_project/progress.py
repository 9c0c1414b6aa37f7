"""What `make run` shows while it works: one progress line, and the full logs in a file.

A run used to print about a thousand lines, nearly all of them dbt's per-node log. Now the
terminal gets one line that redraws itself (the stage, the steps done of all, dbt's nodes done
of its total, the time so far), and everything Dagster and dbt say goes to a log file beside
the warehouse, whose path the summary prints. When the output is not a terminal (CI, cron, a
test capturing it), redrawing would leave control characters in a file, so a few plain lines
are printed instead: one per stage, and dbt's progress at each quarter.

Two feeds drive the display: a Dagster logger (the job's steps starting and ending, and every
record written to the log file) and the text dagster-dbt echoes from dbt (`12 of 346 OK ...`),
which reaches this process as writes to `sys.stdout` and is redirected into the log file. When
dbt fails, its own account of the failure (the lines after `Completed with 1 error`) is kept
so that the terminal shows the failing node's error, not only "see the log".
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

LOGS_FOLDER = "logs"  # beside the warehouse file, like the Data Docs
LOGS_KEPT = 20  # run logs kept; older ones are removed when a run starts
# What the person watching is told the pipeline is doing, by stage (see run_timings.stage_of).
STAGE_LABELS = {
    "ingest": "loading the delivered files",
    "dbt": "building the models (dbt)",
    "checks": "checking the data",
    "publish": "publishing",
}
# dbt's line for a finished node: "12 of 346 OK created sql view model ..." (also PASS, WARN,
# ERROR, FAIL, SKIP); the START lines carry the same counter and are not counted.
DBT_NODE_DONE = re.compile(r"^\s*(?:\d\d:\d\d:\d\d\s+)?(\d+) of (\d+) (?!START)([A-Z]+)\b")
# dbt's closing account of what went wrong begins with this line.
DBT_FAILURE_ACCOUNT = re.compile(r"^\s*(?:\d\d:\d\d:\d\d\s+)?Completed with \d+ errors?")
ANSI_COLOUR = re.compile(r"\x1b\[[0-9;]*m")  # dbt colours ERROR and WARN on a terminal
FAILURE_LINES_KEPT = 40
REDRAW_SECONDS = 0.5


def log_path_for(warehouse: Path, started: dt.datetime | None = None) -> Path:
    """The log file of a run that starts now: `<warehouse folder>/logs/run-<UTC time>.log`."""
    started = started or dt.datetime.now(dt.UTC)
    return Path(warehouse).parent / LOGS_FOLDER / f"run-{started:%Y%m%dT%H%M%SZ}.log"


def prune_logs(folder: Path, keep: int = LOGS_KEPT) -> None:
    """Keep the newest `keep` run logs; the names sort by time."""
    for old in sorted(folder.glob("run-*.log"))[:-keep] if keep else []:
        with contextlib.suppress(OSError):
            old.unlink()


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes}:{seconds:02d}"


@dataclass
class Progress:
    """The state shown: stage, steps done of all, dbt nodes done of dbt's total."""

    total_steps: int
    started: float = field(default_factory=time.monotonic)
    stage: str = "starting"
    steps_done: int = 0
    dbt_done: int = 0
    dbt_total: int = 0

    def line(self, now: float | None = None) -> str:
        elapsed = _clock((now if now is not None else time.monotonic()) - self.started)
        parts = [f"[{elapsed}] {self.stage}", f"step {self.steps_done} of {self.total_steps}"]
        if self.dbt_total:
            parts.append(f"dbt {self.dbt_done} of {self.dbt_total} nodes")
        return " | ".join(parts)


class ProgressDisplay:
    """Shows a Progress on a terminal (redrawn in place) or as plain lines (anything else).

    Every method may be called from any thread: the dbt feed runs in the step's thread, the
    redraw ticker in its own.
    """

    def __init__(self, out: TextIO, total_steps: int, live: bool | None = None):
        self.out = out
        self.live = _is_terminal(out) if live is None else live
        self.progress = Progress(total_steps=total_steps)
        self._lock = threading.Lock()
        self._width = 0
        self._quarters_told = 0
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    def start(self) -> None:
        if self.live:
            self._ticker = threading.Thread(target=self._tick, daemon=True, name="progress")
            self._ticker.start()
        else:
            self._say(self.progress.line())

    def _tick(self) -> None:
        while not self._stop.wait(REDRAW_SECONDS):
            with self._lock:
                self._redraw()

    def enter_stage(self, stage: str) -> None:
        label = STAGE_LABELS.get(stage, stage)
        with self._lock:
            if label == self.progress.stage:
                return
            self.progress.stage = label
            self._show()

    def step_done(self) -> None:
        with self._lock:
            self.progress.steps_done += 1
            if self.live:
                self._redraw()

    def dbt_node_done(self, done: int, total: int) -> None:
        with self._lock:
            # On several threads dbt numbers a node when it starts, so node 538 can finish after
            # node 539: the display keeps the highest of the call (a second call has its own total).
            if total == self.progress.dbt_total:
                done = max(done, self.progress.dbt_done)
            self.progress.dbt_done, self.progress.dbt_total = done, total
            if self.live:
                self._redraw()
                return
            # Plain output tells dbt's progress once per quarter, not once per node.
            quarters = 4 * done // total if total else 0
            if quarters > self._quarters_told:
                self._quarters_told = quarters
                self._say(self.progress.line())

    def finish(self) -> None:
        """Stop redrawing and leave the cursor on a fresh line, the last state shown."""
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
        with self._lock:
            if self.live:
                self._redraw()
                self.out.write("\n")
            else:
                self._say(self.progress.line())
            self.out.flush()

    def _show(self) -> None:
        if self.live:
            self._redraw()
        else:
            self._say(self.progress.line())

    def _redraw(self) -> None:
        text = self.progress.line()
        # Pad over what the previous, longer line left on the screen.
        self.out.write("\r" + text.ljust(self._width))
        self.out.flush()
        self._width = len(text)

    def _say(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()


def _is_terminal(out: TextIO) -> bool:
    try:
        return out.isatty()
    except (AttributeError, ValueError):
        return False


class DbtEcho(io.TextIOBase):
    """Stands in for sys.stdout during a run: what dagster-dbt echoes of dbt goes into the log
    file, each finished node moves the display on, and dbt's account of a failure is kept."""

    def __init__(self, log: TextIO, on_node_done: Callable[[int, int], None]):
        self.log = log
        self.on_node_done = on_node_done
        self.failure_account: list[str] = []
        self._in_failure_account = False
        self._partial = ""
        self._lock = threading.Lock()

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        with self._lock:
            self.log.write(text)
            lines = (self._partial + text).split("\n")
            self._partial = lines.pop()
        for line in lines:
            self._read(line)
        return len(text)

    def flush(self) -> None:
        self.log.flush()

    def _read(self, line: str) -> None:
        line = ANSI_COLOUR.sub("", line)
        if DBT_FAILURE_ACCOUNT.match(line):
            self._in_failure_account = True
        if self._in_failure_account:
            if line.strip() and len(self.failure_account) < FAILURE_LINES_KEPT:
                self.failure_account.append(line.rstrip())
            return
        done = DBT_NODE_DONE.match(line)
        if done:
            self.on_node_done(int(done.group(1)), int(done.group(2)))


class StepFeed(logging.Handler):
    """Receives every record of the run's Dagster loggers: writes it to the log file and moves
    the display on when a step starts or ends."""

    def __init__(self, log: TextIO, display: ProgressDisplay, stage_of: Callable[[str], str]):
        super().__init__(level=logging.DEBUG)
        self.log = log
        self.display = display
        self.stage_of = stage_of
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.log.write(self.format(record) + "\n")
            self.log.flush()
        except (OSError, ValueError):  # a full disk must not break the run it only logs
            pass
        event = (getattr(record, "dagster_meta", None) or {}).get("dagster_event")
        if event is None or not event.step_key:
            return
        kind = event.event_type_value
        if kind == "STEP_START":
            self.display.enter_stage(self.stage_of(event.step_key))
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED"):
            self.display.step_done()


@dataclass
class QuietRun:
    """What a quiet run leaves for the summary: where its log is, and dbt's failure account."""

    log_path: Path
    echo: DbtEcho | None = None

    @property
    def dbt_failure_lines(self) -> list[str]:
        return self.echo.failure_account if self.echo else []


@contextlib.contextmanager
def quiet_run(
    log_path: Path, display: ProgressDisplay, stage_of: Callable[[str], str]
) -> Iterator[tuple[QuietRun, logging.Logger]]:
    """Redirect stdout and stderr into the log file, and give a Python logger for the job's
    logger definition; the display runs until the block ends."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    prune_logs(log_path.parent, LOGS_KEPT - 1)
    with open(log_path, "w", encoding="utf-8", buffering=1) as log:
        echo = DbtEcho(log, display.dbt_node_done)
        logger = logging.getLogger(f"igot.run.{log_path.stem}")
        logger.propagate = False
        logger.setLevel(logging.DEBUG)
        handler = StepFeed(log, display, stage_of)
        logger.addHandler(handler)
        display.start()
        try:
            with contextlib.redirect_stdout(echo), contextlib.redirect_stderr(echo):
                yield QuietRun(log_path=log_path, echo=echo), logger
        finally:
            display.finish()
            logger.removeHandler(handler)
