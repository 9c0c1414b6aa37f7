"""Turn a CSV or .xlsx file into a header and numbered rows of text cells.

Cells stay text here; typing and validation happen in SQL (see `loader.py`), so that every
reason a row is quarantined is worded in one place. Row numbers are the file's own (the header
is row 1 unless title rows come first), as a person would find them in a spreadsheet.

Delivered files are not always tidy: a workbook may open with a title or carry its table on a
second sheet, a CSV may be separated by semicolons (Excel's default where the comma is the
decimal mark). The header is therefore looked for, not assumed: it is the first row, among the
first rows of each sheet, that names every column the source requires.
"""

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree
from xml.parsers.expat import ExpatError

import openpyxl

from dagster_project.ingest.errors import RawFileError
from dagster_project.ingest.sources import Source, normalise_header

# How far down a sheet the header may sit (under a title, a date line, a blank row or two).
HEADER_SEARCH_ROWS = 20
DELIMITERS = (",", ";", "\t")
# What openpyxl raises for XML cut short or garbled; which one depends on the parser in use.
DAMAGED_XML = (ElementTree.ParseError, ExpatError)

Numbered = list[tuple[int, list[str]]]  # (row number in the file, cells)


@dataclass(frozen=True)
class Sheet:
    """The cells of one file: its header row and its non-blank data rows."""

    header: list[str]
    rows: Numbered
    # Why a row cannot be trusted although its cells read, by row number (a formula whose
    # value was never saved); the loader quarantines those rows with the reason.
    problems: dict[int, str] = field(default_factory=dict)


def read_sheet(
    path: Path, source_file: str, source: Source | None = None, delimiter: str | None = None
) -> Sheet:
    """Read a .csv (UTF-8) or the sheet of an .xlsx workbook that holds the source's table."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        text = decode_csv(path.read_bytes(), source_file)
        delimiter = delimiter or detect_delimiter(text, source_file, source)
        return _split_header(csv_rows(text, source_file, delimiter), source_file, source)
    if suffix == ".xlsx":
        return _read_workbook(path, source_file, source)
    raise RawFileError(source_file, f"'{suffix}' files are not read", "a .csv or .xlsx file")


def decode_csv(data: bytes, source_file: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise RawFileError(
            source_file,
            f"is not UTF-8 text (byte 0x{data[err.start]:02x} at offset {err.start})",
            "a CSV file saved as UTF-8",
        ) from None


def csv_rows(text: str, source_file: str, delimiter: str, limit: int | None = None) -> Numbered:
    """The file's records with their line numbers; `limit` stops after that many records."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    numbered: Numbered = []
    try:
        for cells in reader:
            numbered.append((reader.line_num, cells))
            if limit and len(numbered) >= limit:
                break
    except csv.Error as err:
        raise RawFileError(
            source_file,
            f"cannot be read as CSV at line {reader.line_num + 1} ({csv_problem(err)})",
            "a CSV file as a spreadsheet exports it; check how the file was made",
        ) from None
    return numbered


def csv_problem(err: csv.Error) -> str:
    """What Python's CSV reader could not take, in a person's words where it can say."""
    if "field larger than field limit" in str(err):
        return f"a cell longer than {csv.field_size_limit():,} characters"
    return str(err)


def detect_delimiter(text: str, source_file: str, source: Source | None) -> str:
    """The delimiter under which the source's header appears; else the one splitting the
    first filled row into the most cells (the header check then names what is missing)."""
    first_rows = {d: csv_rows(text, source_file, d, HEADER_SEARCH_ROWS) for d in DELIMITERS}
    if source:
        for delimiter, rows in first_rows.items():
            if find_header(rows, source) is not None:
                return delimiter
    widths = {
        d: len(trim_trailing_blanks(next((c for _, c in rows if trim_trailing_blanks(c)), [])))
        for d, rows in first_rows.items()
    }
    return max(DELIMITERS, key=lambda d: (widths[d], d == ","))


def find_header(numbered: Numbered, source: Source) -> int | None:
    """Where the header is: the first of the first filled rows that names every required
    column of the source (as `map_header` matches them); None when no row does."""
    required = [c.spellings() for c in source.columns if c.required]
    filled = [(i, cells) for i, (_, cells) in enumerate(numbered) if trim_trailing_blanks(cells)]
    for index, cells in filled[:HEADER_SEARCH_ROWS]:
        names = {normalise_header(cell) for cell in cells}
        if all(names & spellings for spellings in required):
            return index
    return None


def likely_header(numbered: Numbered, source: Source | None) -> int:
    """The header row, or, when no row names every required column, the row that names the
    most of the source's columns (the first filled row when none names any): so that a file
    lacking one column under a title row is told which one, not that the title lacks them all."""
    found = find_header(numbered, source) if source else None
    if found is not None or source is None:
        return found or 0
    spellings = [c.spellings() for c in source.columns]
    best, best_named = 0, 0
    for index, (_, cells) in enumerate(numbered[:HEADER_SEARCH_ROWS]):
        names = {normalise_header(cell) for cell in cells}
        named = sum(bool(names & spelled) for spelled in spellings)
        if named > best_named:
            best, best_named = index, named
    return best


