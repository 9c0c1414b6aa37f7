-- Every MDO row of every snapshot, for the review rules that read names: the loaded rows with
-- their figures, and the quarantined rows with the names their first two cells carry (their
-- figures are unknown; the unparsed_row rule reports them).
with

loaded_rows as (

    select * from {{ ref('int_mdos_normalised') }}

),

quarantined_rows as (

    select * from {{ ref('stg_quarantine') }}

),

state_names as (

    select * from {{ ref('int_state_names_keyed') }}

),

department_aliases as (

    select * from {{ ref('department_aliases') }}

),

quarantined_cells as (

    select
        source_file,
        source_row,
        raw_cells,
        loaded_at,
        {{ review_state_slug_from_file('source_file') }} as state_slug,
        {{ review_date_from_file('source_file') }} as snapshot_date,
        nullif(trim(json_extract_string(raw_cells, '$[0]')), '') as department_as_reported,
        nullif(trim(json_extract_string(raw_cells, '$[1]')), '') as mdo_name
    from quarantined_rows
    where source_table = 'mdo_report'

),

quarantined_with_state as (

    select
        quarantined_cells.*,
        coalesce(
            state_names.state,
            upper(regexp_replace(quarantined_cells.state_slug, '[_-]+', ' ', 'g'))
        ) as state
    from quarantined_cells
    left join state_names
        on {{ name_key('quarantined_cells.state_slug') }} = state_names.state_key
    where
        quarantined_cells.state_slug is not null
        and quarantined_cells.snapshot_date is not null
        and quarantined_cells.mdo_name is not null

),

quarantined_normalised as (

    select
        quarantined_with_state.state,
        quarantined_with_state.snapshot_date,
        quarantined_with_state.source_file,
        quarantined_with_state.source_row,
        true as is_quarantined,
        quarantined_with_state.department_as_reported,
        coalesce(
            department_aliases.canonical_department,
            nullif({{ without_state_suffix(
                'quarantined_with_state.department_as_reported', 'quarantined_with_state.state'
            ) }}, '')
        ) as department,
        quarantined_with_state.mdo_name,
        {{ name_key(without_state_suffix(
            'quarantined_with_state.mdo_name', 'quarantined_with_state.state'
        )) }} as mdo_name_key,
        cast(null as bigint) as onboarded,
        cast(null as bigint) as active,
        cast(null as bigint) as user_completions,
        cast(null as bigint) as enrollments,
        cast(null as bigint) as completions,
        cast(null as double) as learning_hours,
        cast(null as bigint) as courses_attempted,
        cast(null as bigint) as courses_passed,
        cast(null as double) as pct_course_passed_printed,
        cast(quarantined_with_state.raw_cells as varchar) as raw_cells,
        quarantined_with_state.loaded_at
    from quarantined_with_state
    left join department_aliases
        on
            quarantined_with_state.state = department_aliases.state
            and quarantined_with_state.department_as_reported
            = department_aliases.department_as_reported

),

loaded as (

    select
        state,
        snapshot_date,
        source_file,
        source_row,
        false as is_quarantined,
        department_as_reported,
        department,
        mdo_name,
        mdo_name_key,
        onboarded,
        active,
        user_completions,
        enrollments,
        completions,
        learning_hours,
        courses_attempted,
        courses_passed,
        pct_course_passed_printed,
        cast(null as varchar) as raw_cells,
        loaded_at
    from loaded_rows

)

select * from loaded

union all

select * from quarantined_normalised
