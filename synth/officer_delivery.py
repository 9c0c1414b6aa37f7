"""Officer-level deliveries: for the first few states, a folder `officers/<state>_<date>/` per
report date with iGOT's per-officer reports, and `reference/officer_bands.csv`.

A state's officers depend only on (seed, state, number of officers, its MDO names), and every
report date is the same timeline seen at another moment (officer_enrolments.py), so a delivery
of 2 April is the one of 26 March a week on. The planted MDO defects (an MDO whose officers
have no Department, an MDO the MDO report does not list) are the same on every date.
"""

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from synth.officer_content import build_contents, read_annexure
from synth.officer_enrolments import build_enrolments
from synth.officer_files import Delivery
from synth.officer_manifest import entry
from synth.officer_people import NEW_MDO, Officers, Organisation, build_officers, seconds
from synth.officer_reports import write_day
from synth.officer_vocabulary import BANDS
from synth.randomness import array_stream, stream

LAST_REPORT_DATE = dt.date(2026, 4, 2)
REPORT_TIME = dt.time(6, 30, 12)
DAYS_APART = 7
DEFAULT_PASSWORD = "synthetic-2026"
BANDS_FILE = "reference/officer_bands.csv"
FOLDER_README = "README.md"
FORMATS = ("none", "zip", "csv")

# Officer-level variants of the sizes: states with a delivery, officers per state, report dates
# and ZIPs per delivery (when written as ZIPs).
OFFICER_SIZES = {
    "small": {"officer_states": 2, "officers": 300, "officer_days": 2, "zips": 3},
    "medium": {"officer_states": 3, "officers": 20_000, "officer_days": 2, "zips": 4},
    "large": {"officer_states": 4, "officers": 100_000, "officer_days": 1, "zips": 6},
    "bihar": {"officer_states": 1, "officers": 500_000, "officer_days": 2, "zips": 8},
}


def report_dates(days: int) -> list[dt.date]:
    """`days` report dates a week apart, the last 2 April 2026 (after the 31 March deadline)."""
    return [LAST_REPORT_DATE - dt.timedelta(days=DAYS_APART * k) for k in range(days - 1, -1, -1)]


def report_moment(date: dt.date, seed: int, slug: str) -> dt.datetime:
    """When iGOT generated the report: early morning of the report date."""
    jitter = stream(seed, slug, date.isoformat(), "generated").randrange(0, 1800)
    return dt.datetime.combine(date, REPORT_TIME) + dt.timedelta(seconds=jitter)


