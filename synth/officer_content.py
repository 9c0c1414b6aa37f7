"""The content officers enrol in: Annexure-3's courses (with the case and spacing variants a
report prints), courses that only look like them, and the rest of iGOT's catalogue.

Each content has one canonical spelling and, for Annexure-3 courses, a few variants; a
"display" is one (content, spelling) pair, and an enrolment row points at a display.
"""

import csv
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dagster_project.settings import DEFAULT_RAW_DIR
from synth.officer_people import seconds
from synth.officer_vocabulary import (
    BAND_SPELLINGS,
    BANDS,
    LOOKALIKE_CONTENT,
    OTHER_CONTENT,
    OTHER_PROGRAMS,
)

RECOMMENDED = DEFAULT_RAW_DIR / "catalogue" / "recommended_courses.csv"
ANNEXURE, LOOKALIKE, OTHER = 0, 1, 2


@dataclass(frozen=True)
class Display:
    content: int
    name: str
    provider: str
    variant: str  # '' for the canonical spelling, else what changed


@dataclass
class Contents:
    names: list[str]  # canonical
    providers: list[str]
    kinds: np.ndarray  # ANNEXURE, LOOKALIKE or OTHER
    types: list[str]
    durations: list[str]  # 'HH:MM:SS'
    duration_seconds: np.ndarray
    domains: list[str]  # 'AI', 'Cybersecurity' or '' (Annexure-3 courses only)
    bands: list[frozenset[int]]  # the bands whose Annexure-3 list has the course
    published: np.ndarray  # Last_Published_On, seconds
    displays: list[Display]
    canonical_display: np.ndarray  # per content: its canonical display
    variant_displays: list[np.ndarray]  # per content: its variant displays (maybe none)

    @property
    def count(self) -> int:
        return len(self.names)


def annexure_duration(text: str) -> str:
    """'2h 42 mins' -> '02:42:00'; '53 mins' -> '00:53:00'."""
    hours = re.search(r"(\d+)\s*h", text)
    minutes = re.search(r"(\d+)\s*min", text)
    h = int(hours.group(1)) if hours else 0
    m = int(minutes.group(1)) if minutes else 0
    return f"{h:02d}:{m:02d}:00"


def _seconds_of(duration: str) -> int:
    h, m, s = (int(p) for p in duration.split(":"))
    return h * 3600 + m * 60 + s


def read_annexure(path: Path = RECOMMENDED) -> list[dict]:
    """Annexure-3's distinct courses (by name and provider) with their domain and bands."""
    courses: dict[tuple[str, str], dict] = {}
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            key = (row["Course Name"], row["Course Provider"])
            band = BAND_SPELLINGS.get(
                row["Years of Experience/Role"], row["Years of Experience/Role"]
            )
            course = courses.setdefault(
                key,
                {"domain": row["Domain"], "duration": row["Duration"], "bands": set()},
            )
            course["bands"].add(BANDS.index(band))
    return [{"name": n, "provider": p, **c} for (n, p), c in courses.items()]


def spelling_variants(name: str, provider: str) -> list[tuple[str, str, str]]:
    """How a report may print an Annexure-3 course so that it still matches (case, repeated
    spaces, surrounding spaces): (name, provider, what changed)."""
    words = name.split(" ")
    doubled = " ".join(words[:1]) + "  " + " ".join(words[1:]) if len(words) > 1 else name
    variants = [
        (name.lower(), provider, "name in lower case"),
        (name.upper(), provider.upper(), "name and provider in upper case"),
        (doubled, provider, "two spaces between words"),
        (f" {name} ", provider, "spaces around the name"),
        (name, provider.lower() + " ", "provider in lower case with a trailing space"),
    ]
    return [v for v in variants if (v[0], v[1]) != (name, provider)]


def build_contents(rng, annexure: list[dict]) -> Contents:
    rows = []
    for course in annexure:
        rows.append(
            (course["name"], course["provider"], ANNEXURE, "Course",
             annexure_duration(course["duration"]), course["domain"],
             frozenset(course["bands"]))
        )  # fmt: skip
    for name, provider, kind, duration in LOOKALIKE_CONTENT:
        rows.append((name, provider, LOOKALIKE, kind, duration, "", frozenset()))
    for name, provider, kind, duration in OTHER_CONTENT:
        rows.append((name, provider, OTHER, kind, duration, "", frozenset()))
    displays: list[Display] = []
    canonical, variants = [], []
    for index, (name, provider, kind, *_rest) in enumerate(rows):
        canonical.append(len(displays))
        displays.append(Display(index, name, provider, ""))
        mine = []
        if kind == ANNEXURE:
            for v_name, v_provider, what in spelling_variants(name, provider):
                mine.append(len(displays))
                displays.append(Display(index, v_name, v_provider, what))
        variants.append(np.array(mine, dtype=np.int64))
    published_from = seconds(dt.datetime(2024, 6, 1))
    published_until = seconds(dt.datetime(2025, 12, 31))
    return Contents(
        names=[r[0] for r in rows],
        providers=[r[1] for r in rows],
        kinds=np.array([r[2] for r in rows]),
        types=[r[3] for r in rows],
        durations=[r[4] for r in rows],
        duration_seconds=np.array([_seconds_of(r[4]) for r in rows]),
        domains=[r[5] for r in rows],
        bands=[r[6] for r in rows],
        published=rng.integers(published_from, published_until, len(rows)),
        displays=displays,
        canonical_display=np.array(canonical, dtype=np.int64),
        variant_displays=variants,
    )


def is_program(content_type: str) -> bool:
    return content_type in OTHER_PROGRAMS
