"""Planted defects: the seed's kinds of mistakes, at roughly its rates, each recorded with the
finding the org-mapping review will report for it.

Rates are per 100 MDO rows of a report (the seed's Bihar report had 100 rows and, among other
things, 4 ragged rows, 5 orphans, 4 districts under departments, 2 districts under districts,
7 duplicate MDOs and ~9 merged cells); department-level defects scale with the number of
departments and district ones with the number of districts.

A defect sits in a *slot*. Each slot owns a small pool of candidate rows, disjoint from every
other slot's, so two defects never land on one row. Time is cut into periods (six months for
a mapping mistake, one month for a ragged row); in each period the slot is filled or not, and
picks its target, from a random stream keyed by (seed, state, MDO count, slot, period), so a
misfiled MDO stays misfiled for months and then is fixed, as in real reports, while a month's
file still depends only on its own date.
"""

import math
import re
from dataclasses import dataclass, field

import numpy as np

from synth.figures import MEASURE_LABELS, MEASURES, scaled_copy
from synth.names import SUFFIX_STYLES
from synth.randomness import stream
from synth.review_keys import ReviewSeeds
from synth.structure import (
    BODY,
    DEPARTMENT,
    OFFICE,
    StateStructure,
    alternative_name,
)

ORPHAN = "orphan"
DISTRICT_UNDER_DEPARTMENT = "district_under_department"
DISTRICT_UNDER_DISTRICT = "district_under_district"
MERGED_CELL = "merged_cell"
DUPLICATE_MDO = "duplicate_mdo"
NEAR_DUPLICATE_DEPARTMENT = "near_duplicate_department"
SUSPECT_PARENT = "suspect_parent"
IMPOSSIBLE_FIGURES = "impossible_figures"
TOTALS_MISMATCH = "totals_mismatch"
UNPARSED_ROW = "unparsed_row"
DUPLICATE_FILE = "duplicate_file"

# Slot kinds: (issue type, variant) -> how many months a planted defect persists.
MERGED_MDO = "merged_cell:mdo"
MERGED_DEPARTMENT = "merged_cell:department"
PERIODS = {
    UNPARSED_ROW: 1,
    ORPHAN: 6,
    MERGED_MDO: 6,
    MERGED_DEPARTMENT: 6,
    DUPLICATE_MDO: 6,
    NEAR_DUPLICATE_DEPARTMENT: 6,
    SUSPECT_PARENT: 6,
    IMPOSSIBLE_FIGURES: 3,
    DISTRICT_UNDER_DEPARTMENT: 6,
    DISTRICT_UNDER_DISTRICT: 6,
}
PER_100_ROWS = {
    UNPARSED_ROW: 1.5,
    ORPHAN: 1.5,
    MERGED_MDO: 1.0,
    DUPLICATE_MDO: 1.5,
    SUSPECT_PARENT: 1.0,
    IMPOSSIBLE_FIGURES: 1.0,
}
PER_DEPARTMENT = {MERGED_DEPARTMENT: 1 / 60, NEAR_DUPLICATE_DEPARTMENT: 1 / 45}
PER_DISTRICT = {DISTRICT_UNDER_DEPARTMENT: 0.25, DISTRICT_UNDER_DISTRICT: 0.15}
TOTALS_OFF_CHANCE = 0.5  # a file's printed total is off by a little in 1-2 columns
DUPLICATE_FILE_CHANCE = 1 / 24  # a state re-sends last month's report under this month's name
POOL_SIZE = 4

# Python copies of the merged-cell patterns (seed org_mapping_merged_cell_patterns), to check
# that a planted merged department cell is one the review splits.
_LETTERS = r"[^\W\d_]"


def _merged_patterns(state: str) -> list[re.Pattern]:
    s = re.escape(state.lower())
    return [
        re.compile(rf"^(.+?)\s+(district\s+(?:{_LETTERS}|[ .-])+,?\s*{s})$", re.I),
        re.compile(rf"^(.+?\b(?:department|govt\.? of|government of)\s+{s}),?\s+(\S.*)$", re.I),
        re.compile(r"^(.*?\bdepartment)\s+(\S.*\bdepartment\b.*)$", re.I),
    ]


