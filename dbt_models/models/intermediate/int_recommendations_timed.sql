-- Recommended courses with the canonical experience band and the duration in minutes. The
-- printed band is matched to the seed ignoring case, spacing and punctuation ('16 YEARS  and
-- above' is '16 Years and above'), as int_officer_bands_resolved matches officers' bands. A
-- band the seed does not know keeps its row with a null band: the course is loaded as printed,
-- and the warning test on experience_band names its file, row and band.
with

recommendations as (

    select * from {{ ref('stg_recommended_courses') }}

),

bands as (

    select distinct
        {{ name_key('band_as_printed') }} as band_key,
        experience_band,
        band_order
    from {{ ref('experience_bands') }}

)

select
    recommendations.*,
    bands.experience_band,
    bands.band_order,
    {{ duration_minutes('recommendations.duration_as_printed') }} as duration_minutes,
    {{ name_key('recommendations.course_name') }} as course_name_key
from recommendations
left join bands
    on {{ name_key('recommendations.experience_band_as_printed') }} = bands.band_key
