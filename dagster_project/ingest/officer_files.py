"""One officer-report CSV, from its bytes to rows without personal data, staged in DuckDB.

This is the door of the privacy design: the CSV is parsed in Python (Arrow), the officer's
identifiers become `officer_key` (ingest/pseudonyms.py) and every personal column is dropped
before a single value is handed to DuckDB. What reaches the staging table is the report's other
columns as text, the key, the row's number and, for rows that cannot be loaded, why.

A clean file is parsed by Arrow's streaming CSV reader, a batch at a time, with no Python loop
over rows. A file whose record count differs from its line count (blank lines, a cell spanning
lines) or with a row of the wrong width is read again by Python's csv module, which numbers
every row by its line as a person sees it in a spreadsheet. A ragged or short row's cells are not
kept at all: when a cell has shifted, a name or e-mail may sit under any header.
"""

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from dagster_project.ingest.errors import RawFileError
from dagster_project.ingest.loader import HeaderMap, map_header
from dagster_project.ingest.pseudonyms import KeyCache, officer_keys, phone_keys
from dagster_project.ingest.readers import (
    DELIMITERS,
    HEADER_SEARCH_ROWS,
    csv_problem,
    trim_trailing_blanks,
)
from dagster_project.ingest.sources import (
    OFFICER_REPORTS,
    SQL_TYPES,
    Source,
    normalise_header,
)
from dagster_project.ingest.typing_sql import parse_expression, reason_expression, sql_literal
from dagster_project.ingest.zip_members import HashingReader, Member

BATCH_ROWS = 200_000
ARROW_BLOCK_BYTES = 16 << 20
# Undocumented columns that look personal are dropped rather than kept in extra_columns: any
# name but an organisation's or a course's, any e-mail, phone or contact number, a personal
# identifier (Aadhaar in its common spellings, employee, login, UID, PAN, passport, voter, bank
# details) or a relative. Dropping a harmless column by mistake loses a note; keeping a
# personal one puts a person in the warehouse, so the list errs on the side of dropping.
PERSONAL_HEADER = re.compile(
    r"(?!(mdo|department|dept|organisation|organization|org|ministry|course|content|cbp"
    r"|batch|group|state|district|provider|designation|scheme|programme|program|plan|cadre)"
    r"name$).*name"
    r"|.*(mail|phone|mobile|mob(no|number)|contact|whatsapp|telegram|a+dh?a+r|employee|empid"
    r"|empcode|empno|certificate|externalsystemid|dateofbirth|birth|address|pan(no|number|card)"
    r"|passport|voter|epic|bankaccount|accountno|accountnumber|ifsc|login|userid|username"
    r"|spouse|father|mother|husband|wife|guardian|parent).*"
    r"|dob|pan|uid|uidai|.*uidno|mob",
)


def looks_personal(header: str) -> bool:
    """Whether an undocumented column's header names something about a person."""
    return PERSONAL_HEADER.fullmatch(normalise_header(header)) is not None


CSV_AS_EXPORTED = "a CSV file as the portal exports it; check how the file was made"
NO_IDENTIFIER = "no e-mail, employee id or phone to identify the officer"


class NotAnOfficerReport(Exception):
    """A CSV in a delivery that is none of the officer reports (the ZIP holds others too)."""


@dataclass(frozen=True)
class Layout:
    """Where a file's columns are, and which of its headers are kept as extras."""

    source: Source
    header: list[str]
    header_row: int  # the header's line; data rows follow it
    width: int  # cells per row, as the header row has them
    columns: HeaderMap
    kept_extras: dict[int, str]  # cell index -> header, undocumented and not personal
    delimiter: str  # what separates its cells: a comma, or a semicolon or tab as MDO reports


@dataclass(frozen=True)
class StagedFile:
    """A member read into the staging table of its source: its hash and rows read."""

    member: Member
    source: Source
    sha256: str
    rows_read: int


def named_report(file_name: str) -> Source | None:
    """The report a CSV's file name says it is, if it is one of theirs."""
    name = file_name.lower()
    return next((source for source in OFFICER_REPORTS if name in source.file_names), None)


