-- The officers each report counts, per state and report date: the officers of that date's
-- user report (so officers who never enrolled are in the denominator), or, for a date without
-- a user report, the officers seen in its enrolment report; denominator_source says which.
-- An officer on two rows (two MDOs' reports, or one report twice) is kept once, from the
-- latest-generated report. Each officer gets the canonical state and department, mapped with
-- the seeds and rules of the MDO report (int_mdos_normalised): the department_aliases seed,
-- else the name without its state suffix. A blank Department takes the department of the
-- officer's MDO in the state's MDO report; an MDO without either keeps a null department
-- (reported in data_quality_issues, counted as '(no department)' in the marts).
-- Incremental per delivery (state_slug, report_date): a run redoes the deliveries whose inputs
-- changed since the last build: the delivery's rows (loaded again), the MDO snapshot it reads
-- (a new or reloaded one), or, for every delivery, a seed or reference file the officer
-- models read (officer_inputs_version). It stamps them with batch_stamp: the officer models
-- after it redo the deliveries stamped by this run. A delivery whose rows are all gone (a
-- correction to header-only files) is deleted before the run: it has nothing to redo.
{{
    config(
        materialized='incremental',
        unique_key='state_slug, report_date',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        pre_hook="{{ forget_officer_deliveries_gone(
            [ref('stg_officer_users'), ref('stg_officer_enrolments')]
        ) }}"
    )
}}

with

all_users as (

    select * from {{ ref('stg_officer_users') }}

),

all_enrolments as (

    select * from {{ ref('stg_officer_enrolments') }}

),

-- What every delivery's officers depend on beyond the delivery and its MDO snapshot: the
-- mapping seeds here, and the courses, mandates and bands the models after this one read.
officer_inputs as (

    select
        md5(concat_ws(
            '|',
            {{ seed_fingerprint([
                'int_state_names_keyed',
                'department_aliases',
                'experience_bands',
                'int_recommended_courses_keyed',
                'stg_mandates',
            ]) }},
            (
                select count(*) || '|' || coalesce(cast(max(loaded_at) as varchar), '')
                from {{ ref('stg_officer_bands') }}
            )
        )) as officer_inputs_version

),

delivery_loads as (

    select
        state_slug,
        report_date,
        max(loaded_at) as delivery_loaded_at
    from (
        select
            state_slug,
            report_date,
            loaded_at
        from all_users
        union all
        select
            state_slug,
            report_date,
            loaded_at
        from all_enrolments
    ) as delivery_rows
    group by all

),

mdo_snapshot_loads as (

    select
        state,
        snapshot_date,
        max(loaded_at) as snapshot_loaded_at
    from {{ ref('int_mdos_normalised') }}
    group by all

),

-- Each delivery with the MDO snapshot it reads (the state's latest on or before the report
-- date, else its earliest, as mdo_snapshot_for_date below) and when that snapshot was loaded.
delivery_snapshots as (

    select
        delivery_loads.state_slug,
        delivery_loads.report_date,
        delivery_loads.delivery_loaded_at,
        coalesce(state_names.state, {{
            title_case("regexp_replace(delivery_loads.state_slug, '[_-]+', ' ', 'g')")
        }}) as state
    from delivery_loads
    left join {{ ref('int_state_names_keyed') }} as state_names
        on {{ name_key('delivery_loads.state_slug') }} = state_names.state_key

),

delivery_inputs as (

    select
        delivery_snapshots.state_slug,
        delivery_snapshots.report_date,
        md5(concat_ws(
            '|',
            cast(any_value(delivery_snapshots.delivery_loaded_at) as varchar),
            cast(arg_max(
                mdo_snapshot_loads.snapshot_date || ' ' || mdo_snapshot_loads.snapshot_loaded_at,
                mdo_snapshot_loads.snapshot_date
            ) filter (
                where mdo_snapshot_loads.snapshot_date <= delivery_snapshots.report_date
            ) as varchar),
            cast(arg_min(
                mdo_snapshot_loads.snapshot_date || ' ' || mdo_snapshot_loads.snapshot_loaded_at,
                mdo_snapshot_loads.snapshot_date
            ) as varchar),
            any_value(officer_inputs.officer_inputs_version)
        )) as delivery_version
    from delivery_snapshots
    cross join officer_inputs
    left join mdo_snapshot_loads
        on delivery_snapshots.state = mdo_snapshot_loads.state
    group by delivery_snapshots.state_slug, delivery_snapshots.report_date

),

deliveries_to_redo as (

    select delivery_inputs.*
    from delivery_inputs
    {% if is_incremental() %}
        where not exists (
            select 1
            from {{ this }} as this
            where
                this.state_slug = delivery_inputs.state_slug
                and this.report_date = delivery_inputs.report_date
                and this.delivery_version = delivery_inputs.delivery_version
        )
    {% endif %}

),

users as (

    select all_users.*
    from all_users
    semi join deliveries_to_redo
        on
            all_users.state_slug = deliveries_to_redo.state_slug
            and all_users.report_date = deliveries_to_redo.report_date

),

enrolments as (

    select all_enrolments.*
    from all_enrolments
    semi join deliveries_to_redo
        on
            all_enrolments.state_slug = deliveries_to_redo.state_slug
            and all_enrolments.report_date = deliveries_to_redo.report_date

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
    with_keys.source_row,
    deliveries_to_redo.delivery_version,
    {{ batch_stamp() }} as batch_stamp
from with_keys
inner join deliveries_to_redo
    on
        with_keys.state_slug = deliveries_to_redo.state_slug
        and with_keys.report_date = deliveries_to_redo.report_date
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
