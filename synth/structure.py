"""A state's organisation on iGOT: its departments, the MDOs under them and how each grows.

Built once per (seed, state, number of MDOs) and shared by every month, so MDO names and the
department structure are stable from month to month and each MDO's figures follow its own
growth curve (figures.py). The layout follows the seed's Bihar report: every department lists
itself as an MDO, directorates, boards, corporations and field offices sit under their
department, and each district is filed at the district level, as its own parent ('District
Purnea, Bihar' under 'District Purnea, Bihar').
"""

import math
import re
from dataclasses import dataclass, field

import numpy as np

from synth.names import (
    DEPARTMENTS,
    DISTRICT_OFFICES,
    DISTRICTS,
    PLACE_ENDINGS,
    PLACE_STARTS,
    SUFFIX_STYLES,
    DepartmentTemplate,
)
from synth.randomness import stream
from synth.review_keys import ReviewSeeds, mdo_key
from synth.states import State

DEPARTMENT = "department"  # a department's own row
BODY = "body"  # a state-level body under a department
OFFICE = "office"  # a field office of a department in a place
DISTRICT = "district"  # a district at the district level, its own parent
DISTRICT_OFFICE = "district_office"  # an office under a district

MIN_MDOS = 20
REFERENCE_MONTH = 2026 * 12 + 1  # February 2026, the month the targets below describe
BIHAR_ONBOARDED = 1_389_815  # the seed's printed total
ONBOARDED_RANGE = {"A": (40_000, 150_000), "B": (300_000, 900_000), "C": (900_000, 2_500_000)}
PLACE_PATTERN = re.compile(r"^[A-Za-z][A-Za-z .-]*$")


@dataclass
class Department:
    template: DepartmentTemplate
    cell: str  # as printed: 'Agriculture Department Bihar'
    base: str  # without the state suffix: 'Agriculture Department'
    style: str  # the suffix style, ' {S}', ', {S}', ...
    domains: frozenset[str]
    own_row: int
    rows: list[int]  # the rows of the bodies and offices under it


@dataclass
class StateStructure:
    """Everything about a state that stays the same from month to month."""

    state: State
    mdos: int
    departments: list[Department]
    district_rows: list[int]
    names: list[str]  # MDO name per row
    cells: list[str]  # Department cell per row
    kinds: list[str]
    department_of: list[int]  # index into departments, -1 for districts
    domains: list[frozenset[str]]
    params: dict[str, np.ndarray]  # growth and ratio parameters per row (figures.py)

    def subordinate_rows(self) -> list[int]:
        return [i for i, kind in enumerate(self.kinds) if kind in (BODY, OFFICE)]


def with_suffix(base: str, style: str, state: State) -> str:
    return base + style.replace("{S}", state.name)


def alternative_name(base: str) -> str:
    """The same department named the other way round: 'Agriculture Department' <->
    'Department of Agriculture' (the review reads both as the same words)."""
    if base.endswith(" Department"):
        return "Department of " + base.removesuffix(" Department")
    if base.startswith("Department of "):
        return base.removeprefix("Department of ") + " Department"
    return base


def _fill(template: str, state: State, place: str = "") -> str:
    prefix = f"{state.name} State" if state.is_state else state.name
    return template.replace("{SS}", prefix).replace("{P}", place)


def _usable_place(place: str, state: State, seeds: ReviewSeeds) -> bool:
    """A place name that cannot read as a state suffix, a domain or a merged cell."""
    return (
        bool(PLACE_PATTERN.match(place))
        and state.name.lower() not in place.lower()
        and "district" not in place.lower()
        and not seeds.domains(place, state.name)
    )


def places(state: State, count: int, rng, seeds: ReviewSeeds) -> list[str]:
    """`count` place names: the state's real districts first, then generated ones."""
    real = [p for p in DISTRICTS.get(state.slug, ()) if _usable_place(p, state, seeds)]
    made = [start + ending for start in PLACE_STARTS for ending in PLACE_ENDINGS]
    rng.shuffle(made)
    chosen, seen = [], set()
    for place in [*real, *made]:
        if len(chosen) == count:
            break
        if place.lower() not in seen and _usable_place(place, state, seeds):
            seen.add(place.lower())
            chosen.append(place)
    return chosen


