{#- The children's measures add up to the parent's, per key and date: e.g. the departments of
    a state's snapshot add up to the state's totals for that snapshot. -#}
{% test child_sums_equal_parent(model, parent, keys, child_date, parent_date, measures) %}

with

children as (

    select
        {{ keys | join(', ') }},
        {{ child_date }} as report_date,
        {% for measure in measures -%}
            sum({{ measure }}) as {{ measure }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from {{ model }}
    group by all

),

parents as (

    select
        {{ keys | join(', ') }},
        {{ parent_date }} as report_date,
        {{ measures | join(', ') }}
    from {{ parent }}
    where mdo_count is not null

)

select children.*
from children
full outer join parents
    using ({{ keys | join(', ') }}, report_date)
where
    {% for measure in measures -%}
        children.{{ measure }} is distinct from parents.{{ measure }}
        {% if not loop.last %}or {% endif %}
    {%- endfor %}

{% endtest %}
