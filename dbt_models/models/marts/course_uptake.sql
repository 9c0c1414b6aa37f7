-- One row per state, report date and Annexure-3 course: how many officers in scope enrolled,
-- completed it by the due date (end of day IST; the earliest due date of the mandates listing
-- its domain), completed it late or without a date, and the median days from enrolment to a
-- dated completion. Every Annexure-3 course has a row for every report, taken or not.
with

report_dates as (

    select distinct
        state,
        report_date
    from {{ ref('int_officers_scoped') }}

),

courses as (

    select * from {{ ref('int_recommended_courses_keyed') }}

),

officer_courses as (

    select * from {{ ref('int_officer_courses_deduplicated') }}

),

mandate_domains as (

    select
        unnest(domains) as domain,
        due_date
    from {{ ref('stg_mandates') }}

),

due_dates as (

    select
        domain,
        min(due_date) as due_date
    from mandate_domains
    group by domain

),

grid as (

    select
        report_dates.state,
        report_dates.report_date,
        courses.domain,
        courses.course_name,
        courses.provider,
        courses.course_name_key,
        courses.provider_key,
        due_dates.due_date,
        cast(due_dates.due_date as timestamp) + interval 1 day as due_before
    from report_dates
    cross join courses
    left join due_dates
        on courses.domain = due_dates.domain

),

counted as (

    select
        grid.state,
        grid.report_date,
        grid.domain,
        grid.course_name,
        grid.provider,
        grid.due_date,
        count(officer_courses.officer_key) as enrolled,
        count(officer_courses.officer_key)
        filter (where officer_courses.completed_on < coalesce(grid.due_before, 'infinity'))
            as completed_by_due_date,
        count(officer_courses.officer_key)
        filter (where officer_courses.completed_on >= grid.due_before) as completed_late,
        count(officer_courses.officer_key)
        filter (where officer_courses.is_completed and officer_courses.completed_on is null)
            as completed_undated,
        median(
            date_diff('day', officer_courses.enrolled_on, officer_courses.completed_on)
        ) filter (where officer_courses.completed_on >= officer_courses.enrolled_on)
            as median_days_to_complete
    from grid
    left join officer_courses
        on
            grid.state = officer_courses.state
            and grid.report_date = officer_courses.report_date
            and grid.course_name_key = officer_courses.course_name_key
            and grid.provider_key = officer_courses.provider_key
            and grid.domain = officer_courses.domain
    group by all

)

select
    state,
    report_date,
    domain,
    course_name,
    provider,
    due_date,
    cast(enrolled as integer) as enrolled,
    cast(completed_by_due_date as integer) as completed_by_due_date,
    cast(completed_late as integer) as completed_late,
    cast(completed_undated as integer) as completed_undated,
    cast(median_days_to_complete as double) as median_days_to_complete
from counted
