"""What the benchmark runs for one size: generate data, build, re-run, tick, add a month, query.

Every measured step is a subprocess (the pipeline CLI, the floor script, the sensor tick, the
dashboard queries) started with the environment `make run` gives the pipeline, so its wall time
and the RSS of its whole process tree are measured the same way. Each step's output is kept in
a log file in the work directory.
"""

import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from bench.measure import Measured, run_measured
from dagster_project.settings import DBT_PROJECT_DIR as DBT_PROJECT
from dagster_project.settings import REPO_ROOT
from synth.officer_delivery import DEFAULT_PASSWORD

PYTHON = sys.executable
VENV_BIN = Path(PYTHON).parent
DAGSTER_YAML = REPO_ROOT / "dagster_project" / "dagster.yaml"
# A delivered file's date: '<name>_<YYYY-MM-DD>[_synthetic].<ext>'.
DATED_FILE = re.compile(r"_(\d{4}-\d{2}-\d{2})(?:_synthetic)?\.[A-Za-z]+$")


class StepFailed(Exception):
    """A step the benchmark cannot go on without failed; the message says which and why."""


class PipelineFailed(StepFailed):
    """A run of the pipeline itself failed: the benchmark exits non-zero."""


@dataclass
class Options:
    seed: int
    timeout: float  # seconds any one step may take
    dashboard_runs: int = 5
    incremental: bool = True
    next_officer_day: bool = False


@dataclass
class SizeResult:
    """Everything measured for one size; `to_json` is what the results file holds."""

    size: str
    data: dict = field(default_factory=dict)
    pipeline: dict = field(default_factory=dict)
    floor: dict = field(default_factory=dict)
    no_change: dict = field(default_factory=dict)
    sensor_tick: dict = field(default_factory=dict)
    incremental: dict = field(default_factory=dict)
    next_officer_day: dict = field(default_factory=dict)
    dashboard: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    pipeline_failed: bool = False

    def to_json(self) -> dict:
        return {
            "size": self.size,
            "data": self.data,
            "pipeline": self.pipeline,
            "floor": self.floor,
            "ratio_pipeline_to_floor": ratio(
                self.pipeline.get("wall_seconds"), self.floor.get("wall_seconds")
            ),
            "no_change": self.no_change,
            "sensor_tick": self.sensor_tick,
            "incremental": self.incremental,
            "next_officer_day": self.next_officer_day,
            "dashboard": self.dashboard,
            "errors": self.errors,
            "pipeline_failed": self.pipeline_failed,
        }


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def log(size: str, message: str) -> None:
    print(f"[bench {size}] {message}", file=sys.stderr, flush=True)


# The environment -------------------------------------------------------------------------------


def base_env() -> dict[str, str]:
    """What the Makefile exports: the venv first on PATH, no telemetry."""
    env = dict(os.environ)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    env["DO_NOT_TRACK"] = "1"
    env.pop("IGOT_RAW_DIR", None)
    env.pop("IGOT_WAREHOUSE", None)
    env.pop("DAGSTER_HOME", None)
    env.pop("IGOT_REPORTS_ZIP_PASSWORD", None)
    env.pop("IGOT_OFFICER_KEY_FILE", None)
    return env


@dataclass(frozen=True)
class Deployment:
    """One raw folder with its own warehouse and Dagster home, as `make run` would use them."""

    raw: Path
    state: Path  # holds the warehouse file and .dagster

    @property
    def warehouse(self) -> Path:
        return self.state / "igot.duckdb"

    @property
    def dagster_home(self) -> Path:
        return self.state / ".dagster"

    def prepare(self) -> None:
        self.dagster_home.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(DAGSTER_YAML, self.dagster_home / "dagster.yaml")

    def env(self) -> dict[str, str]:
        env = base_env()
        env["IGOT_RAW_DIR"] = str(self.raw)
        env["IGOT_WAREHOUSE"] = str(self.warehouse)
        env["DAGSTER_HOME"] = str(self.dagster_home)
        # Officer-level deliveries: the synthetic ZIPs' password, and a key file of its own.
        env["IGOT_REPORTS_ZIP_PASSWORD"] = DEFAULT_PASSWORD
        env["IGOT_OFFICER_KEY_FILE"] = str(self.state / "officer.key")
        return env


