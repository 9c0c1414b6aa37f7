-- Month over month, per department: each snapshot against the state's previous snapshot.
-- A department missing from one of the two snapshots counts as zero there, so the changes
-- add up to the change in the state's totals.
with

departments as (

    select * from {{ ref('department_summary') }}

),

snapshots as (

    select distinct
        state,
        snapshot_date
    from departments

),

paired as (

    select
        state,
        snapshot_date,
        lag(snapshot_date)
            over (partition by state order by snapshot_date)
            as previous_snapshot_date
    from snapshots

),

department_pairs as (

    select
        paired.state,
        paired.snapshot_date,
        paired.previous_snapshot_date,
        departments.department
    from paired
    inner join departments
        on
            paired.state = departments.state
            and departments.snapshot_date in (paired.snapshot_date, paired.previous_snapshot_date)
    group by all

),

compared as (

    select
        department_pairs.state,
        department_pairs.snapshot_date,
        department_pairs.previous_snapshot_date,
        department_pairs.department,
        coalesce(current_month.mdo_count, 0) as mdo_count,
        coalesce(current_month.onboarded, 0) as onboarded,
        coalesce(current_month.active, 0) as active,
        coalesce(current_month.completions, 0) as completions,
        coalesce(previous_month.mdo_count, 0) as previous_mdo_count,
        coalesce(previous_month.onboarded, 0) as previous_onboarded,
        coalesce(previous_month.active, 0) as previous_active,
        coalesce(previous_month.completions, 0) as previous_completions
    from department_pairs
    left join departments as current_month
        on
            department_pairs.state = current_month.state
            and department_pairs.snapshot_date = current_month.snapshot_date
            and department_pairs.department = current_month.department
    left join departments as previous_month
        on
            department_pairs.state = previous_month.state
            and department_pairs.previous_snapshot_date = previous_month.snapshot_date
            and department_pairs.department = previous_month.department

)

select
    state,
    snapshot_date,
    department,
    previous_snapshot_date,
    mdo_count,
    onboarded,
    active,
    completions,
    case when previous_snapshot_date is not null then mdo_count - previous_mdo_count end
        as mdo_count_change,
    case when previous_snapshot_date is not null then onboarded - previous_onboarded end
        as onboarded_change,
    case when previous_snapshot_date is not null then active - previous_active end
        as active_change,
    case when previous_snapshot_date is not null then completions - previous_completions end
        as completions_change
from compared
