-- The officers each report counts, per state and report date: the officers of that date's
-- user report (so officers who never enrolled are in the denominator), or, for a date without
-- a user report, the officers seen in its enrolment report; denominator_source says which.
-- An officer on two rows (two MDOs' reports, or one report twice) is kept once, from the
-- latest-generated report. Each officer gets the canonical state and department, mapped with
-- the seeds and rules of the MDO report (int_mdos_normalised): the department_aliases seed,
-- else the name without its state suffix. A blank Department takes the department of the
-- officer's MDO in the state's MDO report; an MDO without either keeps a null department
-- (reported in data_quality_issues, counted as '(no department)' in the marts).
{{ config(materialized='table') }}

with

users as (

    select * from {{ ref('stg_officer_users') }}

),

enrolments as (

    select * from {{ ref('stg_officer_enrolments') }}

),

state_names as (

    select * from {{ ref('int_state_names_keyed') }}

),

department_aliases as (

    select * from {{ ref('department_aliases') }}

),

mdo_rows as (

    select * from {{ ref('int_mdos_normalised') }}

),

user_report_officers as (

    select
        state_slug,
        report_date,
        officer_key,
        designation,
        mdo_name,
        group_name,
        department_as_reported,
        source_file,
        source_row,
        'user_report' as denominator_source
    from users
    qualify row_number() over (
        partition by state_slug, report_date, officer_key
        order by report_last_generated_on desc nulls last, source_file desc, source_row asc
    ) = 1

),

dates_with_user_report as (

    select distinct
        state_slug,
        report_date
    from users

),

enrolment_report_officers as (

    select
        enrolments.state_slug,
        enrolments.report_date,
        enrolments.officer_key,
        enrolments.designation,
        enrolments.mdo_name,
        enrolments.group_name,
        enrolments.department_as_reported,
        enrolments.source_file,
        enrolments.source_row,
        'enrolment_report' as denominator_source
    from enrolments
    anti join dates_with_user_report
        on
            enrolments.state_slug = dates_with_user_report.state_slug
            and enrolments.report_date = dates_with_user_report.report_date
    qualify row_number() over (
        partition by enrolments.state_slug, enrolments.report_date, enrolments.officer_key
        order by
            enrolments.report_last_generated_on desc nulls last,
            enrolments.source_file desc,
            enrolments.source_row asc
    ) = 1

),

officers as (

    select * from user_report_officers
    union all
    select * from enrolment_report_officers

),

with_state as (

    select
        officers.*,
        coalesce(
            state_names.state,
            {{ title_case("regexp_replace(officers.state_slug, '[_-]+', ' ', 'g')") }}
        ) as state
    from officers
    left join state_names
        on {{ name_key('officers.state_slug') }} = state_names.state_key

),

with_keys as (

    select
        *,
        nullif({{ without_state_suffix('department_as_reported', 'state') }}, '')
            as department_by_rule,
        {{ name_key(without_state_suffix('mdo_name', 'state')) }} as mdo_name_key
    from with_state

),

-- The MDO report a report date is read against: the state's latest snapshot on or before
-- it, else its earliest one.
mdo_snapshot_for_date as (

    select
        report_dates.state,
        report_dates.report_date,
        coalesce(
            max(mdo_rows.snapshot_date) filter (
                where mdo_rows.snapshot_date <= report_dates.report_date
            ),
            min(mdo_rows.snapshot_date)
        ) as mdo_snapshot_date
    from (select distinct
        state,
        report_date
    from with_keys) as report_dates
    inner join mdo_rows
        on report_dates.state = mdo_rows.state
    group by report_dates.state, report_dates.report_date

),

mdo_departments as (

    select
        state,
        snapshot_date,
        mdo_name_key,
        department
    from mdo_rows
    where department is not null
    qualify row_number() over (
        partition by state, snapshot_date, mdo_name_key order by source_row
    ) = 1

)

select
    with_keys.state,
    with_keys.state_slug,
    with_keys.report_date,
    with_keys.officer_key,
    with_keys.designation,
    with_keys.mdo_name,
    with_keys.mdo_name_key,
    with_keys.group_name,
    with_keys.department_as_reported,
    coalesce(
        department_aliases.canonical_department,
        {{ title_case('with_keys.department_by_rule') }},
        mdo_departments.department
    ) as department,
    case
        when department_aliases.canonical_department is not null then 'department_aliases'
        when with_keys.department_by_rule is not null then 'report'
        when mdo_departments.department is not null then 'mdo_report'
    end as department_source,
    mdo_snapshot_for_date.mdo_snapshot_date,
    with_keys.denominator_source,
    with_keys.source_file,
    with_keys.source_row
from with_keys
left join department_aliases
    on
        with_keys.state = department_aliases.state
        and with_keys.department_as_reported = department_aliases.department_as_reported
left join mdo_snapshot_for_date
    on
        with_keys.state = mdo_snapshot_for_date.state
        and with_keys.report_date = mdo_snapshot_for_date.report_date
left join mdo_departments
    on
        with_keys.state = mdo_departments.state
        and mdo_snapshot_for_date.mdo_snapshot_date = mdo_departments.snapshot_date
        and with_keys.mdo_name_key = mdo_departments.mdo_name_key