def ensure_dbt_manifest() -> None:
    """The pipeline loads dbt's manifest at import. Like the Makefile's manifest rule, parse
    the project when the manifest is missing or older than any file of the dbt project."""
    manifest = DBT_PROJECT / "target" / "manifest.json"
    if manifest.exists():
        built = manifest.stat().st_mtime
        sources = (
            path
            for path in DBT_PROJECT.rglob("*")
            if path.is_file() and path.relative_to(DBT_PROJECT).parts[0] not in ("target", "logs")
        )
        if all(path.stat().st_mtime <= built for path in sources):
            return
    with tempfile.TemporaryDirectory() as scratch:
        measured = run_measured(
            [str(VENV_BIN / "dbt"), "parse", "--quiet", "--profiles-dir", "."],
            env=base_env(),
            cwd=DBT_PROJECT,
            log_path=Path(scratch) / "dbt_parse.log",
        )
    if not measured.ok:
        raise StepFailed(f"dbt parse failed:\n{measured.output_tail}")
    manifest.touch()


# Steps -----------------------------------------------------------------------------------------


def generate(size: str, seed: int, out: Path, logs: Path, timeout: float) -> dict:
    """Synthetic raw data for a size: `<out>/raw/` and `<out>/manifest.json`."""
    command = [
        PYTHON,
        "-m",
        "synth",
        "--size",
        size,
        "--seed",
        str(seed),
        "--out",
        str(out),
    ]
    measured = run_measured(
        command, env=base_env(), cwd=REPO_ROOT, log_path=logs / "synth.log", timeout=timeout
    )
    if not measured.ok:
        raise StepFailed(f"generating {size} data failed:\n{measured.output_tail}")
    manifest = read_json(out / "manifest.json") or {}
    # The per-finding list of planted defects runs to tens of thousands of entries at large.
    summary = {key: value for key, value in manifest.items() if not key.startswith("planted")}
    return {"generate_seconds": measured.wall_seconds, "manifest": summary}


def describe_raw(raw: Path) -> dict:
    files = [p for p in raw.rglob("*") if p.is_file()]
    return {
        "raw_dir_files": len(files),
        "raw_dir_bytes": sum(p.stat().st_size for p in files),
        "mdo_files": len(list((raw / "mdo").glob("*"))) if (raw / "mdo").is_dir() else 0,
    }


def run_pipeline(deployment: Deployment, log_path: Path, timeout: float) -> dict:
    """One `python -m dagster_project.cli run`, timed and memory-sampled, with its timings."""
    deployment.prepare()
    timings_path = log_path.with_suffix(".timings.json")
    timings_path.unlink(missing_ok=True)
    command = [PYTHON, "-m", "dagster_project.cli", "run", "--timings", str(timings_path)]
    measured = run_measured(
        command, env=deployment.env(), cwd=REPO_ROOT, log_path=log_path, timeout=timeout
    )
    result = measured_json(measured)
    result["reason"] = run_reason(log_path)
    timings = read_json(timings_path)
    result["timings_available"] = timings is not None
    if timings:
        result["run_id"] = timings.get("run_id")
        result["success"] = timings.get("success")
        result["skipped"] = timings.get("skipped")
        result["cli_wall_seconds"] = timings.get("wall_seconds")
        result["stages"] = stage_rates(timings.get("stages") or {})
    return result