def _read_workbook(path: Path, source_file: str, source: Source | None) -> Sheet:
    try:
        values = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, *DAMAGED_XML) as err:
        # A damaged part of the workbook itself (not a sheet's) fails here: a half-copied file.
        raise RawFileError(
            source_file, f"is not a readable .xlsx workbook ({err})", "an Excel .xlsx file"
        ) from None
    try:
        sheets = [_parsed_sheet_rows(sheet, source_file) for sheet in values.worksheets]
    finally:
        values.close()
    chosen = 0
    if source:
        chosen = next(
            (i for i, rows in enumerate(sheets) if find_header(rows, source) is not None), 0
        )
    if not sheets:
        raise RawFileError(source_file, "has no sheets", "an Excel .xlsx file with a table")
    sheet = _split_header(sheets[chosen], source_file, source)
    unsaved = _formulas_without_values(path, chosen, sheet)
    return Sheet(sheet.header, sheet.rows, unsaved)


def _parsed_sheet_rows(sheet, source_file: str) -> Numbered:
    # A read-only sheet's XML is parsed only as its rows are read, so a half-copied file
    # (the zip whole, a sheet cut short) fails here, not when the workbook opens.
    try:
        return _sheet_rows(sheet)
    except DAMAGED_XML as err:
        raise RawFileError(
            source_file,
            f"is not a readable .xlsx workbook (sheet '{sheet.title}' is damaged: {err})",
            "an Excel .xlsx file",
        ) from None


def _sheet_rows(sheet) -> Numbered:
    return [
        (number, [_xlsx_cell_text(cell) for cell in cells])
        for number, cells in _rows_as_excel_numbers_them(sheet)
    ]


def _rows_as_excel_numbers_them(sheet):
    # Read from row 1, read-only rows have no gaps: rows never written (also above the first
    # used row, which is where `sheet.min_row` points) come as empty rows. An empty cell
    # carries no row number of its own, so the number comes from the position.
    return enumerate(sheet.iter_rows(min_row=1), start=1)


def _formulas_without_values(path: Path, sheet_index: int, sheet: Sheet) -> dict[int, str]:
    """Rows with a formula cell whose value Excel never saved (a file written by a program,
    not by Excel): openpyxl reads such a cell as empty, which would load a wrong blank."""
    blank = {
        (number, column)
        for number, cells in sheet.rows
        for column, text in enumerate(cells)
        if not text
    }
    if not blank:
        return {}
    formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        rows = _sheet_rows_raw(formulas.worksheets[sheet_index])
    finally:
        formulas.close()
    problems: dict[int, list[str]] = {}
    for number, cells in rows:
        for column, value in enumerate(cells):
            if (number, column) in blank and _is_formula(value):
                header = sheet.header[column] if column < len(sheet.header) else f"{column + 1}"
                problems.setdefault(number, []).append(header)
    return {
        number: "formula without a saved value in column "
        + ", ".join(headers)
        + "; open and save the file in Excel"
        for number, headers in problems.items()
    }


def _sheet_rows_raw(sheet) -> list[tuple[int, list]]:
    return [
        (number, [cell.value for cell in cells])
        for number, cells in _rows_as_excel_numbers_them(sheet)
    ]


def _is_formula(value) -> bool:
    return (isinstance(value, str) and value.startswith("=")) or "Formula" in type(value).__name__


def _xlsx_cell_text(cell) -> str:
    """Render a cell as the text a person sees, so CSV and .xlsx feed the same parser."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, int | float):
        if "%" in (cell.number_format or ""):
            return f"{_plain_number(value * 100)}%"
        return _plain_number(value)
    return str(value)


def _plain_number(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    return f"{round(value, 10):.10f}".rstrip("0").rstrip(".")


def _split_header(numbered: Numbered, source_file: str, source: Source | None) -> Sheet:
    """The header (see `find_header`; the first filled row when no row names the source's
    columns) and the filled rows below it; wholly blank rows carry nothing and are skipped."""
    filled = [(number, cells) for number, cells in numbered if trim_trailing_blanks(cells)]
    if not filled:
        raise RawFileError(source_file, "is empty", "a header row and data rows")
    at = likely_header(filled, source)
    header = filled[at][1]
    return Sheet(
        header=[cell.strip() for cell in trim_trailing_blanks(header)], rows=filled[at + 1 :]
    )


def trim_trailing_blanks(cells: list[str]) -> list[str]:
    """Drop empty cells at the end of a row: spreadsheets pad rows, and they carry no data."""
    end = len(cells)
    while end and not cells[end - 1].strip():
        end -= 1
    return cells[:end]
