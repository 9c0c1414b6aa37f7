-- Marketplace courses with the course id taken from the link and the portal's real address.
-- The OCR garbles the host (igokarmayogi, iqoikarmayogel), the path (/app/loc/, /app/foe/)
-- and prefixes the id with 'ext_'; only the trailing digits are trusted.
with

courses as (

    select * from {{ ref('stg_marketplace_courses') }}

),

linked as (

    select
        *,
        {{ course_id_from_link('course_link') }} as linked_course_id,
        {{ name_key('course_name') }} as course_name_key
    from courses

)

select
    *,
    {{ canonical_course_url('linked_course_id') }} as canonical_url
from linked
