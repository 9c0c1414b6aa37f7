with

mdos as (

    select * from {{ ref('mdo_snapshot') }}

),

-- Open findings of the org-mapping review per canonical department, on the snapshot that last
-- showed them; state-level findings (totals, files) have no department and are not counted.
open_mapping_issues as (

    select
        state,
        snapshot_date,
        canonical_department as department,
        count(*) as open_issues
    from {{ ref('org_mapping_issues') }}
    where is_open and canonical_department is not null
    group by all

),

departments as (

    select
        state,
        snapshot_date,
        coalesce(department, '(no department)') as department,
        {{ mdo_measure_sums() }}
    from mdos
    group by all

),

with_ratios as (

    select
        *,
        {{ safe_ratio('active', 'onboarded') }} as activation_rate,
        {{ safe_ratio('completions', 'enrollments') }} as completion_rate,
        {{ safe_ratio('courses_passed', 'courses_attempted') }} as pass_rate,
        {{ safe_ratio('learning_hours', 'active') }} as hours_per_active_user,
        {{ safe_ratio('completions', 'sum(completions) over (partition by state, snapshot_date)') }}
            as share_of_state_completions
    from departments

)

select
    with_ratios.state,
    with_ratios.snapshot_date,
    with_ratios.department,
    cast(with_ratios.mdo_count as integer) as mdo_count,
    with_ratios.onboarded,
    with_ratios.active,
    with_ratios.user_completions,
    with_ratios.enrollments,
    with_ratios.completions,
    with_ratios.learning_hours,
    with_ratios.courses_attempted,
    with_ratios.courses_passed,
    with_ratios.activation_rate,
    with_ratios.completion_rate,
    with_ratios.pass_rate,
    with_ratios.hours_per_active_user,
    with_ratios.share_of_state_completions,
    cast(rank() over (
        partition by with_ratios.state, with_ratios.snapshot_date
        order by with_ratios.completion_rate desc nulls last
    ) as integer) as rank_in_state_by_completion_rate,
    cast(rank() over (
        partition by with_ratios.state, with_ratios.snapshot_date
        order by with_ratios.activation_rate desc nulls last
    ) as integer) as rank_in_state_by_activation_rate,
    cast(coalesce(open_mapping_issues.open_issues, 0) as integer) as open_mapping_issues
from with_ratios
left join open_mapping_issues
    on
        with_ratios.state = open_mapping_issues.state
        and with_ratios.snapshot_date = open_mapping_issues.snapshot_date
        and with_ratios.department = open_mapping_issues.department