def run_reason(log_path: Path) -> str | None:
    """The CLI's first line: why it ran ('Running full_refresh: <why>.') or that it did not."""
    try:
        with open(log_path, encoding="utf-8", errors="replace") as log_file:
            first = log_file.readline().strip()
    except OSError:
        return None
    return first or None


def stage_rates(stages: dict) -> dict:
    """Each stage's seconds and rows, and rows per second."""
    rates = {}
    for name, stage in stages.items():
        seconds, rows = stage.get("seconds"), stage.get("rows")
        rates[name] = {
            "seconds": seconds,
            "rows": rows,
            "rows_per_second": rows / seconds if rows is not None and seconds else None,
        }
    return rates


def run_floor(raw: Path, out_dir: Path, log_path: Path, timeout: float) -> dict:
    """The floor script (bench/floor.sql) on the same raw folder, as a measured subprocess."""
    out_dir.mkdir(parents=True, exist_ok=True)
    counts_path = out_dir / "floor_counts.json"
    command = [
        PYTHON,
        "-m",
        "bench.floor",
        "--raw",
        str(raw),
        "--out",
        str(out_dir / "floor.duckdb"),
        "--json",
        str(counts_path),
    ]
    measured = run_measured(
        command, env=base_env(), cwd=REPO_ROOT, log_path=log_path, timeout=timeout
    )
    result = measured_json(measured)
    if not measured.ok:
        raise StepFailed(f"the floor script failed:\n{measured.output_tail}")
    result.update(read_json(counts_path) or {})
    return result


def run_sensor_tick(raw: Path, warehouse: Path, log_path: Path, timeout: float) -> dict:
    command = [PYTHON, "-m", "bench.sensor_tick", "--raw", str(raw)]
    command += ["--warehouse", str(warehouse)]
    measured = run_measured(
        command, env=base_env(), cwd=REPO_ROOT, log_path=log_path, timeout=timeout
    )
    if not measured.ok:
        raise StepFailed(f"the sensor tick failed:\n{measured.output_tail}")
    return last_json_line(log_path)


def run_dashboard(warehouse: Path, runs: int, log_path: Path, timeout: float) -> dict:
    out = log_path.with_suffix(".json")
    command = [
        PYTHON,
        "-m",
        "bench.dashboard",
        "--warehouse",
        str(warehouse),
        "--runs",
        str(runs),
        "--json",
        str(out),
    ]
    measured = run_measured(
        command, env=base_env(), cwd=REPO_ROOT, log_path=log_path, timeout=timeout
    )
    if not measured.ok:
        raise StepFailed(f"timing the dashboard's queries failed:\n{measured.output_tail}")
    return read_json(out) or {}


