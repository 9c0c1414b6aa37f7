-- Recommended courses with the canonical experience band and the duration in minutes.
with

recommendations as (

    select * from {{ ref('stg_recommended_courses') }}

),

bands as (

    select * from {{ ref('experience_bands') }}

)

select
    recommendations.*,
    bands.experience_band,
    bands.band_order,
    {{ duration_minutes('recommendations.duration_as_printed') }} as duration_minutes,
    {{ name_key('recommendations.course_name') }} as course_name_key
from recommendations
left join bands
    on recommendations.experience_band_as_printed = bands.band_as_printed
