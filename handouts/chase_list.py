"""The chase list: the officers of a state who have not yet met a mandate, by name, with what each
still needs. `make chase-list STATE=bihar [DEPT=...] [MANDATE=...] OUT=file.csv`.

The warehouse knows officers only by `officer_key` (README, "Privacy design"), so the list is
put together outside it, on the nodal officer's machine, and never written back:

- who is not compliant, and how far each is from it, comes from `marts.officer_mandate_status`
  (the latest report date of the state) and the band lists from `marts.course_recommendation`;
- names, designations and e-mails come from the delivered files themselves, the reports.zip read
  in place with IGOT_REPORTS_ZIP_PASSWORD by the loader's own modules, each row's key
  recomputed with the installation's secret, exactly as the loader computed it.

The file holds personal data: it is written readable by its owner only (mode 0600), and the
command says so. Cells are escaped so that a spreadsheet shows a name like `=HYPERLINK(...)` as
text instead of running it.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa

from dagster_project import settings
from dagster_project.ingest.discovery import officer_deliveries
from dagster_project.ingest.errors import RawFileError
from dagster_project.ingest.loader import map_header
from dagster_project.ingest.officer_files import recognise
from dagster_project.ingest.pseudonyms import officer_keys, officer_secret
from dagster_project.ingest.readers import trim_trailing_blanks
from dagster_project.ingest.sources import OFFICER_ENROLMENTS, OFFICER_USERS
from dagster_project.ingest.zip_members import Member, check_opens, csv_members
from handouts.published import HandoutError, canonical_state, comparable, frame, marts
from streamlit_app.formatting import duration, indian_number, long_date, spreadsheet_safe

DOMAINS = ("AI", "Cybersecurity")
QUICKEST = 2  # courses suggested per domain still needed (3 for a mandate counted in total)
COLUMNS = {
    "name": "Name",
    "designation": "Designation",
    "email": "E-mail",
    "department": "Department",
    "mdo_name": "MDO",
    "mandate_id": "Mandate",
    "status": "Status",
    "still_needs": "Still needs",
    "quickest_courses": "Quickest courses on the band's list",
    "band": "Experience band",
    "report_date": "Report date",
}
STATUS_WORDS = {
    "in_progress": "in progress",
    "not_started": "not started",
    "completed_late": "completed after the due date (does not count)",
}


@dataclass(frozen=True)
class Person:
    name: str
    designation: str
    email: str


# --- what an officer still needs ------------------------------------------------------------


def still_needs(officer: pd.Series) -> list[tuple[str, int]]:
    """(domain, courses) the officer still lacks for the mandate; domain 'AI or Cybersecurity'
    for a mandate counted in total."""
    minimum = int(officer["min_courses"])
    if officer["counting"] == "total":
        missing = minimum - int(officer["counting_completions"])
        return [(" or ".join(DOMAINS), missing)] if missing > 0 else []
    done = {
        "AI": int(officer["counting_ai_completions"]),
        "Cybersecurity": int(officer["counting_cybersecurity_completions"]),
    }
    return [(domain, minimum - done[domain]) for domain in DOMAINS if done[domain] < minimum]


def quickest_courses(courses: pd.DataFrame, band: str, domain: str, count: int) -> list[str]:
    """The shortest courses of the band's Annexure-3 list in a domain ('AI or Cybersecurity':
    both), each once; for an unknown band, the shortest on any band's list."""
    domains = DOMAINS if domain not in DOMAINS else (domain,)
    listed = courses.loc[courses["domain"].isin(domains)]
    in_band = listed.loc[listed["experience_band"] == band]
    chosen = (in_band if not in_band.empty else listed).sort_values(
        ["duration_minutes", "course_name"], na_position="last"
    )
    chosen = chosen.drop_duplicates(["course_name", "provider"]).head(count)
    return [
        f"{row.course_name} ({row.provider}, {duration(row.duration_minutes)})"
        for row in chosen.itertuples()
    ]


def needs_in_words(officer: pd.Series, courses: pd.DataFrame) -> tuple[str, str]:
    """What the officer still needs, and the quickest courses that give it, as two cells."""
    needs, suggestions = [], []
    for domain, missing in still_needs(officer):
        needs.append(f"{missing} {domain} course{'s' if missing != 1 else ''}")
        count = QUICKEST if domain in DOMAINS else QUICKEST + 1
        quickest = quickest_courses(courses, officer["band"], domain, count)
        suggestions.append(f"{domain}: " + "; ".join(quickest))
    if officer["band"] == "unknown" and suggestions:
        suggestions.append("band unknown, so the shortest on any band's list")
    return ", ".join(needs), " | ".join(suggestions)


