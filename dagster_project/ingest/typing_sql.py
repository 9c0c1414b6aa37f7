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
NOUNS = {
    "integer": "a whole number",
    "decimal": "a number",
    "percent": "a percentage",
    "date": "a date (YYYY-MM-DD)",
}


def sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _cell(ref: str) -> str:
    return f"nullif(trim({ref}), '')"


def parse_expression(column: Column, ref: str) -> str:
    """The typed value of the cell, or null when it is blank or unreadable."""
    cell = _cell(ref)
    if column.kind == "text":
        return cell
    if column.kind == "date":
        return f"try_cast({cell} as date)"
    matches = f"regexp_full_match({cell}, {sql_literal(PATTERNS[column.kind])})"
    digits = f"replace(replace(replace({cell}, ',', ''), '%', ''), ' ', '')"
    sql_type = "bigint" if column.kind == "integer" else "double"
    return f"case\n    when {matches}\n        then cast({digits} as {sql_type})\nend"


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
        reasons.append((f"not ({exempt}) and {cell} is null", f"{header} || ' is blank'"))
    if column.kind != "text":
        unreadable = (
            f"try_cast({cell} as date) is null"
            if column.kind == "date"
            else f"not regexp_full_match({cell}, {sql_literal(PATTERNS[column.kind])})"
        )
        noun = sql_literal(f" is not {NOUNS[column.kind]} in column ")
        reasons.append(
            (
                f"{cell} is not null and {unreadable}",
                f"'''' || {cell} || '''' || {noun} || {header}",
            )
        )
    if not reasons:
        return "null"
    whens = [f"    when {test}\n        then {reason}" for test, reason in reasons]
    return "case\n" + "\n".join(whens) + "\nend"
