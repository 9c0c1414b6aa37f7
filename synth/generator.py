"""Generate a synthetic raw folder: N states x M MDOs x K monthly snapshots, plus ranking
editions and the shipped catalogue and reference files, and a manifest of planted defects.

A state's MDO report for a month depends only on (seed, state, month end, M): its structure
comes from (seed, state, M) and everything else from streams keyed by the month, so a run with
fewer months or states writes the same bytes for the files it shares with a bigger run.
States are generated in parallel worker processes; the output does not depend on how many.
"""

import datetime as dt
import json
import multiprocessing
import os
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from dagster_project.settings import DEFAULT_RAW_DIR, REPO_ROOT
from synth import defects
from synth.defects import TOTAL_ROW, Draft
from synth.figures import month_figures
from synth.months import month_index, previous_month_end, snapshot_dates
from synth.officer_delivery import (
    DEFAULT_PASSWORD,
    OFFICER_SIZES,
    generate_state_officers,
    report_dates,
    write_bands,
)
from synth.officer_manifest import json_lines
from synth.officer_people import Organisation
from synth.randomness import array_stream, stream
from synth.ranking import edition
from synth.review_keys import ReviewSeeds
from synth.states import State, all_states
from synth.structure import StateStructure, build_structure
from synth.writer import (
    MDO_HEADER,
    RANKING_HEADER,
    check_output_dir,
    copy_shipped,
    mdo_rows,
    prepare_raw_dir,
    ranking_rows,
    write_csv,
    write_manifest,
    write_readme,
)

SIZES = {
    "small": {"states": 3, "mdos": 100, "months": 3},
    "medium": {"states": 36, "mdos": 500, "months": 12},
    "large": {"states": 36, "mdos": 5000, "months": 24},
    "bihar": {"states": 1, "mdos": 5000, "months": 1},  # for its officer-level delivery
}
# What a size writes at the officer level unless told: the Bihar-scale size exists for it.
DEFAULT_OFFICER_FORMAT = {"bihar": "csv"}
SHIPPED_MDO_REPORT = "mdo/bihar_2026-02-25.csv"
DEFAULT_SEED = 20260225
PLANTED_KEYS = (
    "issue_type",
    "state",
    "snapshot_date",
    "department",
    "mdo_name",
    "source_file",
    "source_row",
    "column",
    "detail",
)


@dataclass(frozen=True)
class Parameters:
    size: str
    seed: int
    states: int
    mdos: int
    months: int
    officer_format: str = "none"  # none, zip or csv
    officer_states: int = 0
    officers: int = 0
    officer_days: int = 0
    zips: int = 0
    password: str = DEFAULT_PASSWORD
    officer_mdos: str = "synthetic"  # or 'shipped': Bihar's MDOs from the shipped MDO report

    @classmethod
    def for_size(cls, size: str, seed: int = DEFAULT_SEED, **overrides) -> "Parameters":
        given = {k: v for k, v in overrides.items() if v is not None}
        values = {
            **SIZES[size],
            **OFFICER_SIZES[size],
            "officer_format": DEFAULT_OFFICER_FORMAT.get(size, "none"),
            **given,
        }
        return cls(size, seed, **{k: values[k] for k in cls.__dataclass_fields__ if k in values})

    def command(self) -> str:
        """The command that makes this data (without --out, which does not change it)."""
        parts = ["python -m synth", f"--size {self.size}", f"--seed {self.seed}"]
        defaults = {
            **SIZES[self.size],
            **OFFICER_SIZES[self.size],
            "officer_format": DEFAULT_OFFICER_FORMAT.get(self.size, "none"),
            "password": DEFAULT_PASSWORD,
            "officer_mdos": "synthetic",
        }
        for name, option in OPTIONS.items():
            if getattr(self, name) != defaults[name]:
                parts.append(f"--{option} {getattr(self, name)}")
        return " ".join(parts)

    @property
    def has_officers(self) -> bool:
        return self.officer_format != "none"


# Parameter -> command-line option, in the order the command prints them.
OPTIONS = {
    "states": "states",
    "mdos": "mdos",
    "months": "months",
    "officer_format": "officers",
    "officer_states": "officer-states",
    "officers": "officers-per-state",
    "officer_days": "officer-days",
    "zips": "zips",
    "password": "zip-password",
    "officer_mdos": "officer-mdos",
}


