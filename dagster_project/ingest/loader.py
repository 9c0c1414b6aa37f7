"""Load delivered files into the raw schema, keeping every row: loaded, or quarantined with why.

Files are read into a table of text cells (`cells.py`: DuckDB's CSV reader, many files per
scan), each header is matched to the source's columns, and the cells are typed and validated
in one SQL statement per batch of files sharing a header; no Python loop touches a data row.
Rows that cannot be placed go to `raw.quarantine` with the raw cells and a reason; printed
total rows go to the source's totals table. `raw.file_loads` remembers each file's content hash,
so a re-run skips unchanged files, a corrected file replaces its rows, and the same content
under a second name is flagged, not loaded twice. A file that cannot be read at all is held
back (`rejections.py`): it loads nothing, keeps what it loaded before, and the others load.
"""

import datetime as dt
import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb
import pandas as pd

from dagster_project.ingest.cells import (
    CELLS_TABLE,
    SPARE_CELLS,
    CsvText,
    create_cells_table,
    drop_cells_table,
    insert_sheet,
    inspect_csv,
    scan_csv,
)
from dagster_project.ingest.discovery import DeliveredFile
from dagster_project.ingest.errors import RawFileError
from dagster_project.ingest.readers import Sheet, read_sheet
from dagster_project.ingest.rejections import Rejection, ensure_rejections_table, record_rejections
from dagster_project.ingest.sources import (
    HEADER_CHARACTERS,
    SQL_TYPES,
    TOTAL_ROW_WORDS,
    Column,
    Source,
    normalise_header,
)
from dagster_project.ingest.typing_sql import parse_expression, reason_expression, sql_literal

LINEAGE_COLUMNS = (
    "extra_columns json",
    "source_file varchar not null",
    "file_sha256 varchar not null",
    "source_row integer not null",
    "loaded_at timestamp not null",
)


HEADER_ONLY = "has a header and no data rows; loaded as 0 rows. Is this the whole report?"


@dataclass(frozen=True)
class FileLoad:
    """What happened to one file in one run."""

    source_file: str
    file_sha256: str
    status: str  # loaded, unchanged, duplicate_content, or rejected (held back: see reason)
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    total_rows: int
    duplicate_of: str | None = None
    reason: str | None = None  # why a rejected file was held back

    @classmethod
    def rejected(cls, rejection: Rejection) -> "FileLoad":
        return cls(
            rejection.source_file, rejection.file_sha256 or "", "rejected", 0, 0, 0, 0,
            reason=rejection.reason,
        )  # fmt: skip

    @property
    def header_only(self) -> bool:
        """Read in this run with a header and no data rows: a real empty report, or a failed
        export; a person decides."""
        return self.status == "loaded" and self.rows_read == 0


def ensure_raw_schema(con: duckdb.DuckDBPyConnection, source: Source) -> None:
    """Create the raw schema, the shared bookkeeping tables and this source's tables."""
    ensure_bookkeeping_tables(con)
    file_columns = [f"{f.name} {SQL_TYPES[f.kind]}" for f in source.file_fields]
    data_columns = [f"{c.name} {SQL_TYPES[c.kind]}" for c in source.columns]
    con.execute(
        f"create table if not exists raw.{source.name} "
        f"({', '.join([*file_columns, *data_columns, *LINEAGE_COLUMNS])})"
    )
    if source.totals_table:
        measures = [f"{c.name} {SQL_TYPES[c.kind]}" for c in _measures(source)]
        con.execute(
            f"create table if not exists raw.{source.totals_table} "
            f"({', '.join([*file_columns, *measures, *LINEAGE_COLUMNS])})"
        )


