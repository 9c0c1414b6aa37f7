with

mdo_rows as (

    select * from {{ ref('int_mdos_normalised') }}

)

select
    state,
    snapshot_date,
    source_file,
    source_row,
    department_as_reported,
    department,
    mdo_name,
    mdo_name_key,
    onboarded,
    active,
    user_completions,
    enrollments,
    completions,
    learning_hours,
    courses_attempted,
    courses_passed,
    {{ safe_ratio('active', 'onboarded') }} as activation_rate,
    {{ safe_ratio('completions', 'enrollments') }} as completion_rate,
    {{ safe_ratio('courses_passed', 'courses_attempted') }} as pass_rate,
    {{ safe_ratio('learning_hours', 'active') }} as hours_per_active_user,
    pct_course_passed_printed,
    coalesce(data_origin, 'delivered') as data_origin
from mdo_rows
