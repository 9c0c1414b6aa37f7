"""Each officer's enrolments as a timeline, and what a report generated at a given moment shows.

An enrolment has an enrolment time, maybe a start and maybe a completion (all in seconds of
naive IST). A report generated at moment T lists the enrolments made by T, completed when the
completion is before T, in progress when only the start is. So the reports of two days are the
same officers a week apart, and a completion after 31 March shows up as late.

Annexure-3 enrolments cluster after Karmayogi Bharat's letter of 20 January 2026 and grow
towards the 31 March deadline; other content is spread over the year before the report.
"""

import datetime as dt
from dataclasses import dataclass

import numpy as np

from synth.officer_content import ANNEXURE, LOOKALIKE, OTHER, Contents
from synth.officer_people import Officers, planted_count, seconds

NEVER_ENROLLED_SHARE = 0.12
# An enrolled officer draws 1 + Poisson(9.5) contents, about 8.2 once repeats are dropped:
# 5 lakh officers give about 40 lakh rows, as in Bihar.
MORE_ENROLMENTS = 9.5
ANNEXURE_SHARE = 0.36
LOOKALIKE_SHARE = 0.03
ON_BAND_LIST = 0.85
VARIANT_SHARE = 0.15
CAMPAIGN_START = dt.datetime(2026, 1, 21, 9, 0, 0)
OTHER_START = dt.datetime(2025, 4, 1)
DAY = 86_400


@dataclass
class Enrolments:
    """One row per (officer, content), in officer order."""

    officer: np.ndarray
    content: np.ndarray
    display: np.ndarray
    enrolled: np.ndarray
    started: np.ndarray  # bool
    start: np.ndarray
    completes: np.ndarray  # bool
    completed: np.ndarray
    progress: np.ndarray  # the percentage an enrolment that never completes stalls at
    rating: np.ndarray  # 0 = no rating
    certificate: np.ndarray  # bool
    undated: np.ndarray  # planted: completed without Completed_On
    before_enrolment: np.ndarray  # planted: Completed_On this many days before Enrolled_On
    relisted: np.ndarray  # planted: listed twice, the second time with the e-mail's other case

    @property
    def count(self) -> int:
        return len(self.officer)


def _contents(rng, officers: Officers, contents: Contents, officer: np.ndarray) -> np.ndarray:
    """What each row enrolled in: mostly the officer's band's Annexure-3 list when it is an
    Annexure-3 course, otherwise any Annexure-3 course, a look-alike or other content."""
    m = len(officer)
    pools = [np.flatnonzero(contents.kinds == kind) for kind in (ANNEXURE, LOOKALIKE, OTHER)]
    by_band = [
        np.array([c for c in pools[0].tolist() if band in contents.bands[c]]) for band in range(4)
    ]
    draw = rng.random(m)
    content = pools[2][rng.integers(0, len(pools[2]), m)]
    lookalike = (draw >= ANNEXURE_SHARE) & (draw < ANNEXURE_SHARE + LOOKALIKE_SHARE)
    content[lookalike] = pools[1][rng.integers(0, len(pools[1]), int(lookalike.sum()))]
    annexure = draw < ANNEXURE_SHARE
    content[annexure] = pools[0][rng.integers(0, len(pools[0]), int(annexure.sum()))]
    on_list = annexure & (rng.random(m) < ON_BAND_LIST)
    bands = officers.band[officer]
    for band, pool in enumerate(by_band):
        rows = np.flatnonzero(on_list & (bands == band))
        content[rows] = pool[rng.integers(0, len(pool), len(rows))]
    return content


def _displays(rng, contents: Contents, content: np.ndarray) -> np.ndarray:
    display = contents.canonical_display[content]
    varied = np.flatnonzero(rng.random(len(content)) < VARIANT_SHARE)
    for row, pick in zip(varied.tolist(), rng.random(len(varied)).tolist(), strict=True):
        options = contents.variant_displays[content[row]]
        if len(options):
            display[row] = options[int(pick * len(options))]
    return display