def ensure_bookkeeping_tables(con: duckdb.DuckDBPyConnection) -> None:
    """The raw schema and the tables every source writes: quarantine and file_loads."""
    con.execute("create schema if not exists raw")
    con.execute(
        """
        create table if not exists raw.quarantine (
            source_table varchar not null,
            source_file varchar not null,
            file_sha256 varchar not null,
            source_row integer not null,
            raw_cells json not null,
            reason varchar not null,
            loaded_at timestamp not null
        )
        """
    )
    con.execute(
        """
        create table if not exists raw.file_loads (
            source_table varchar not null,
            source_file varchar not null primary key,
            file_sha256 varchar not null,
            status varchar not null,
            rows_read integer not null,
            rows_loaded integer not null,
            rows_quarantined integer not null,
            total_rows integer not null,
            duplicate_of varchar,
            loaded_at timestamp not null,
            run_id varchar
        )
        """
    )
    ensure_rejections_table(con)


def load_source(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    files: list[DeliveredFile],
    loaded_at: dt.datetime,
    run_id: str | None = None,
    refused: Sequence[RawFileError] = (),
) -> list[FileLoad]:
    """Load the files of one source in one transaction, holding back each file that cannot be
    read at all, and record what was held back (see `rejections.py`).

    `refused` are the files that discovery refused by name and that this source's load records
    (`Survey.refused_for`). The returned list has one entry per file and per refusal.

    The files are read into the cells table first, outside the transaction: DuckDB aborts a
    transaction on any error, and a file its CSV reader refuses must fall back to the lenient
    reader, not fail the load.
    """
    ensure_raw_schema(con, source)
    plan = _plan_loads(con, source, files)
    try:
        headers = _read_files(con, source, plan)
        groups = _map_headers(source, plan, headers)
        con.begin()
        try:
            _forget_files(con, source, [f for f in plan.changed if f not in plan.rejected])
            for group, layout in groups:
                for load in _insert_rows(con, source, group, layout, headers, loaded_at):
                    plan.outcomes[load.source_file] = load
            loads = [plan.outcomes[delivered.source_file] for delivered in files]
            new_loads = [load for load in loads if load.status not in ("unchanged", "rejected")]
            _log_loads(con, source, new_loads, loaded_at, run_id)
            rejections = [*plan.rejected.values(), *(Rejection.of(err) for err in refused)]
            record_rejections(con, source.name, rejections, loaded_at, run_id)
            con.commit()
        except BaseException:
            con.rollback()
            raise
    finally:
        drop_cells_table(con)
    return [*loads, *(FileLoad.rejected(Rejection.of(err)) for err in refused)]


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> Iterator[None]:
    """A DataFrame visible to SQL as `name` for the length of the block."""
    con.register(name, frame)
    try:
        yield
    except BaseException:
        # After a failed statement DuckDB refuses everything else in the transaction
        # ("Current transaction is aborted"): raised here, that would hide the real cause.
        with suppress(duckdb.Error):
            con.unregister(name)
        raise
    con.unregister(name)


@dataclass(frozen=True)
class PendingFile:
    """A new or changed file, hashed and waiting to be read."""

    delivered: DeliveredFile
    sha256: str
    csv_text: CsvText | None  # None for workbooks, which only the Python reader opens


@dataclass
class LoadPlan:
    """What each file needs: nothing (unchanged or a duplicate), reading, or holding back."""

    source: Source
    outcomes: dict[str, FileLoad] = field(default_factory=dict)
    changed: list[str] = field(default_factory=list)  # loaded before with other content
    pending: list[PendingFile] = field(default_factory=list)
    rejected: dict[str, Rejection] = field(default_factory=dict)

    def reject(self, err: RawFileError, sha256: str | None) -> None:
        """Hold a file back: it loads nothing this run, and what it loaded before stays."""
        rejection = Rejection.of(err, self.source.name, sha256)
        self.rejected[err.source_file] = rejection
        self.outcomes[err.source_file] = FileLoad.rejected(rejection)
        self.pending = [f for f in self.pending if f.delivered.source_file != err.source_file]


