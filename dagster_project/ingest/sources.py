"""The input contract: which files are expected under IGOT_RAW_DIR and what their columns mean.

Each `Source` describes one kind of delivered file: the folder and file-name pattern it arrives
under, the raw table it loads into, and its columns with the header spellings seen in the wild.
"""

import re
from dataclasses import dataclass, field
from typing import Literal

ColumnKind = Literal["text", "integer", "decimal", "percent", "date"]

SQL_TYPES: dict[ColumnKind, str] = {
    "text": "varchar",
    "integer": "bigint",
    "decimal": "double",
    "percent": "double",
    "date": "date",
}


# A label cell reading one of these (ignoring case, spaces and punctuation) marks a printed
# total row, not an MDO: "Total", "Grand Total", and the Hindi कुल ("total") and कुल योग.
TOTAL_ROW_WORDS = ("total", "grand total", "कुल", "कुल योग")
# What normalise_header keeps of a text: digits, Latin letters and Devanagari.
HEADER_CHARACTERS = "0-9a-z\u0900-\u097f"


def normalise_header(text: str) -> str:
    """Compare headers ignoring case, spaces and punctuation; % and # become words."""
    spelled = text.lower().replace("%", " pct ").replace("#", " no ")
    return re.sub(f"[^{HEADER_CHARACTERS}]+", "", spelled)


@dataclass(frozen=True)
class Column:
    """One column of a delivered file and the raw-table column it loads into."""

    name: str
    header: str
    kind: ColumnKind = "text"
    aliases: tuple[str, ...] = ()
    required: bool = True  # the header must be present in the file
    not_blank: bool = False  # every data row must fill the cell

    def spellings(self) -> set[str]:
        return {normalise_header(h) for h in (self.header, *self.aliases)}


@dataclass(frozen=True)
class FileField:
    """A value taken from the file name, such as a report's state and as-of date."""

    name: str
    kind: ColumnKind


@dataclass(frozen=True)
class Source:
    """One kind of delivered file and its raw table."""

    name: str  # the raw table and the Dagster asset name
    folder: str
    stem_pattern: str  # regular expression over the lower-cased file name without extension
    stem_example: str
    extensions: tuple[str, ...]
    columns: tuple[Column, ...]
    description: str
    file_fields: tuple[FileField, ...] = ()
    # Rows whose label columns are all blank, or one of which reads "Total" (TOTAL_ROW_WORDS),
    # are the report's printed totals, not data.
    total_row_labels: tuple[str, ...] = ()
    totals_table: str = ""
    key: tuple[str, ...] = field(default=())  # identifies a file's snapshot, from file fields

    def matches(self, stem: str) -> re.Match | None:
        return re.fullmatch(self.stem_pattern, stem)

    def expected_columns(self) -> str:
        return ", ".join(c.header for c in self.columns if c.required)


DATE = r"\d{4}-\d{2}-\d{2}"
# Generated test data (`python -m synth`) is named '<usual name>_synthetic' and
# fills the Data Origin column, so it can never pass for a delivered report.
SYNTHETIC = r"(?:_synthetic)?"
DATA_ORIGIN = Column(
    "data_origin",
    "Data Origin",
    aliases=("Origin",),
    required=False,
)

MDO_REPORT = Source(
    name="mdo_report",
    folder="mdo",
    stem_pattern=rf"(?P<state>[a-z][a-z0-9_-]*?)_(?P<as_of_date>{DATE}){SYNTHETIC}",
    stem_example="bihar_2026-02-25",
    extensions=(".csv", ".xlsx"),
    description="Monthly MDO reports: one row per Ministry/Department/Organisation of a state.",
    file_fields=(FileField("state", "text"), FileField("as_of_date", "date")),
    key=("state", "as_of_date"),
    total_row_labels=("department", "mdo_name"),
    totals_table="mdo_report_totals",
    columns=(
        Column("department", "Department", aliases=("Department Name", "Parent Department")),
        Column(
            "mdo_name",
            "MDO Name",
            aliases=("Mido Name", "MDO", "Organisation Name"),
            not_blank=True,
        ),
        Column("onboarded", "Onboarded", "integer", aliases=("Onboarded Users",)),
        Column("active", "Active", "integer", aliases=("Active Users",)),
        Column("user_completions", "User Completions", "integer"),
        Column("total_enrollments", "Total Enrollments", "integer", aliases=("Total Enrolments",)),
        Column("total_completions", "Total Completions", "integer"),
        Column("total_hours", "Total Hours", "decimal", aliases=("Learning Hours",)),
        Column("courses_attempted", "Course Attempted", "integer", aliases=("Courses Attempted",)),
        Column("courses_passed", "Course Passed", "integer", aliases=("Courses Passed",)),
        Column(
            "pct_course_passed",
            "% Course Passed",
            "percent",
            aliases=("Course Passed %", "% Courses Passed", "Pass Percentage"),
        ),
        DATA_ORIGIN,
    ),
)

