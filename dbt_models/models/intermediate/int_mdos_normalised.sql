-- MDO rows with the canonical state and department, and a key for matching MDO names.
-- A department cell found in the department_aliases seed takes the reviewed canonical name;
-- any other cell (a new state or month) falls back to a rule: drop the state suffix
-- (', Bihar', ' Govt of Bihar', ...) and title-case a name printed all in one case.
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
            {{ title_case("regexp_replace(mdo_rows.state_slug, '[_-]+', ' ', 'g')") }}
        ) as state
    from mdo_rows
    left join state_names
        on {{ name_key('mdo_rows.state_slug') }} = state_names.state_key

),

with_rule as (

    select
        *,
        nullif(
            {{ without_state_suffix('department_as_reported', 'state') }},
            ''
        ) as department_by_rule
    from with_state

),

normalised as (

    select
        with_rule.* exclude (with_rule.department_by_rule),
        coalesce(
            department_aliases.canonical_department,
            {{ title_case('with_rule.department_by_rule') }}
        ) as department,
        department_aliases.canonical_department is not null as is_department_reviewed,
        {{ name_key(without_state_suffix('with_rule.mdo_name', 'with_rule.state')) }}
            as mdo_name_key
    from with_rule
    left join department_aliases
        on
            with_rule.state = department_aliases.state
            and with_rule.department_as_reported = department_aliases.department_as_reported

)

select * from normalised