@dataclass
class StateOfficers:
    planted: list[dict] = field(default_factory=list)
    expected: list[dict] = field(default_factory=list)
    bands: list[tuple[str, str]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    officers: int = 0
    user_rows: int = 0
    enrolment_rows: int = 0
    cbp_rows: int = 0
    bytes: int = 0


def plant_mdo_defects(rng, organisation: Organisation, officers: Officers) -> list[dict]:
    """An MDO whose officers' rows have a blank Department, and officers of a department filed
    under an MDO the MDO report does not list. Returns manifest fields (no state or date)."""
    planted = []
    mdo_rows = np.unique(officers.mdo)
    bodies = [
        m for m in mdo_rows.tolist() if organisation.departments[m] != organisation.mdo_names[m]
    ]
    if bodies:
        orphan = bodies[int(rng.integers(0, len(bodies)))]
        cell = organisation.departments[orphan]
        for i in np.flatnonzero(officers.mdo == orphan).tolist():
            officers.departments[i] = None
        planted.append(
            {
                "issue_type": "mdo_without_department",
                "department": None,
                "mdo_name": organisation.mdo_names[orphan],
                "column": "Department",
                "detail": f"every officer of this MDO has a blank Department (the MDO report "
                f"files it under '{cell}')",
                "expected": "finding 'MDO with no department'; its officers are kept",
            }
        )
    home = _new_mdo_home(organisation, officers)
    cell = organisation.departments[home]
    movers = np.flatnonzero(officers.mdo == home)
    count = min(len(movers), max(2, round(0.3 * len(movers))))
    movers = np.sort(rng.choice(movers, size=count, replace=False))
    for i in movers.tolist():
        officers.mdo_names[i] = NEW_MDO
        officers.departments[i] = cell or None
    if len(movers):
        planted.append(
            {
                "issue_type": "mdo_not_in_mdo_report",
                "department": cell or None,
                "mdo_name": NEW_MDO,
                "column": "MDO_Name",
                "detail": f"{len(movers)} officers of an MDO the state's MDO report does not list",
                "expected": "finding 'officers of an MDO missing from the MDO report'",
            }
        )
    return planted


def _new_mdo_home(organisation: Organisation, officers: Officers) -> int:
    """The department whose officers move to the unlisted MDO: General Administration if it
    has a few officers, else the department with the most."""
    counts = np.bincount(officers.mdo, minlength=len(organisation.mdo_names))
    general = organisation.department_row("General Administration")
    if counts[general] >= 4:
        return general
    own_rows = [
        row
        for row, name in enumerate(organisation.mdo_names)
        if name == organisation.departments[row]
    ]
    return max(own_rows, key=lambda row: (counts[row], -row)) if own_rows else general


def generate_state_officers(
    organisation: Organisation, params, raw: Path, fmt: str, password: str
) -> StateOfficers:
    """Every report date's delivery of one state."""
    state = organisation.state
    key = (params.seed, state.slug, params.officers, len(organisation.mdo_names))
    rng = array_stream(*key, "officers")
    officers = build_officers(rng, organisation, params.officers)
    mdo_planted = plant_mdo_defects(rng, organisation, officers)
    contents = build_contents(array_stream(*key, "contents"), read_annexure())
    dates = report_dates(params.officer_days)
    moments = [report_moment(d, params.seed, state.slug) for d in dates]
    enrolments = build_enrolments(
        array_stream(*key, "enrolments"), officers, contents, seconds(moments[-1])
    )
    output = StateOfficers(officers=officers.count)
    for date, moment in zip(dates, moments, strict=True):
        folder = raw / "officers" / f"{state.slug}_{date.isoformat()}"
        delivery = Delivery(
            organisation,
            date,
            moment,
            folder,
            raw,
            params.zips if fmt == "zip" else 0,
            password,
            params.seed,
        )
        day = write_day(delivery, officers, contents, enrolments)
        for fields in mdo_planted:
            day.planted.append(
                entry(delivery, source_file=delivery.folder.relative_to(raw).as_posix(), **fields)
            )
        output.planted += day.planted
        output.expected += day.expected
        output.files += day.files
        output.user_rows += day.user_rows
        output.enrolment_rows += day.enrolment_rows
        output.cbp_rows += day.cbp_rows
        output.bytes += day.bytes + write_folder_readme(folder, delivery, password)
    output.bands = officer_bands(rng, officers)
    return output


def officer_bands(rng, officers: Officers) -> list[tuple[str, str]]:
    """(Email, Band) for the officers whose band the state knows; a tenth of the e-mails in
    another case than the reports print them (the key ignores case)."""
    rows = np.flatnonzero(officers.band_known).tolist()
    recased = (rng.random(len(rows)) < 0.1).tolist()
    out = []
    for i, other in zip(rows, recased, strict=True):
        email = officers.email_flipped[i] if other else officers.email_printed[i]
        out.append((email, BANDS[officers.band[i]]))
    return out


def write_bands(raw: Path, rows: list[tuple[str, str]]) -> int:
    path = raw / BANDS_FILE
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["Email", "Band"])
        writer.writerows(rows)
    return path.stat().st_size


def write_folder_readme(folder: Path, delivery: Delivery, password: str) -> int:
    packed = (
        f"packed in {delivery.zips} password-protected ZIPs (ZipCrypto, password "
        f"`{password}`, as IGOT_REPORTS_ZIP_PASSWORD)"
        if delivery.zips
        else "as bare CSVs"
    )
    text = f"""# Synthetic officer-level reports

This folder is synthetic: `user-report.csv` and `user-enrollment-report.csv` in exactly the
format of iGOT's MDO portal, {packed}, generated by `synth` for
{delivery.state.name} as of {delivery.moment:%Y-%m-%d %H:%M:%S}. Every name, e-mail (under the
reserved `.example` domain), phone number and employee id is made up. The MDO names are
those of {delivery.organisation.source}. The file names are the portal's (the ZIPs' say
`synthetic`), so the pipeline recognises them; the planted defects are listed in manifest.json
beside the raw folder. README files are not deliveries: discovery ignores this one.
"""
    path = folder / FOLDER_README
    path.write_text(text, encoding="utf-8", newline="\n")
    return path.stat().st_size
