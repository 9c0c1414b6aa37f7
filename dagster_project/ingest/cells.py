"""The cells of delivered files, as one DuckDB table: a row per record, its number and its cells.

CSV files stream through DuckDB's own reader, many files in one scan, so no Python touches a
data row. The reader is strict about numbering: a record's number must be its line in the file
(the header is row 1), as a person finds it in a spreadsheet. DuckDB skips blank lines and a
quoted cell may span lines, so when a file's record count differs from its line count, or
DuckDB cannot parse it, that file is read by the lenient Python reader in `readers.py`
instead, as .xlsx workbooks always are. Both paths fill the same table.
"""

import json
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from dagster_project.ingest.errors import RawFileError
from dagster_project.ingest.readers import (
    HEADER_SEARCH_ROWS,
    Sheet,
    csv_rows,
    decode_csv,
    detect_delimiter,
    likely_header,
    trim_trailing_blanks,
)
from dagster_project.ingest.sources import Source
from dagster_project.ingest.typing_sql import sql_literal

CELLS_TABLE = "delivered_cells"
# Ragged rows carry a few cells more than the header; room for this many more is declared
# (each spare column costs scan time on every row), and a file with longer rows goes to the
# lenient reader.
SPARE_CELLS = 4


@dataclass(frozen=True)
class CsvText:
    """What is known about a CSV file before its rows are read: its header and line count."""

    header: list[str]
    header_row: int  # the header's line; the rows after it are data
    lines: int
    delimiter: str = ","


def create_cells_table(con: duckdb.DuckDBPyConnection, columns: int) -> None:
    """One row per record: its file, number, and cells c1..cN, one column per cell.

        Cells are columns, not a list: DuckDB reads a column of millions of cells in a fraction of
        the time it takes to pick elements out of as many lists. Rows from the lenient reader carry
        their number, filled-cell count, whole row as JSON and any problem the reader found (a
    formula without a saved value); scanned rows get theirs in SQL.
    """
    cells = ", ".join(f"c{i} varchar" for i in range(1, columns + 1))
    con.execute(
        f"create or replace temp table {CELLS_TABLE} "
        "(path varchar, source_row integer, used_cells integer, raw_cells varchar, "
        f"read_problem varchar, {cells})"
    )


def drop_cells_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"drop table if exists {CELLS_TABLE}")


def inspect_csv(data: bytes, source_file: str, source: Source | None = None) -> CsvText:
    """Check the bytes are UTF-8 text, and find the delimiter and the header row (see
    `readers.find_header`; without a source, the first row with a filled cell)."""
    text = decode_csv(data, source_file)
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
    delimiter = detect_delimiter(text, source_file, source)
    first_rows = [
        (number, cells)
        for number, cells in csv_rows(text, source_file, delimiter, HEADER_SEARCH_ROWS * 3)
        if trim_trailing_blanks(cells)
    ]
    if not first_rows:
        raise RawFileError(source_file, "is empty", "a header row and data rows")
    at = likely_header(first_rows, source)
    number, cells = first_rows[at]
    header = [cell.strip() for cell in trim_trailing_blanks(cells)]
    return CsvText(header, number, lines, delimiter)


def scan_csv(
    con: duckdb.DuckDBPyConnection,
    paths: list[Path],
    columns: int,
    lines: dict[Path, int],
    delimiter: str = ",",
) -> list[Path]:
    """Read CSV files into the cells table in one DuckDB scan; return those it could not number.

    `lines` is each file's line count: a file whose record count differs from it had blank
    lines or a cell spanning lines, and its rows are taken out again for the lenient reader.
    So is a file DuckDB refuses, such as one with a row longer than `columns` cells.
    """
    if not paths:
        return []
    try:
        _scan(con, paths, columns, delimiter)
    except duckdb.Error:
        if len(paths) == 1:
            return paths
        # One unreadable file must not cost the others the fast path.
        return [p for path in paths for p in scan_csv(con, [path], columns, lines, delimiter)]
    counted = dict(
        con.execute(
            f"select path, count(*) from {CELLS_TABLE} where path in ? group by path",
            [[str(p) for p in paths]],
        ).fetchall()
    )
    misnumbered = [p for p in paths if counted.get(str(p), 0) != lines[p]]
    if misnumbered:
        con.execute(f"delete from {CELLS_TABLE} where path in ?", [[str(p) for p in misnumbered]])
    return misnumbered


def _scan(con: duckdb.DuckDBPyConnection, paths: list[Path], columns: int, delimiter: str) -> None:
    declared = "{" + ", ".join(f"'c{i}': 'varchar'" for i in range(1, columns + 1)) + "}"
    cells = ", ".join(f"c{i}" for i in range(1, columns + 1))
    # nullstr is set to text no cell holds, so an empty cell reads as '' and only the padding
    # beyond a row's last cell is null: the cell count of every row survives the scan. The
    # table keeps the scan's order (DuckDB preserves insertion order), so a record's number is
    # its distance from its file's first row id (the loader numbers rows that way).
    con.execute(
        f"""
        insert into {CELLS_TABLE}
        select
            filename as path,
            null as source_row,
            null as used_cells,
            null as raw_cells,
            null as read_problem,
            {cells}
        from read_csv(
            ?,
            auto_detect = false,
            header = false,
            columns = {declared},
            delim = {sql_literal(delimiter)},
            quote = '"',
            escape = '"',
            null_padding = true,
            nullstr = '\\x01\\x02',
            filename = true
        )
        """,
        [[str(p) for p in paths]],
    )


def insert_sheet(con: duckdb.DuckDBPyConnection, path: Path, sheet: Sheet, columns: int) -> None:
    """Put the rows of a file read by the lenient Python reader into the cells table.

    Only data rows go in (the reader leaves out the header and blank rows), each with its
    number, its filled-cell count and all its cells as JSON, since a row may be longer than
    the table's columns.
    """
    rows = [cells for _, cells in sheet.rows]
    frame = pd.DataFrame(
        {
            "path": [str(path)] * len(rows),
            "source_row": [number for number, _ in sheet.rows],
            "used_cells": [len(trim_trailing_blanks(cells)) for cells in rows],
            "raw_cells": [json.dumps(cells, ensure_ascii=False) for cells in rows],
            "read_problem": [sheet.problems.get(number) for number, _ in sheet.rows],
            **{
                f"c{i}": [cells[i - 1] if i <= len(cells) else None for cells in rows]
                for i in range(1, columns + 1)
            },
        },
        dtype="object",
    )
    con.register("sheet_cells", frame)
    try:
        con.execute(f"insert into {CELLS_TABLE} by name select * from sheet_cells")
    finally:
        con.unregister("sheet_cells")
