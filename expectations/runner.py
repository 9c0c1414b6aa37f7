"""Validate warehouse tables against the suites in `expectations/suites/`, and render Data Docs.

GX's SQL datasource cannot read DuckDB (GX issue 11579: duckdb-engine breaks on SQLAlchemy
2.1), so each table is read from DuckDB into a pandas DataFrame and validated in an ephemeral
GX context: a pandas datasource, a dataframe asset named after the table, a whole-dataframe
batch. Suites live in git as JSON and are loaded into a fresh context for every validation;
nothing of GX persists between calls except the Data Docs site on disk.

Every expectation says in GX's own `severity` field what its failure means: `critical` (the
warehouse would be wrong; publishing is blocked) or `warning` (the source says something
implausible, as printed; a person should look, but the month is still published). `meta.notes`
says why. A failure's sample names the failing rows by the suite's row id columns (for a raw
table its file and row) with the value found.
"""

import contextlib
import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import duckdb
import great_expectations as gx
import numpy as np
import pandas as pd
from great_expectations.core.expectation_validation_result import (
    ExpectationSuiteValidationResult,
    ExpectationValidationResult,
)
from great_expectations.core.run_identifier import RunIdentifier
from great_expectations.data_context.types.base import (
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)
from great_expectations.data_context.types.resource_identifiers import (
    ExpectationSuiteIdentifier,
    ValidationResultIdentifier,
)
from great_expectations.expectations.expectation_configuration import ExpectationConfiguration
from great_expectations.expectations.metadata_types import FailureSeverity

from dagster_project import settings
from expectations.offline_docs import make_offline

SUITES_DIR = Path(__file__).resolve().parent / "suites"
# GX's failure levels that a suite may use, the blocking one first; GX's third, `info`, would
# mean a failure nobody acts on.
SEVERITIES = (FailureSeverity.CRITICAL.value, FailureSeverity.WARNING.value)
SAMPLE_SIZE = 5
DOCS_SITE = "warehouse"
DOCS_RESULTS = ".validation_results"  # inside the docs folder; the site is rendered from it
# Rules about a table's columns, not its rows: checked once, on the chunk that reads them all.
SHAPE_EXPECTATIONS = frozenset({"expect_table_columns_to_match_set"})


class DataDocsError(RuntimeError):
    """GX could not render a validation into Data Docs."""


class SuiteFileError(ValueError):
    """A suite file that cannot be used as written."""

    def __init__(self, path: Path, problem: str):
        super().__init__(f"{path.name}: {problem}")


@dataclass(frozen=True)
class Chunk:
    """Some rows of a per-file table, validated together: those of some files, or one of
    `parts` hash slices of them."""

    files: tuple[str, ...]
    part: int = 0
    parts: int = 1

    def condition(self, suite: "Suite") -> str:
        """The SQL condition selecting the chunk's rows of the suite's table."""
        if not self.files:
            return "false"
        listed = ", ".join(sql_string(name) for name in self.files)
        condition = f"{suite.file_column} in ({listed})"
        if self.parts > 1:
            condition += f" and hash({suite.chunk_split}) % {self.parts} = {self.part}"
        return condition


def sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@dataclass(frozen=True)
class Suite:
    """One suite file: the table it validates, the asset it checks, and its expectations."""

    name: str
    table: str
    asset_key: tuple[str, ...]
    description: str
    expectations: tuple[dict, ...]
    # Columns computed by DuckDB beside the table's own, for rules that span rows or tables.
    derived_columns: dict[str, str] = field(default_factory=dict)
    # Columns that identify a failing row in the samples (source_row, or a mart's key).
    row_id_columns: tuple[str, ...] = ()
    path: Path | None = None
    # The delivered file a row came from, as raw.file_loads names it. A CSV read out of a ZIP
    # is named by the ZIP and the member (officer reports): an expression over both columns.
    file_column: str = "source_file"
    # Rows a rule spanning rows must see together: by default a file's rows; an officer suite
    # groups by report (state and date), so an officer listed in two MDOs' files is seen twice.
    chunk_group: str | None = None
    # A group too large for one chunk is split by the hash of this expression: rows sharing it
    # (an officer's rows, a row's lineage) stay in one chunk.
    chunk_split: str = "source_row"

    def query(self, chunk: "Chunk | None" = None, columns: Iterable[str] | None = None) -> str:
        """The table with its derived columns, optionally only some rows and some columns.

        Derived columns are computed over the whole table first, so rules that span rows see
        every row even when only some are validated.
        """
        derived = "".join(f",\n    {sql} as {name}" for name, sql in self.derived_columns.items())
        query = f"select *{derived}\nfrom {self.table}"
        if chunk is None and columns is None:
            return query
        selected = "*" if columns is None else ", ".join(columns)
        condition = "true" if chunk is None else chunk.condition(self)
        return f"select {selected} from ({query}) as whole_table where {condition}"

    @property
    def is_per_file(self) -> bool:
        """Each row belongs to one delivered file, and every rule holds within a file."""
        return "source_file" in self.row_id_columns

    @property
    def shape_expectations(self) -> tuple[dict, ...]:
        """The rules about the table's columns rather than its rows."""
        return tuple(e for e in self.expectations if e["type"] in SHAPE_EXPECTATIONS)

    @property
    def row_columns(self) -> tuple[str, ...]:
        """The columns the row rules read, and those that name a failing row."""
        named: dict[str, None] = {}
        for expectation in self.expectations:
            if expectation["type"] in SHAPE_EXPECTATIONS:
                continue
            for key, value in expectation["kwargs"].items():
                if key in ("column", "column_A", "column_B"):
                    named[value] = None
                elif key == "column_list":
                    named.update(dict.fromkeys(value))
        named.update(dict.fromkeys(self.row_id_columns))
        return tuple(named)

    def without_shape(self) -> "Suite":
        """The suite's row rules only: for the chunks after the first, which read fewer columns."""
        rows_only = tuple(e for e in self.expectations if e["type"] not in SHAPE_EXPECTATIONS)
        return replace(self, expectations=rows_only)

    def to_gx(self) -> gx.ExpectationSuite:
        """A new GX suite object for one context.

        Built afresh each time: a GX suite belongs to the context it was added to (GX issue
        12209), so one object must not be shared between the contexts of two validations.
        """
        return gx.ExpectationSuite(
            name=self.name,
            expectations=[_configuration(e).to_domain_obj() for e in self.expectations],
            meta={"table": self.table, "asset_key": list(self.asset_key)},
            notes=self.notes_markdown(),
        )

    def notes_markdown(self) -> str:
        """The suite's description and every rule's severity and reason, for its Data Docs page.

        GX's validation pages cannot show custom meta (its meta_properties columns break
        rendering in 1.24) and its markdown has no tables, so a list on the suite page is where
        a reader learns why each rule exists.
        """
        lines = [self.description, ""]
        for expectation in self.expectations:
            notes = expectation.get("meta", {}).get("notes", "")
            columns = [str(v) for k, v in expectation["kwargs"].items() if k.startswith("column")]
            target = f" ({', '.join(columns)})" if columns else ""
            lines.append(f"- **{expectation['severity']}** {expectation['type']}{target}: {notes}")
        return "\n".join(lines)


def _configuration(expectation: dict) -> ExpectationConfiguration:
    return ExpectationConfiguration(
        type=expectation["type"],
        kwargs=expectation.get("kwargs", {}),
        meta=expectation.get("meta", {}),
        severity=expectation["severity"],
    )