def _plan_loads(
    con: duckdb.DuckDBPyConnection, source: Source, files: list[DeliveredFile]
) -> LoadPlan:
    """Hash every file and compare it with what earlier runs loaded."""
    previous = _previous_loads(con)
    # The file each content was first loaded from, for spotting the same content renamed.
    first_loaded = {}
    for load in sorted(previous.values(), key=lambda load: load.source_file, reverse=True):
        if load.status == "loaded":
            first_loaded[load.file_sha256] = load.source_file
    plan = LoadPlan(source)
    paths = {delivered.source_file: delivered.path for delivered in files}
    for delivered in files:
        try:
            data = delivered.path.read_bytes()
        except OSError as err:
            problem = f"cannot be opened ({err.strerror})"
            plan.reject(RawFileError(delivered.source_file, problem, "a readable file"), None)
            continue
        sha256 = hashlib.sha256(data).hexdigest()
        earlier = previous.get(delivered.source_file)
        if earlier and earlier.file_sha256 == sha256:
            if earlier.status != "duplicate_content" or _twin_unchanged(earlier, paths):
                plan.outcomes[delivered.source_file] = replace(earlier, status="unchanged")
                continue
            # Its twin was corrected or removed: this content is now loaded nowhere else.
            if first_loaded.get(sha256) == earlier.duplicate_of:
                del first_loaded[sha256]
        if earlier:
            plan.changed.append(delivered.source_file)
        twin = first_loaded.get(sha256)
        if twin and twin != delivered.source_file:
            plan.outcomes[delivered.source_file] = FileLoad(
                delivered.source_file, sha256, "duplicate_content", 0, 0, 0, 0, twin
            )
            continue
        try:
            is_csv = delivered.path.suffix.lower() == ".csv"
            csv_text = inspect_csv(data, delivered.source_file, source) if is_csv else None
        except RawFileError as err:
            plan.reject(err, sha256)
            continue
        if earlier and first_loaded.get(earlier.file_sha256) == delivered.source_file:
            del first_loaded[earlier.file_sha256]
        first_loaded[sha256] = delivered.source_file
        plan.pending.append(PendingFile(delivered, sha256, csv_text))
    return plan


def _twin_unchanged(duplicate: FileLoad, paths: dict[str, Path]) -> bool:
    """Whether the file a duplicate was found to repeat still holds the same content."""
    twin = paths.get(duplicate.duplicate_of or "")
    if twin is None:
        return False
    try:
        return hashlib.sha256(twin.read_bytes()).hexdigest() == duplicate.file_sha256
    except OSError:
        return False


def _previous_loads(con: duckdb.DuckDBPyConnection) -> dict[str, FileLoad]:
    rows = con.execute(
        "select source_file, file_sha256, status, rows_read, rows_loaded, rows_quarantined, "
        "total_rows, duplicate_of from raw.file_loads"
    ).fetchall()
    return {row[0]: FileLoad(*row) for row in rows}


def _forget_files(con: duckdb.DuckDBPyConnection, source: Source, source_files: list[str]) -> None:
    """A changed file replaces what its earlier version loaded."""
    if not source_files:
        return
    tables = [source.name, *([source.totals_table] if source.totals_table else [])]
    for table in [*tables, "quarantine", "file_loads"]:
        con.execute(f"delete from raw.{table} where source_file in ?", [source_files])


Header = tuple[list[str], int]  # the header's cells and its row number (0: rows hold no header)


