-- Each printed total row of an MDO report against the report's rows, one row per measure: the
-- printed figure, the sum of the rows loaded (what every mart adds up to) and the figures of
-- the rows set aside in quarantine, read as printed. Shared by the mart mdo_report_reconciliation
-- (the grand total of each report) and the review rule totals_mismatch (every total row).
{%- set measures = [
    ('onboarded', 2),
    ('active', 3),
    ('user_completions', 4),
    ('enrollments', 5),
    ('completions', 6),
    ('learning_hours', 7),
    ('courses_attempted', 8),
    ('courses_passed', 9),
] %}
with

printed_totals as (

    select * from {{ ref('stg_mdo_report_totals') }}

),

state_names as (

    select * from {{ ref('int_state_names_keyed') }}

),

loaded_rows as (

    select * from {{ ref('int_mdos_normalised') }}

),

quarantined_rows as (

    select * from {{ ref('stg_quarantine') }}
    where source_table = 'mdo_report'

),

-- A report may print a subtotal beside its grand total; the grand total is the last total row.
totals as (

    select
        printed_totals.*,
        coalesce(
            state_names.state,
            upper(regexp_replace(printed_totals.state_slug, '[_-]+', ' ', 'g'))
        ) as state,
        count(*) over (partition by printed_totals.source_file) as total_rows_printed,
        row_number() over (
            partition by printed_totals.source_file order by printed_totals.source_row desc
        ) = 1 as is_grand_total
    from printed_totals
    left join state_names
        on {{ name_key('printed_totals.state_slug') }} = state_names.state_key

),

loaded_sums as (

    select
        source_file,
        count(*) as row_count,
        {% for column, position in measures -%}
            sum({{ column }}) as {{ column }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from loaded_rows
    group by source_file

),

-- A quarantined row's cells are read by position, in the standard column order, where a cell
-- is a number: how the raw README reconciles the report.
quarantined_sums as (

    select
        source_file,
        count(*) as row_count,
        {% for column, position in measures -%}
            sum(try_cast(replace(
                json_extract_string(raw_cells, '$[{{ position }}]'), ',', ''
            ) as double)) as {{ column }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from quarantined_rows
    group by source_file

)

{% for column, position in measures -%}
    select
        totals.state,
        totals.snapshot_date,
        totals.source_file,
        totals.source_row,
        totals.is_grand_total,
        cast(totals.total_rows_printed as integer) as total_rows_printed,
        '{{ column }}' as measure,
        cast(totals.{{ column }} as double) as printed_total,
        cast(coalesce(loaded_sums.{{ column }}, 0) as double) as loaded_sum,
        cast(coalesce(loaded_sums.row_count, 0) as integer) as loaded_rows,
        cast(coalesce(quarantined_sums.{{ column }}, 0) as double) as quarantined_sum,
        cast(coalesce(quarantined_sums.row_count, 0) as integer) as quarantined_rows,
        totals.pct_course_passed_printed
    from totals
    left join loaded_sums
        on totals.source_file = loaded_sums.source_file
    left join quarantined_sums
        on totals.source_file = quarantined_sums.source_file
    {% if not loop.last %}union all{% endif %}
{% endfor %}
