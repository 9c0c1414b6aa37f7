-- Rule totals_mismatch: the printed total row of an MDO report against the sum of its rows, one
-- finding per column that differs. The finding compares the printed total with the loaded rows
-- (what the marts add up to); the evidence also adds the quarantined rows' figures read as
-- printed, in the standard column order and where a cell is a number, which is how the raw
-- README reconciles the report. The % Course Passed is compared as a ratio, within the setting
-- pct_passed_tolerance_points.
{%- set labels = {
    'onboarded': 'Onboarded',
    'active': 'Active',
    'user_completions': 'User Completions',
    'enrollments': 'Total Enrollments',
    'completions': 'Total Completions',
    'learning_hours': 'Total Hours',
    'courses_attempted': 'Course Attempted',
    'courses_passed': 'Course Passed',
} %}
with

reconciled as (

    select * from {{ ref('int_mdo_report_totals_reconciled') }}

),

settings as (

    select
        max(
            case when setting = 'pct_passed_tolerance_points' then cast(setting_value as double) end
        ) as pct_tolerance
    from {{ ref('org_mapping_rule_settings') }}

),

compared as (

    select
        state,
        snapshot_date,
        source_file,
        source_row,
        measure as measure_name,
        case measure
            {% for measure, label in labels.items() -%}
                when '{{ measure }}' then '{{ label }}'
            {% endfor -%}
        end as column_label,
        measure = 'learning_hours' as has_decimals,
        printed_total as printed,
        loaded_sum,
        loaded_rows,
        quarantined_sum,
        quarantined_rows
    from reconciled
    where printed_total is not null

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

-- The loaded rows' passed and attempted courses beside each printed % Course Passed.
pass_rates as (

    select
        state,
        snapshot_date,
        source_file,
        source_row,
        any_value(pct_course_passed_printed) as pct_printed,
        any_value(loaded_sum) filter (where measure = 'courses_passed') as courses_passed,
        any_value(loaded_sum) filter (where measure = 'courses_attempted') as courses_attempted
    from reconciled
    group by all

),

pct_findings as (

    select
        pass_rates.state,
        pass_rates.snapshot_date,
        pass_rates.source_file,
        pass_rates.source_row,
        'pct_course_passed' as measure_name,
        '% Course Passed: printed ' || printf('%.2f', pass_rates.pct_printed)
        || ' vs ' || printf(
            '%.2f', 100.0 * pass_rates.courses_passed / pass_rates.courses_attempted
        )
        || ' from the loaded rows'' passed / attempted (more than '
        || printf('%.1f', settings.pct_tolerance) || ' points apart)' as evidence,
        'Check the printed percentage against the report''s passed and attempted totals'
            as suggested_fix
    from pass_rates
    cross join settings
    where
        abs(
            pass_rates.pct_printed
            - 100.0 * pass_rates.courses_passed / nullif(pass_rates.courses_attempted, 0)
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
