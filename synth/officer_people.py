"""Synthetic officers of one state: who they are, where they work, how they are identified.

Each officer belongs to an MDO of the state's organisation (the MDO names and Department cells
the state's MDO report prints, so the two reports reconcile) drawn in proportion to the MDO's
onboarded users. Names come from Faker's `en_IN` first- and last-name lists, drawn with NumPy
(calling Faker per officer would take minutes at Bihar's scale). E-mail addresses are under the
reserved `.example` top-level domain (RFC 2606), so none can be a real person's.
"""

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from faker.providers.person.en_IN import Provider as IndianNames

from synth.officer_vocabulary import (
    BAND_SHARES,
    BANDS,
    CATEGORIES,
    DESIGNATIONS_BY_BAND,
    GENDERS,
    GROUPS_BY_BAND,
    PROFILE_STATUSES,
    ROLES,
)
from synth.states import State

REGISTERED_FROM = dt.datetime(2021, 6, 1)
REGISTERED_UNTIL = dt.datetime(2025, 3, 31)
MDO_CREATED_FROM = dt.datetime(2021, 1, 1)
MDO_CREATED_UNTIL = dt.datetime(2023, 12, 31)
NEW_MDO = "State e-Governance Support Unit"  # filed by officers, absent from the MDO report

# How officers are identified: most by e-mail, the others by phone.
EMAIL_SHARE = 0.97
EMPLOYEE_ID_SHARE = 0.7
PHONE_SHARE = 0.85
COUNTRY_CODE_SHARE = 0.05
UPPER_CASE_EMAIL_SHARE = 0.01
BAND_KNOWN_SHARE = 0.6


def seconds(moment: dt.datetime) -> int:
    """Seconds since 1970 of a naive IST timestamp (kept naive, as the reports print it)."""
    return int((moment - dt.datetime(1970, 1, 1)).total_seconds())


@dataclass(frozen=True)
class Organisation:
    """A state's MDOs as its MDO report prints them, and how many users each has onboarded."""

    state: State
    mdo_names: list[str]
    departments: list[str]  # the Department cell per MDO ('' when the report has none)
    onboarded: np.ndarray
    source: str  # where the names come from, for the manifest

    @classmethod
    def from_structure(cls, structure, source: str) -> "Organisation":
        return cls(
            structure.state,
            list(structure.names),
            list(structure.cells),
            np.asarray(structure.params["target"], dtype=float),
            source,
        )

    @classmethod
    def from_report(cls, state: State, path: Path, source: str) -> "Organisation":
        """The MDOs of a delivered MDO report (rows with an MDO name; the first listing of
        an MDO listed twice), weighted by their printed Onboarded."""
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))[1:]
        names, departments, onboarded, seen = [], [], [], set()
        for row in rows:
            if len(row) < 3 or not row[1].strip() or row[1] in seen:
                continue
            seen.add(row[1])
            names.append(row[1])
            departments.append(row[0])
            onboarded.append(float(row[2]) if row[2].isdigit() else 1.0)
        return cls(state, names, departments, np.maximum(1.0, np.array(onboarded)), source)

    def department_row(self, words: str) -> int:
        """The row of the first department whose cell holds `words` (else the first row)."""
        for row, cell in enumerate(self.departments):
            if words.lower() in cell.lower() and cell == self.mdo_names[row]:
                return row
        return 0


@dataclass
class Officers:
    """One row per officer (the officer's index is the row)."""

    count: int
    mdo: np.ndarray  # index into the organisation's MDOs
    band: np.ndarray  # index into BANDS
    gender: np.ndarray
    full_name: list[str]
    email: list[str | None]
    email_printed: list[str | None]  # as the reports print it (a few in upper case)
    email_flipped: list[str | None]  # the other case, for re-listed rows
    phone: list[str | None]
    employee_id: list[str | None]
    registered: np.ndarray  # seconds
    columns: dict[str, list]  # the other user-report columns, ready to print
    band_known: np.ndarray  # listed in reference/officer_bands.csv
    unidentifiable: np.ndarray  # no e-mail, employee id or phone (planted)
    relisted: np.ndarray  # listed twice in the user report (planted)
    mdo_names: list[str]  # per officer, as printed
    departments: list[str | None]  # per officer, as printed (None for the planted blank)


