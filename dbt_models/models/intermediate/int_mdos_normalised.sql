-- MDO rows with the canonical state and department, and a key for matching MDO names.
with

mdo_rows as (

    select * from {{ ref('stg_mdo_report') }}

),

state_names as (

    select * from {{ ref('int_state_names_keyed') }}

),

department_aliases as (

    select * from {{ ref('department_aliases') }}

),

with_state as (

    select
        mdo_rows.*,
        coalesce(
            state_names.state,
            upper(regexp_replace(mdo_rows.state_slug, '[_-]+', ' ', 'g'))
        ) as state
    from mdo_rows
    left join state_names
        on {{ name_key('mdo_rows.state_slug') }} = state_names.state_key

),

normalised as (

    select
        with_state.*,
        coalesce(
            department_aliases.canonical_department,
            nullif(
                {{ without_state_suffix('with_state.department_as_reported', 'with_state.state') }},
                ''
            )
        ) as department,
        {{ name_key(without_state_suffix('with_state.mdo_name', 'with_state.state')) }}
            as mdo_name_key
    from with_state
    left join department_aliases
        on
            with_state.state = department_aliases.state
            and with_state.department_as_reported = department_aliases.department_as_reported

)

select * from normalised
