"""Load delivered files into the raw schema, keeping every row: loaded, or quarantined with why.

A file is read into text cells (`readers.py`), its header matched to the source's columns, and
the cells typed and validated in one SQL statement per file. Rows that cannot be placed go to
`raw.quarantine` with the raw cells and a reason; printed total rows go to the source's totals
table. `raw.file_loads` remembers each file's content hash, so a re-run skips unchanged files, a
corrected file replaces its rows, and the same content under a second name is flagged, not
loaded twice.
"""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

import duckdb
import pandas as pd

from dagster_project.ingest.discovery import DeliveredFile
from dagster_project.ingest.errors import RawFileError
from dagster_project.ingest.readers import Sheet, read_sheet, trim_trailing_blanks
from dagster_project.ingest.sources import SQL_TYPES, Column, Source, normalise_header
from dagster_project.ingest.typing_sql import parse_expression, reason_expression, sql_literal

LINEAGE_COLUMNS = (
    "extra_columns json",
    "source_file varchar not null",
    "file_sha256 varchar not null",
    "source_row integer not null",
    "loaded_at timestamp not null",
)


@dataclass(frozen=True)
class FileLoad:
    """What happened to one file in one run."""

    source_file: str
    file_sha256: str
    status: str  # loaded, unchanged or duplicate_content
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    total_rows: int
    duplicate_of: str | None = None


def ensure_raw_schema(con: duckdb.DuckDBPyConnection, source: Source) -> None:
    """Create the raw schema, the shared bookkeeping tables and this source's tables."""
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


def load_source(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    files: list[DeliveredFile],
    loaded_at: dt.datetime,
    run_id: str | None = None,
) -> list[FileLoad]:
    """Load every file of one source in one transaction: all of them, or none on a bad file."""
    ensure_raw_schema(con, source)
    con.begin()
    try:
        loads = [_load_file(con, delivered, loaded_at, run_id) for delivered in files]
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return loads


def _load_file(
    con: duckdb.DuckDBPyConnection,
    delivered: DeliveredFile,
    loaded_at: dt.datetime,
    run_id: str | None,
) -> FileLoad:
    sha256 = hashlib.sha256(delivered.path.read_bytes()).hexdigest()
    previous = con.execute(
        "select file_sha256, status, rows_read, rows_loaded, rows_quarantined, total_rows, "
        "duplicate_of from raw.file_loads where source_file = ?",
        [delivered.source_file],
    ).fetchall()
    previous = previous[0] if previous else None
    if previous and previous[0] == sha256:
        return FileLoad(delivered.source_file, sha256, "unchanged", *previous[2:6], previous[6])

    _forget_file(con, delivered)
    twin = con.execute(
        "select source_file from raw.file_loads "
        "where file_sha256 = ? and status = 'loaded' and source_file <> ? "
        "order by source_file limit 1",
        [sha256, delivered.source_file],
    ).fetchall()
    if twin:
        load = FileLoad(delivered.source_file, sha256, "duplicate_content", 0, 0, 0, 0, twin[0][0])
    else:
        sheet = read_sheet(delivered.path, delivered.source_file)
        load = _insert_rows(con, delivered, sheet, sha256, loaded_at)
    _log_load(con, delivered.source, load, loaded_at, run_id)
    return load


def _forget_file(con: duckdb.DuckDBPyConnection, delivered: DeliveredFile) -> None:
    """A changed file replaces what its earlier version loaded."""
    source = delivered.source
    tables = [source.name, *([source.totals_table] if source.totals_table else [])]
    for table in [*tables, "quarantine", "file_loads"]:
        con.execute(f"delete from raw.{table} where source_file = ?", [delivered.source_file])


def _log_load(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    load: FileLoad,
    loaded_at: dt.datetime,
    run_id: str | None,
) -> None:
    con.execute(
        "insert into raw.file_loads values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            source.name,
            load.source_file,
            load.file_sha256,
            load.status,
            load.rows_read,
            load.rows_loaded,
            load.rows_quarantined,
            load.total_rows,
            load.duplicate_of,
            loaded_at,
            run_id,
        ],
    )


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
            extras[index] = text
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