def recognise(file_name: str, header: list[str]) -> Source | None:
    """Which report a CSV is: by its file name, else by the report whose columns its header
    matches best (at least half of them, every required one)."""
    if named := named_report(file_name):
        return named
    spelled = {normalise_header(text) for text in header}
    best, best_share = None, 0.5
    for source in OFFICER_REPORTS:
        if not source.columns:
            continue
        present = [bool(column.spellings() & spelled) for column in source.columns]
        required = all(p for p, c in zip(present, source.columns, strict=True) if c.required)
        share = sum(present) / len(source.columns)
        if required and share >= best_share:
            best, best_share = source, share
    return best


def stage_member(
    con: duckdb.DuckDBPyConnection,
    member: Member,
    source: Source | None,
    secret: bytes,
    cache: KeyCache,
) -> StagedFile:
    """Read one CSV into the staging table of its report; `source` None means recognise it.
    `cache` holds the keys computed for the delivery's earlier files."""
    try:
        return _stage_fast(con, member, source, secret, cache)
    except _NeedsLenientReader as slow:
        delete_staged(con, slow.layout.source, member)
        return _stage_lenient(con, member, slow.layout, secret, cache)


class _NeedsLenientReader(Exception):
    def __init__(self, layout: Layout) -> None:
        self.layout = layout


def _stage_fast(
    con: duckdb.DuckDBPyConnection,
    member: Member,
    source: Source | None,
    secret: bytes,
    cache: KeyCache,
) -> StagedFile:
    with member.opener() as raw_stream:
        hashing = HashingReader(raw_stream)
        buffered = io.BufferedReader(hashing, ARROW_BLOCK_BYTES)
        layout = _read_layout(buffered, member, source)
        try:
            records = _stage_arrow_batches(con, member, layout, buffered, secret, cache)
        except (pa.ArrowInvalid, UnicodeDecodeError):
            # Arrow's message quotes the offending row, which may name a person: not kept.
            raise _NeedsLenientReader(layout) from None
        buffered.read()  # to the end, for the hash and line count
        if hashing.line_count() != layout.header_row + records:
            raise _NeedsLenientReader(layout)
    return _finish(con, member, layout.source, hashing.hexdigest())