def _read_files(
    con: duckdb.DuckDBPyConnection, source: Source, plan: LoadPlan
) -> dict[str, Header]:
    """Read the files into the cells table: CSVs sharing a header in one DuckDB scan each.

    A file that cannot be read is held back (`plan.reject`) before any of its rows go in.
    """
    sheets = {
        file.delivered.source_file: sheet
        for file in list(plan.pending)
        if not file.csv_text and (sheet := _read_sheet_or_reject(file, plan))
    }
    widths = [len(f.csv_text.header) for f in plan.pending if f.csv_text]
    widths += [len(sheet.header) for sheet in sheets.values()]
    columns = max(widths, default=1) + SPARE_CELLS
    create_cells_table(con, columns)
    headers: dict[str, Header] = {}
    by_header: dict[tuple[str, ...], list[PendingFile]] = {}
    for file in plan.pending:
        if file.csv_text:
            key = (file.csv_text.delimiter, *file.csv_text.header)
            by_header.setdefault(key, []).append(file)
    for (delimiter, *_), group in by_header.items():
        lines = {file.delivered.path: file.csv_text.lines for file in group}
        paths = [f.delivered.path for f in group]
        unnumbered = set(scan_csv(con, paths, columns, lines, delimiter))
        for file in group:
            if file.delivered.path not in unnumbered:
                headers[file.delivered.source_file] = (
                    file.csv_text.header,
                    file.csv_text.header_row,
                )
            elif sheet := _read_sheet_or_reject(file, plan):
                sheets[file.delivered.source_file] = sheet
    for file in plan.pending:
        sheet = sheets.get(file.delivered.source_file)
        if sheet:
            insert_sheet(con, file.delivered.path, sheet, columns)
            headers[file.delivered.source_file] = (sheet.header, 0)
    return headers


def _read_sheet_or_reject(file: PendingFile, plan: LoadPlan) -> Sheet | None:
    delimiter = file.csv_text.delimiter if file.csv_text else None
    try:
        return read_sheet(file.delivered.path, file.delivered.source_file, plan.source, delimiter)
    except RawFileError as err:
        plan.reject(err, file.sha256)
        return None


def _map_headers(
    source: Source, plan: LoadPlan, headers: dict[str, Header]
) -> list[tuple[list[PendingFile], "HeaderMap"]]:
    """Each group of files sharing a header, with where the source's columns sit in it; the
    files of a header the source cannot take (a required column missing) are held back."""
    mapped = []
    for group in _by_header(plan.pending, headers):
        header = headers[group[0].delivered.source_file][0]
        try:
            mapped.append((group, map_header(header, source, group[0].delivered.source_file)))
        except RawFileError as err:
            for file in group:
                file_error = RawFileError(file.delivered.source_file, err.problem, err.expected)
                plan.reject(file_error, file.sha256)
    return mapped


def _by_header(pending: list[PendingFile], headers: dict[str, Header]) -> list[list[PendingFile]]:
    groups: dict[tuple[str, ...], list[PendingFile]] = {}
    for file in pending:
        groups.setdefault(tuple(headers[file.delivered.source_file][0]), []).append(file)
    return list(groups.values())


def _log_loads(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    loads: list[FileLoad],
    loaded_at: dt.datetime,
    run_id: str | None,
) -> None:
    if not loads:
        return
    frame = pd.DataFrame(
        {
            "source_table": source.name,
            "source_file": [load.source_file for load in loads],
            "file_sha256": [load.file_sha256 for load in loads],
            "status": [load.status for load in loads],
            "rows_read": [load.rows_read for load in loads],
            "rows_loaded": [load.rows_loaded for load in loads],
            "rows_quarantined": [load.rows_quarantined for load in loads],
            "total_rows": [load.total_rows for load in loads],
            "duplicate_of": pd.Series([load.duplicate_of for load in loads], dtype="object"),
            "loaded_at": loaded_at,
            "run_id": run_id,
        }
    )
    with registered(con, "new_file_loads", frame):
        con.execute("insert into raw.file_loads by name select * from new_file_loads")


@dataclass(frozen=True)
class HeaderMap:
    """Where each of the source's columns sits in the file, and which headers are extra."""

    positions: dict[str, int]  # column name -> cell index
    headers: dict[str, str]  # column name -> the header as written in the file
    extras: dict[int, str]  # cell index -> unknown header, kept in extra_columns


