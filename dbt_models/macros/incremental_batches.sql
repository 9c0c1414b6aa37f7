-- noqa: disable=LT02
-- Jinja builds the predicates; sqlfluff would lint the layout of the template, not of the SQL.

{#- Incremental models redo only what a run delivered. The first model of a chain decides which
    batches (an MDO snapshot: state and date; an officer delivery: state and report date) to
    redo, and stamps its rows with the run's start (batch_stamp); the models after it redo the
    batches stamped by this run (in_batches_stamped_now). A full build redoes every batch.
    Their unique_key is one SQL row value ('state, snapshot_date'), not a list: dbt-duckdb then
    deletes a redone batch with `where (state, snapshot_date) in (select ...)`, a semi join;
    with a list it deletes `using` a join that pairs every old row of a batch with every new
    one (20,000 officers of a delivery make 400 million pairs). -#}

{#- This run's stamp: dbt's run start (UTC), the same for every model of one invocation. -#}
{% macro batch_stamp() -%}
    cast('{{ run_started_at }}' as timestamp)
{%- endmacro %}

{#- A predicate: the row's (state, date) is a batch that `relation` stamped in this run (its
    columns of the same names). The batches are read when the model runs and written as
    literals, dates first, so that DuckDB prunes the scans below to the new dates. -#}
{% macro in_batches_stamped_now(relation, state_column, date_column) -%}
    {%- set batches = [] -%}
    {%- if execute -%}
        {%- set batches = run_query(
            "select distinct " ~ state_column ~ ", cast(" ~ date_column ~ " as varchar)"
            ~ " from " ~ relation ~ " where batch_stamp = " ~ batch_stamp() ~ " order by all"
        ).rows -%}
    {%- endif -%}
    {%- if batches | length == 0 -%}
        false
    {%- else -%}
        {{ date_column }} in (
            {%- for day in batches | map(attribute=1) | unique -%}
                date '{{ day }}'{% if not loop.last %}, {% endif %}
            {%- endfor -%}
        )
        and {{ state_column }} || '|' || cast({{ date_column }} as varchar) in (
            {%- for batch in batches -%}
                '{{ (batch[0] ~ "|" ~ batch[1]) | replace("'", "''") }}'
                {%- if not loop.last %}, {% endif -%}
            {%- endfor -%}
        )
    {%- endif -%}
{%- endmacro %}

{#- The MDO snapshots review_snapshot_names (re)reviewed in this run. -#}
{% macro in_review_snapshots_now() -%}
    {{ in_batches_stamped_now(ref('review_snapshot_names'), 'state', 'snapshot_date') }}
{%- endmacro %}

{#- review_findings' pre-hook: on an incremental run, delete the findings of the scopes the run
    redoes (the snapshots reviewed now, and 'files'), also of a snapshot that now has none. -#}
{% macro review_findings_clear_scopes_redone() -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where review_scope = 'files' or {{ in_review_snapshots_now() }}
    {%- endif -%}
{%- endmacro %}

{#- A data test's `where` that keeps the rows the model (re)built in its last run:
    `where: "__this_run__"` on a model with a batch_stamp column. On a full build that is every
    row; on an incremental one the batches it redid, which are whole (state, date) batches, so
    a per-row or per-batch test of them is the test of the table. -#}
{% macro duckdb__get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- set where = where | replace(
            '__this_run__',
            'batch_stamp = (select max(batch_stamp) from ' ~ relation ~ ')'
        ) -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) dbt_subquery
        {%- endset -%}
        {{ return(filtered) }}
    {%- else -%}
        {{ return(relation) }}
    {%- endif -%}
{%- endmacro %}

{#- The officer deliveries int_officers_scoped redid in this run. -#}
{% macro in_officer_deliveries_now() -%}
    {{ in_batches_stamped_now(ref('int_officers_scoped'), 'state_slug', 'report_date') }}
{%- endmacro %}

{#- In a model incremental per officer delivery, the `where` of a CTE reading an upstream
    model of the chain: on an incremental run, only the deliveries redone in this run. -#}
{% macro where_officer_delivery_redone() -%}
    {%- if is_incremental() %}where {{ in_officer_deliveries_now() }}{% endif -%}
{%- endmacro %}

{#- The pre-hook of a model incremental per officer delivery: on an incremental run, delete the
    rows of the deliveries the run redoes, also of one that now gives no row at all. -#}
{% macro clear_officer_deliveries_redone() -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where {{ in_officer_deliveries_now() }}
    {%- endif -%}
{%- endmacro %}

{#- The pre-hook of a model incremental per officer delivery that removes the deliveries whose
    rows are all gone: a corrected delivery of header-only files, or one whose every row is now
    quarantined. Such a delivery is never redone (it has no row to redo), so delete+insert alone
    would keep its officers in the marts. `present` are the relations whose (state_slug,
    report_date) are the deliveries that still exist. -#}
{% macro forget_officer_deliveries_gone(present) -%}
    {%- if is_incremental() -%}
        delete from {{ this }} as kept
        where not exists (
            {%- for relation in present %}
                select 1
                from {{ relation }} as present
                where
                    present.state_slug = kept.state_slug
                    and present.report_date = kept.report_date
                {% if not loop.last %}union all{% endif %}
            {%- endfor %}
        )
    {%- endif -%}
{%- endmacro %}
