{#- A raw source, or an empty table of its documented columns when the warehouse has no such
    table yet. The officer-level loader creates its tables on every run, delivered or not; this
    keeps a warehouse built before that loader (or a dbt run on its own) building, with 0 rows,
    instead of failing on a missing table. The columns and types are the ones listed for the
    source in models/staging/__sources.yml. -#}
{% macro source_if_loaded(source_name, table_name) -%}
    {%- set relation = source(source_name, table_name) -%}
    {#- In a dbt unit test, source() is the test's given rows, not a table to look up. -#}
    {%- if execute and relation.identifier is not none and load_relation(relation) is none -%}
        {%- set node = graph.sources['source.' ~ project_name ~ '.' ~ source_name ~ '.' ~ table_name] -%}
        {{ log(relation ~ ' does not exist yet: building on an empty ' ~ table_name, info=true) }}
        (
            select
            {%- for column in node.columns.values() %}
                cast(null as {{ column.data_type }}) as {{ column.name }}
                {%- if not loop.last %},{% endif %}
            {%- endfor %}
            where false
        )
    {%- else -%}
        {{ relation }}
    {%- endif -%}
{%- endmacro %}
