-- Marketplace courses with the course id taken from the link and the portal's real address.
with

courses as (

    select * from {{ ref('stg_marketplace_courses') }}

)

select
    *,
    {{ course_id_from_link('course_link') }} as linked_course_id,
    {{ name_key('course_name') }} as course_name_key
from courses
