-- Each officer's experience band from the delivered reference/officer_bands.csv (its latest
-- load; an officer listed twice keeps the last row), with the canonical band of the
-- experience_bands seed when the delivered label is one of Annexure-3's, written in any case or
-- spacing ('0-9 Years' = '0 - 9 Years'). An unrecognised label keeps experience_band null.
with

bands as (

    select * from {{ ref('stg_officer_bands') }}

),

band_labels as (

    select distinct
        {{ name_key('band_as_printed') }} as band_key,
        experience_band
    from {{ ref('experience_bands') }}

),

latest as (

    select *
    from bands
    where officer_key is not null
    qualify row_number() over (
        partition by officer_key order by loaded_at desc, source_file desc, source_row desc
    ) = 1

)

select
    latest.officer_key,
    latest.band_as_delivered,
    band_labels.experience_band
from latest
left join band_labels
    on {{ name_key('latest.band_as_delivered') }} = band_labels.band_key