@dataclass
class StateOutput:
    """What a worker wrote for one state; its planted findings already as manifest lines."""

    planted: list[tuple] = field(default_factory=list)
    planted_lines: list[str] = field(default_factory=list)
    planted_counts: dict[str, int] = field(default_factory=dict)
    files: int = 0
    data_rows: int = 0
    total_rows: int = 0
    bytes: int = 0


def default_out(size: str) -> Path:
    return REPO_ROOT / "synthetic" / size


def mdo_file_name(state: State, date: dt.date) -> str:
    return f"mdo/{state.slug}_{date.isoformat()}_synthetic.csv"


def _stale_candidate(seed: int, state: State, mdos: int, date: dt.date) -> bool:
    return stream(seed, state.slug, mdos, date.isoformat(), "stale").random() < (
        defects.DUPLICATE_FILE_CHANCE
    )


def is_resent(seed: int, state: State, mdos: int, date: dt.date) -> bool:
    """Whether the state re-sent last month's report under this month's name (never two
    months running, so the copy is always of a real report)."""
    return _stale_candidate(seed, state, mdos, date) and not _stale_candidate(
        seed, state, mdos, previous_month_end(date)
    )


def month_content(
    structure: StateStructure, slots, date: dt.date, seed: int, seeds: ReviewSeeds
) -> tuple[list, list[tuple]]:
    """A month's report rows (the printed total last) and its findings as (issue type,
    department, MDO, source row, column, detail)."""
    state = structure.state
    key = (seed, state.slug, date.isoformat(), structure.mdos)
    wobble = array_stream(*key, "active").random(len(structure.names))
    draft = Draft(
        list(structure.cells),
        list(structure.names),
        month_figures(structure.params, month_index(date), wobble),
    )
    defects.plant(structure, slots, draft, month_index(date), seed)
    defects.plan_totals(draft, stream(*key, "totals"))
    rows, source_rows = mdo_rows(draft)
    defects.finish_findings(structure, draft, source_rows, seeds)
    findings = []
    for f in draft.findings:
        if f.row is None:
            source_row = None
        elif f.row == TOTAL_ROW:
            source_row = len(rows) + 1
        else:
            source_row = source_rows[f.row]
        findings.append((f.issue_type, f.department, f.mdo_name, source_row, f.column, f.detail))
    return rows, findings


def generate_state(task: tuple) -> StateOutput:
    """Every monthly report of one state (run in a worker process)."""
    state, params, dates, raw, seeds = task
    structure = build_structure(state, params.mdos, params.seed, seeds)
    slots = defects.plan_slots(structure, params.seed)
    window = set(dates)
    output = StateOutput()
    cache: dict[dt.date, tuple] = {}
    for date in dates:
        resent = is_resent(params.seed, state, params.mdos, date)
        content_date = previous_month_end(date) if resent else date
        if content_date not in cache:
            cache.clear()
            cache[content_date] = month_content(structure, slots, content_date, params.seed, seeds)
        rows, findings = cache[content_date]
        if not resent:
            cache.clear()
            cache[date] = (rows, findings)
        name = mdo_file_name(state, date)
        output.bytes += write_csv(raw / name, MDO_HEADER, rows)
        output.files += 1
        output.data_rows += len(rows) - 1
        output.total_rows += 1
        if resent and previous_month_end(date) in window:
            output.planted.append(
                (
                    defects.DUPLICATE_FILE,
                    state.name,
                    date.isoformat(),
                    None,
                    None,
                    name,
                    None,
                    None,
                    f"same content as {mdo_file_name(state, previous_month_end(date))}",
                )
            )
            continue
        for issue_type, department, mdo, source_row, column, detail in findings:
            output.planted.append(
                (
                    issue_type,
                    state.name,
                    date.isoformat(),
                    department,
                    mdo,
                    name,
                    source_row,
                    column,
                    detail,
                )
            )
    output.planted.sort(key=_planted_order)
    output.planted_lines = [
        json.dumps(dict(zip(PLANTED_KEYS, entry, strict=True)), ensure_ascii=False)
        for entry in output.planted
    ]
    output.planted_counts = dict(Counter(entry[0] for entry in output.planted))
    output.planted = []
    return output


