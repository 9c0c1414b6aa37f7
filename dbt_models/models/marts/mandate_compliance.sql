-- One row per state, report date, canonical department and mandate: how many of the
-- department's officers in scope meet the mandate, are late, started or did not start.
with

officer_status as (

    select * from {{ ref('officer_mandate_status') }}

),

counted as (

    select
        state,
        report_date,
        department,
        mandate_id,
        any_value(denominator_source) as denominator_source,
        any_value(due_date) as due_date,
        count(*) as officers,
        count(*) filter (where status = 'compliant') as compliant,
        count(*) filter (where status = 'in_progress') as in_progress,
        count(*) filter (where status = 'not_started') as not_started,
        count(*) filter (where status = 'completed_late') as completed_late
    from officer_status
    group by state, report_date, department, mandate_id

)

select
    state,
    report_date,
    department,
    mandate_id,
    cast(officers as integer) as officers,
    cast(compliant as integer) as compliant,
    cast(in_progress as integer) as in_progress,
    cast(not_started as integer) as not_started,
    cast(completed_late as integer) as completed_late,
    {{ safe_ratio('compliant', 'officers') }} as compliance_rate,
    denominator_source,
    due_date,
    cast(date_diff('day', report_date, due_date) as integer) as days_left
from counted
