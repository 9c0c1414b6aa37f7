{#- Every reviewed decision still decides some finding of the org-mapping review (in any
    snapshot): a decision that matches nothing has a typo in its names, or names a finding the
    rules no longer raise, and suppresses nothing. -#}
{% test review_decisions_match_findings(model, findings) %}

with

decisions as (

    select
        *,
        coalesce({{ name_key(without_state_suffix('mdo', 'state')) }}, '') as mdo_key,
        case
            when department is not null
                then coalesce({{ name_key(without_state_suffix('department', 'state')) }}, '')
        end as department_key
    from {{ model }}

),

findings as (

    select
        *,
        coalesce({{ name_key(without_state_suffix('mdo_name', 'state')) }}, '') as mdo_key,
        coalesce({{ name_key(without_state_suffix('department', 'state')) }}, '')
            as department_key
    from {{ findings }}

)

select decisions.*
from decisions
where not exists (
    select 1
    from findings
    where {{ review_decision_matches('decisions', 'findings') }}
)

{% endtest %}
