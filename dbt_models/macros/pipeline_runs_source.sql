{#- The run log's source table, pipeline.runs: created before every dbt invocation (on-run-start)
    so that the view marts.pipeline_runs always has something to read, even in a warehouse no
    run has published yet. The publishing step (dagster_project/run_log.py) fills it.

    Warehouses published before the run log was a dbt model kept it as the table
    marts.pipeline_runs; its rows move into pipeline.runs once, before dbt replaces that table
    with the view. -#}
{% macro create_pipeline_runs_source() -%}
    create schema if not exists pipeline;
    create table if not exists pipeline.runs (
        run_id varchar primary key,
        job_name varchar,
        started_at timestamp,
        finished_at timestamp,
        status varchar not null,
        files_loaded integer,
        rows_loaded bigint,
        rows_quarantined bigint,
        checks_passed integer,
        checks_warned integer,
        checks_failed integer
    );
    {%- if execute %}
        {%- set earlier_log = adapter.get_relation(
            database=target.database, schema='marts', identifier='pipeline_runs'
        ) %}
        {%- if earlier_log is not none and earlier_log.type == 'table' %}
    insert or ignore into pipeline.runs by name select * from marts.pipeline_runs;
        {%- endif %}
    {%- endif %}
{%- endmacro %}