def _planted_order(entry: tuple) -> tuple:
    """Planted findings by file, then row (a state's; the manifest lists states in order)."""
    return (entry[5], entry[6] or 0, entry[0], entry[7] or "", entry[3] or "", entry[4] or "")


def generate(params: Parameters, out: Path | None = None, jobs: int | None = None) -> dict:
    """Write <out>/raw/ and <out>/manifest.json; returns the manifest without its planted list
    plus the planted count."""
    out = check_output_dir(out or default_out(params.size))
    states = all_states()
    if not 1 <= params.states <= len(states):
        raise ValueError(f"--states must be 1 to {len(states)}, not {params.states}")
    if params.months < 1:
        raise ValueError(f"--months must be at least 1, not {params.months}")
    chosen = list(states[: params.states])
    dates = snapshot_dates(params.months)
    seeds = ReviewSeeds.load()
    raw = prepare_raw_dir(out)

    tasks = [(state, params, dates, raw, seeds) for state in chosen]
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(tasks)))
    if jobs == 1:
        outputs = [generate_state(task) for task in tasks]
    else:
        # Spawned, not forked: a fork copies the caller's threads' locks mid-use (a pytest
        # worker's, DuckDB's), and a forked pool worker once hung on one for good. An executor,
        # not multiprocessing.Pool: leaving a Pool's `with` terminates it, and its worker
        # handler can start a replacement worker during that; the new worker waits on the task
        # queue forever and the terminate joins it forever (seen in `make test`, both workers
        # idle in Pool._terminate_pool). The executor's shutdown waits for its workers to end.
        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=spawn) as executor:
            outputs = list(executor.map(generate_state, tasks))

    ranking_bytes = ranking_rows_written = 0
    for date in dates:
        rows = ranking_rows(edition(date, params.seed))
        path = raw / "ranking" / f"ranking_{date.isoformat()}_synthetic.csv"
        ranking_bytes += write_csv(path, RANKING_HEADER, rows)
        ranking_rows_written += len(rows)
    copied = copy_shipped(raw)

    parameters = {
        "states": params.states,
        "mdos": params.mdos,
        "months": params.months,
        "state_names": [s.name for s in chosen],
        "state_slugs": [s.slug for s in chosen],
        "snapshot_dates": [d.isoformat() for d in dates],
    }
    officer_meta, officer_lines, officer_bytes = generate_officers(params, chosen, raw, seeds)
    if officer_meta:
        parameters["officers"] = officer_meta.pop("parameters")
    readme_bytes = write_readme(raw, params.size, params.seed, params.command(), parameters)
    by_type: Counter = Counter()
    for output in outputs:
        by_type.update(output.planted_counts)
    meta = {
        "generator": "synth",
        "command": params.command(),
        "size": params.size,
        "seed": params.seed,
        "parameters": parameters,
        "counts": {
            "files": {
                "mdo": sum(o.files for o in outputs),
                "ranking": len(dates),
                "catalogue": sum(1 for name, _ in copied if name.startswith("catalogue/")),
                "reference": sum(1 for name, _ in copied if name.startswith("reference/")),
                "readme": 1,
            },
            "rows": {
                "mdo_data_rows": sum(o.data_rows for o in outputs),
                "mdo_total_rows": sum(o.total_rows for o in outputs),
                "ranking_rows": ranking_rows_written,
            },
            "bytes": sum(o.bytes for o in outputs)
            + ranking_bytes
            + sum(size for _, size in copied)
            + readme_bytes
            + officer_bytes,
            "planted": dict(sorted(by_type.items())),
        },
        "planted_notes": (
            "One entry per finding the org-mapping review reports for a planted defect, as "
            "intermediate.review_findings has it for that snapshot (marts.org_mapping_issues "
            "keeps each finding once, at the latest snapshot that shows it). department and "
            "mdo_name are the finding's; source_row is the finding's row, null where the review "
            "names none (near_duplicate_department, duplicate_file); source_file is the file "
            "the defect was planted in; column is the totals_mismatch column."
        ),
    }
    if officer_meta:
        meta["officers"] = officer_meta
    write_manifest(
        out / "manifest.json",
        meta,
        [line for o in outputs for line in o.planted_lines],
        {"officer_planted": officer_lines} if officer_meta else None,
    )
    return {**meta, "out": str(out), "planted_total": sum(by_type.values())}