def load_suite(path: Path) -> Suite:
    """Read one suite file, refusing anything that would silently check less than it says."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise SuiteFileError(path, f"not valid JSON ({err})") from None
    meta = data.get("meta", {})
    if data.get("name") != path.stem:
        raise SuiteFileError(path, f"name {data.get('name')!r} differs from the file name")
    for key in ("table", "asset_key"):
        if not meta.get(key):
            raise SuiteFileError(path, f"meta.{key} is missing")
    for number, expectation in enumerate(data.get("expectations", []), start=1):
        severity = expectation.get("severity")
        if severity not in SEVERITIES:
            raise SuiteFileError(
                path,
                f"expectation {number} ({expectation.get('type')}) has severity {severity!r}; "
                f"expected one of {', '.join(SEVERITIES)}",
            )
    suite = Suite(
        name=data["name"],
        table=meta["table"],
        asset_key=tuple(meta["asset_key"]),
        description=data.get("notes") or "",
        expectations=tuple(data.get("expectations", [])),
        derived_columns=meta.get("derived_columns", {}),
        row_id_columns=tuple(meta.get("row_id_columns", [])),
        path=path,
        file_column=meta.get("file_column", "source_file"),
        chunk_group=meta.get("chunk_group"),
        chunk_split=meta.get("chunk_split", "source_row"),
    )
    # GX drops an expectation it cannot build with only a log line; building each one here
    # turns a typo in a type name or a keyword argument into an error naming the file.
    for number, expectation in enumerate(suite.expectations, start=1):
        try:
            _configuration(expectation).to_domain_obj()
        except Exception as err:
            raise SuiteFileError(
                path, f"expectation {number} ({expectation.get('type')}) is invalid: {err}"
            ) from None
    return suite


def load_suites(folder: Path = SUITES_DIR) -> list[Suite]:
    """Every suite in the folder, in file-name order."""
    return [load_suite(path) for path in sorted(Path(folder).glob("*.json"))]


@dataclass(frozen=True)
class FailedExpectation:
    """One expectation that did not hold, with enough detail to find the rows."""

    expectation: str
    kwargs: dict
    severity: str
    notes: str
    unexpected_count: int | None = None
    # A few unexpected values; with the suite's row id columns when it names any.
    sample: list = field(default_factory=list)
    observed_value: Any = None
    exception: str | None = None  # GX could not evaluate it, e.g. the column is missing

    def as_dict(self) -> dict:
        details = {
            "expectation": self.expectation,
            "severity": self.severity,
            "kwargs": self.kwargs,
            "notes": self.notes,
        }
        if self.unexpected_count is not None:
            details["unexpected_count"] = self.unexpected_count
        if self.sample:
            details["sample"] = self.sample
        if self.observed_value is not None:
            details["observed_value"] = self.observed_value
        if self.exception:
            details["exception"] = self.exception
        return details

    def describe(self) -> str:
        """One line for a log or a test message."""
        target = ", ".join(f"{k}={v}" for k, v in self.kwargs.items() if k.startswith("column"))
        if self.exception:
            found = f"could not be evaluated: {self.exception}"
        elif self.unexpected_count is not None:
            found = f"{self.unexpected_count} unexpected, e.g. {self.sample}"
        else:
            found = f"observed {self.observed_value}"
        return f"[{self.severity}] {self.expectation}({target}): {found}"


@dataclass(frozen=True)
class SuiteOutcome:
    """The validation of one suite: which expectations failed, by severity."""

    suite: Suite
    evaluated: int
    rows: int | None
    failures: tuple[FailedExpectation, ...]
    # GX's own result, kept for Data Docs; None when the table could not be read at all.
    result: ExpectationSuiteValidationResult | None = field(default=None, repr=False)

    @property
    def critical(self) -> list[FailedExpectation]:
        return [f for f in self.failures if f.severity == FailureSeverity.CRITICAL.value]

    @property
    def warnings(self) -> list[FailedExpectation]:
        return [f for f in self.failures if f.severity == FailureSeverity.WARNING.value]

    @property
    def success_by_severity(self) -> dict[str, bool]:
        return {severity: not self.failures_of(severity) for severity in SEVERITIES}

    @property
    def success(self) -> bool:
        """Every expectation held."""
        return not self.failures

    @property
    def publishable(self) -> bool:
        """No critical expectation failed; warnings do not stop publishing."""
        return not self.critical

    def failures_of(self, severity: str) -> list[FailedExpectation]:
        return [f for f in self.failures if f.severity == severity]


def read_table(
    con: duckdb.DuckDBPyConnection,
    suite: Suite,
    chunk: Chunk | None = None,
    columns: Iterable[str] | None = None,
) -> pd.DataFrame:
    """The suite's table (or a chunk of it), with its derived columns, as a DataFrame."""
    frame = con.sql(suite.query(chunk, columns)).df()
    for column in frame.columns:
        # GX's range rule is vectorised only for a column whose dtype equals Python's int or
        # float (int64, float64); an INTEGER column (int32) was compared row by row in Python:
        # 7.5 of 52 CPU s for a Bihar-sized enrolment report. Widening changes no value.
        dtype = frame[column].dtype
        if isinstance(dtype, np.dtype) and dtype.kind in "iu" and dtype.itemsize < 8:
            frame[column] = frame[column].astype(np.int64)
        elif isinstance(dtype, np.dtype) and dtype.kind == "f" and dtype.itemsize < 8:
            frame[column] = frame[column].astype(np.float64)
        # GX compares a datetime column with bounds written as strings ("2020-01-01") only
        # when the column is in nanoseconds; DuckDB hands dates over in microseconds.
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            # A year beyond 2262 does not fit and stays as it is; its range expectation fails.
            with contextlib.suppress(OverflowError, pd.errors.OutOfBoundsDatetime):
                frame[column] = frame[column].astype("datetime64[ns]")
    return frame


