-- Each officer's standing on each mandate in the latest report of their state: what the
-- officer_status_history snapshot records, row by row, when it changes.
with

officer_status as (

    select * from {{ ref('officer_mandate_status') }}

),

latest_reports as (

    select
        state,
        max(report_date) as report_date
    from officer_status
    group by state

)

select
    officer_status.state,
    officer_status.officer_key,
    officer_status.mandate_id,
    officer_status.report_date,
    officer_status.department,
    officer_status.band,
    officer_status.counting_ai_completions,
    officer_status.counting_cybersecurity_completions,
    officer_status.late_completions,
    officer_status.undated_completions,
    officer_status.compliant,
    officer_status.compliant_on,
    officer_status.status
from officer_status
inner join latest_reports
    on
        officer_status.state = latest_reports.state
        and officer_status.report_date = latest_reports.report_date