def _stage_arrow_batches(
    con: duckdb.DuckDBPyConnection,
    member: Member,
    layout: Layout,
    buffered: io.BufferedReader,
    secret: bytes,
    cache: KeyCache,
) -> int:
    """Stage the rows after the header batch by batch; returns the records Arrow read.

    Any row of another width stops Arrow (the lenient reader then takes the file over).
    """
    names = [f"f{i}" for i in range(layout.width)]
    reader = pa_csv.open_csv(
        buffered,
        read_options=pa_csv.ReadOptions(
            column_names=names, block_size=ARROW_BLOCK_BYTES, use_threads=True
        ),
        parse_options=pa_csv.ParseOptions(delimiter=layout.delimiter),
        convert_options=pa_csv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    records = 0
    for rows in _batches_of_at_least(reader, BATCH_ROWS):
        first_row = layout.header_row + records + 1
        numbers = pa.array(np.arange(first_row, first_row + len(rows), dtype=np.int64))
        records += len(rows)
        _stage_batch(con, member, layout, rows, numbers, None, secret, cache)
    return records


def _batches_of_at_least(reader: pa.RecordBatchReader, rows: int) -> Iterator[pa.Table]:
    """Arrow's record batches gathered into tables of at least `rows` rows (the last may be
    shorter).

    Arrow cuts a batch per block of bytes: about 47,000 rows of the enrolment report. DuckDB
    pays a fixed cost per insert that fills less than a row group (122,880 rows): inserting a
    million rows took 10 s as 22 of Arrow's batches and 1.3 s as five of 200,000 rows.
    """
    pending: list[pa.RecordBatch] = []
    pending_rows = 0
    for batch in reader:
        pending.append(batch)
        pending_rows += len(batch)
        if pending_rows >= rows:
            yield pa.Table.from_batches(pending)
            pending, pending_rows = [], 0
    if pending:
        yield pa.Table.from_batches(pending)


def _read_layout(buffered: io.BufferedReader, member: Member, source: Source | None) -> Layout:
    """Read up to the header and map its columns.

    The header is looked for as in an MDO report: the first of the first filled rows that maps
    the report's columns, split by commas, semicolons or tabs (a report re-saved by Excel in a
    `;` locale), so title rows above it are fine and are not data. When no row does, the first
    filled row is the header, and its problem is what the sentence names.

    A CSV whose name is none of the reports' is recognised by its header; when it has none to
    read (empty, not UTF-8) it is one of the portal's other reports, listed and not loaded."""
    named = source or named_report(member.file_name)
    header_row = 0
    first: tuple[str, int] | None = None  # the first filled row and its line
    searched = 0
    while True:
        line = buffered.readline()
        if not line:
            if first is not None:
                return _layout_at(*first, ",", member, source)  # raises the first row's error
            if named is None:
                raise NotAnOfficerReport(member.describe())
            raise RawFileError(member.describe(), "is empty", "a header row and data rows")
        header_row += 1
        try:
            text = _decoded(line, member).lstrip("\ufeff")
        except RawFileError:
            if named is None:
                raise NotAnOfficerReport(member.describe()) from None
            raise
        if not trim_trailing_blanks(_header_cells(text, member, ",")):
            continue
        for delimiter in DELIMITERS:
            try:
                return _layout_at(text, header_row, delimiter, member, source)
            except (RawFileError, NotAnOfficerReport):
                continue
        first = first or (text, header_row)
        searched += 1
        if searched == HEADER_SEARCH_ROWS:
            return _layout_at(*first, ",", member, source)  # raises the first row's error


def _layout_at(
    text: str, header_row: int, delimiter: str, member: Member, source: Source | None
) -> Layout:
    """The layout of a file whose header is `text`, or why that row is not its header."""
    cells = _header_cells(text, member, delimiter)
    header = [cell.strip() for cell in trim_trailing_blanks(cells)]
    source = source or recognise(member.file_name, header)
    if source is None:
        raise NotAnOfficerReport(member.describe())
    columns = map_header(header, source, member.describe())
    if source.identifying_columns and not any(
        c.name in columns.positions for c in source.identifying_columns
    ):
        raise RawFileError(
            member.describe(),
            "has no column that identifies the officer",
            "one of " + ", ".join(c.header for c in source.identifying_columns),
        )
    kept = {index: name for index, name in columns.extras.items() if not looks_personal(name)}
    return Layout(source, header, header_row, len(cells), columns, kept, delimiter)


def _header_cells(line: str, member: Member, delimiter: str) -> list[str]:
    # A file whose lines end in a bare carriage return (an old Mac export) reads as one line.
    if "\r" in line.rstrip("\r\n"):
        raise RawFileError(
            member.describe(),
            "ends its lines with a bare carriage return (an old Mac export)",
            "the report saved again as CSV UTF-8, with Windows or Unix line endings",
        )
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error as err:
        raise RawFileError(
            member.describe(),
            f"cannot be read as CSV in its header ({csv_problem(err)})",
            CSV_AS_EXPORTED,
        ) from None


def _decoded(data: bytes, member: Member) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise RawFileError(
            member.describe(),
            f"is not UTF-8 text (byte 0x{data[err.start]:02x} in the header)",
            "a CSV file saved as UTF-8",
        ) from None


def _stage_lenient(
    con: duckdb.DuckDBPyConnection,
    member: Member,
    layout: Layout,
    secret: bytes,
    cache: KeyCache,
) -> StagedFile:
    """Python's csv reader: every row numbered by its last line, ragged rows caught."""
    with member.opener() as raw_stream:
        hashing = HashingReader(raw_stream)
        text = io.TextIOWrapper(io.BufferedReader(hashing), encoding="utf-8-sig", newline="")
        try:
            reader = csv.reader(text, delimiter=layout.delimiter)
            for cells, numbers, problems in _lenient_batches(reader, layout):
                columns = {f"f{i}": pa.array(cells[i], pa.string()) for i in range(layout.width)}
                _stage_batch(
                    con,
                    member,
                    layout,
                    pa.table(columns),
                    pa.array(numbers, pa.int64()),
                    pa.array(problems, pa.string()),
                    secret,
                    cache,
                )
        except UnicodeDecodeError as err:
            raise RawFileError(
                member.describe(),
                f"is not UTF-8 text ({err.reason} near byte {err.start} of a block)",
                "a CSV file saved as UTF-8",
            ) from None
        except csv.Error as err:
            raise RawFileError(
                member.describe(),
                f"cannot be read as CSV at line {reader.line_num} ({csv_problem(err)})",
                CSV_AS_EXPORTED,
            ) from None
    return _finish(con, member, layout.source, hashing.hexdigest())


def _lenient_batches(
    reader, layout: Layout
) -> Iterator[tuple[list[list[str]], list[int], list[str | None]]]:
    """Data rows in batches, as columns of cells, each row's number and its shape problem.

    A row's number is the one a spreadsheet shows: the reader yields every record, a blank
    line as an empty one, so a record whose quoted cell spans two lines is still one row (its
    line number would count it twice)."""
    cells: list[list[str]] = [[] for _ in range(layout.width)]
    numbers: list[int] = []
    problems: list[str | None] = []
    for number, row in enumerate(reader, start=1):
        if number <= layout.header_row:
            continue
        filled = trim_trailing_blanks(row)
        if not filled:
            continue
        problem = _shape_problem(row, filled, layout)
        if problem:
            row = [""] * layout.width
        for index in range(layout.width):
            cells[index].append(row[index] if index < len(row) else "")
        numbers.append(number)
        problems.append(problem)
        if len(numbers) == BATCH_ROWS:
            yield cells, numbers, problems
            cells, numbers, problems = [[] for _ in range(layout.width)], [], []
    if numbers:
        yield cells, numbers, problems


def _shape_problem(row: list[str], filled: list[str], layout: Layout) -> str | None:
    """Why a row's cells cannot be trusted, if they cannot: more filled cells than the header
    has, or fewer cells than its named columns (a cell missing, or a line break splitting a
    record). Either way a cell has shifted, and an e-mail or a name may sit under any header,
    so none of the row's cells is kept. Trailing blank cells are padding, not cells."""
    expected = len(layout.header)
    if len(filled) > layout.width:
        cells = len(filled)
    elif len(row) < expected:
        cells = len(row)
    else:
        return None
    return (
        f"{cells} cells where {expected} were expected "
        "(its cells are not kept: a shifted cell may hold personal data)"
    )


def _stage_batch(
    con: duckdb.DuckDBPyConnection,
    member: Member,
    layout: Layout,
    rows: pa.Table,
    numbers: pa.Array,
    problems: pa.Array | None,
    secret: bytes,
    cache: KeyCache,
) -> None:
    """Pseudonymise one batch, drop its personal columns, and append it to the staging table."""
    if problems is None:
        problems = pa.nulls(len(rows), pa.string())
    # Wholly blank rows carry nothing (the fast reader keeps rows of bare commas); a ragged
    # row's cells were blanked by the lenient reader, but the row itself is kept.
    filled = pc.or_(pc.invert(_all_blank(rows)), pc.is_valid(problems))
    rows, numbers, problems = rows.filter(filled), numbers.filter(filled), problems.filter(filled)
    positions = layout.columns.positions
    staged: dict[str, pa.Array | pa.ChunkedArray] = {"source_row": numbers, "problem": problems}
    if layout.source.identifying_columns:
        identifiers = {
            c.identifies: rows.column(f"f{positions[c.name]}")
            for c in layout.source.identifying_columns
            if c.name in positions
        }
        staged["officer_key"], staged["key_basis"] = officer_keys(identifiers, secret, cache)
        staged["phone_key"] = phone_keys(identifiers, secret, cache)
    for column in layout.source.stored_columns:
        staged[f"c_{column.name}"] = (
            rows.column(f"f{positions[column.name]}")
            if column.name in positions
            else pa.nulls(len(rows), pa.string())
        )
    for index in layout.kept_extras:
        staged[f"x_{index}"] = rows.column(f"f{index}")
    batch = pa.table(staged)
    del rows  # the only object holding personal values; not handed on
    con.register("officer_batch", batch)
    try:
        con.execute(
            f"insert into {staging_table(layout.source)} by name "
            + typed_batch_sql(layout.source, member, layout.kept_extras)
        )
    finally:
        con.unregister("officer_batch")


def typed_batch_sql(source: Source, member: Member, kept_extras: dict[int, str]) -> str:
    """The rows of `officer_batch` (text cells, keys, line numbers) typed and judged, as the
    staging table holds them: typing in the same statement that stages a batch spares a
    second pass over a delivery's millions of rows.

    The typing is the same SQL as every other source's (`typing_sql.py`). A quarantined row
    keeps its cells as text in `raw_cells`; personal columns were never in the batch.
    """
    extras = (
        "json_object("
        + ", ".join(f"{sql_literal(text)}, x_{i}" for i, text in kept_extras.items())
        + ")"
        if kept_extras
        else "cast(null as json)"
    )
    typed = [f"{parse_expression(c, f'c_{c.name}')} as {c.name}" for c in source.stored_columns]
    reasons = [
        reason_expression(c, f"c_{c.name}", c.name, c.header, "false")
        for c in source.stored_columns
    ]
    if source.identifying_columns:
        reasons.append(f"case when officer_key is null then {sql_literal(NO_IDENTIFIER)} end")
    keys = ["officer_key", "key_basis", "phone_key"] if source.identifying_columns else []
    cells = (
        "json_object("
        + ", ".join(f"{sql_literal(c.header)}, c_{c.name}" for c in source.stored_columns)
        + ")"
        if source.stored_columns
        else "json_object()"
    )
    raw_cells = f"json_merge_patch(coalesce(extra_columns, json_object()), {cells})"
    member_name = sql_literal(member.member) if member.member else "null"
    return f"""
        with typed as (
            select
                *,
                {"".join(value + ", " for value in typed)}
                {extras} as extra_columns
            from officer_batch
        ),
        judged as (
            select
                *,
                coalesce(
                    problem, nullif(concat_ws('; ', {", ".join(reasons) or "null"}), '')
                ) as reason
            from typed
        )
        select
            {sql_literal(member.source_file)} as source_file,
            {member_name} as source_member,
            {sql_literal(member.load_name)} as load_name,
            source_row,
            {"".join(name + ", " for name in [*keys, *(c.name for c in source.stored_columns)])}
            extra_columns,
            reason,
            -- Only quarantined rows keep their cells; a ragged row keeps none.
            case
                when problem is not null then json_object()
                when reason is not null then {raw_cells}
            end as raw_cells
        from judged
    """


def _all_blank(rows: pa.Table) -> pa.ChunkedArray | pa.Array:
    """Which rows have no filled cell. Column by column, stopping once no row is left blank:
    in a report almost every row's first cells are filled, so one or two columns decide."""
    blank = pa.chunked_array([pa.array(np.ones(len(rows), dtype=bool))])
    for column in rows.columns:
        if not pc.any(blank).as_py():
            break
        empty = pc.equal(pc.utf8_trim_whitespace(pc.fill_null(column, "")), "")
        blank = pc.and_(blank, empty)
    return blank


def staging_table(source: Source) -> str:
    return f"officer_staging_{source.name}"


def create_staging_table(con: duckdb.DuckDBPyConnection, source: Source) -> None:
    """One report's rows of the delivery being loaded, typed and judged, without personal
    columns: what the load then routes to its raw table or to quarantine."""
    keys = (
        ["officer_key varchar", "key_basis varchar", "phone_key varchar"]
        if source.identifying_columns
        else []
    )
    typed = [f"{c.name} {SQL_TYPES[c.kind]}" for c in source.stored_columns]
    con.execute(
        f"create or replace temp table {staging_table(source)} ("
        + ", ".join(
            [
                "source_file varchar",
                "source_member varchar",
                "load_name varchar",
                "file_sha256 varchar",
                "source_row bigint",
                *keys,
                *typed,
                "extra_columns json",
                "reason varchar",
                "raw_cells json",
            ]
        )
        + ")"
    )


def delete_staged(con: duckdb.DuckDBPyConnection, source: Source, member: Member) -> None:
    con.execute(f"delete from {staging_table(source)} where load_name = ?", [member.load_name])


def _finish(
    con: duckdb.DuckDBPyConnection, member: Member, source: Source, sha256: str
) -> StagedFile:
    con.execute(
        f"update {staging_table(source)} set file_sha256 = ? where load_name = ?",
        [sha256, member.load_name],
    )
    staged = con.execute(
        f"select count(*) from {staging_table(source)} where load_name = ?", [member.load_name]
    ).fetchall()[0][0]
    return StagedFile(member, source, sha256, staged)