def validate_table(frame: pd.DataFrame, suite: Suite, run_name: str | None = None) -> SuiteOutcome:
    """Validate a DataFrame against a suite in a fresh ephemeral GX context."""
    context = _context()
    batch_definition = (
        context.data_sources.add_pandas("warehouse")
        .add_dataframe_asset(suite.table)
        .add_batch_definition_whole_dataframe("whole table")
    )
    validation = context.validation_definitions.add(
        gx.ValidationDefinition(
            name=suite.name, data=batch_definition, suite=context.suites.add(suite.to_gx())
        )
    )
    result_format: dict[str, Any] = {
        "result_format": "SUMMARY",
        "partial_unexpected_count": SAMPLE_SIZE,
    }
    row_ids = [c for c in suite.row_id_columns if c in frame.columns]
    if row_ids:
        result_format["unexpected_index_column_names"] = row_ids
    # GX's pandas engine takes each expectation's rows with a boolean mask over the whole frame;
    # pandas answers a mask that keeps every row (most of them: a column with no nulls) with a
    # full copy of every column. Copy-on-write makes that copy lazy, and GX never writes to the
    # frame: on the officers' enrolment report the validation takes about 40% less time.
    with pd.option_context("mode.copy_on_write", True):
        result = validation.run(
            batch_parameters={"dataframe": frame},
            result_format=result_format,
            run_id=RunIdentifier(run_name=run_name, run_time=dt.datetime.now(dt.UTC)),
        )
    failures = [_failure(r) for r in result.results if not r.success]
    return SuiteOutcome(
        suite=suite,
        evaluated=len(result.results),
        rows=len(frame),
        failures=tuple(sorted(failures, key=lambda f: SEVERITIES.index(f.severity))),
        result=result,
    )


# A per-file table is validated in chunks of about this many rows (IGOT_GX_CHUNK_ROWS,
# settings.gx_chunk_rows), so memory stays bounded however many months the warehouse holds and
# however large one delivered file is. Only the first chunk reads every column (for the rules
# about the table's columns); the others read the columns the row rules name: a chunk of the
# officers' enrolment report is then 14 of its 40 columns.


def validate_suite(
    con: duckdb.DuckDBPyConnection,
    suite: Suite,
    run_name: str | None = None,
    only_files: list[str] | None = None,
) -> SuiteOutcome:
    """Read the suite's table from the warehouse and validate it.

    A per-file table (its rows identified by source_file) is validated in chunks (`Chunk`);
    with `only_files`, only the rows of those files' groups are (the files a run loaded: older
    rows were validated by the run that loaded them). A table that cannot be read (missing, or a
    derived column that no longer computes) is a critical failure: nothing of it could be checked.
    """
    try:
        chunks = file_chunks(con, suite, only_files) if suite.is_per_file else [None]
        outcomes = [_validate_chunk(con, suite, chunks[0], None, run_name)]
        if len(chunks) > 1:
            present = set(con.sql(suite.query()).limit(0).columns)
            columns = [c for c in suite.row_columns if c in present]
            rows_only = suite.without_shape()
            outcomes += [
                _validate_chunk(con, rows_only, chunk, columns, run_name) for chunk in chunks[1:]
            ]
    except duckdb.Error as err:
        unreadable = FailedExpectation(
            expectation="table_is_readable",
            kwargs={"table": suite.table},
            severity=FailureSeverity.CRITICAL.value,
            notes="The table must exist and the suite's derived columns must compute.",
            exception=str(err).splitlines()[0],
        )
        return SuiteOutcome(suite=suite, evaluated=0, rows=None, failures=(unreadable,))
    return _combined(suite, outcomes)


