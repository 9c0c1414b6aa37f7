"""How numbers, dates and names read on the dashboard.

Indian officials read counts in lakhs and crores, so counts use Indian digit grouping: the last
three digits, then groups of two (13,89,815 rather than 1,389,815). Babel's en_IN and hi_IN
locales give that grouping in both of the dashboard's languages, and the Hindi month names.
Missing values read as an en dash rather than "nan" or "None", because a blank cell in a
printed report means "not given".

Names come from delivered files, so they are data, never markup: `md` escapes a value before it
reaches Markdown, and `spreadsheet_safe` keeps a CSV cell from being read as a formula.
"""

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import pandas as pd
from babel.dates import format_date
from babel.numbers import format_decimal

from streamlit_app.i18n import babel_locale, current_language, t

MISSING = "\N{EN DASH}"
# The pipeline records moments in UTC; the people reading them are in India.
INDIA = ZoneInfo("Asia/Kolkata")


def is_missing(value) -> bool:
    """None, NaN, pandas NA/NaT: anything that should print as a dash."""
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN, pd.NA and NaT are the values not equal to themselves
    except TypeError:  # pd.NA refuses to be a bool
        return True


def group_indian(digits: str) -> str:
    """Group a string of digits the Indian way: '1389815' -> '13,89,815'."""
    if len(digits) <= 3:
        return digits
    head, last_three = digits[:-3], digits[-3:]
    pairs = [head[max(end - 2, 0) : end] for end in range(len(head), 0, -2)]
    return ",".join([*reversed(pairs), last_three])


def indian_number(value, decimals: int = 0) -> str:
    """A number with Indian digit grouping, rounded to `decimals` places.

    1389815 -> '13,89,815'; 705788.84 with decimals=2 -> '7,05,788.84'. Counts are whole unless
    asked otherwise, rounded half up: 1234.5 -> '1,235', and with decimals=1 -> '1,234.5'.
    """
    if is_missing(value):
        return MISSING
    # Half up, as people round by hand; Babel (like Decimal) would round 0.5 to even.
    exact = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if exact == 0:
        exact = abs(exact)  # -0.4 rounds to 0, not "-0"
    pattern = "#,##,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(exact, format=pattern, locale=babel_locale(), decimal_quantization=False)


def indian_compact(value) -> str:
    """A large count in lakhs and crores for headlines: 1389815 -> '13.9 lakh'."""
    if is_missing(value):
        return MISSING
    size = abs(float(value))
    if size >= 1e7:
        return t("{value} crore", value=indian_number(float(value) / 1e7, decimals=1))
    if size >= 1e5:
        return t("{value} lakh", value=indian_number(float(value) / 1e5, decimals=1))
    return indian_number(value)


def percent(ratio, decimals: int = 1) -> str:
    """A ratio between 0 and 1 as a percentage: 0.7249 -> '72.5%'."""
    if is_missing(ratio):
        return MISSING
    return f"{float(ratio) * 100:.{decimals}f}%"


def score(value) -> str:
    """A composite score or score gap, always with the two decimals the ranking letter uses."""
    if is_missing(value):
        return MISSING
    return f"{float(value):.2f}"


def hours(value) -> str:
    """Learning hours per person, one decimal: 7.833 -> '7.8'."""
    if is_missing(value):
        return MISSING
    return indian_number(value, decimals=1)


def duration(minutes) -> str:
    """A course length in minutes as the catalogue prints it: 162 -> '2h 42m', 53 -> '53m'."""
    if is_missing(minutes):
        return MISSING
    whole_hours, rest = divmod(int(minutes), 60)
    if not whole_hours:
        return t("{minutes}m", minutes=rest)
    if not rest:
        return t("{hours}h", hours=whole_hours)
    return t("{hours}h {minutes}m", hours=whole_hours, minutes=f"{rest:02d}")


def rank_movement(change) -> str:
    """A rank change (previous rank minus current rank, so positive is better) in words."""
    if is_missing(change):
        return t("first edition")
    change = int(change)
    if change == 0:
        return t("no change")
    if abs(change) == 1:
        return t("up 1 place") if change > 0 else t("down 1 place")
    return (
        t("up {places} places", places=change)
        if change > 0
        else t("down {places} places", places=-change)
    )


def long_date(value) -> str:
    """A date as officials write it: 31 December 2025."""
    if is_missing(value):
        return MISSING
    if current_language() != "en":
        return format_date(_as_date(value), "d MMMM y", locale=babel_locale())
    return _as_date(value).strftime("%-d %B %Y")


def short_date(value) -> str:
    """A date for tight spaces: 31 Dec 2025."""
    if is_missing(value):
        return MISSING
    if current_language() != "en":
        return format_date(_as_date(value), "d MMM y", locale=babel_locale())
    return _as_date(value).strftime("%-d %b %Y")


def date_time(value) -> str:
    """A moment, to the minute: 28 Nov 2026 10:02."""
    if is_missing(value):
        return MISSING
    return f"{short_date(value)} {value:%H:%M}"


def utc_to_india(moments: pd.Series) -> pd.Series:
    """Naive UTC timestamps (as marts.pipeline_runs keeps them) as naive Indian time."""
    return pd.to_datetime(moments).dt.tz_localize("UTC").dt.tz_convert(INDIA).dt.tz_localize(None)


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if hasattr(value, "date"):  # pandas Timestamp
        return value.date()
    return dt.date.fromisoformat(str(value)[:10])


# Markdown that a name could carry: links and images ([ ] !), autolinks (< > :, and the `.` of
# `www.`), HTML (< > &), emphasis and code (* _ ~ `), tables (|), Streamlit's directives
# (`:red[...]`, `:material/...:`) and formulas ($). CommonMark shows a backslash-escaped ASCII
# punctuation character as itself, so escaping these leaves the text as written and inert.
_INLINE_MARKUP = re.compile(r"([\\`*_\[\]<>!|~$:&@])|(?<=www)(\.)", re.IGNORECASE)
# At the start of the text a few more characters begin a block: a heading, a quote, a list
# ("- ", "+ ", "1. ", "1) "), a setext underline.
_BLOCK_START = re.compile(r"^(\d+(?=[.)])|(?=[#>+\-=]))")


def md(value) -> str:
    """A data value (a name, a band, a run id) as literal text inside Markdown.

    Every value the dashboard takes from the warehouse and puts into Markdown (takeaways,
    captions, notices, metric labels and help) passes through this, so that a department named
    `[Verify your login](https://evil.example)` reads as that text and links nowhere, and an
    image in a name is never fetched. Line breaks become spaces: a name cannot start a heading
    or a list of its own.
    """
    text = " ".join((MISSING if is_missing(value) else str(value)).split())
    text = _INLINE_MARKUP.sub(lambda found: "\\" + found.group(0), text)
    return _BLOCK_START.sub(r"\1\\", text, count=1)


# OWASP's advice on CSV injection: a cell that starts with one of these is a formula to Excel,
# LibreOffice and Google Sheets; a leading single quote makes it text again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """A CSV cell that a spreadsheet shows as written and never runs.

    Text starting with =, +, -, @, a tab or a carriage return gets a leading single quote.
    Numbers are left alone, also when they arrive as text: -12 and "-12.5" stay numbers.
    """
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    try:
        float(value.replace(",", ""))
    except ValueError:
        return "'" + value
    return value
