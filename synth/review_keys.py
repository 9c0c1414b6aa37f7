"""Python copies of the org-mapping review's name keys, to plant defects the review will report.

The review (dbt_models/macros/text_keys.sql, review_text.sql and models/review/*.sql) keys names
without their state suffix, reads domains from the seed org_mapping_domain_keywords and prefers
one name of a near-duplicate pair by its reviewed canonical name (seed department_aliases).
The generator uses these copies to choose targets (a body whose domain its new parent does not
share) and to write, in manifest.json, the department and MDO each finding will name.
"""

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from dagster_project.settings import DBT_PROJECT_DIR

SEEDS = DBT_PROJECT_DIR / "seeds"
DEPARTMENT_LIKE = re.compile(r"\b(department|secretariat)\b", re.IGNORECASE)


def name_key(text: str) -> str:
    """text_keys.sql name_key: lower case, '&' as 'and', letters and digits only."""
    return re.sub(r"[\W_]+", "", text.lower().replace("&", " and "))


@lru_cache(maxsize=64)
def _suffix_pattern(state: str) -> re.Pattern:
    return re.compile(
        r"[\s,]*((govt\.?|government)\s+of\s+)?" + re.escape(state.lower()) + r"\s*$",
        re.IGNORECASE,
    )


def without_state_suffix(text: str, state: str) -> str:
    """text_keys.sql without_state_suffix: 'Finance Department, Govt of Bihar' -> 'Finance
    Department'."""
    return _suffix_pattern(state).sub("", text, count=1).strip()


def mdo_key(text: str, state: str) -> str:
    """The key the duplicate_mdo rule compares MDO names by."""
    return name_key(without_state_suffix(text, state))


def review_words(text: str) -> str:
    """review_text.sql review_words: ' law department bihar ' for whole-word matching."""
    return " " + re.sub(r"[\W_]+", " ", text.lower().replace("&", " and ")).strip() + " "


@dataclass
class ReviewSeeds:
    """The review's seeds the generator needs: domain keywords and reviewed department names."""

    keywords: list[tuple[str, str]] = field(default_factory=list)  # (domain, keyword)
    aliases: dict[tuple[str, str], str] = field(default_factory=dict)  # (state, as reported)

    @classmethod
    def load(cls, seeds: Path = SEEDS) -> "ReviewSeeds":
        loaded = cls()
        keywords = seeds / "org_mapping_domain_keywords.csv"
        if keywords.exists():
            with keywords.open(encoding="utf-8", newline="") as f:
                loaded.keywords = [(row["domain"], row["keyword"]) for row in csv.DictReader(f)]
        aliases = seeds / "department_aliases.csv"
        if aliases.exists():
            with aliases.open(encoding="utf-8", newline="") as f:
                loaded.aliases = {
                    (row["state"], row["department_as_reported"]): row["canonical_department"]
                    for row in csv.DictReader(f)
                }
        return loaded

    def canonical_name(self, org_name: str, state: str) -> str:
        """review_snapshot_names.sql canonical_name."""
        return (
            self.aliases.get((state, org_name)) or without_state_suffix(org_name, state) or org_name
        )

    def domains(self, org_name: str, state: str) -> frozenset[str]:
        """The domains whose keywords the name's canonical form contains, as whole words."""
        words = review_words(self.canonical_name(org_name, state))
        return frozenset(domain for domain, keyword in self.keywords if f" {keyword} " in words)

    def is_department_like(self, org_name: str, state: str) -> bool:
        return bool(DEPARTMENT_LIKE.search(self.canonical_name(org_name, state)))

    def is_own_canonical(self, org_name: str, state: str) -> bool:
        """review_snapshot_names.sql is_own_canonical: the name is its own reviewed name."""
        reviewed = self.aliases.get((state, org_name)) or org_name
        return mdo_key(org_name, state) == name_key(reviewed)

    def preferred_first(
        self, names: list[str], state: str, rows_under: dict[str, int]
    ) -> list[str]:
        """review_near_duplicate_department.sql: the order in which the review prefers names of
        a pair (own canonical name, then a department cell, then most MDO rows, then name)."""
        return sorted(
            names,
            key=lambda name: (
                not self.is_own_canonical(name, state),
                rows_under.get(name, 0) == 0,
                -rows_under.get(name, 0),
                name.encode("utf-8"),
            ),
        )