def map_header(header: list[str], source: Source, source_file: str) -> HeaderMap:
    """Match the file's header cells to the source's columns, or say which are missing."""
    by_spelling = {spelling: col for col in source.columns for spelling in col.spellings()}
    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    extras: dict[int, str] = {}
    for index, text in enumerate(header):
        if not text:
            raise RawFileError(
                source_file,
                f"column {index + 1} of the header row has no name",
                f"the columns {source.expected_columns()}",
            )
        column = by_spelling.get(normalise_header(text))
        if column is None:
            # Two unknown columns of one name are both kept, the later under its position.
            extras[index] = text if text not in extras.values() else f"{text} (column {index + 1})"
        elif column.name in positions:
            raise RawFileError(
                source_file,
                f"the header has both '{headers[column.name]}' and '{text}' for {column.header}",
                f"each of {source.expected_columns()} once",
            )
        else:
            positions[column.name] = index
            headers[column.name] = text
    missing = [c.header for c in source.columns if c.required and c.name not in positions]
    if missing:
        raise RawFileError(
            source_file,
            f"the header row lacks {', '.join(repr(m) for m in missing)} "
            f"(found {', '.join(repr(h) for h in header)})",
            f"the columns {source.expected_columns()}",
        )
    return HeaderMap(positions, headers, extras)


def _measures(source: Source) -> list[Column]:
    return [c for c in source.columns if c.name not in source.total_row_labels]


def _insert_rows(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    group: list[PendingFile],
    layout: HeaderMap,
    headers: dict[str, Header],
    loaded_at: dt.datetime,
) -> list[FileLoad]:
    """Type the cells of files sharing one header, route them, and count per file."""
    header = headers[group[0].delivered.source_file][0]
    files = pd.DataFrame(
        {
            "path": [str(f.delivered.path) for f in group],
            "source_file": [f.delivered.source_file for f in group],
            "file_sha256": [f.sha256 for f in group],
            "header_row": [headers[f.delivered.source_file][1] for f in group],
            **{
                field.name: [f.delivered.file_values[field.name] for f in group]
                for field in source.file_fields
            },
        }
    )
    with registered(con, "delivered_files", files):
        try:
            con.execute(_typed_rows_sql(source, layout, len(header), loaded_at))
            counts = _route_rows(con, source)
        finally:
            with suppress(duckdb.Error):  # as in `registered`: never hide the first error
                con.execute("drop table if exists typed_rows")
    return [
        FileLoad(
            f.delivered.source_file,
            f.sha256,
            "loaded",
            *counts.get(f.delivered.source_file, (0, 0, 0, 0)),
        )
        for f in group
    ]


def _typed_rows_sql(source: Source, layout: HeaderMap, width: int, loaded_at: dt.datetime) -> str:
    """One statement that numbers, types and judges every data row of the files of one header.

    It is a chain of named steps, each a CTE built by its own function below: the rows of the
    delivered files, their cells by column, typed, judged, and the row as it is stored.
    """
    cells = [f"c{i}" for i in range(1, width + SPARE_CELLS + 1)]
    steps = {
        "first_rows": _first_rows_step(),
        "data_rows": _data_rows_step(source, cells),
        "cells_by_column": _cells_by_column_step(source, layout, width, cells),
        "typed_cells": _typed_cells_step(source),
        "judged": _judged_step(source, layout),
    }
    ctes = ",\n".join(f"{name} as (\n{_indent(sql, 4)}\n)" for name, sql in steps.items())
    return (
        "create temp table typed_rows as\nwith\n"
        + ctes
        + "\n"
        + _stored_rows_select(source, layout, loaded_at, cells)
        + "\n"
    )


def _indent(sql: str, spaces: int) -> str:
    return "\n".join(" " * spaces + line if line else line for line in sql.splitlines())