def _validate_chunk(
    con: duckdb.DuckDBPyConnection,
    suite: Suite,
    chunk: Chunk | None,
    columns: list[str] | None,
    run_name: str | None,
) -> SuiteOutcome:
    """Read one chunk, validate it, and empty its DataFrame.

    GX's context keeps the frame it validated inside reference cycles, which Python collects
    rarely: each 200,000-row chunk of the officers' enrolment report stayed resident, about
    115 MB apiece and 4 GB over two Bihar-sized dates. A collection per chunk would free them
    but costs 0.2 s in the pipeline's process; dropping the frame's columns in place frees the
    data at once, leaving GX an empty frame it no longer reads.
    """
    frame = read_table(con, suite, chunk, columns)
    outcome = validate_table(frame, suite, run_name)
    frame.drop(columns=list(frame.columns), inplace=True)
    return outcome


def file_chunks(
    con: duckdb.DuckDBPyConnection, suite: Suite, only_files: list[str] | None
) -> list[Chunk]:
    """The table's rows in chunks of about `settings.gx_chunk_rows()` rows.

    Whole groups (files, or the suite's `chunk_group`) are packed into chunks in name order; a
    group larger than a chunk is split into as many hash slices of `chunk_split` as it needs.
    With `only_files`, only the groups holding one of those files.
    """
    group = suite.chunk_group or suite.file_column
    counts = con.execute(
        f"select {group} as chunk_group, {suite.file_column} as file, count(*) "
        f"from {suite.table} group by all order by 1, 2"
    ).fetchall()
    groups: dict[str, dict[str, int]] = {}
    for name, file, count in counts:
        groups.setdefault(str(name), {})[file] = count
    if only_files is not None:
        wanted = set(only_files)
        groups = {name: files for name, files in groups.items() if wanted & files.keys()}
    chunk_rows = settings.gx_chunk_rows()
    chunks: list[Chunk] = []
    packed: list[str] = []
    rows = 0
    for files in groups.values():
        size = sum(files.values())
        if size > chunk_rows:
            parts = -(-size // chunk_rows)
            chunks += [Chunk(tuple(files), part, parts) for part in range(parts)]
            continue
        if packed and rows + size > chunk_rows:
            chunks.append(Chunk(tuple(packed)))
            packed, rows = [], 0
        packed += files
        rows += size
    if packed or not chunks:
        chunks.append(Chunk(tuple(packed)))
    return chunks


def _combined(suite: Suite, outcomes: list[SuiteOutcome]) -> SuiteOutcome:
    """One outcome from the chunks of a table: counts added, samples from the first chunks."""
    if len(outcomes) == 1:
        return outcomes[0]
    merged: dict[tuple, FailedExpectation] = {}
    for outcome in outcomes:
        for failure in outcome.failures:
            key = (failure.expectation, json.dumps(failure.kwargs, sort_keys=True, default=str))
            earlier = merged.get(key)
            if earlier is None:
                merged[key] = failure
                continue
            merged[key] = replace(
                earlier,
                unexpected_count=(earlier.unexpected_count or 0) + (failure.unexpected_count or 0),
                sample=(earlier.sample + failure.sample)[:SAMPLE_SIZE],
            )
    # Data Docs show one GX result per suite: the chunk with the most failures (the first, which
    # checks every rule, when they tie).
    shown = max(outcomes, key=lambda outcome: (len(outcome.failures), outcome.evaluated))
    return SuiteOutcome(
        suite=suite,
        evaluated=max(outcome.evaluated for outcome in outcomes),
        rows=sum(outcome.rows or 0 for outcome in outcomes),
        failures=tuple(sorted(merged.values(), key=lambda f: SEVERITIES.index(f.severity))),
        result=shown.result,
    )


def validate_warehouse(
    con: duckdb.DuckDBPyConnection,
    suites: Iterable[Suite] | None = None,
    run_name: str | None = None,
) -> list[SuiteOutcome]:
    """Validate every suite (or the given ones) against the warehouse behind `con`."""
    suites = load_suites() if suites is None else suites
    return [validate_suite(con, suite, run_name) for suite in suites]


def docs_dir_for(warehouse: Path) -> Path:
    """Data Docs live beside the warehouse file they describe."""
    return settings.data_docs_dir(Path(warehouse))


def default_docs_dir() -> Path:
    return settings.data_docs_dir()


def build_data_docs(
    outcomes: Iterable[SuiteOutcome],
    docs_dir: Path | None = None,
    suites: Iterable[Suite] | None = None,
) -> Path:
    """Render the outcomes into the static Data Docs site and return its index.html.

    The site shows the newest validation of every suite: each outcome replaces its suite's
    earlier result, and results of suites that no longer exist are dropped. So a run that
    validates only some suites (the MDO-reports job) leaves the others' latest results shown,
    each with the run it came from.
    """
    docs_dir = Path(docs_dir) if docs_dir else default_docs_dir()
    validated = [o for o in outcomes if o.result is not None]
    # Every suite gets its page, the validated ones included even when not in suites/.
    known = {suite.name: suite for suite in (load_suites() if suites is None else suites)}
    known |= {o.suite.name: o.suite for o in validated}
    context = _context(docs_dir)
    for suite in known.values():
        context.suites.add(suite.to_gx())
    store = context.validation_results_store
    replaced = {o.suite.name for o in validated}
    for key in store.list_keys():
        name = key.expectation_suite_identifier.name
        if name in replaced or name not in known:
            store.remove_key(key)
    new_pages = []
    for outcome in validated:
        key = _result_key(outcome)
        store.set(key, outcome.result)
        new_pages += [key, key.expectation_suite_identifier]
    # Only the new results' pages are rendered; the index is rebuilt from every stored result.
    context.build_data_docs(site_names=[DOCS_SITE], resource_identifiers=new_pages)
    make_offline(docs_dir)  # local copies of GX's CDN assets: the site renders with no internet
    # GX logs a page it fails to render and carries on; a silently missing page is worse.
    unrendered = [
        o.suite.name
        for o in validated
        if not any((docs_dir / "validations" / o.suite.name).rglob("*.html"))
    ]
    if unrendered:
        raise DataDocsError(f"GX rendered no Data Docs page for {', '.join(unrendered)}")
    return docs_dir / "index.html"


def _result_key(outcome: SuiteOutcome) -> ValidationResultIdentifier:
    return ValidationResultIdentifier(
        expectation_suite_identifier=ExpectationSuiteIdentifier(name=outcome.suite.name),
        run_id=outcome.result.meta["run_id"],
        batch_identifier=outcome.result.batch_id,
    )


def _context(docs_dir: Path | None = None):
    """An ephemeral GX context: in-memory stores, no progress bars, no usage statistics.

    With a docs folder, validation results are kept as files inside it and a Data Docs site
    is rendered there from them.
    """
    defaults = InMemoryStoreBackendDefaults()
    config = DataContextConfig(
        store_backend_defaults=defaults,
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )
    if docs_dir is not None:
        docs_dir = docs_dir.resolve()
        config.stores[defaults.validation_results_store_name] = {
            "class_name": "ValidationResultsStore",
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(docs_dir / DOCS_RESULTS),
            },
        }
        config.data_docs_sites = {
            DOCS_SITE: {
                "class_name": "SiteBuilder",
                "show_how_to_buttons": False,
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(docs_dir),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            }
        }
    return gx.get_context(mode="ephemeral", project_config=config)


