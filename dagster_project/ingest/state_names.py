"""The state a file name's slug names, as the marts name it.

The marts resolve a slug through the `states` and `state_aliases` seeds, matched on the
`name_key` macro (dbt_models/macros/text_keys.sql), and title-case a slug no seed knows. The
one-file-per-snapshot rule must compare the same state: `uttar_pradesh` and `Uttar-Pradesh`,
or `orissa` and `odisha`, are one state in the marts and would load twice under two names.
"""

import csv
import functools
import re
import unicodedata

from dagster_project import settings


def name_key(text: str) -> str:
    """The `name_key` macro in Python: lower case, '&' as 'and', only letters, marks, digits."""
    lowered = text.lower().replace("&", " and ")
    return "".join(ch for ch in lowered if unicodedata.category(ch)[0] in "LMN")


def canonical_state(slug: str) -> str:
    """The state the marts name for a file-name slug (as `int_mdos_normalised` resolves it)."""
    known = _states_by_key().get(name_key(slug))
    return known or re.sub(r"[_-]+", " ", slug).strip().title()


@functools.cache
def _states_by_key() -> dict[str, str]:
    # Every spelling the seeds give a state, as int_state_names_keyed gathers them.
    seeds = settings.DBT_PROJECT_DIR / "seeds"
    keyed: dict[str, str] = {}
    with open(seeds / "states.csv", encoding="utf-8", newline="") as states:
        for row in csv.DictReader(states):
            keyed[name_key(row["state"])] = row["state"]
            keyed[name_key(row["state_slug"])] = row["state"]
    with open(seeds / "state_aliases.csv", encoding="utf-8", newline="") as aliases:
        for row in csv.DictReader(aliases):
            keyed[name_key(row["alias"])] = row["state"]
    return keyed
