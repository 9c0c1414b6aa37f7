-- One row per state and date on which something was reported about it: an MDO snapshot or a
-- ranking edition. Each row carries the latest ranking on or before its date.
with

rankings as (

    select * from {{ ref('state_ranking') }}

),

mdos as (

    select * from {{ ref('mdo_snapshot') }}

),

mdo_totals as (

    select
        state,
        snapshot_date as as_of_date,
        {{ mdo_measure_sums() }}
    from mdos
    group by all

),

report_dates as (

    select
        state,
        as_of_date
    from mdo_totals

    union

    select
        state,
        edition_date as as_of_date
    from rankings

)

select
    report_dates.state,
    report_dates.as_of_date,
    rankings.edition_date,
    rankings.category,
    rankings.composite_score,
    rankings.rank_in_category,
    rankings.states_in_category,
    rankings.score_gap_to_leader,
    rankings.score_gap_to_next_rank,
    cast(mdo_totals.mdo_count as integer) as mdo_count,
    mdo_totals.onboarded,
    mdo_totals.active,
    mdo_totals.user_completions,
    mdo_totals.enrollments,
    mdo_totals.completions,
    mdo_totals.learning_hours,
    mdo_totals.courses_attempted,
    mdo_totals.courses_passed,
    {{ safe_ratio('mdo_totals.active', 'mdo_totals.onboarded') }} as activation_rate,
    {{ safe_ratio('mdo_totals.completions', 'mdo_totals.enrollments') }} as completion_rate,
    {{ safe_ratio('mdo_totals.courses_passed', 'mdo_totals.courses_attempted') }} as pass_rate,
    {{ safe_ratio('mdo_totals.learning_hours', 'mdo_totals.active') }} as hours_per_active_user
from report_dates
asof left join rankings
    on
        report_dates.state = rankings.state
        and report_dates.as_of_date >= rankings.edition_date
left join mdo_totals
    on
        report_dates.state = mdo_totals.state
        and report_dates.as_of_date = mdo_totals.as_of_date