def is_merged_cell(text: str, state: str) -> bool:
    return any(p.match(text) for p in _merged_patterns(state))


@dataclass(frozen=True)
class Slot:
    kind: str
    number: int
    phase: int
    chance: float
    pool: tuple  # rows, or (department index, carrier row) for department-level kinds


@dataclass
class Finding:
    """A finding the review will report, tied to a row of the draft (None: no row)."""

    issue_type: str
    department: str | None
    mdo_name: str | None
    row: int | None
    detail: str
    column: str | None = None


TOTAL_ROW = -1  # Finding.row of the printed total row


@dataclass
class Draft:
    """A month's rows before they are written: cells, figures and what was planted."""

    cells: list[str]  # Department cell per row
    names: list[str]  # MDO Name per row
    figures: dict[str, np.ndarray]
    pct_override: dict[int, int] = field(default_factory=dict)  # row -> printed basis points
    extra_cells: dict[int, list[int]] = field(default_factory=dict)  # ragged row -> positions
    findings: list[Finding] = field(default_factory=list)
    duplicates: list[tuple[int, int]] = field(default_factory=list)  # (row, its second listing)
    near_duplicates: list[tuple[str, str]] = field(default_factory=list)  # (cell, variant cell)
    totals_delta: dict[str, int] = field(default_factory=dict)

    appended: list[dict[str, int]] = field(default_factory=list)  # figures of added rows

    def append_row(self, cell: str, name: str, figures: dict[str, int]) -> int:
        """Add a row (its figures join the arrays in `finish_rows`)."""
        self.cells.append(cell)
        self.names.append(name)
        self.appended.append(figures)
        return len(self.names) - 1

    def finish_rows(self) -> None:
        if self.appended:
            for measure in MEASURES:
                added = np.array([f[measure] for f in self.appended], dtype=np.int64)
                self.figures[measure] = np.concatenate([self.figures[measure], added])
            self.appended = []

    def row_figures(self, row: int) -> dict[str, int]:
        return {measure: int(self.figures[measure][row]) for measure in MEASURES}


def _slot_count(expected: float) -> tuple[int, float]:
    """Slots for an expected number of defects per file, and each slot's chance to be filled."""
    if expected <= 0:
        return 0, 0.0
    slots = math.ceil(expected)
    return slots, expected / slots


