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
CLOCK_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")
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


def _cell(ref: str) -> str:
    return f"nullif(trim({ref}), '')"


def _timestamp(cell: str) -> str:
    def formats(listed: tuple[str, ...]) -> str:
        return "[" + ", ".join(sql_literal(f) for f in listed) + "]"

    return (
        f"case when {cell} ilike '%m' then try_strptime({cell}, {formats(AM_PM_FORMATS)}) "
        f"else try_strptime({cell}, {formats(CLOCK_FORMATS)}) end"
    )


def parse_expression(column: Column, ref: str) -> str:
    """The typed value of the cell, or null when it is blank or unreadable."""
    cell = _cell(ref)
    if column.kind == "text":
        return cell
    if column.kind == "timestamp":
        return _timestamp(cell)
    if column.kind == "date":
        return f"try_cast({cell} as date)"
    matches = f"regexp_full_match({cell}, {sql_literal(PATTERNS[column.kind])})"
    digits = f"replace(replace(replace({cell}, ',', ''), '%', ''), ' ', '')"
    sql_type = "bigint" if column.kind == "integer" else "double"
    return f"case when {matches} then cast({digits} as {sql_type}) end"


def reason_expression(
    column: Column, ref: str, typed_ref: str, header_in_file: str, exempt: str
) -> str:
    """Why the cell cannot be loaded, in words a person understands; null when it can.

    `typed_ref` is the cell's value from `parse_expression`: a filled cell it left null could
    not be read.
    """
    cell = _cell(ref)
    header = sql_literal(header_in_file)
    reasons = []
    if column.not_blank:
        reasons.append(f"when not ({exempt}) and {cell} is null then {header} || ' is blank'")
    if column.kind != "text":
        if column.kind == "date":
            unreadable = f"try_cast({cell} as date) is null"
        elif column.kind == "timestamp":
            # Parsing against several formats is dear: the parsed value is reused.
            unreadable = f"{typed_ref} is null"
        else:
            unreadable = f"not regexp_full_match({cell}, {sql_literal(PATTERNS[column.kind])})"
        noun = sql_literal(f" is not {NOUNS[column.kind]} in column ")
        reasons.append(
            f"when {cell} is not null and {unreadable} "
            f"then '''' || {cell} || '''' || {noun} || {header}"
        )
    if not reasons:
        return "null"
    return "case " + " ".join(reasons) + " end"
