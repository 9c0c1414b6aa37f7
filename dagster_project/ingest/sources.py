"""The input contract: which files are expected under IGOT_RAW_DIR and what their columns mean.

Each `Source` describes one kind of delivered file: the folder and file-name pattern it arrives
under, the raw table it loads into, and its columns with the header spellings seen in the wild.
"""

import re
from dataclasses import dataclass, field
from typing import Literal

ColumnKind = Literal["text", "integer", "decimal", "percent", "date", "timestamp"]

SQL_TYPES: dict[ColumnKind, str] = {
    "text": "varchar",
    "integer": "bigint",
    "decimal": "double",
    "percent": "double",
    "date": "date",
    "timestamp": "timestamp",
}


# A label cell reading one of these (ignoring case, spaces and punctuation) marks a printed
# total row, not an MDO: "Total", "Grand Total", a department's "Sub Total", a "State Total",
# and the Hindi कुल ("total") and कुल योग.
TOTAL_ROW_WORDS = ("total", "grand total", "sub total", "state total", "कुल", "कुल योग")
# What normalise_header keeps of a text: digits, Latin letters and Devanagari, less the danda
# and double danda (। ॥), which are Hindi punctuation: 'कुल योग।' is 'कुल योग'.
HEADER_CHARACTERS = "0-9a-z\u0900-\u0963\u0966-\u097f"


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
    # Personal data (a name, e-mail, phone, employee or certificate id): read only to derive
    # the officer's pseudonymous key, never written anywhere (see ingest/pseudonyms.py).
    personal: bool = False
    # For a personal column that identifies the officer: the key basis it gives
    # ('email', 'employee_id' or 'phone'), tried in the order the columns are listed.
    identifies: str = ""

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
    # Officer reports come inside ZIPs under any name: the CSV names that say which report a
    # file is (lower case). A file of another name is recognised by its header instead.
    file_names: tuple[str, ...] = ()

    def matches(self, stem: str) -> re.Match | None:
        return re.fullmatch(self.stem_pattern, stem)

    def expected_columns(self) -> str:
        return ", ".join(c.header for c in self.columns if c.required)

    @property
    def stored_columns(self) -> tuple[Column, ...]:
        """The columns written to the raw table: all but the personal ones."""
        return tuple(c for c in self.columns if not c.personal)

    @property
    def identifying_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.identifies)


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
        # Whom a mandate binds and how its courses count (officer-level tracking). Optional,
        # so a mandates file written before them still loads: blank applies to every state and
        # department, and dbt reads a blank Counting as per_domain.
        Column("applies_to_state", "Applies To State", required=False),
        Column("applies_to_department", "Applies To Department", required=False),
        Column("counting", "Counting", aliases=("Counting Rule",), required=False),
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


# --- Officer-level reports (the MDO portal's reports.zip) -----------------------------------
#
# Delivered as `officers/<state>_<YYYY-MM-DD>/`: the downloaded reports.zip files and/or the
# CSVs from them. They name real people, so their personal columns are marked and never stored:
# the officer becomes a keyed hash (officer_key) at the door. They are not in SOURCES: the
# generic loader would store every column; `ingest/officer_loader.py` loads them instead.

OFFICER_FOLDER = "officers"
OFFICER_DELIVERY = rf"(?P<state>[a-z][a-z0-9_-]*?)_(?P<report_date>{DATE}){SYNTHETIC}"
OFFICER_FILE_FIELDS = (FileField("state", "text"), FileField("report_date", "date"))


def _personal(name: str, header: str, *aliases: str, identifies: str = "") -> Column:
    return Column(
        name, header, aliases=aliases, required=False, personal=True, identifies=identifies
    )


FULL_NAME = _personal("full_name", "Full_Name", "Name", "Full Name", "Officer Name", "User Name")
EMAIL = _personal(
    "email", "Email", "E-mail", "Email Id", "Email Address", "Email_Id", identifies="email"
)
PHONE = _personal(
    "phone", "Phone_Number", "Phone", "Mobile", "Mobile Number", "Phone No", identifies="phone"
)
EMPLOYEE_ID = _personal(
    "employee_id", "Employee_Id", "Employee Code", "Emp Id", identifies="employee_id"
)
EXTERNAL_SYSTEM_ID = _personal("external_system_id", "External_System_Id")
CERTIFICATE_ID = _personal("certificate_id", "Certificate_ID", "Certificate Id")


