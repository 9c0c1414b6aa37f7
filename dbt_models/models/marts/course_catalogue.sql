with

courses as (

    select * from {{ ref('int_courses_unioned') }}

)

select
    course_id,
    course_name,
    provider,
    themes,
    case
        when not starts_with(course_id, 'name-') then {{ canonical_course_url('course_id') }}
    end as canonical_url,
    duration_minutes,
    in_marketplace,
    is_recommended
from courses