STATE_RANKING = Source(
    name="state_ranking",
    folder="ranking",
    stem_pattern=rf"ranking_(?P<edition_date>{DATE}){SYNTHETIC}",
    stem_example="ranking_2025-12-31",
    extensions=(".csv", ".xlsx"),
    description="State/UT ranking editions (Annexure 1): category, composite score and rank.",
    file_fields=(FileField("edition_date", "date"),),
    key=("edition_date",),
    columns=(
        Column("state", "State", aliases=("State/UT", "State / UT"), not_blank=True),
        Column("category", "Bucket", aliases=("Category", "State Category"), not_blank=True),
        Column("composite_score", "Composite Score", "decimal", not_blank=True),
        Column("rank", "Rank", "integer", not_blank=True),
        DATA_ORIGIN,
    ),
)

SERIAL = Column(
    "serial_no",
    "S.No",
    "integer",
    aliases=("#", "Sl No", "Serial No", "Serial Number"),
    required=False,
)

MARKETPLACE_COURSES = Source(
    name="marketplace_courses",
    folder="catalogue",
    stem_pattern="marketplace_courses",
    stem_example="marketplace_courses",
    extensions=(".csv", ".xlsx"),
    description="The iGOT Marketplace catalogue by theme (Annexure 2).",
    columns=(
        Column("theme", "Theme", not_blank=True),
        SERIAL,
        Column("course_name", "Course Name", not_blank=True),
        Column(
            "course_provider",
            "Course Provider",
            aliases=("Course Provider / Author", "Provider"),
            required=False,
        ),
        Column("course_link", "Course Link", aliases=("Link", "URL"), required=False),
    ),
)

RECOMMENDED_COURSES = Source(
    name="recommended_courses",
    folder="catalogue",
    stem_pattern="recommended_courses",
    stem_example="recommended_courses",
    extensions=(".csv", ".xlsx"),
    description="Recommended AI and Cybersecurity courses by experience band (Annexure 3).",
    columns=(
        Column("domain", "Domain", not_blank=True),
        Column(
            "experience_band",
            "Years of Experience/Role",
            aliases=("Experience Band", "Role"),
            not_blank=True,
        ),
        SERIAL,
        Column("course_name", "Course Name", not_blank=True),
        Column("course_provider", "Course Provider", aliases=("Provider",), required=False),
        Column("duration", "Duration", required=False),
    ),
)

STATE_CATEGORIES = Source(
    name="state_categories",
    folder="reference",
    stem_pattern="state_categories",
    stem_example="state_categories",
    extensions=(".csv",),
    description="The state categorisation framework: category by strength of state employees.",
    columns=(
        Column("category", "State Category", aliases=("Category",), not_blank=True),
        Column("employee_strength", "Strength of State Employees"),
        Column("min_employees", "Min Employees", "integer"),
        Column("max_employees", "Max Employees", "integer"),
    ),
)

MANDATES = Source(
    name="mandates",
    folder="reference",
    stem_pattern="mandates",
    stem_example="mandates",
    extensions=(".csv",),
    description="The asks in the letters: how many courses, in which domains, by when.",
    columns=(
        Column("mandate_id", "Mandate Id", not_blank=True),
        Column("issued_by", "Issued By"),
        Column("letter_reference", "Letter Reference"),
        Column("letter_date", "Letter Date", "date"),
        Column("audience", "Audience"),
        Column("ask", "Ask"),
        Column("domains", "Domains"),
        Column("min_courses", "Min Courses", "integer"),
        Column("due_date", "Due Date", "date", not_blank=True),
    ),
)

SOURCES: tuple[Source, ...] = (
    MDO_REPORT,
    STATE_RANKING,
    MARKETPLACE_COURSES,
    RECOMMENDED_COURSES,
    STATE_CATEGORIES,
    MANDATES,
)
