{#- A raw source, or an empty table of its documented columns when the warehouse has no such
    table yet. The officer-level loader creates its tables on every run, delivered or not; this
    keeps a warehouse built before that loader (or a dbt run on its own) building, with 0 rows,
    instead of failing on a missing table. The columns and types are the ones listed for the
    source in models/staging/__sources.yml. -#}
{% macro source_if_loaded(source_name, table_name) -%}
{%- set relation = source(source_name, table_name) -%}
{%- if execute and load_relation(relation) is none -%}
{%- set node = graph.sources['source.' ~ project_name ~ '.' ~ source_name ~ '.' ~ table_name] -%}
{%- set columns = [] -%}
{%- for column in node.columns.values() -%}
{%- do columns.append('cast(null as ' ~ column.data_type ~ ') as ' ~ column.name) -%}
{%- endfor -%}
{{ log(relation ~ ' does not exist yet: building on an empty ' ~ table_name, info=true) }}
(select {{ columns | join(', ') }} where false)
{%- else -%}
{{ relation }}
{%- endif -%}
{%- endmacro %}
