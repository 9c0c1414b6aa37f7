-- The recommended courses per domain and band, with the quickest AI course and the quickest
-- Cybersecurity course of each band: together, the least time that meets the mandate of at
-- least one course of each by its due date.
with

recommendations as (

    -- A course in a band the seed does not know is in no band's list: it stays in the
    -- catalogue, and int_recommendations_timed's warning names its file, row and band.
    select * from {{ ref('int_recommendations_timed') }}
    where experience_band is not null

),

catalogue as (

    select * from {{ ref('int_courses_unioned') }}

),

mandates as (

    select * from {{ ref('stg_mandates') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by experience_band, domain
            order by duration_minutes asc nulls last, serial_no asc
        ) = 1 as is_quickest_in_domain,
        count(*) over (partition by experience_band, domain, course_name_key) > 1
            as is_duplicate_in_band
    from recommendations

),

band_mandate as (

    select
        experience_band,
        sum(duration_minutes) filter (where is_quickest_in_domain) as mandate_minutes_for_band
    from ranked
    group by experience_band

),

mandate_domains as (

    select
        unnest(domains) as domain,
        due_date
    from mandates

),

due_dates as (

    select
        domain,
        min(due_date) as mandate_due_date
    from mandate_domains
    group by domain

)

select
    ranked.domain,
    ranked.experience_band,
    ranked.experience_band_as_printed,
    ranked.band_order,
    ranked.serial_no,
    ranked.course_name,
    ranked.provider,
    catalogue.course_id,
    ranked.duration_as_printed,
    ranked.duration_minutes,
    ranked.is_duplicate_in_band,
    ranked.domain = 'AI' and ranked.is_quickest_in_domain as is_quickest_ai,
    ranked.domain = 'Cybersecurity' and ranked.is_quickest_in_domain as is_quickest_cyber,
    cast(band_mandate.mandate_minutes_for_band as integer) as mandate_minutes_for_band,
    due_dates.mandate_due_date
from ranked
left join band_mandate
    on ranked.experience_band = band_mandate.experience_band
left join due_dates
    on ranked.domain = due_dates.domain
left join catalogue
    on
        catalogue.is_recommended
        and {{ name_key('catalogue.course_name') }} = ranked.course_name_key
