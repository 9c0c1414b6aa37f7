-- Rule totals_mismatch: the printed total row of an MDO report against the sum of its rows, one
-- finding per column that differs. The finding compares the printed total with the loaded rows
-- (what the marts add up to); the evidence also adds the quarantined rows' figures read as
-- printed, in the standard column order and where a cell is a number, which is how the raw
-- README reconciles the report. The % Course Passed is compared as a ratio, within the setting
-- pct_passed_tolerance_points.
{%- set measures = [
    ('onboarded', 'Onboarded', 2),
    ('active', 'Active', 3),
    ('user_completions', 'User Completions', 4),
    ('enrollments', 'Total Enrollments', 5),
    ('completions', 'Total Completions', 6),
    ('learning_hours', 'Total Hours', 7),
    ('courses_attempted', 'Course Attempted', 8),
    ('courses_passed', 'Course Passed', 9),
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

settings as (

    select
        max(
            case when setting = 'pct_passed_tolerance_points' then cast(setting_value as double) end
        ) as pct_tolerance
    from {{ ref('org_mapping_rule_settings') }}

),

totals as (

    select
        printed_totals.*,
        coalesce(
            state_names.state,
            upper(regexp_replace(printed_totals.state_slug, '[_-]+', ' ', 'g'))
        ) as state
    from printed_totals
    left join state_names
        on {{ name_key('printed_totals.state_slug') }} = state_names.state_key

),

loaded_sums as (

    select
        source_file,
        count(*) as row_count,
        {% for column, label, position in measures -%}
            sum({{ column }}) as {{ column }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from loaded_rows
    group by source_file

),

quarantined_sums as (

    select
        source_file,
        count(*) as row_count,
        {% for column, label, position in measures -%}
            sum(try_cast(replace(
                json_extract_string(raw_cells, '$[{{ position }}]'), ',', ''
            ) as double)) as {{ column }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from quarantined_rows
    group by source_file

),

compared as (

    {% for column, label, position in measures -%}
        select
            totals.state,
            totals.snapshot_date,
            totals.source_file,
            totals.source_row,
            '{{ column }}' as measure_name,
            '{{ label }}' as column_label,
            {{ 'true' if column == 'learning_hours' else 'false' }} as has_decimals,
            cast(totals.{{ column }} as double) as printed,
            cast(coalesce(loaded_sums.{{ column }}, 0) as double) as loaded_sum,
            coalesce(loaded_sums.row_count, 0) as loaded_rows,
            cast(coalesce(quarantined_sums.{{ column }}, 0) as double) as quarantined_sum,
            coalesce(quarantined_sums.row_count, 0) as quarantined_rows
        from totals
        left join loaded_sums
            on totals.source_file = loaded_sums.source_file
        left join quarantined_sums
            on totals.source_file = quarantined_sums.source_file
        where totals.{{ column }} is not null
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

differences as (

    select
        *,
        round(printed - loaded_sum, 2) as loaded_difference,
        round(printed - loaded_sum - quarantined_sum, 2) as all_rows_difference
    from compared
    where round(printed - loaded_sum, 2) <> 0

),

count_findings as (

    select
        state,
        snapshot_date,
        source_file,
        source_row,
        measure_name,
        column_label || ': printed '
        || {{ review_amount('printed', 'has_decimals') }}
        || '; the ' || loaded_rows || ' loaded row'
        || case when loaded_rows = 1 then ' sums to ' else 's sum to ' end
        || {{ review_amount('loaded_sum', 'has_decimals') }}
        || ' (printed - sum = '
        || {{ review_amount('loaded_difference', 'has_decimals', signed=true) }}
        || ')'
        || case
            when quarantined_rows > 0
                then
                    '; with the ' || quarantined_rows || ' quarantined row'
                    || case when quarantined_rows = 1 then '' else 's' end
                    || ' read as printed ('
                    || {{ review_amount('quarantined_sum', 'has_decimals', signed=true) }}
                    || '), '
                    || {{ review_amount('loaded_sum + quarantined_sum', 'has_decimals') }}
                    || ' (printed - sum = '
                    || {{ review_amount('all_rows_difference', 'has_decimals', signed=true) }}
                    || ')'
            else ''
        end as evidence,
        case
            when all_rows_difference = 0
                then
                    'The quarantined rows account for the whole difference: correct them in the'
                    || ' delivered file (see the unparsed_row findings) and deliver it again'
            else
                'The rows do not add up to the printed total even with the quarantined rows:'
                || ' rows are missing from the report or were changed after the total; ask for'
                || ' the complete report from the MDO portal'
        end as suggested_fix
    from differences

),

pct_findings as (

    select
        totals.state,
        totals.snapshot_date,
        totals.source_file,
        totals.source_row,
        'pct_course_passed' as measure_name,
        '% Course Passed: printed ' || printf('%.2f', totals.pct_course_passed_printed)
        || ' vs ' || printf(
            '%.2f', 100.0 * loaded_sums.courses_passed / loaded_sums.courses_attempted
        )
        || ' from the loaded rows'' passed / attempted (more than '
        || printf('%.1f', settings.pct_tolerance) || ' points apart)' as evidence,
        'Check the printed percentage against the report''s passed and attempted totals'
            as suggested_fix
    from totals
    inner join loaded_sums
        on totals.source_file = loaded_sums.source_file
    cross join settings
    where
        abs(
            totals.pct_course_passed_printed
            - 100.0 * loaded_sums.courses_passed / nullif(loaded_sums.courses_attempted, 0)
        ) > settings.pct_tolerance

),

findings as (

    select * from count_findings

    union all

    select * from pct_findings

)

select
    state,
    snapshot_date,
    source_file,
    source_row,
    'totals_mismatch' as issue_type,
    measure_name as finding_key,
    cast(null as varchar) as department,
    cast(null as varchar) as mdo_name,
    cast(null as varchar) as canonical_department,
    evidence,
    suggested_fix
from findings