def _weighted_choice(rng, options: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def build_structure(state: State, mdos: int, seed: int, seeds: ReviewSeeds) -> StateStructure:
    """The state's departments and MDOs, `mdos` rows in all."""
    if mdos < MIN_MDOS:
        raise ValueError(f"at least {MIN_MDOS} MDOs per state are needed, not {mdos}")
    # One random stream, drawn from in this order: the output depends on it.
    rng = stream(seed, state.slug, mdos, "structure")
    district_count = min(75, max(3, mdos // 20))
    district_office_count = min(district_count, mdos // 50)
    templates = _pick_templates(rng, mdos - district_count - district_office_count)
    rows = _Rows(state)
    departments = _add_departments(rows, templates, rng, seeds)
    subordinate_count = mdos - len(rows.names) - district_count - district_office_count
    office_templates = sum(len(t.offices) for t in templates) or 1
    place_count = max(district_count, math.ceil(1.6 * subordinate_count / office_templates))
    place_names = places(state, place_count, rng, seeds)
    _add_subordinates(rows, departments, place_names, subordinate_count, rng)
    district_rows = _add_districts(rows, place_names, district_count, district_office_count, rng)

    domains = [seeds.domains(name, state.name) for name in rows.names]
    params = _growth_parameters(state, rows.weights, rng)
    return StateStructure(
        state,
        mdos,
        departments,
        district_rows,
        rows.names,
        rows.cells,
        rows.kinds,
        rows.department_of,
        domains,
        params,
    )


@dataclass
class _Rows:
    """The state's MDO rows as they are added, each MDO name once."""

    state: State
    names: list[str] = field(default_factory=list)
    cells: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    department_of: list[int] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)

    def key(self, name: str) -> str:
        return mdo_key(name, self.state.name)

    def add(self, name: str, cell: str, kind: str, department: int, weight: float) -> bool:
        """Add a row unless an MDO of the same name is listed already; say whether it was."""
        key = self.key(name)
        if key in self.keys:
            return False
        self.keys.add(key)
        self.names.append(name)
        self.cells.append(cell)
        self.kinds.append(kind)
        self.department_of.append(department)
        self.weights.append(weight)
        return True


def _pick_templates(rng, rows_for_departments: int) -> list[DepartmentTemplate]:
    """40 to 60 departments (fewer for a small report): the core ones, then a sample."""
    department_limit = max(1, rows_for_departments * 55 // 100)
    department_count = min(rng.randint(40, 60), len(DEPARTMENTS), department_limit)
    core = [t for t in DEPARTMENTS if t.core]
    others = [t for t in DEPARTMENTS if not t.core]
    picked = set(core[:department_count])
    picked.update(rng.sample(others, max(0, department_count - len(picked))))
    return [t for t in DEPARTMENTS if t in picked]


def _add_departments(
    rows: _Rows, templates: list[DepartmentTemplate], rng, seeds: ReviewSeeds
) -> list[Department]:
    """Each department's own row, its name printed with one of the suffix styles."""
    state = rows.state
    departments: list[Department] = []
    for index, template in enumerate(templates):
        style = _weighted_choice(rng, SUFFIX_STYLES)
        cell = with_suffix(template.name, style, state)
        own_row = len(rows.names)
        rows.add(cell, cell, DEPARTMENT, index, template.weight * rng.lognormvariate(0, 0.6))
        departments.append(
            Department(
                template, cell, template.name, style, seeds.domains(cell, state.name), own_row, []
            )
        )
    return departments


def _add_subordinates(
    rows: _Rows, departments: list[Department], place_names: list[str], count: int, rng
) -> None:
    """Bodies and field offices: sampled by weight (big departments have more of them) from
    every body and every (office, place) pair, with enough places for the number of rows."""
    for index, _, name, kind in sorted(
        _choose_subordinates(rows, departments, place_names, count, rng)
    ):
        weight = departments[index].template.weight
        if kind == BODY:
            weight *= 0.12 * rng.lognormvariate(0, 1.0)
        else:
            weight *= 0.02 * rng.lognormvariate(0, 0.9)
        rows.add(name, departments[index].cell, kind, index, weight)
        departments[index].rows.append(len(rows.names) - 1)


def _choose_subordinates(
    rows: _Rows, departments: list[Department], place_names: list[str], count: int, rng
) -> list[tuple[int, bool, str, str]]:
    """`count` distinct (department, is an office, name, kind), by weighted sampling without
    replacement (each candidate keyed by random ** (1 / weight), the largest keys win)."""
    state = rows.state
    candidates = []
    for index, department in enumerate(departments):
        template = department.template
        scale = math.sqrt(template.weight)
        for body in template.bodies:
            candidates.append((3 * scale, _fill(body, state), BODY, index))
        for office in template.offices:
            for place in place_names:
                candidates.append((scale, _fill(office, state, place), OFFICE, index))
    keyed = sorted(
        ((rng.random() ** (1 / w), n, kind, index) for w, n, kind, index in candidates),
        reverse=True,
    )
    chosen, chosen_keys = [], set(rows.keys)
    for _, name, kind, index in keyed:
        if len(chosen) == count:
            break
        if rows.key(name) not in chosen_keys:
            chosen_keys.add(rows.key(name))
            chosen.append((index, kind != BODY, name, kind))
    return chosen


def _add_districts(
    rows: _Rows, place_names: list[str], district_count: int, office_count: int, rng
) -> list[int]:
    """Each district filed as its own parent, and offices under the first few; returns the
    districts' rows."""
    state = rows.state
    district_rows = []
    district_cells = [f"District {place}, {state.name}" for place in place_names[:district_count]]
    for cell in district_cells:
        if rows.add(cell, cell, DISTRICT, -1, 0.25 * rng.lognormvariate(0, 0.8)):
            district_rows.append(len(rows.names) - 1)
    for place, cell in zip(place_names, district_cells[:office_count], strict=False):
        for template in DISTRICT_OFFICES:
            weight = 0.08 * rng.lognormvariate(0, 0.8)
            rows.add(_fill(template, state, place), cell, DISTRICT_OFFICE, -1, weight)
    return district_rows


def _growth_parameters(state: State, weights: list[float], rng) -> dict[str, np.ndarray]:
    """Per row: onboarded users in February 2026 (heavy-tailed: a few huge departments, many
    tiny bodies), the growth curve reaching it, and the ratios that derive the other figures."""
    if state.slug == "bihar":
        total = BIHAR_ONBOARDED
    else:
        low, high = ONBOARDED_RANGE.get(state.bucket, ONBOARDED_RANGE["B"])
        total = rng.randint(low, high)
    weight = np.array(weights) * np.array([rng.lognormvariate(0, 0.5) for _ in weights])
    target = np.maximum(1.0, np.round(total * weight / weight.sum()))
    n = len(weights)

    def uniform(low: float, high: float) -> np.ndarray:
        return np.array([rng.uniform(low, high) for _ in range(n)])

    size = np.log10(target)
    activation = np.clip(1.05 - 0.28 * np.maximum(0.0, size - 2) + uniform(-0.25, 0.05), 0.02, 1.0)
    return {
        "target": target,
        "midpoint": REFERENCE_MONTH - uniform(2, 30),
        "width": uniform(4, 10),
        "activation": activation,
        "user_completion": uniform(0.6, 0.98),
        "enrolments_per_user": np.exp(uniform(math.log(2), math.log(25))),
        "completion": uniform(0.35, 0.8),
        "hours_per_completion": uniform(0.4, 1.5),
        "attempt": uniform(0.45, 0.95),
        "pass": uniform(0.6, 0.97),
    }
