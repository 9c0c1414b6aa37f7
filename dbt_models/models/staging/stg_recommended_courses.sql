with

source as (

    select * from {{ source('raw', 'recommended_courses') }}

),

renamed as (

    select
        trim(domain) as domain,
        trim(experience_band) as experience_band_as_printed,
        cast(serial_no as integer) as serial_no,
        trim(course_name) as course_name,
        nullif(trim(course_provider), '') as provider,
        nullif(trim(duration), '') as duration_as_printed,
        source_file,
        source_row

    from source

)

select * from renamed
