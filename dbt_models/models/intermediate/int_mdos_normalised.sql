-- MDO rows with the canonical state and department, and a key for matching MDO names.
-- A department cell found in the department_aliases seed takes the reviewed canonical name;
-- any other cell (a new state or month) falls back to a rule: drop the state suffix
-- (', Bihar', ' Govt of Bihar', ...) and title-case a name printed all in one case.
-- Incremental: a run normalises only the rows of files loaded since the last build (a
-- corrected file replaces its snapshot whole), unless a mapping seed changed
-- (mapping_version), when every row is normalised again.
{{
    config(
        materialized='incremental',
        unique_key=['state_slug', 'snapshot_date'],
        incremental_strategy='delete+insert',
        on_schema_change='fail'
    )
}}

with

mapping as (

    select
        {{ seed_fingerprint(['department_aliases', 'int_state_names_keyed']) }}
            as mapping_version

),

mdo_rows as (

    select stg_mdo_report.*
    from {{ ref('stg_mdo_report') }} as stg_mdo_report
    {% if is_incremental() %}
        cross join mapping
        where
            stg_mdo_report.loaded_at > (select max(this.loaded_at) from {{ this }} as this)
            or mapping.mapping_version
            is distinct from (select max(this.mapping_version) from {{ this }} as this)
    {% endif %}

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

select
    normalised.*,
    mapping.mapping_version
from normalised
cross join mapping
