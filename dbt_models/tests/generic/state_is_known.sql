{#- Every state a file names is one the seeds know (states, state_aliases): a spelling they do
    not know becomes a state of its own in the marts, and its history breaks off without a
    word. A warning: the file is loaded as delivered, and one sentence per file and spelling
    names the first row and what to do. -#}
{% test state_is_known(model, column_name) %}

select
    'In ' || source_file || ' (first at row ' || min(source_row) || ') the state '''
    || {{ column_name }} || ''' is in neither the states nor the state_aliases seed, so the '
    || 'marts count it as a state of its own; add the spelling to '
    || 'dbt_models/seeds/state_aliases.csv, or correct the file' as finding
from {{ model }} as named
where
    {{ column_name }} is not null
    and not exists (
        select 1
        from {{ ref('int_state_names_keyed') }} as known
        where known.state_key = {{ name_key(column_name) }}
    )
group by source_file, {{ column_name }}

{% endtest %}
