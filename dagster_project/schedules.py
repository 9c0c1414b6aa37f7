"""When the pipeline runs unattended: a monthly full refresh and a daily look for MDO reports."""

import dagster as dg

from dagster_project.jobs import full_refresh_job, mdo_reports_job

TIMEZONE = "Asia/Kolkata"

monthly_full_refresh = dg.ScheduleDefinition(
    name="monthly_full_refresh",
    job=full_refresh_job,
    cron_schedule="0 6 1 * *",
    execution_timezone=TIMEZONE,
    description="06:00 IST on the 1st: reload every source and rebuild everything.",
)

daily_mdo_reports = dg.ScheduleDefinition(
    name="daily_mdo_reports",
    job=mdo_reports_job,
    cron_schedule="0 7 * * *",
    execution_timezone=TIMEZONE,
    description="07:00 IST daily: load any new MDO reports and rebuild what depends on them.",
)