def _failure(result: ExpectationValidationResult) -> FailedExpectation:
    config = result.expectation_config
    details = result.result or {}
    return FailedExpectation(
        expectation=config.type,
        kwargs=_plain({k: v for k, v in config.kwargs.items() if k != "batch_id"}),
        severity=FailureSeverity(config.severity).value,
        notes=config.meta.get("notes", ""),
        unexpected_count=details.get("unexpected_count"),
        sample=_plain(
            details.get("partial_unexpected_index_list")
            or details.get("partial_unexpected_list")
            or []
        )[:SAMPLE_SIZE],
        observed_value=_plain(details.get("observed_value")),
        exception=_exception_message(result),
    )


def _exception_message(result: ExpectationValidationResult) -> str | None:
    """GX nests the exceptions of a result by metric; the first message says enough."""
    info = result.exception_info or {}
    if "exception_message" in info:
        return info["exception_message"] if info.get("raised_exception") else None
    for nested in info.values():
        if isinstance(nested, dict) and nested.get("exception_message"):
            return nested["exception_message"]
    return None


def _plain(value: Any) -> Any:
    """Numpy numbers, timestamps and tuples as plain JSON values, for Dagster metadata."""
    return json.loads(json.dumps(value, default=_scalar))


def _scalar(value: Any) -> Any:
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp | dt.date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return str(value)