# --- who the officers are, from the delivered files -----------------------------------------


def delivered_people(
    files: tuple[Path, ...], raw_root: Path, password: str | None, secret: bytes, wanted: set[str]
) -> dict[str, Person]:
    """officer_key -> name, designation and e-mail of the `wanted` officers, from a delivery's
    user reports; from its enrolment reports only when it has no user report (the officers in
    scope are then the enrolment report's, as in the warehouse)."""
    members = [
        member
        for path in files
        for member in csv_members(path, path.relative_to(raw_root).as_posix(), password)
    ]
    check_opens(members)
    reports = {OFFICER_USERS.name: [], OFFICER_ENROLMENTS.name: []}
    for member in members:
        header = _header_of(member)
        source = recognise(member.file_name, header) if header else None
        if source is not None and source.name in reports:
            reports[source.name].append((member, source, header))
    people: dict[str, Person] = {}
    for member, source, header in reports[OFFICER_USERS.name] or reports[OFFICER_ENROLMENTS.name]:
        for key, person in _people_of(member, source, header, secret, wanted).items():
            people.setdefault(key, person)
    return people


def _header_of(member: Member) -> list[str]:
    with member.opener() as stream:
        for row in csv.reader(io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")):
            if trim_trailing_blanks(row):
                return [cell.strip() for cell in trim_trailing_blanks(row)]
    return []


PERSON_COLUMNS = ("full_name", "designation", "email")


def _people_of(
    member: Member, source, header: list[str], secret: bytes, wanted: set[str]
) -> dict[str, Person]:
    """The wanted officers of one report, read a row at a time, keeping only the columns that
    identify and name them (a report of lakhs of rows is never held whole)."""
    positions = map_header(header, source, member.describe()).positions
    identifying = {c.identifies: c.name for c in source.identifying_columns if c.name in positions}
    needed = list(dict.fromkeys([*identifying.values(), *PERSON_COLUMNS]))  # e-mail is both
    cells: dict[str, list[str | None]] = {name: [] for name in needed}
    with member.opener() as stream:
        rows = csv.reader(io.TextIOWrapper(stream, encoding="utf-8-sig", newline=""))
        next(row for row in rows if trim_trailing_blanks(row))  # the header
        for row in rows:
            for name in needed:
                index = positions.get(name)
                cells[name].append(row[index] if index is not None and index < len(row) else None)
    identifiers = {
        basis: pa.chunked_array([pa.array(cells[name], pa.string())])
        for basis, name in identifying.items()
    }
    keys, _ = officer_keys(identifiers, secret)
    people = {}
    for key, name, designation, email in zip(
        keys.to_pylist(), *(cells[column] for column in PERSON_COLUMNS), strict=True
    ):
        if key in wanted and key not in people:
            people[key] = Person(
                (name or "").strip(), (designation or "").strip(), (email or "").strip()
            )
    return people


# --- the list ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChaseList:
    state: str
    report_date: dt.date
    rows: pd.DataFrame  # COLUMNS, one row per officer and mandate not yet met
    not_in_files: int  # officers not compliant whose row the delivered files no longer hold


def chase_list(
    state: str,
    *,
    department: str | None = None,
    mandate: str | None = None,
    warehouse: Path | None = None,
    raw_root: Path | None = None,
    password: str | None = None,
    key_file: Path | None = None,
) -> ChaseList:
    """The officers of the state's latest report who do not yet meet the mandates."""
    raw_root = raw_root or settings.raw_dir()
    key_file = key_file or settings.officer_key_file()
    if not key_file.exists():
        raise HandoutError(
            f"The officer-key secret {key_file} does not exist, so the warehouse's officer keys "
            "cannot be matched to names: make the chase list on the installation that built "
            "the warehouse (or set IGOT_OFFICER_KEY_FILE to its secret)."
        )
    with marts(warehouse) as con:
        canonical = canonical_state(con, state, "officer_mandate_status")
        officers, report_date = _not_compliant(con, canonical, department, mandate)
        courses = frame(
            con,
            "select domain, experience_band, course_name, provider, duration_minutes "
            "from marts.course_recommendation",
        )
    files = _delivery_files(raw_root, canonical, report_date)
    people = delivered_people(
        files, raw_root, password, officer_secret(key_file), set(officers["officer_key"])
    )
    rows = []
    for officer in officers.itertuples(index=False):
        person = people.get(officer.officer_key)
        if person is None:
            continue
        series = pd.Series(officer._asdict())
        needs, quickest = needs_in_words(series, courses)
        rows.append(
            {
                "name": person.name,
                "designation": person.designation,
                "email": person.email,
                "department": officer.department,
                "mdo_name": officer.mdo_name,
                "mandate_id": officer.mandate_id,
                "status": STATUS_WORDS.get(officer.status, officer.status),
                "still_needs": needs,
                "quickest_courses": quickest,
                "band": officer.band,
                "report_date": report_date.isoformat(),
            }
        )
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    return ChaseList(canonical, report_date, table, len(officers) - len(table))


def _not_compliant(con, state: str, department: str | None, mandate: str | None):
    report_date = frame(
        con,
        "select max(report_date) as latest from marts.officer_mandate_status where state = ?",
        [state],
    )["latest"].iloc[0]
    report_date = pd.Timestamp(report_date).date()
    officers = frame(
        con,
        "select officer_key, mandate_id, department, mdo_name, band, counting, min_courses, "
        "counting_ai_completions, counting_cybersecurity_completions, counting_completions, "
        "status from marts.officer_mandate_status "
        "where state = ? and report_date = ? and not compliant "
        "order by department, mdo_name, mandate_id, officer_key",
        [state, report_date],
    )
    if department is not None:
        officers = officers.loc[_matching(officers["department"], department, "department")]
    if mandate is not None:
        officers = officers.loc[_matching(officers["mandate_id"], mandate, "mandate")]
    return officers, report_date


def _matching(values: pd.Series, typed: str, what: str) -> pd.Series:
    matches = values.map(comparable) == comparable(typed)
    if not matches.any():
        listed = ", ".join(sorted(set(values))) or "none"
        raise HandoutError(
            f"No officer who is not yet compliant is in a {what} called '{typed}' (the "
            f"{what}s with such officers: {listed})."
        )
    return matches


def _delivery_files(raw_root: Path, state: str, report_date: dt.date) -> tuple[Path, ...]:
    for delivery in officer_deliveries(raw_root):
        values = delivery.file_values
        if values.get("report_date") == report_date.isoformat() and comparable(
            values.get("state", "")
        ) == comparable(state):
            return delivery.files
    raise HandoutError(
        f"The delivery the warehouse counted, officers/<{state.lower()}>_{report_date}/, is no "
        f"longer under {raw_root}: the names come from it, so put it back (as delivered) first."
    )


# --- the file -------------------------------------------------------------------------------


def write_csv(table: pd.DataFrame, out: Path) -> None:
    """The list as CSV for Excel, readable by its owner only, no cell a formula."""
    safe = table.map(spreadsheet_safe).rename(columns=COLUMNS)
    data = safe.to_csv(index=False).encode("utf-8-sig")  # Excel reads Devanagari names right
    descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # a file that was there before keeps no wider mode
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make chase-list", description=__doc__.split("\n")[0])
    parser.add_argument("--state", required=True)
    parser.add_argument("--department")
    parser.add_argument("--mandate")
    parser.add_argument("--out", required=True, type=Path)
    args = parser.parse_args(argv)
    try:
        made = chase_list(
            args.state,
            department=args.department or None,
            mandate=args.mandate or None,
            password=settings.reports_zip_password(),
        )
    except (HandoutError, RawFileError) as error:
        print(str(error), file=sys.stderr)
        return 1
    write_csv(made.rows, args.out)
    officers = made.rows["email"].count() if not made.rows.empty else 0
    print(
        f"{args.out}: {indian_number(len(made.rows))} rows, one per officer and mandate not yet "
        f"met, {made.state}, report of {long_date(made.report_date)}."
    )
    print(
        f"WARNING: {args.out} holds PERSONAL DATA (names, designations, e-mails of "
        f"{indian_number(officers)} officer rows). It is readable by you only (mode 0600): do "
        "not put it on a shared drive or in the repository, send it only to whoever must "
        "chase these officers, and delete it when done.",
        file=sys.stderr,
    )
    if made.not_in_files:
        print(
            f"{indian_number(made.not_in_files)} officers counted as not compliant are not in "
            "the delivered files now (a file changed since the warehouse was built?): they are "
            "not listed. Rebuild the warehouse (make run) and make the list again.",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
