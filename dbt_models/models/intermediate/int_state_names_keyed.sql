-- Every way a state is written (canonical name, file-name slug, printed alias), keyed for
-- matching, so that 'BIHAR', 'bihar' and 'Bihar' all resolve to one canonical state.
with

states as (

    select * from {{ ref('states') }}

),

aliases as (

    select * from {{ ref('state_aliases') }}

),

spellings as (

    select
        state as spelling,
        state
    from states

    union all

    select
        state_slug as spelling,
        state
    from states

    union all

    select
        alias as spelling,
        state
    from aliases

)

select distinct
    {{ name_key('spelling') }} as state_key,
    state
from spellings
