-- The Annexure-3 courses that count for a mandate, once each, keyed for matching the names
-- officers' reports give them (course_key: case, spaces and Unicode form ignored), with the
-- experience bands whose list has them. A course printed in several bands is one course.
with

recommendations as (

    select * from {{ ref('int_recommendations_timed') }}

),

keyed as (

    select
        -- its own course_name_key (name_key) ignores punctuation too: too loose for matching
        * exclude (course_name_key),
        {{ course_key('course_name') }} as course_name_key,
        {{ course_key('provider') }} as provider_key
    from recommendations

)

select
    course_name_key,
    provider_key,
    domain,
    -- as printed in its first band (most experienced first)
    arg_min(course_name, band_order * 100 + serial_no) as course_name,
    arg_min(provider, band_order * 100 + serial_no) as provider,
    -- a band the seed does not know is none of these (flagged on int_recommendations_timed)
    list_sort(list(distinct experience_band) filter (where experience_band is not null))
        as experience_bands
from keyed
where course_name_key is not null and provider_key is not null
group by course_name_key, provider_key, domain