def _text(name: str, header: str, *aliases: str, required: bool = False) -> Column:
    return Column(name, header, aliases=aliases, required=required)


def _timestamp(name: str, header: str, *aliases: str) -> Column:
    return Column(name, header, "timestamp", aliases=aliases, required=False)


def _number(name: str, header: str, kind: ColumnKind, *aliases: str) -> Column:
    return Column(name, header, kind, aliases=aliases, required=False)


DESIGNATION = _text("designation", "Designation")
MDO_NAME = _text("mdo_name", "MDO_Name", "MDO Name", "MDO", required=True)
GROUP = _text("group_name", "Group", "Group Name")
TAG = _text("tag", "Tag")
MINISTRY = _text("ministry", "Ministry")
DEPARTMENT = _text("department", "Department", required=True)
ORGANIZATION = _text("organization", "Organization", "Organisation")
GENDER = _text("gender", "Gender")
CATEGORY = _text("category", "Category")
EXTERNAL_SYSTEM = _text("external_system", "External_System")
REPORT_GENERATED = _timestamp("report_last_generated_on", "Report_Last_Generated_On")

OFFICER_USERS = Source(
    name="officer_users",
    folder=OFFICER_FOLDER,
    stem_pattern="user-report",
    stem_example="user-report",
    extensions=(".csv",),
    description="iGOT user reports (user-report.csv): one row per officer, pseudonymised.",
    file_fields=OFFICER_FILE_FIELDS,
    file_names=("user-report.csv",),
    columns=(
        FULL_NAME,
        DESIGNATION,
        EMAIL,
        PHONE,
        MDO_NAME,
        GROUP,
        TAG,
        MINISTRY,
        DEPARTMENT,
        ORGANIZATION,
        _timestamp("user_registration_date", "User_Registration_Date"),
        _text("cadre", "Cadre"),
        _text("civil_service_type", "Civil Service Type", "Civil_Service_Type"),
        _text("civil_services", "Civil Services", "Civil_Services"),
        _text("cadre_batch", "Cadre Batch", "Cadre_Batch"),
        _text("is_from_organised_service", "Is From Organised Service of Govt"),
        _text("roles", "Roles"),
        GENDER,
        CATEGORY,
        EXTERNAL_SYSTEM,
        EXTERNAL_SYSTEM_ID,
        EMPLOYEE_ID,
        _timestamp("mdo_created_on", "MDO_Created_On"),
        _text("profile_status", "Profile_Status"),
        _number("weekly_claps", "weekly_claps_day_before_yesterday", "integer", "Weekly Claps"),
        _number("karma_points", "Karma_Points", "integer"),
        _number("event_enrolments", "Event_Enrolments", "integer", "Event Enrollments"),
        _number("event_completions", "Event_Completions", "integer"),
        _number("event_learning_hours", "Event_Learning_Hours", "decimal"),
        _number("course_enrolments", "Course_Enrolments", "integer", "Course Enrollments"),
        _number("course_completions", "Course_Completions", "integer"),
        _number("course_learning_hours", "Course_Learning_Hours", "decimal"),
        _number("total_enrolments", "Total_Enrolments", "integer", "Total Enrollments"),
        _number("total_completions", "Total_Completions", "integer"),
        _number("total_learning_hours", "Total_Learning_Hours", "decimal"),
        REPORT_GENERATED,
    ),
)