def warehouse_counts(warehouse: Path) -> dict:
    """MDO rows in the published marts, and the rows the MDO files loaded and quarantined."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        mdo_rows = con.execute("select count(*) from marts.mdo_snapshot").fetchone()[0]
        loaded, quarantined, files = con.execute(
            "select sum(rows_loaded), sum(rows_quarantined), count(*) from marts.source_files "
            "where source_table = 'mdo_report'"
        ).fetchone()
    finally:
        con.close()
    return {
        "mdo_snapshot_rows": mdo_rows,
        "mdo_rows_loaded": loaded,
        "mdo_rows_quarantined": quarantined,
        "mdo_files_loaded": files,
    }


# The incremental month ---------------------------------------------------------------------------


def latest_month_files(raw: Path) -> list[Path]:
    """The newest MDO reports (every state's file of the latest date) and ranking edition."""
    held_back = []
    for folder in ("mdo", "ranking"):
        dated = [
            (match.group(1), path)
            for path in sorted((raw / folder).glob("*"))
            if (match := DATED_FILE.search(path.name))
        ]
        if dated:
            latest = max(date for date, _ in dated)
            held_back += [path for date, path in dated if date == latest]
    return held_back


def latest_officer_day(raw: Path) -> list[Path]:
    """The delivery folders of the newest officer report date, when there is an earlier one."""
    dated = [
        (folder.name.rsplit("_", 1)[-1], folder)
        for folder in sorted((raw / "officers").glob("*_????-??-??"))
        if folder.is_dir()
    ]
    dates = {date for date, _ in dated}
    if len(dates) < 2:
        return []
    return [folder for date, folder in dated if date == max(dates)]


def run_incremental(
    raw: Path,
    root: Path,
    logs: Path,
    full_wall: float | None,
    timeout: float,
    size: str,
    newest: list[Path] | None = None,
) -> dict:
    """Build from everything but the newest delivery (by default the last month's files), then
    deliver it and re-run."""
    newest = latest_month_files(raw) if newest is None else newest
    if not newest:
        raise StepFailed("no dated MDO report or ranking edition to hold back for a new month")
    partial_raw = root / "raw"
    shutil.copytree(raw, partial_raw)
    for path in newest:
        held_back = partial_raw / path.relative_to(raw)
        shutil.rmtree(held_back) if held_back.is_dir() else held_back.unlink()
    deployment = Deployment(raw=partial_raw, state=root / "state")
    log(size, f"incremental: base build without {len(newest)} newest file(s)")
    base = run_pipeline(deployment, logs / "incremental_base.log", timeout)
    if base["returncode"] != 0:
        raise PipelineFailed(f"the incremental base build failed:\n{base['output_tail']}")
    for path in newest:
        if path.is_dir():
            shutil.copytree(path, partial_raw / path.relative_to(raw))
        else:
            shutil.copy2(path, partial_raw / path.relative_to(raw))
    log(size, "incremental: re-run with the newest month delivered")
    run = run_pipeline(deployment, logs / "incremental_run.log", timeout)
    if run["returncode"] != 0:
        raise PipelineFailed(f"the incremental run failed:\n{run['output_tail']}")
    return {
        "added_files": [path.relative_to(raw).as_posix() for path in newest],
        "base": base,
        "run": run,
        "wall_seconds": run["wall_seconds"],
        "percent_of_full": (100 * run["wall_seconds"] / full_wall if full_wall else None),
        "percent_of_base": 100 * run["wall_seconds"] / base["wall_seconds"],
    }


# One size, end to end ----------------------------------------------------------------------------


def run_size(
    size: str, work: Path, options: Options, raw_override: Path | None = None
) -> SizeResult:
    """Every scenario for one size. A failed step is recorded in the result and the others
    still run, except after a failed full build, which leaves nothing to measure."""
    run = SizeRun(size, work, options)
    try:
        run.full_build(raw_override)
    except StepFailed as failure:
        run.record(failure)
        return run.result
    for name, step in run.follow_up_steps():
        log(size, name)
        try:
            step()
        except StepFailed as failure:
            run.record(failure)
    return run.result


@dataclass
class SizeRun:
    """One size's scenarios, each a method that fills its part of `result`."""

    size: str
    work: Path
    options: Options
    result: SizeResult = field(init=False)
    raw: Path = field(init=False)
    deployment: Deployment = field(init=False)

    def __post_init__(self) -> None:
        self.result = SizeResult(self.size)
        self.logs.mkdir(parents=True, exist_ok=True)

    @property
    def logs(self) -> Path:
        return self.work / "logs"

    def record(self, failure: StepFailed) -> None:
        self.result.pipeline_failed |= isinstance(failure, PipelineFailed)
        self.result.errors.append(str(failure))
        log(self.size, f"FAILED: {failure}")

    def full_build(self, raw_override: Path | None) -> None:
        """Generate (or take) the raw files and build the warehouse from them once."""
        result, options = self.result, self.options
        if raw_override:
            self.raw = raw_override.resolve()
            result.data = {"source": str(self.raw)}
        else:
            log(self.size, "generating data")
            data = self.work / "data"
            result.data = generate(self.size, options.seed, data, self.logs, options.timeout)
            self.raw = data / "raw"
        result.data.update(describe_raw(self.raw))
        self.deployment = Deployment(raw=self.raw, state=self.work / "pipeline")
        log(self.size, "pipeline: full build")
        result.pipeline = run_pipeline(
            self.deployment, self.logs / "pipeline_full.log", options.timeout
        )
        if result.pipeline["returncode"] != 0:
            raise PipelineFailed(f"the pipeline failed:\n{result.pipeline['output_tail']}")
        result.data.update(warehouse_counts(self.deployment.warehouse))
        log(self.size, f"pipeline: {result.pipeline['wall_seconds']:.1f} s")

    def follow_up_steps(self) -> list[tuple[str, Callable[[], None]]]:
        steps = [
            ("floor script", self.floor),
            ("pipeline: no-change re-run", self.no_change),
            ("sensor tick", self.sensor_tick),
            ("dashboard queries", self.dashboard),
        ]
        if self.options.incremental:
            steps.append(("incremental month", self.incremental))
        if self.options.next_officer_day:
            steps.append(("next officer day", self.next_officer_day))
        return steps

    def floor(self) -> None:
        floor = run_floor(self.raw, self.work / "floor", self.logs / "floor.log", self.timeout)
        floor["mdo_rows_match_pipeline"] = (
            floor["rows"]["marts.mdo_snapshot"] == self.result.data["mdo_snapshot_rows"]
        )
        self.result.floor = floor
        log(self.size, f"floor: {floor['wall_seconds']:.1f} s")

    def no_change(self) -> None:
        rerun = run_pipeline(self.deployment, self.logs / "pipeline_no_change.log", self.timeout)
        self.result.no_change = rerun
        if rerun["returncode"] != 0:
            raise PipelineFailed(f"the no-change re-run failed:\n{rerun['output_tail']}")
        log(self.size, f"no-change re-run: {rerun['wall_seconds']:.1f} s")

    def sensor_tick(self) -> None:
        self.result.sensor_tick = run_sensor_tick(
            self.raw, self.deployment.warehouse, self.logs / "sensor_tick.log", self.timeout
        )

    def dashboard(self) -> None:
        self.result.dashboard = run_dashboard(
            self.deployment.warehouse,
            self.options.dashboard_runs,
            self.logs / "dashboard.log",
            self.timeout,
        )

    def incremental(self) -> None:
        full_wall = self.result.pipeline["wall_seconds"]
        incremental = run_incremental(
            self.raw, self.work / "incremental", self.logs, full_wall, self.timeout, self.size
        )
        self.result.incremental = incremental
        log(self.size, f"incremental run: {incremental['wall_seconds']:.1f} s")

    def next_officer_day(self) -> None:
        """The first officer report date built alone, then the next date delivered: what a
        state's second day costs beside its first."""
        newest = latest_officer_day(self.raw)
        if not newest:
            raise StepFailed("fewer than two officer report dates: no next day to deliver")
        (self.logs / "next_officer_day").mkdir(exist_ok=True)
        self.result.next_officer_day = run_incremental(
            self.raw,
            self.work / "next_officer_day",
            self.logs / "next_officer_day",
            self.result.pipeline["wall_seconds"],
            self.timeout,
            self.size,
            newest,
        )
        log(self.size, f"next officer day: {self.result.next_officer_day['wall_seconds']:.1f} s")

    @property
    def timeout(self) -> float:
        return self.options.timeout


# Helpers ----------------------------------------------------------------------------------------


def measured_json(measured: Measured) -> dict:
    return {
        "wall_seconds": measured.wall_seconds,
        "peak_rss_mb": measured.peak_rss_mb,
        "returncode": measured.returncode,
        "output_tail": measured.output_tail if not measured.ok else "",
    }


def read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def last_json_line(path: Path) -> dict:
    for line in reversed(path.read_text(encoding="utf-8").splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    return {}
