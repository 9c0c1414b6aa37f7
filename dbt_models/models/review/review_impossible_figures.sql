-- Rule impossible_figures: a loaded row whose figures contradict each other. One finding per
-- row, its evidence listing every check that failed: active > onboarded, user completions >
-- active, user completions > completions, completions > enrolments, passed > attempted, passed
-- courses with no completion, a printed % Course Passed with nothing attempted, over 100, or
-- differing from 100 * passed / attempted by more than the setting pct_passed_tolerance_points.
with

mdo_rows as (

    select * from {{ ref('review_mdo_rows') }}
    where not is_quarantined

),

settings as (

    select
        max(
            case when setting = 'pct_passed_tolerance_points' then cast(setting_value as double) end
        ) as pct_tolerance
    from {{ ref('org_mapping_rule_settings') }}

),

checked as (

    select
        mdo_rows.*,
        concat_ws(
            '; ',
            case
                when mdo_rows.active > mdo_rows.onboarded
                    then 'active ' || mdo_rows.active || ' > onboarded ' || mdo_rows.onboarded
            end,
            case
                when mdo_rows.user_completions > mdo_rows.active
                    then
                        'user completions ' || mdo_rows.user_completions
                        || ' > active ' || mdo_rows.active
            end,
            case
                when mdo_rows.user_completions > mdo_rows.completions
                    then
                        'user completions ' || mdo_rows.user_completions
                        || ' > completions ' || mdo_rows.completions
            end,
            case
                when mdo_rows.completions > mdo_rows.enrollments
                    then
                        'completions ' || mdo_rows.completions
                        || ' > enrolments ' || mdo_rows.enrollments
            end,
            case
                when mdo_rows.courses_passed > mdo_rows.courses_attempted
                    then
                        'courses passed ' || mdo_rows.courses_passed
                        || ' > attempted ' || mdo_rows.courses_attempted
            end,
            case
                when mdo_rows.courses_passed > 0 and mdo_rows.completions = 0
                    then 'courses passed ' || mdo_rows.courses_passed || ' with 0 completions'
            end,
            case
                when
                    mdo_rows.pct_course_passed_printed is not null
                    and coalesce(mdo_rows.courses_attempted, 0) = 0
                    then
                        'printed % passed '
                        || printf('%.2f', mdo_rows.pct_course_passed_printed)
                        || ' with ' || coalesce(cast(mdo_rows.courses_attempted as varchar), 'no')
                        || ' courses attempted'
            end,
            case
                when mdo_rows.pct_course_passed_printed > 100
                    then
                        'printed % passed '
                        || printf('%.2f', mdo_rows.pct_course_passed_printed)
                        || ' is over 100'
            end,
            case
                when
                    abs(
                        mdo_rows.pct_course_passed_printed
                        - 100.0 * mdo_rows.courses_passed / nullif(mdo_rows.courses_attempted, 0)
                    ) > settings.pct_tolerance
                    then
                        'printed % passed '
                        || printf('%.2f', mdo_rows.pct_course_passed_printed) || ' vs '
                        || printf(
                            '%.2f', 100.0 * mdo_rows.courses_passed / mdo_rows.courses_attempted
                        )
                        || ' from passed / attempted (more than '
                        || printf('%.1f', settings.pct_tolerance) || ' points apart)'
            end
        ) as failed_checks
    from mdo_rows
    cross join settings

)

select
    state,
    snapshot_date,
    source_file,
    source_row,
    'impossible_figures' as issue_type,
    coalesce({{ name_key(without_state_suffix('department_as_reported', 'state')) }}, '')
    || '|'
    || coalesce({{ name_key(without_state_suffix('mdo_name', 'state')) }}, '') as finding_key,
    department_as_reported as department,
    mdo_name,
    coalesce(department, '(no department)') as canonical_department,
    failed_checks || ' (row ' || source_row || ')' as evidence,
    'Check the row''s figures on the MDO portal and deliver the corrected report'
        as suggested_fix
from checked
where failed_checks <> ''