def _list(items: list[str], spaces: int) -> str:
    """Items of a select list, one per line; an item of several lines keeps its shape."""
    return (",\n" + " " * spaces).join(_indent(item, spaces).lstrip() for item in items)


def _first_rows_step() -> str:
    """Where each file's rows start in the cells table, for numbering scanned rows."""
    return f"""select
    path,
    min(rowid) as first_row_id
from {CELLS_TABLE}
group by path"""


def _data_rows_step(source: Source, cells: list[str]) -> str:
    """Every row read, with its file's values (state, date, ...) and its own row number."""
    file_values = [
        f"cast(delivered_files.{f.name} as {SQL_TYPES[f.kind]}) as {f.name}"
        for f in source.file_fields
    ]
    columns = [
        *file_values,
        "delivered_files.source_file",
        "delivered_files.file_sha256",
        "delivered_files.header_row",
        f"coalesce({CELLS_TABLE}.source_row, {CELLS_TABLE}.rowid - first_rows.first_row_id + 1)"
        " as source_row",
        f"{CELLS_TABLE}.used_cells",
        f"{CELLS_TABLE}.raw_cells",
        f"{CELLS_TABLE}.read_problem",
        *(f"{CELLS_TABLE}.{cell}" for cell in cells),
    ]
    return f"""select
    {_list(columns, 4)}
from {CELLS_TABLE}
inner join delivered_files
    on {CELLS_TABLE}.path = delivered_files.path
inner join first_rows
    on {CELLS_TABLE}.path = first_rows.path"""


def _filled(cell: str) -> str:
    return f"trim(coalesce({cell}, '')) <> ''"


def _used_cells(cells: list[str]) -> str:
    """How many cells a row fills, up to its last filled one.

    Cell by cell, so that for most rows the first filled cell ends the test: cheap on millions
    of rows. Rows of the lenient reader bring their own count.
    """
    tests = [f"case when {_filled(cell)} then {i} else 0 end" for i, cell in enumerate(cells, 1)]
    return "coalesce(used_cells, greatest(\n    " + _list(tests, 4) + "\n))"


def _any_filled(cells: list[str]) -> str:
    return "(\n    " + "\n    or ".join(_filled(cell) for cell in cells) + "\n)"


def _cells_by_column_step(source: Source, layout: HeaderMap, width: int, cells: list[str]) -> str:
    """Each of the source's columns as `c_<name>`, unknown columns as `x_<index>`, and the
    reason a row has more cells than the header."""
    by_column = [
        f"coalesce(c{layout.positions[c.name] + 1}, '') as c_{c.name}"
        if c.name in layout.positions
        else f"cast(null as varchar) as c_{c.name}"
        for c in source.columns
    ]
    extra_cells = [f"coalesce(c{index + 1}, '') as x_{index}" for index in layout.extras]
    beyond_header = _indent(_any_filled(cells[width:]), 8).lstrip()
    used = _indent(_used_cells(cells), 8).lstrip()
    shape_reason = f"""case
    when
        used_cells > {width}
        or used_cells is null and {beyond_header}
        then {used} || ' cells where {width} were expected'
end as shape_reason"""
    return f"""select
    *,
    {_list([*by_column, *extra_cells], 4)},
    {_indent(shape_reason, 4).lstrip()}
from data_rows
-- The header and rows above it are not data; wholly blank rows carry nothing.
where
    source_row > header_row
    and (used_cells > 0 or used_cells is null and {_indent(_any_filled(cells), 4).lstrip()})"""


def _typed_cells_step(source: Source) -> str:
    """Each column's typed value, null where the cell is blank or unreadable, and whether the
    row is a printed total."""
    typed = [f"{parse_expression(c, f'c_{c.name}')} as {c.name}" for c in source.columns]
    return f"""select
    *,
    {_list([*typed, f"{_total_row_test(source)} as is_total"], 4)}
from cells_by_column"""