def _cells_frame(sheet: Sheet, layout: HeaderMap, source: Source) -> pd.DataFrame:
    """One row per data row: its number, its raw cells as JSON, and each cell as text."""
    width = len(sheet.header)
    columns: dict[str, list] = {"source_row": [], "raw_cells": [], "shape_reason": []}
    for column in source.columns:
        columns[f"c_{column.name}"] = []
    for index in layout.extras:
        columns[f"x_{index}"] = []
    for number, cells in sheet.rows:
        used = len(trim_trailing_blanks(cells))
        padded = cells + [""] * (width - len(cells))
        columns["source_row"].append(number)
        columns["raw_cells"].append(json.dumps(cells, ensure_ascii=False))
        columns["shape_reason"].append(
            f"{used} cells where {width} were expected" if used > width else None
        )
        for column in source.columns:
            position = layout.positions.get(column.name)
            columns[f"c_{column.name}"].append(None if position is None else padded[position])
        for index in layout.extras:
            columns[f"x_{index}"].append(padded[index])
    frame = pd.DataFrame(columns)
    text_columns = [name for name in frame.columns if name != "source_row"]
    frame[text_columns] = frame[text_columns].astype("object")
    return frame


def _measures(source: Source) -> list[Column]:
    return [c for c in source.columns if c.name not in source.total_row_labels]


def _insert_rows(
    con: duckdb.DuckDBPyConnection,
    delivered: DeliveredFile,
    sheet: Sheet,
    sha256: str,
    loaded_at: dt.datetime,
) -> FileLoad:
    source = delivered.source
    layout = map_header(sheet.header, source, delivered.source_file)
    cells = _cells_frame(sheet, layout, source)
    con.register("delivered_cells", cells)
    try:
        con.execute(_typed_rows_sql(delivered, layout, sha256, loaded_at))
        counts = _route_rows(con, source)
    finally:
        con.unregister("delivered_cells")
        con.execute("drop table if exists typed_rows")
    loaded, totals, quarantined = counts
    return FileLoad(
        delivered.source_file, sha256, "loaded", len(sheet.rows), loaded, quarantined, totals
    )


def _typed_rows_sql(
    delivered: DeliveredFile, layout: HeaderMap, sha256: str, loaded_at: dt.datetime
) -> str:
    source = delivered.source
    is_total = (
        " and ".join(f"nullif(trim(c_{name}), '') is null" for name in source.total_row_labels)
        if source.total_row_labels
        else "false"
    )
    file_values = [
        f"cast({sql_literal(delivered.file_values[f.name])} as {SQL_TYPES[f.kind]}) as {f.name}"
        for f in source.file_fields
    ]
    typed = [f"{parse_expression(c, f'c_{c.name}')} as {c.name}" for c in source.columns]
    reasons = [
        reason_expression(c, f"c_{c.name}", layout.headers.get(c.name, c.header), is_total)
        for c in source.columns
    ]
    extras = (
        "json_object("
        + ", ".join(f"{sql_literal(text)}, x_{index}" for index, text in layout.extras.items())
        + ")"
        if layout.extras
        else "null::json"
    )
    return f"""
        create temp table typed_rows as
        select
            {", ".join([*file_values, *typed])},
            {extras} as extra_columns,
            {sql_literal(delivered.source_file)} as source_file,
            {sql_literal(sha256)} as file_sha256,
            source_row,
            cast({sql_literal(loaded_at.isoformat())} as timestamp) as loaded_at,
            raw_cells,
            {is_total} as is_total,
            nullif(concat_ws('; ', shape_reason, {", ".join(reasons)}), '') as reason
        from delivered_cells
    """


def _route_rows(con: duckdb.DuckDBPyConnection, source: Source) -> tuple[int, int, int]:
    """Send each typed row to its table: data, printed totals, or quarantine."""
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
    loaded, totals_count, quarantined = con.execute(
        "select count(*) filter (where reason is null and not is_total), "
        "count(*) filter (where reason is null and is_total), "
        "count(*) filter (where reason is not null) from typed_rows"
    ).fetchall()[0]
    return loaded, totals_count, quarantined