def plan_slots(structure: StateStructure, seed: int) -> list[Slot]:
    """Every defect slot of a state, with disjoint pools of candidate rows."""
    # One random stream, drawn from in this order: the output depends on it.
    rng = stream(seed, structure.state.slug, structure.mdos, "defect slots")
    expected = _expected_defects(structure)
    pools = _CandidatePools(structure, rng)
    counts = {kind: _slot_count(expected.get(kind, 0)) for kind in SLOT_ORDER}
    district_slots = sum(counts[kind][0] for kind in PER_DISTRICT)
    districts = len(structure.district_rows)
    district_pool = max(1, min(POOL_SIZE, districts // max(1, district_slots)))
    slots = []
    for kind in SLOT_ORDER:
        count, chance = counts[kind]
        pool_size = district_pool if kind in PER_DISTRICT else POOL_SIZE
        for number in range(count):
            pool = pools.take(kind, pool_size)
            if pool:
                phase = rng.randrange(PERIODS[kind])
                slots.append(Slot(kind, number, phase, chance, tuple(pool)))
    return slots


# The order slots are planned in: the department-level kinds first, as they take whole
# departments, then the kinds whose eligible rows are scarcest.
SLOT_ORDER = [
    MERGED_DEPARTMENT,
    NEAR_DUPLICATE_DEPARTMENT,
    SUSPECT_PARENT,
    MERGED_MDO,
    ORPHAN,
    DUPLICATE_MDO,
    IMPOSSIBLE_FIGURES,
    UNPARSED_ROW,
    DISTRICT_UNDER_DEPARTMENT,
    DISTRICT_UNDER_DISTRICT,
]


def _expected_defects(structure: StateStructure) -> dict[str, float]:
    """How many defects of each kind a file of this state should carry on average."""
    rows = structure.mdos
    expected = {kind: rate * rows / 100 for kind, rate in PER_100_ROWS.items()}
    departments = len(structure.departments)
    expected.update({kind: rate * departments for kind, rate in PER_DEPARTMENT.items()})
    districts = len(structure.district_rows)
    expected.update({kind: rate * districts for kind, rate in PER_DISTRICT.items()})
    if districts < 2:
        expected[DISTRICT_UNDER_DISTRICT] = 0
    return expected


class _CandidatePools:
    """The rows (or departments) each kind of defect may be planted in, in a shuffled order;
    a row given to one slot's pool is given to no other."""

    def __init__(self, structure: StateStructure, rng):
        self.structure = structure
        self.used: set[int] = set()
        self.used_departments: set[int] = set()
        subordinates = structure.subordinate_rows()
        rng.shuffle(subordinates)
        with_others = [
            i for i, kind in enumerate(structure.kinds) if kind in (DEPARTMENT, BODY, OFFICE)
        ]
        rng.shuffle(with_others)
        targets = structure.params["target"]
        median = float(np.median(targets))
        small = [i for i in with_others if targets[i] <= median]
        district_rows = list(structure.district_rows)
        rng.shuffle(district_rows)
        self.department_order = list(range(len(structure.departments)))
        rng.shuffle(self.department_order)
        self.eligibility = {
            ORPHAN: (subordinates, lambda i: True),
            MERGED_MDO: (subordinates, self._not_named_district),
            SUSPECT_PARENT: (subordinates, self._suspect_candidate),
            DUPLICATE_MDO: (with_others, lambda i: True),
            IMPOSSIBLE_FIGURES: (with_others, lambda i: True),
            UNPARSED_ROW: (small, lambda i: True),
            DISTRICT_UNDER_DEPARTMENT: (district_rows, lambda i: True),
            DISTRICT_UNDER_DISTRICT: (district_rows, lambda i: True),
        }

    def _not_named_district(self, i: int) -> bool:
        return not self.structure.names[i].lower().startswith("district")

    def _suspect_candidate(self, i: int) -> bool:
        """A row with a domain that some department with domains does not share."""
        mine = self.structure.domains[i]
        return bool(mine) and any(
            d.domains and not (d.domains & mine) for d in self.structure.departments
        )

    def take(self, kind: str, pool_size: int) -> list:
        if kind in (MERGED_DEPARTMENT, NEAR_DUPLICATE_DEPARTMENT):
            return self._take_departments()
        candidates, eligible = self.eligibility[kind]
        pool: list = []
        for i in candidates:
            if len(pool) == pool_size:
                break
            if i not in self.used and eligible(i):
                self.used.add(i)
                pool.append(i)
        return pool

    def _take_departments(self) -> list[tuple[int, int]]:
        """Up to POOL_SIZE unused departments, each with an unused row of it that carries it."""
        pool: list[tuple[int, int]] = []
        for d in self.department_order:
            if len(pool) == POOL_SIZE:
                break
            carriers = [r for r in self.structure.departments[d].rows if r not in self.used]
            if d not in self.used_departments and carriers:
                self.used_departments.add(d)
                self.used.add(carriers[0])
                pool.append((d, carriers[0]))
        return pool


def plant(
    structure: StateStructure, slots: list[Slot], draft: Draft, month: int, seed: int
) -> None:
    """Plant this month's defects into the draft (row-level ones; totals come later)."""
    state = structure.state
    for slot in slots:
        period = (month + slot.phase) // PERIODS[slot.kind]
        rng = stream(seed, state.slug, structure.mdos, slot.kind, slot.number, period)
        if rng.random() >= slot.chance:
            continue
        target = rng.choice(slot.pool)
        _PLANTERS[slot.kind](structure, draft, target, rng)
    draft.finish_rows()


def _orphan(structure, draft: Draft, row: int, rng) -> None:
    name = draft.names[row]
    if rng.random() < 0.6:
        draft.cells[row] = ""
        draft.findings.append(Finding(ORPHAN, None, name, row, "blank Department cell"))
    else:
        draft.cells[row] = name
        draft.findings.append(
            Finding(ORPHAN, name, name, row, "a body filed as its own department")
        )


def _district_cells(structure: StateStructure) -> list[str]:
    return [structure.names[i] for i in structure.district_rows]


def _merged_mdo(structure, draft: Draft, row: int, rng) -> None:
    district = rng.choice(_district_cells(structure))
    merged = f"{draft.names[row]} {district}"
    draft.names[row] = merged
    draft.findings.append(
        Finding(MERGED_CELL, draft.cells[row], merged, row, "MDO cell with a district run on")
    )


def _merged_department(structure, draft: Draft, target, rng) -> None:
    index, row = target
    department = structure.departments[index]
    state = structure.state.name
    merged = f"{department.cell} {rng.choice(_district_cells(structure))}"
    detail = "Department cell with a district run on"
    if rng.random() < 0.4:
        other = rng.choice([d for d in structure.departments if d is not department])
        second = f"{department.cell} {other.cell}"
        if is_merged_cell(second, state):
            merged, detail = second, "two department names in one Department cell"
    draft.cells[row] = merged
    draft.findings.append(Finding(MERGED_CELL, merged, None, row, detail))


def _duplicate(structure, draft: Draft, row: int, rng) -> None:
    name = draft.names[row]
    if structure.kinds[row] != DEPARTMENT and rng.random() < 0.3:
        name = name.upper()
    copy = scaled_copy(draft.row_figures(row), rng.uniform(0.05, 0.6))
    second = draft.append_row(draft.cells[row], name, copy)
    draft.duplicates.append((row, second))


def _near_duplicate(structure, draft: Draft, target, rng) -> None:
    index, row = target
    department = structure.departments[index]
    state = structure.state
    styles = [s for s, _ in SUFFIX_STYLES if s != department.style]
    alternative = alternative_name(department.base)
    variants = [department.base, alternative]
    style = rng.choice(styles).replace("{S}", state.name)
    variants += [department.base + style, alternative + style]
    variant = rng.choice([v for v in variants if v != department.cell])
    draft.cells[row] = variant
    draft.near_duplicates.append((department.cell, variant))


def _suspect(structure, draft: Draft, row: int, rng) -> None:
    mine = structure.domains[row]
    parents = [d for d in structure.departments if d.domains and not (d.domains & mine)]
    parent = rng.choice(parents)
    draft.cells[row] = parent.cell
    draft.findings.append(
        Finding(
            SUSPECT_PARENT,
            parent.cell,
            draft.names[row],
            row,
            f"filed under a department of another domain ({', '.join(sorted(mine))})",
        )
    )


def _impossible(structure, draft: Draft, row: int, rng) -> None:
    figures = draft.figures
    passed, attempted = int(figures["passed"][row]), int(figures["attempted"][row])
    if passed > 0 and rng.random() < 0.4:
        for measure in ("user_completions", "total_completions", "hours"):
            figures[measure][row] = 0
        detail = "courses passed with 0 completions"
    elif attempted > 0 and rng.random() < 0.6:
        true = (passed * 20000 + attempted) // (2 * attempted)
        off = rng.randint(100, 1500)  # 1 to 15 points, well over the review's 0.5 tolerance
        if true - off < 0:
            printed = true + off
        elif true + off > 10000:
            printed = true - off
        else:
            printed = true - off if rng.random() < 0.5 else true + off
        draft.pct_override[row] = printed
        detail = "printed % Course Passed disagrees with passed / attempted"
    else:
        figures["user_completions"][row] = figures["active"][row] + rng.randint(1, 5)
        detail = "more user completions than active users"
    draft.findings.append(
        Finding(IMPOSSIBLE_FIGURES, draft.cells[row], draft.names[row], row, detail)
    )


def _ragged(structure, draft: Draft, row: int, rng) -> None:
    extra = 1 if rng.random() < 0.7 else 2
    draft.extra_cells[row] = sorted(rng.randint(2, 10) for _ in range(extra))
    draft.findings.append(
        Finding(
            UNPARSED_ROW,
            draft.cells[row] or None,
            draft.names[row],
            row,
            f"{12 + extra} cells where 12 were expected",
        )
    )


def _district_under_department(structure, draft: Draft, row: int, rng) -> None:
    parent = rng.choice(structure.departments)
    draft.cells[row] = parent.cell
    draft.findings.append(
        Finding(DISTRICT_UNDER_DEPARTMENT, parent.cell, draft.names[row], row, "district misfiled")
    )


def _district_under_district(structure, draft: Draft, row: int, rng) -> None:
    parent = rng.choice([c for c in _district_cells(structure) if c != draft.names[row]])
    draft.cells[row] = parent
    draft.findings.append(
        Finding(DISTRICT_UNDER_DISTRICT, parent, draft.names[row], row, "district under a district")
    )


_PLANTERS = {
    ORPHAN: _orphan,
    MERGED_MDO: _merged_mdo,
    MERGED_DEPARTMENT: _merged_department,
    DUPLICATE_MDO: _duplicate,
    NEAR_DUPLICATE_DEPARTMENT: _near_duplicate,
    SUSPECT_PARENT: _suspect,
    IMPOSSIBLE_FIGURES: _impossible,
    UNPARSED_ROW: _ragged,
    DISTRICT_UNDER_DEPARTMENT: _district_under_department,
    DISTRICT_UNDER_DISTRICT: _district_under_district,
}


def plan_totals(draft: Draft, rng) -> None:
    """Sometimes the printed total is a little more than the rows, in one or two columns."""
    if rng.random() >= TOTALS_OFF_CHANCE:
        return
    for measure in rng.sample(MEASURES, rng.choice((1, 1, 2))):
        draft.totals_delta[measure] = (
            rng.randint(1, 2000) if measure == "hours" else rng.randint(1, 20)
        )


def finish_findings(
    structure: StateStructure, draft: Draft, source_rows: list[int], seeds: ReviewSeeds
) -> None:
    """Findings that depend on the final rows: which listing of a duplicate comes first, which
    name of a near-duplicate pair the review prefers, and the totals against the rows."""
    state = structure.state.name
    for row, second in draft.duplicates:
        first = row if source_rows[row] < source_rows[second] else second
        draft.findings.append(
            Finding(
                DUPLICATE_MDO, draft.cells[first], draft.names[first], first, "MDO listed twice"
            )
        )
    if draft.near_duplicates:
        rows_under: dict[str, int] = {}
        for cell in draft.cells:
            if cell:
                rows_under[cell] = rows_under.get(cell, 0) + 1
        for cell, variant in draft.near_duplicates:
            preferred, other = seeds.preferred_first([cell, variant], state, rows_under)
            draft.findings.append(
                Finding(
                    NEAR_DUPLICATE_DEPARTMENT,
                    preferred,
                    other,
                    None,
                    "one department under two names",
                )
            )
    ragged = list(draft.extra_cells)
    for measure in MEASURES:
        quarantined = int(draft.figures[measure][ragged].sum()) if ragged else 0
        difference = quarantined + draft.totals_delta.get(measure, 0)
        if difference:
            amount = f"{difference / 100:.2f}" if measure == "hours" else str(difference)
            causes = []
            if quarantined:
                causes.append("the quarantined rows")
            if measure in draft.totals_delta:
                causes.append("a printed total off by a little")
            draft.findings.append(
                Finding(
                    TOTALS_MISMATCH,
                    None,
                    None,
                    TOTAL_ROW,
                    f"printed - loaded rows = +{amount} ({' and '.join(causes)})",
                    column=MEASURE_LABELS[measure],
                )
            )