def _total_row_test(source: Source) -> str:
    """A printed total row: every label cell blank, or one of them reading "Total"."""
    if not source.total_row_labels:
        return "false"
    blank = " and ".join(f"nullif(trim(c_{name}), '') is null" for name in source.total_row_labels)
    words = ", ".join(sql_literal(normalise_header(word)) for word in TOTAL_ROW_WORDS)
    labelled = [
        f"regexp_replace(lower(c_{name}), '[^{HEADER_CHARACTERS}]+', '', 'g') in ({words})"
        for name in source.total_row_labels
    ]
    return "(\n    " + "\n    or ".join([f"({blank})", *labelled]) + "\n)"


def _judged_step(source: Source, layout: HeaderMap) -> str:
    """Every reason the row cannot be loaded, or null."""
    reasons = [
        reason_expression(
            c, f"c_{c.name}", c.name, layout.headers.get(c.name, c.header), "is_total"
        )
        for c in source.columns
    ]
    reasons = [reason for reason in reasons if reason != "null"]
    return f"""select
    *,
    nullif(concat_ws(
        '; ',
        read_problem,
        shape_reason,
        {_list(reasons, 8)}
    ), '') as reason
from typed_cells"""


def _extra_columns(layout: HeaderMap) -> str:
    """Unknown columns as one JSON object, keyed by their header."""
    if not layout.extras:
        return "cast(null as json)"
    pairs = [f"{sql_literal(text)}, x_{index}" for index, text in layout.extras.items()]
    return "json_object(" + ", ".join(pairs) + ")"


def _stored_rows_select(
    source: Source, layout: HeaderMap, loaded_at: dt.datetime, cells: list[str]
) -> str:
    """The row as the raw tables store it, with where it goes (is_total, reason)."""
    columns = [
        *(f.name for f in source.file_fields),
        *(c.name for c in source.columns),
        f"{_extra_columns(layout)} as extra_columns",
        "source_file",
        "file_sha256",
        "source_row",
        f"cast({sql_literal(loaded_at.isoformat())} as timestamp) as loaded_at",
        "is_total",
        "reason",
    ]
    return f"""select
    {_list(columns, 4)},
    -- The row as read, for quarantined rows only: padding beyond its last cell dropped.
    case
        when reason is not null
            then coalesce(
                raw_cells,
                to_json(list_filter([{", ".join(cells)}], lambda c: c is not null))
            )
    end as raw_cells
from judged"""


def _route_rows(
    con: duckdb.DuckDBPyConnection, source: Source
) -> dict[str, tuple[int, int, int, int]]:
    """Send each typed row to its table: data, printed totals, or quarantine.

    Returns per file: rows read, loaded, quarantined and printed totals.
    """
    file_names = [f.name for f in source.file_fields]
    lineage = ["extra_columns", "source_file", "file_sha256", "source_row", "loaded_at"]
    data = [*file_names, *(c.name for c in source.columns), *lineage]
    con.execute(
        f"insert into raw.{source.name} ({', '.join(data)}) "
        f"select {', '.join(data)} from typed_rows where reason is null and not is_total"
    )
    if source.totals_table:
        totals = [*file_names, *(c.name for c in _measures(source)), *lineage]
        con.execute(
            f"insert into raw.{source.totals_table} ({', '.join(totals)}) "
            f"select {', '.join(totals)} from typed_rows where reason is null and is_total"
        )
    con.execute(
        f"insert into raw.quarantine select {sql_literal(source.name)}, source_file, "
        "file_sha256, source_row, raw_cells, reason, loaded_at "
        "from typed_rows where reason is not null"
    )
    counted = con.execute(
        "select source_file, count(*), count(*) filter (where reason is null and not is_total), "
        "count(*) filter (where reason is not null), "
        "count(*) filter (where reason is null and is_total) from typed_rows group by source_file"
    ).fetchall()
    return {row[0]: row[1:] for row in counted}