def _choice(rng, options: tuple[tuple[str, float], ...], size: int) -> np.ndarray:
    weights = np.array([w for _, w in options])
    return rng.choice(len(options), size=size, p=weights / weights.sum())


def _pick(rng, count: int, pool: np.ndarray) -> np.ndarray:
    """`count` distinct members of pool, sorted (fewer if the pool is smaller)."""
    return np.sort(rng.choice(pool, size=min(count, len(pool)), replace=False))


def planted_count(rows: int, rate: float) -> int:
    return max(1, round(rows * rate))


def _names(rng, gender: np.ndarray) -> tuple[list[str], list[str]]:
    male = np.array(IndianNames.first_names_male, dtype=object)
    female = np.array(IndianNames.first_names_female, dtype=object)
    last = np.array(IndianNames.last_names, dtype=object)
    n = len(gender)
    first = np.where(
        gender == 1,
        female[rng.integers(0, len(female), n)],
        male[rng.integers(0, len(male), n)],
    )
    surname = last[rng.integers(0, len(last), n)]
    return first.tolist(), surname.tolist()


def _emails(rng, state: State, first, last, present: np.ndarray) -> list[str | None]:
    """Unique addresses: the officer's name and a number only that officer has."""
    n = len(first)
    numbers = (rng.permutation(n) + 101).tolist()
    official = rng.random(n) < 0.6
    domain = f"{state.slug.replace('_', '')}.gov.example"
    out: list[str | None] = []
    for i in range(n):
        if not present[i]:
            out.append(None)
            continue
        local = f"{first[i]}.{last[i]}{numbers[i]}".lower().replace(" ", "")
        out.append(f"{local}@{domain if official[i] else 'mail.example'}")
    return out


def _identifiers(rng, state: State, n: int) -> dict:
    """Which of e-mail, employee id and phone each officer has, and the latter two's values.

    An officer without an e-mail has a phone and no employee id: the consumption report has
    no Employee_Id column, so an officer known only by employee id could not be matched there.
    A few phones are printed with the country code (the key keeps the last 10 digits)."""
    has_email = rng.random(n) < EMAIL_SHARE
    has_id = (rng.random(n) < EMPLOYEE_ID_SHARE) & has_email
    has_phone = (rng.random(n) < PHONE_SHARE) | ~has_email
    unidentifiable = np.zeros(n, dtype=bool)
    unidentifiable[_pick(rng, planted_count(n, 0.0002), np.flatnonzero(has_email))] = True
    has_email &= ~unidentifiable
    has_id &= ~unidentifiable
    has_phone &= ~unidentifiable
    prefix = state.slug[:2].upper()
    ids = (rng.permutation(n) + 10_000_000).tolist()
    phones = (rng.integers(6, 10, n) * 1_000_000_000 + rng.integers(0, 1_000_000_000, n)).tolist()
    country_code = (rng.random(n) < COUNTRY_CODE_SHARE).tolist()
    return {
        "has_email": has_email,
        "unidentifiable": unidentifiable,
        "employee_id": [f"{prefix}{ids[i]}" if has_id[i] else None for i in range(n)],
        "phone": [
            (f"+91 {phones[i]}" if country_code[i] else str(phones[i])) if has_phone[i] else None
            for i in range(n)
        ],
    }


def _uniform_seconds(rng, start: dt.datetime, end: dt.datetime, n: int) -> np.ndarray:
    return rng.integers(seconds(start), seconds(end), n)


def as_text(values: np.ndarray, labels) -> list:
    """Codes -> printed labels ('' prints as a blank cell)."""
    table = np.array([label or None for label in labels], dtype=object)
    return table[values].tolist()


