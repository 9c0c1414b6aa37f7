"""Snapshot dates: month ends, the last one 2026-02-28, one per generated month."""

import calendar
import datetime as dt

LAST_SNAPSHOT = dt.date(2026, 2, 28)


def month_index(date: dt.date) -> int:
    """Months since year 0, so consecutive months differ by 1."""
    return date.year * 12 + date.month - 1


def month_end(index: int) -> dt.date:
    year, month0 = divmod(index, 12)
    return dt.date(year, month0 + 1, calendar.monthrange(year, month0 + 1)[1])


def previous_month_end(date: dt.date) -> dt.date:
    return month_end(month_index(date) - 1)


def snapshot_dates(months: int, last: dt.date = LAST_SNAPSHOT) -> list[dt.date]:
    """`months` month-end dates, oldest first, ending with `last`'s month."""
    end = month_index(last)
    return [month_end(i) for i in range(end - months + 1, end + 1)]
