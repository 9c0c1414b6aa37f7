"""The states and union territories to generate, from the dbt seeds and the shipped ranking.

Names and slugs come from dbt_models/seeds/states.csv; each state's ranking spelling and bucket
(A/B/C) from raw/ranking/ranking_2025-12-31.csv, matched through seeds/state_aliases.csv.
"""

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from dagster_project.settings import DBT_PROJECT_DIR, REPO_ROOT

STATES_CSV = DBT_PROJECT_DIR / "seeds" / "states.csv"
STATE_ALIASES_CSV = DBT_PROJECT_DIR / "seeds" / "state_aliases.csv"
SHIPPED_RANKING = REPO_ROOT / "raw" / "ranking" / "ranking_2025-12-31.csv"
SHIPPED_RANKING_DATE = "2025-12-31"
FIRST_STATE = "bihar"  # the seed's state comes first, so `--states 1` is Bihar


@dataclass(frozen=True)
class State:
    name: str  # 'Bihar', as in states.csv
    slug: str  # 'bihar', as in file names
    is_state: bool  # a state, not a union territory
    ranking_name: str  # 'BIHAR', as the ranking letter spells it
    bucket: str  # A, B or C
    shipped_score: float  # composite score in the shipped edition


@dataclass(frozen=True)
class RankingRow:
    """A row of the shipped ranking edition, in printed order."""

    ranking_name: str
    bucket: str
    score: float


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@lru_cache(maxsize=1)
def shipped_ranking() -> tuple[RankingRow, ...]:
    return tuple(
        RankingRow(row["State"], row["Bucket"], float(row["Composite Score"]))
        for row in _read(SHIPPED_RANKING)
    )


@lru_cache(maxsize=1)
def all_states() -> tuple[State, ...]:
    """Every state/UT of states.csv: Bihar first, then the others in the seed's order."""
    alias_to_state = {row["alias"]: row["state"] for row in _read(STATE_ALIASES_CSV)}
    ranking = {alias_to_state.get(r.ranking_name, r.ranking_name): r for r in shipped_ranking()}
    states = []
    for row in _read(STATES_CSV):
        ranked = ranking.get(row["state"])
        states.append(
            State(
                name=row["state"],
                slug=row["state_slug"],
                is_state=row["state_type"] == "State",
                ranking_name=ranked.ranking_name if ranked else row["state"].upper(),
                bucket=ranked.bucket if ranked else "B",
                shipped_score=ranked.score if ranked else 50.0,
            )
        )
    return tuple(sorted(states, key=lambda s: s.slug != FIRST_STATE))
