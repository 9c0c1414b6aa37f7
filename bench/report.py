"""The benchmark's report: targets with PASS/MISS, the terminal table, the results file."""

import datetime as dt
import importlib.metadata
import json
import os
import platform
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import psutil

from bench.measure import MB
from dagster_project.settings import REPO_ROOT

RESULTS_DIR = Path(__file__).resolve().parent / "results"
KNOWN_SIZES = ("small", "medium", "large", "bihar")
MDO_SIZES = ("small", "medium", "large")  # issue 14's targets
OFFICER_SIZES = ("bihar",)  # issue 12's: one state's officer reports
STAGES = ("ingest", "dbt", "checks", "publish")

# Targets ----------------------------------------------------------------------------------------


def _get(result: dict, *path: str) -> float | None:
    value = result
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _peak_pipeline_mb(result: dict) -> float | None:
    """The largest memory peak of any pipeline run of the size."""
    peaks = [
        _get(result, "pipeline", "peak_rss_mb"),
        _get(result, "no_change", "peak_rss_mb"),
        _get(result, "incremental", "base", "peak_rss_mb"),
        _get(result, "incremental", "run", "peak_rss_mb"),
        _get(result, "next_officer_day", "base", "peak_rss_mb"),
        _get(result, "next_officer_day", "run", "peak_rss_mb"),
    ]
    measured = [peak for peak in peaks if peak is not None]
    return max(measured) if measured else None


@dataclass(frozen=True)
class Target:
    key: str
    description: str
    limit: float
    unit: str
    value: Callable[[dict], float | None]
    sizes: tuple[str, ...] | None = None  # the sizes it is judged on; None: every size

    def applies_to(self, size: str) -> bool:
        return self.sizes is None or size in self.sizes or size not in KNOWN_SIZES

    def judge(self, result: dict) -> dict:
        """PASS when the value is under the limit, MISS when not; n/a when not measured."""
        value = self.value(result)
        if not self.applies_to(result["size"]):
            verdict = "n/a"
        elif value is None:
            verdict = "not measured"
        else:
            verdict = "PASS" if value < self.limit else "MISS"
        return {
            "size": result["size"],
            "target": self.key,
            "description": self.description,
            "value": value,
            "limit": self.limit,
            "unit": self.unit,
            "verdict": verdict,
        }


TARGETS = (
    # Judged on every size (issue 14): on small data the ratio is the pipeline's fixed cost.
    Target(
        "floor_ratio",
        "pipeline wall time within 2.5x the floor script's",
        2.5,
        "x",
        lambda r: r.get("ratio_pipeline_to_floor"),
        MDO_SIZES,
    ),
    Target("peak_rss", "pipeline peak RSS under 3 GB", 3072.0, "MB", _peak_pipeline_mb, MDO_SIZES),
    Target(
        "incremental",
        "a new month under 15% of a full build",
        15.0,
        "%",
        lambda r: _get(r, "incremental", "percent_of_full"),
        ("medium", "large"),
    ),
    Target(
        "no_change",
        "no-change re-run under 10 s",
        10.0,
        "s",
        lambda r: _get(r, "no_change", "wall_seconds"),
    ),
    # Issue 12: the officer reports of one large state.
    Target(
        "officer_floor_ratio",
        "officer-level load and build within 3x the floor script's",
        3.0,
        "x",
        lambda r: r.get("ratio_pipeline_to_floor"),
        OFFICER_SIZES,
    ),
    Target(
        "officer_peak_rss",
        "officer-level peak RSS under 4 GB",
        4096.0,
        "MB",
        _peak_pipeline_mb,
        OFFICER_SIZES,
    ),
    Target(
        "next_officer_day",
        "a second officer report date under half the first's build",
        50.0,
        "%",
        lambda r: _get(r, "next_officer_day", "percent_of_base"),
        OFFICER_SIZES,
    ),
    Target(
        "dashboard_query",
        "heaviest dashboard query under 300 ms",
        300.0,
        "ms",
        lambda r: _get(r, "dashboard", "heaviest", "median_ms"),
        ("large",),
    ),
    Target(
        "dashboard_render",
        "slowest dashboard page first render under 2 s warm (either language)",
        2.0,
        "s",
        lambda r: _get(r, "dashboard", "slowest_first_render", "seconds"),
    ),
)


def evaluate(results: Sequence[dict], targets: Sequence[Target] = TARGETS) -> list[dict]:
    """Every target judged on every size's result, in size then target order."""
    return [target.judge(result) for result in results for target in targets]


# Formatting -------------------------------------------------------------------------------------


def compact(value: float | None) -> str:
    """A count or rate in a few characters: 950, 12.3k, 4.56M."""
    if value is None:
        return "-"
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            return f"{value / limit:.3g}{suffix}"
    return f"{value:.3g}" if value != int(value) else str(int(value))


def fixed(value: float | None, decimals: int = 1) -> str:
    return "-" if value is None else f"{value:.{decimals}f}"


def format_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table: a header, a rule, the rows; text left-aligned, numbers right."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]

    def is_number(text: str) -> bool:
        return bool(text) and (text[0].isdigit() or text in ("-",) or text[0] in "+-.")

    def line(cells: Sequence[str], header: bool = False) -> str:
        out = []
        for index, (cell, width) in enumerate(zip(cells, widths, strict=True)):
            text = str(cell)
            right = not header and index > 0 and is_number(text)
            out.append(text.rjust(width) if right else text.ljust(width))
        return "  ".join(out).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(headers, header=True), rule, *(line(row) for row in rows)])