def officer_organisation(params: Parameters, state: State, seeds: ReviewSeeds) -> Organisation:
    """The MDOs a state's officers work in: those of its synthetic MDO reports, or for Bihar
    with --officer-mdos shipped, those of the shipped MDO report."""
    if params.officer_mdos == "shipped":
        if state.slug != "bihar":
            raise ValueError("--officer-mdos shipped needs Bihar only (--officer-states 1)")
        source = f"raw/{SHIPPED_MDO_REPORT} (the shipped Bihar MDO report)"
        return Organisation.from_report(state, DEFAULT_RAW_DIR / SHIPPED_MDO_REPORT, source)
    structure = build_structure(state, params.mdos, params.seed, seeds)
    return Organisation.from_structure(structure, "the state's synthetic MDO reports in mdo/")


def generate_officers(
    params: Parameters, chosen: list[State], raw: Path, seeds: ReviewSeeds
) -> tuple[dict, list[str], int]:
    """The officer-level deliveries and bands file; (manifest section, planted lines, bytes)."""
    if not params.has_officers:
        return {}, [], 0
    if params.officer_format not in ("zip", "csv"):
        raise ValueError(f"--officers must be none, zip or csv, not {params.officer_format}")
    if not 1 <= params.officer_states <= len(chosen):
        raise ValueError(f"--officer-states must be 1 to {len(chosen)}")
    if params.officers < 10 or params.officer_days < 1 or params.zips < 1:
        raise ValueError("--officers-per-state >= 10, --officer-days >= 1 and --zips >= 1")
    states = chosen[: params.officer_states]
    outputs = []
    for state in states:
        organisation = officer_organisation(params, state, seeds)
        outputs.append(
            generate_state_officers(
                organisation, params, raw, params.officer_format, params.password
            )
        )
    bands = [row for output in outputs for row in output.bands]
    bands_bytes = write_bands(raw, bands)
    planted = [entry for output in outputs for entry in output.planted]
    meta = {
        "parameters": {
            "format": params.officer_format,
            "states": [s.name for s in states],
            "officers_per_state": params.officers,
            "report_dates": [d.isoformat() for d in report_dates(params.officer_days)],
            "zips_per_delivery": params.zips if params.officer_format == "zip" else 0,
            "zip_password": params.password if params.officer_format == "zip" else None,
            "mdo_names": params.officer_mdos,
        },
        "files": [*sorted(f for o in outputs for f in o.files), "reference/officer_bands.csv"],
        "rows": {
            "officers": sum(o.officers for o in outputs),
            "user_report_rows": sum(o.user_rows for o in outputs),
            "enrolment_rows": sum(o.enrolment_rows for o in outputs),
            "cbp_rows": sum(o.cbp_rows for o in outputs),
            "band_rows": len(bands),
        },
        "planted": dict(sorted(Counter(p["issue_type"] for p in planted).items())),
        "notes": OFFICER_NOTES,
        "expected": [entry for output in outputs for entry in output.expected],
    }
    return meta, json_lines(planted), sum(o.bytes for o in outputs) + bands_bytes


OFFICER_NOTES = (
    "officer_planted lists one entry per planted defect in the officer-level reports: "
    "source_file is the ZIP (or bare CSV) relative to the raw folder, source_member the CSV "
    "inside the ZIP, source_row the row in that CSV (header = 1); entries without a row are "
    "per MDO (mdo_without_department, mdo_not_in_mdo_report) or per content name "
    "(lookalike_course, course_name_variant); expected says what a correct pipeline does "
    "with it. expected gives, per state, report date and Department cell as delivered, the "
    "officers in scope (identifiable, each once) and how many comply with each mandate (Annexure-3 "
    "courses, completed with a Completed_On on or before 2026-03-31 23:59:59, each officer and "
    "course once), computed from the generator's own truth. The officer counts are a sample: "
    "they are not the MDO report's Onboarded figures."
)
