"""Ranking editions: the shipped edition's 36 states and buckets, scores drifting month by month.

Each state's score is its shipped score (31 Dec 2025) plus its own trend per month and a
month's wobble, so an edition depends only on (seed, date). Ranks restart at 1 in each bucket
and follow the scores (higher score, better rank), as in the shipped edition.
"""

import datetime as dt

from synth.months import month_index
from synth.randomness import stream
from synth.states import SHIPPED_RANKING_DATE, shipped_ranking

BUCKETS = ("A", "B", "C")


def edition(date: dt.date, seed: int) -> list[tuple[str, str, int, int]]:
    """(state as spelled in the letter, bucket, score in hundredths, rank) in printed order."""
    months = month_index(date) - month_index(dt.date.fromisoformat(SHIPPED_RANKING_DATE))
    scored = []
    for row in shipped_ranking():
        trend = stream(seed, "ranking", row.ranking_name).uniform(-0.6, 0.8)
        wobble = stream(seed, "ranking", row.ranking_name, date.isoformat()).uniform(-1.5, 1.5)
        score = min(95.0, max(5.0, row.score + trend * months + wobble))
        scored.append((row.bucket, round(score * 100), row.ranking_name))
    printed = []
    for bucket in BUCKETS:
        in_bucket = sorted((s for s in scored if s[0] == bucket), key=lambda s: (-s[1], s[2]))
        previous = None
        for rank, (_, score, state) in enumerate(in_bucket, start=1):
            if previous is not None and score >= previous:
                score = previous - 1  # no ties: every rank has its own score
            printed.append((state, bucket, score, rank))
            previous = score
    return printed