OFFICER_ENROLMENTS = Source(
    name="officer_enrolments",
    folder=OFFICER_FOLDER,
    stem_pattern="user-enrollment-report",
    stem_example="user-enrollment-report",
    extensions=(".csv",),
    description=(
        "iGOT consumption reports (user-enrollment-report.csv): one row per officer and "
        "enrolled content, pseudonymised."
    ),
    file_fields=OFFICER_FILE_FIELDS,
    file_names=("user-enrollment-report.csv", "user-enrolment-report.csv"),
    columns=(
        FULL_NAME,
        DESIGNATION,
        EMAIL,
        PHONE,
        MDO_NAME,
        GROUP,
        TAG,
        MINISTRY,
        DEPARTMENT,
        ORGANIZATION,
        _text("content_provider", "Content_Provider", "Provider", required=True),
        _text("content_name", "Content_Name", "Course Name", required=True),
        _text("content_type", "Content_Type"),
        _text("content_duration", "Content_Duration"),
        _text("batch_id", "Batch_Id"),
        _text("batch_name", "Batch_Name"),
        _timestamp("batch_start_date", "Batch_Start_Date"),
        _timestamp("batch_end_date", "Batch_End_Date"),
        _timestamp("enrolled_on", "Enrolled_On", "Enrollment Date", "Enrolled On Date"),
        _text("status", "Status", "Completion Status", required=True),
        _number(
            "content_progress_percentage",
            "Content_Progress_Percentage",
            "percent",
            "Progress Percentage",
            "Progress",
        ),
        _timestamp("last_published_on", "Last_Published_On"),
        _timestamp("content_retired_on", "Content_Retired_On"),
        _timestamp("completed_on", "Completed_On", "Completion Date"),
        _text("certificate_generated", "Certificate_Generated"),
        _number("user_rating", "User_Rating", "decimal"),
        GENDER,
        CATEGORY,
        EXTERNAL_SYSTEM,
        EXTERNAL_SYSTEM_ID,
        CERTIFICATE_ID,
        REPORT_GENERATED,
        _text("live_cbp_plan_mandate", "Live_CBP_Plan_Mandate"),
        EMPLOYEE_ID,
    ),
)

OFFICER_CBP_ENROLMENTS = Source(
    name="officer_cbp_enrolments",
    folder=OFFICER_FOLDER,
    stem_pattern="cbp-report-mdo-enrolment",
    stem_example="cbp-report-mdo-enrolment",
    extensions=(".csv",),
    description="CBP-plan allocations per officer (cbp-report-mdo-enrolment.csv), pseudonymised.",
    file_fields=OFFICER_FILE_FIELDS,
    file_names=("cbp-report-mdo-enrolment.csv", "cbp-report-mdo-enrollment.csv"),
    columns=(
        FULL_NAME,
        EMAIL,
        PHONE,
        EMPLOYEE_ID,
        MDO_NAME,
        GROUP,
        DESIGNATION,
        MINISTRY,
        DEPARTMENT,
        ORGANIZATION,
        _text("course_name", "Name of CBP Allocated Course", "CBP Allocated Course", required=True),
        _text("isapar", "isapar", "Is APAR"),
        _timestamp("allocated_on", "Allocated On", "Allocated_On"),
        _text("current_progress", "Current Progress", "Current_Progress"),
        _timestamp("due_date", "Due Date of Completion", "Due Date"),
        _timestamp("completed_on", "Actual Date of Completion", "Completed On"),
        REPORT_GENERATED,
    ),
)

# Its columns are not documented: every one is kept as text in extra_columns, except a header
# that looks personal, which is dropped (see PERSONAL_HEADER in ingest/officer_files.py).
OFFICER_CBP_SUMMARY = Source(
    name="officer_cbp_summary",
    folder=OFFICER_FOLDER,
    stem_pattern="cbp-report-mdo-summary",
    stem_example="cbp-report-mdo-summary",
    extensions=(".csv",),
    description="CBP-plan summaries per MDO (cbp-report-mdo-summary.csv), every column as text.",
    file_fields=OFFICER_FILE_FIELDS,
    file_names=("cbp-report-mdo-summary.csv",),
    columns=(),
)

OFFICER_BANDS = Source(
    name="officer_bands",
    folder="reference",
    stem_pattern="officer_bands",
    stem_example="officer_bands",
    extensions=(".csv",),
    description="Each officer's experience band (reference/officer_bands.csv), pseudonymised.",
    file_names=("officer_bands.csv",),
    columns=(
        EMAIL,
        EMPLOYEE_ID,
        Column(
            "band",
            "Band",
            aliases=("Experience Band", "Years of Experience/Role"),
            not_blank=True,
        ),
    ),
)

# The reports a delivery folder may hold, in the order a file's header is tried against them.
OFFICER_REPORTS: tuple[Source, ...] = (
    OFFICER_USERS,
    OFFICER_ENROLMENTS,
    OFFICER_CBP_ENROLMENTS,
    OFFICER_CBP_SUMMARY,
)
OFFICER_SOURCES: tuple[Source, ...] = (*OFFICER_REPORTS, OFFICER_BANDS)