SUMMARY_HEADERS = (
    "size",
    "MDO rows",
    "pipeline s",
    "floor s",
    "ratio",
    "peak MB pipe/floor",
    "rows/s ingest/dbt/checks/publish",
    "no-change s",
    "tick ms",
    "incr s (% full)",
    "query ms",
)


def summary_row(result: dict) -> list[str]:
    stages = (result.get("pipeline") or {}).get("stages") or {}
    rates = "/".join(compact((stages.get(name) or {}).get("rows_per_second")) for name in STAGES)
    incremental = result.get("incremental") or {}
    incremental_text = (
        f"{fixed(incremental.get('wall_seconds'))} ({fixed(incremental.get('percent_of_full'))}%)"
        if incremental.get("wall_seconds") is not None
        else "-"
    )
    next_day = result.get("next_officer_day") or {}
    if next_day.get("wall_seconds") is not None:
        incremental_text = (
            f"day 2: {fixed(next_day['wall_seconds'])} "
            f"({fixed(next_day.get('percent_of_base'))}% of day 1)"
        )
    tick = _get(result, "sensor_tick", "no_change_tick_seconds")
    no_change = result.get("no_change") or {}
    no_change_text = fixed(no_change.get("wall_seconds"))
    if no_change.get("skipped"):
        no_change_text += " (skipped)"
    ratio = result.get("ratio_pipeline_to_floor")
    return [
        result["size"],
        compact(_get(result, "data", "mdo_snapshot_rows")),
        fixed(_get(result, "pipeline", "wall_seconds")),
        fixed(_get(result, "floor", "wall_seconds"), 2),
        "-" if ratio is None else f"{ratio:.1f}x",
        f"{fixed(_get(result, 'pipeline', 'peak_rss_mb'), 0)}/"
        f"{fixed(_get(result, 'floor', 'peak_rss_mb'), 0)}",
        rates,
        no_change_text,
        fixed(None if tick is None else tick * 1000, 0),
        incremental_text,
        fixed(_get(result, "dashboard", "heaviest", "median_ms"), 0),
    ]


def format_summary(results: Sequence[dict]) -> str:
    return format_table(SUMMARY_HEADERS, [summary_row(result) for result in results])


def format_verdicts(verdicts: Sequence[dict]) -> str:
    rows = []
    for verdict in verdicts:
        if verdict["verdict"] == "n/a":
            continue
        value = verdict["value"]
        rows.append(
            [
                verdict["size"],
                verdict["description"],
                "-" if value is None else f"{value:.1f} {verdict['unit']}",
                f"< {verdict['limit']:g} {verdict['unit']}",
                verdict["verdict"],
            ]
        )
    return format_table(("size", "target", "measured", "limit", "verdict"), rows)


def format_report(results: Sequence[dict], verdicts: Sequence[dict]) -> str:
    parts = ["", format_summary(results), "", format_verdicts(verdicts)]
    for result in results:
        heaviest = (result.get("dashboard") or {}).get("heaviest")
        if heaviest:
            parts.append(
                f"\n{result['size']}: heaviest dashboard query ({heaviest['page']} page, "
                f"{heaviest['median_ms']:.0f} ms): {heaviest['sql'][:160]}"
            )
        no_change = result.get("no_change") or {}
        if no_change and not no_change.get("skipped") and no_change.get("reason"):
            parts.append(f"{result['size']}: the no-change re-run ran: {no_change['reason']}")
        if result.get("pipeline") and not result["pipeline"].get("timings_available"):
            parts.append(
                f"{result['size']}: the pipeline wrote no --timings file, so no per-stage rates"
            )
        for error in result.get("errors", []):
            parts.append(f"{result['size']}: ERROR {error}")
    return "\n".join(parts)


# Machine and results file -----------------------------------------------------------------------


def git_commit(repo: Path = REPO_ROOT) -> str | None:
    """The checked-out commit, read from .git's files (no git command is run)."""
    git_dir = repo / ".git"
    try:
        if git_dir.is_file():  # a worktree: 'gitdir: <path>'
            git_dir = (repo / git_dir.read_text().split(":", 1)[1].strip()).resolve()
        head = (git_dir / "HEAD").read_text().strip()
        if not head.startswith("ref:"):
            return head
        ref = head.split(None, 1)[1]
        for base in (git_dir, _common_dir(git_dir)):
            ref_file = base / ref
            if ref_file.exists():
                return ref_file.read_text().strip()
            packed = base / "packed-refs"
            if packed.exists():
                for line in packed.read_text().splitlines():
                    if line.endswith(" " + ref):
                        return line.split()[0]
    except OSError:
        return None
    return None


def _common_dir(git_dir: Path) -> Path:
    common = git_dir / "commondir"
    return (git_dir / common.read_text().strip()).resolve() if common.exists() else git_dir


def _version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def machine_info() -> dict:
    return {
        "hostname": socket.gethostname(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "cpu_count_physical": psutil.cpu_count(logical=False),
        "memory_total_mb": round(psutil.virtual_memory().total / MB),
        "python": platform.python_version(),
        "versions": {
            name: _version(name)
            for name in (
                "duckdb",
                "dagster",
                "dbt-core",
                "dbt-duckdb",
                "great-expectations",
                "streamlit",
            )
        },
        "git_commit": git_commit(),
    }


def write_results(document: dict, results_dir: Path = RESULTS_DIR) -> Path:
    """bench/results/<UTC timestamp>-<hostname>.json, and the same as latest.json."""
    results_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    host = "".join(c if c.isalnum() or c in "-_." else "_" for c in socket.gethostname())
    path = results_dir / f"{stamp}-{host}.json"
    text = json.dumps(document, indent=2, default=str) + "\n"
    path.write_text(text, encoding="utf-8")
    (results_dir / "latest.json").write_text(text, encoding="utf-8")
    return path
