with

source as (

    select * from {{ source('raw', 'marketplace_courses') }}

),

renamed as (

    select
        trim(theme) as theme,
        cast(serial_no as integer) as serial_no,
        trim(course_name) as course_name,
        nullif(trim(course_provider), '') as provider,
        nullif(trim(course_link), '') as course_link,
        source_file,
        source_row

    from source

)

select * from renamed