def build_enrolments(rng, officers: Officers, contents: Contents, until: int) -> Enrolments:
    """Every officer's enrolments up to `until` (the last report's moment), with the planted
    row defects."""
    per_officer = np.where(
        rng.random(officers.count) < NEVER_ENROLLED_SHARE,
        0,
        1 + rng.poisson(MORE_ENROLMENTS, officers.count),
    )
    officer = np.repeat(np.arange(officers.count), per_officer)
    content = _contents(rng, officers, contents, officer)
    # One row per officer and content, as the report has (copies are planted below).
    _, first = np.unique(officer * contents.count + content, return_index=True)
    keep = np.sort(first)
    officer, content = officer[keep], content[keep]
    m = len(officer)

    kind = contents.kinds[content]
    campaign = kind != OTHER
    window_start = np.where(campaign, seconds(CAMPAIGN_START), seconds(OTHER_START))
    share = np.where(campaign, rng.beta(2.2, 1.2, m), rng.random(m))
    enrolled = window_start + (share * (until - window_start)).astype(np.int64)
    started = rng.random(m) < 0.85
    start = enrolled + rng.exponential(DAY, m).astype(np.int64)
    completes = started & (rng.random(m) < np.where(kind == ANNEXURE, 0.8, 0.7))
    work = contents.duration_seconds[content] * rng.uniform(1, 3, m)
    completed = start + (work + rng.exponential(4 * DAY, m)).astype(np.int64)
    annexure_done = np.flatnonzero(
        completes & (kind == ANNEXURE) & ~officers.unidentifiable[officer]
    )
    undated = np.zeros(m, dtype=bool)
    undated[_pick_rows(rng, m, 0.0008, annexure_done)] = True
    before = np.zeros(m, dtype=np.int64)
    candidates = annexure_done[~undated[annexure_done]]
    picked = _pick_rows(rng, m, 0.0005, candidates)
    before[picked] = rng.integers(1, 21, len(picked))
    with_email = np.array([e is not None for e in officers.email])[officer]
    relisted = np.zeros(m, dtype=bool)
    relisted[_pick_rows(rng, m, 0.0005, np.flatnonzero(with_email))] = True
    return Enrolments(
        officer=officer,
        content=content,
        display=_displays(rng, contents, content),
        enrolled=enrolled,
        started=started,
        start=start,
        completes=completes,
        completed=completed,
        progress=rng.integers(1, 96, m),
        rating=np.where(completes & (rng.random(m) < 0.5), rng.integers(1, 6, m), 0),
        certificate=completes & (rng.random(m) < 0.95),
        undated=undated,
        before_enrolment=before,
        relisted=relisted,
    )


def _pick_rows(rng, rows: int, rate: float, pool: np.ndarray) -> np.ndarray:
    count = min(planted_count(rows, rate), len(pool))
    return np.sort(rng.choice(pool, size=count, replace=False))


@dataclass
class Shown:
    """What the report generated at one moment shows of the enrolments."""

    rows: np.ndarray  # indices into Enrolments, enrolled by then
    status: np.ndarray  # 0 not-started, 1 in-progress, 2 completed (per shown row)
    progress: np.ndarray
    completed_on: np.ndarray  # seconds, -1 for blank
    certificate: np.ndarray


STATUSES = ("not-started", "in-progress", "completed")
COMPLETED = 2


def shown_at(enrolments: Enrolments, moment: int) -> Shown:
    rows = np.flatnonzero(enrolments.enrolled <= moment)
    e = enrolments
    done = e.completes[rows] & (e.completed[rows] <= moment)
    going = e.started[rows] & (e.start[rows] <= moment) & ~done
    status = np.where(done, COMPLETED, np.where(going, 1, 0))
    span = np.maximum(1, e.completed[rows] - e.start[rows])
    moving = np.clip((100 * (moment - e.start[rows])) // span, 1, 99)
    progress = np.where(
        done, 100, np.where(going, np.where(e.completes[rows], moving, e.progress[rows]), 0)
    )
    printed = np.where(
        e.before_enrolment[rows] > 0,
        e.enrolled[rows] - e.before_enrolment[rows] * DAY,
        e.completed[rows],
    )
    completed_on = np.where(done & ~e.undated[rows], printed, -1)
    return Shown(rows, status, progress, completed_on, done & e.certificate[rows])
