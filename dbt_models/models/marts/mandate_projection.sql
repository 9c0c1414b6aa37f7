-- One row per state, report date, department and mandate: the department's pace since its
-- previous report date, and where that pace takes it by the due date. The pace is the change in
-- compliant officers divided by the days between the two reports; the projection adds that pace
-- for every day left, never beyond the officers in scope and never below today's count (the
-- count falls only when officers leave the report, which is no trend to extend). Without an
-- earlier report there is no pace, and once the due date has passed the count is final: both
-- say so in projection_basis.
with

compliance as (

    select * from {{ ref('mandate_compliance') }}

),

with_previous as (

    select
        *,
        lag(report_date) over (
            partition by state, department, mandate_id order by report_date
        ) as previous_report_date,
        lag(compliant) over (
            partition by state, department, mandate_id order by report_date
        ) as previous_compliant
    from compliance

),

paced as (

    select
        *,
        cast(date_diff('day', previous_report_date, report_date) as integer)
            as days_since_previous,
        (compliant - previous_compliant)
        / cast(date_diff('day', previous_report_date, report_date) as double)
            as compliant_per_day
    from with_previous

),

based as (

    select
        *,
        case
            when days_left <= 0 then 'due_date_passed'
            when previous_report_date is null then 'one_report_date'
            else 'recent_pace'
        end as projection_basis
    from paced

),

projected as (

    select
        *,
        case projection_basis
            when 'due_date_passed' then compliant
            when 'recent_pace'
                then least(
                    officers,
                    compliant + floor(greatest(compliant_per_day, 0) * days_left)
                )
        end as projected_compliant
    from based

)

select
    state,
    report_date,
    department,
    mandate_id,
    officers,
    compliant,
    compliance_rate,
    due_date,
    days_left,
    previous_report_date,
    cast(previous_compliant as integer) as previous_compliant,
    days_since_previous,
    compliant_per_day,
    projection_basis,
    cast(projected_compliant as integer) as projected_compliant,
    {{ safe_ratio('projected_compliant', 'officers') }} as projected_compliance_rate
from projected
