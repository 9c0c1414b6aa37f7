"""The AI/Cybersecurity course mandate: how long is left, in words an office can act on.

Karmayogi Bharat's letter of 20 January 2026 asks every employee for at least one AI and one
Cybersecurity course from Annexure 3; the Bihar WRD memo asks for two to three. The due date is
the letters', as loaded from raw/reference/mandates.csv into `marts.course_recommendation`.
"""

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from streamlit_app.formatting import indian_number, long_date
from streamlit_app.i18n import t

# Tests (and anyone rehearsing a meeting) can set the date the page treats as today.
TODAY_KEY = "mandate_today"


@dataclass(frozen=True)
class Deadline:
    due: dt.date
    today: dt.date

    @property
    def days_left(self) -> int:
        return (self.due - self.today).days

    @property
    def passed(self) -> bool:
        return self.days_left < 0

    def short(self) -> str:
        """For a metric card: '34 days left', 'due today', 'deadline passed'."""
        if self.passed:
            return t("deadline passed")
        if self.days_left == 0:
            return t("due today")
        if self.days_left == 1:
            return t("1 day left")
        return t("{days} days left", days=indian_number(self.days_left))

    def sentence(self) -> str:
        """For the page's takeaway."""
        due = long_date(self.due)
        if self.passed:
            ago = -self.days_left
            if ago == 1:
                return t("The deadline passed on {due}, 1 day ago.", due=due)
            return t(
                "The deadline passed on {due}, {days} days ago.", due=due, days=indian_number(ago)
            )
        if self.days_left == 0:
            return t("The deadline is today, {due}.", due=due)
        if self.days_left == 1:
            return t("1 day left to the deadline of {due}.", due=due)
        return t(
            "{days} days left to the deadline of {due}.",
            days=indian_number(self.days_left),
            due=due,
        )


def mandate_due(recommended: pd.DataFrame) -> dt.date | None:
    """The date by which an employee must have done both courses: the later of the AI and the
    Cybersecurity due dates in `marts.course_recommendation`, or None if no mandate sets one."""
    due_dates = recommended["mandate_due_date"].dropna()
    return None if due_dates.empty else pd.Timestamp(due_dates.max()).date()