def build_officers(rng, organisation: Organisation, count: int) -> Officers:
    """`count` officers of the organisation, with the planted identity defects."""
    state = organisation.state
    weights = organisation.onboarded / organisation.onboarded.sum()
    mdo = rng.choice(len(weights), size=count, p=weights)
    band = rng.choice(len(BANDS), size=count, p=np.array(BAND_SHARES) / sum(BAND_SHARES))
    gender = _choice(rng, GENDERS, count)
    first, last = _names(rng, gender)
    ids = _identifiers(rng, state, count)
    email = _emails(rng, state, first, last, ids["has_email"])
    upper = (rng.random(count) < UPPER_CASE_EMAIL_SHARE) & ids["has_email"]
    printed = [e.upper() if e and u else e for e, u in zip(email, upper.tolist(), strict=True)]
    flipped = [
        (e.lower() if u else e.upper()) if e else None
        for e, u in zip(printed, upper.tolist(), strict=True)
    ]
    relisted = np.zeros(count, dtype=bool)
    relisted[_pick(rng, planted_count(count, 0.001), np.flatnonzero(ids["has_email"]))] = True

    group = np.empty(count, dtype=object)
    designation = np.empty(count, dtype=object)
    for b in range(len(BANDS)):
        rows = np.flatnonzero(band == b)
        groups = GROUPS_BY_BAND[b]
        group[rows] = np.array([g for g, _ in groups], dtype=object)[
            _choice(rng, groups, len(rows))
        ]
        names = np.array(DESIGNATIONS_BY_BAND[b], dtype=object)
        designation[rows] = names[rng.integers(0, len(names), len(rows))]
    senior = band <= 1
    cadre_batch = np.where(senior, rng.integers(1995, 2022, count), 0)
    events = rng.poisson(0.6, count)
    columns = {
        "designation": designation.tolist(),
        "group": group.tolist(),
        "gender": as_text(gender, [g for g, _ in GENDERS]),
        "category": as_text(_choice(rng, CATEGORIES, count), [c for c, _ in CATEGORIES]),
        "profile_status": as_text(
            _choice(rng, PROFILE_STATUSES, count), [p for p, _ in PROFILE_STATUSES]
        ),
        "roles": as_text(_choice(rng, ROLES, count), [r for r, _ in ROLES]),
        "cadre": [
            "State Administrative Service" if s and c % 3 == 0 else None
            for s, c in zip(senior.tolist(), cadre_batch.tolist(), strict=True)
        ],
        "civil_service_type": ["State Civil Service" if s else None for s in senior.tolist()],
        "cadre_batch": [str(c) if c else None for c in cadre_batch.tolist()],
        "organised_service": ["Yes" if s else "No" for s in senior.tolist()],
        "external_system": ["HRMS" if e else None for e in ids["employee_id"]],
        "external_system_id": [f"HRMS-{e}" if e else None for e in ids["employee_id"]],
        "weekly_claps": rng.poisson(0.4, count).tolist(),
        "karma_points": (rng.poisson(4, count) * 5).tolist(),
        "event_enrolments": events.tolist(),
        "event_completions": rng.binomial(events, 0.7).tolist(),
        "event_hours": np.round(rng.random(count) * events * 1.5, 2).tolist(),
    }
    return Officers(
        count=count,
        mdo=mdo,
        band=band,
        gender=gender,
        full_name=[f"{a} {b}" for a, b in zip(first, last, strict=True)],
        email=email,
        email_printed=printed,
        email_flipped=flipped,
        phone=ids["phone"],
        employee_id=ids["employee_id"],
        registered=_uniform_seconds(rng, REGISTERED_FROM, REGISTERED_UNTIL, count),
        columns=columns,
        band_known=(rng.random(count) < BAND_KNOWN_SHARE) & ids["has_email"],
        unidentifiable=ids["unidentifiable"],
        relisted=relisted,
        mdo_names=[organisation.mdo_names[m] for m in mdo.tolist()],
        departments=[organisation.departments[m] or None for m in mdo.tolist()],
    )
