"""Turn a CSV or .xlsx file into a header and numbered rows of text cells.

Cells stay text here; typing and validation happen in SQL (see `loader.py`), so that every
reason a row is quarantined is worded in one place. Row numbers are the file's own (the header
is row 1), as a person would find them in a spreadsheet.
"""

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl

from dagster_project.ingest.errors import RawFileError


@dataclass(frozen=True)
class Sheet:
    """The cells of one file: its header row and its non-blank data rows."""

    header: list[str]
    rows: list[tuple[int, list[str]]]  # (row number in the file, cells)


def read_sheet(path: Path, source_file: str) -> Sheet:
    """Read a .csv (UTF-8) or the first sheet of an .xlsx workbook."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        numbered = _csv_rows(path, source_file)
    elif suffix == ".xlsx":
        numbered = _xlsx_rows(path, source_file)
    else:
        raise RawFileError(source_file, f"'{suffix}' files are not read", "a .csv or .xlsx file")
    return _split_header(numbered, source_file)


def _csv_rows(path: Path, source_file: str) -> list[tuple[int, list[str]]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise RawFileError(
            source_file,
            f"is not UTF-8 text (byte 0x{data[err.start]:02x} at offset {err.start})",
            "a CSV file saved as UTF-8",
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    numbered = []
    for cells in reader:
        numbered.append((reader.line_num, cells))
    return numbered


def _xlsx_rows(path: Path, source_file: str) -> list[tuple[int, list[str]]]:
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError) as err:
        raise RawFileError(
            source_file, f"is not a readable .xlsx workbook ({err})", "an Excel .xlsx file"
        ) from None
    try:
        sheet = workbook.worksheets[0]
        # Read-only rows start at min_row and have no gaps; an empty leading cell carries no
        # row number of its own, so the number comes from the position.
        return [
            (number, [_xlsx_cell_text(cell) for cell in cells])
            for number, cells in enumerate(sheet.iter_rows(), start=sheet.min_row or 1)
        ]
    finally:
        workbook.close()


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


def _split_header(numbered: list[tuple[int, list[str]]], source_file: str) -> Sheet:
    """The first non-blank row is the header; wholly blank rows carry nothing and are skipped."""
    filled = [(number, cells) for number, cells in numbered if trim_trailing_blanks(cells)]
    if not filled:
        raise RawFileError(source_file, "is empty", "a header row and data rows")
    _, header = filled[0]
    return Sheet(header=[cell.strip() for cell in trim_trailing_blanks(header)], rows=filled[1:])


def trim_trailing_blanks(cells: list[str]) -> list[str]:
    """Drop empty cells at the end of a row: spreadsheets pad rows, and they carry no data."""
    end = len(cells)
    while end and not cells[end - 1].strip():
        end -= 1
    return cells[:end]
