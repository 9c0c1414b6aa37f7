"""SQL that turns a text cell into a typed value, and says in plain words why it cannot.

Each kind of column has one parse expression and one reason expression over the same cell; the
loader runs them for every row at once inside DuckDB. Numbers may use Indian (13,89,815) or
international (1,389,815) digit grouping; percentages may carry a % sign.
"""

from dagster_project.ingest.sources import Column

GROUPED = r"(\d+|\d{1,3}(,\d{3})+|\d{1,2}(,\d{2})*,\d{3})"
PATTERNS = {
    "integer": GROUPED,
    "decimal": GROUPED + r"(\.\d+)?",
    "percent": GROUPED + r"(\.\d+)?\s*%?",
    "date": r"\d{4}-\d{2}-\d{2}",
}
# Officer reports print times as `2026-03-30 17:23:00` or `2026-04-02 06:30:12 AM`, sometimes
# a bare date; they are IST wall-clock times and are kept as printed (a naive timestamp). A
# format that does not match costs as much as one that does, so AM/PM times get their own list.
# ISO's `2026-04-02T06:30:12` (a re-export by another tool) comes last, where it costs only the
# cells no other format reads.
CLOCK_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S")
AM_PM_FORMATS = ("%Y-%m-%d %I:%M:%S %p", "%Y-%m-%d %I:%M %p")
NOUNS = {
    "integer": "a whole number",
    "decimal": "a number",
    "percent": "a percentage",
    "date": "a date (YYYY-MM-DD)",
    "timestamp": "a time (YYYY-MM-DD HH:MM:SS, with or without AM/PM)",
}


def sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _cell(ref: str, kind: str = "text") -> str:
    """The cell trimmed, null when blank. In a number, date or time a no-break space (U+00A0,
    U+202F: what a spreadsheet puts in `68.27 %`) is a space; DuckDB's trim and RE2's \\s
    take neither."""
    if kind != "text":
        ref = f"replace(replace({ref}, chr(160), ' '), chr(8239), ' ')"
    return f"nullif(trim({ref}), '')"


def _timestamp(cell: str) -> str:
    def formats(listed: tuple[str, ...]) -> str:
        return "[" + ", ".join(sql_literal(f) for f in listed) + "]"

    return (
        f"case when {cell} ilike '%m' then try_strptime({cell}, {formats(AM_PM_FORMATS)}) "
        f"else try_strptime({cell}, {formats(CLOCK_FORMATS)}) end"
    )


def _matches(column: Column, cell: str) -> str:
    return f"regexp_full_match({cell}, {sql_literal(PATTERNS[column.kind])})"


def _number(column: Column, cell: str) -> str:
    """The cell as a number once its grouping commas, % sign and spaces are gone; null when
    it does not fit the column's type (more than BIGINT holds), never an error that would
    abort the load."""
    digits = f"replace(replace(replace({cell}, ',', ''), '%', ''), ' ', '')"
    return f"try_cast({digits} as {'bigint' if column.kind == 'integer' else 'double'})"


def _fits(column: Column, cell: str) -> str:
    """A well-formed number that its column can hold (a double of 400 digits is infinite)."""
    number = _number(column, cell)
    return f"{number} is not null" if column.kind == "integer" else f"isfinite({number})"


def parse_expression(column: Column, ref: str) -> str:
    """The typed value of the cell, or null when it is blank or unreadable."""
    cell = _cell(ref, column.kind)
    if column.kind == "text":
        return cell
    if column.kind == "timestamp":
        return _timestamp(cell)
    if column.kind == "date":
        return f"try_cast({cell} as date)"
    return (
        f"case\n    when {_matches(column, cell)}\n        and {_fits(column, cell)}\n"
        f"        then {_number(column, cell)}\nend"
    )


def reason_expression(
    column: Column, ref: str, typed_ref: str, header_in_file: str, exempt: str
) -> str:
    """Why the cell cannot be loaded, in words a person understands; null when it can.

    `typed_ref` is the cell's value from `parse_expression`: a filled cell it left null could
    not be read.
    """
    cell = _cell(ref, column.kind)
    header = sql_literal(header_in_file)
    # (conditions, reason); the first that holds is the reason, as in a SQL case.
    reasons: list[tuple[list[str], str]] = []
    if column.not_blank:
        reasons.append(([f"not ({exempt})", f"{cell} is null"], f"{header} || ' is blank'"))
    if column.kind != "text":
        if column.kind == "date":
            unreadable = f"try_cast({cell} as date) is null"
        elif column.kind == "timestamp":
            # Parsing against several formats is dear: the parsed value is reused.
            unreadable = f"{typed_ref} is null"
        else:
            unreadable = f"not {_matches(column, cell)}"
        noun = sql_literal(f" is not {NOUNS[column.kind]} in column ")
        reasons.append(
            ([f"{cell} is not null", unreadable], f"'''' || {cell} || '''' || {noun} || {header}")
        )
    if column.kind in ("integer", "decimal", "percent"):
        # Well formed (the reason above did not hold) but more than the column's type holds.
        too_large = sql_literal(" is too large for column ")
        reasons.append(
            (
                [f"{cell} is not null", f"not coalesce({_fits(column, cell)}, false)"],
                f"{cell} || {too_large} || {header}",
            )
        )
    if not reasons:
        return "null"
    whens = [
        "    when " + "\n        and ".join(conditions) + f"\n        then {reason}"
        for conditions, reason in reasons
    ]
    return "case\n" + "\n".join(whens) + "\nend"
