with

source as (

    select * from {{ source_if_loaded('raw', 'officer_enrolments') }}

),

renamed as (

    select
        state as state_slug,
        report_date,
        officer_key,
        key_basis,
        nullif(trim(designation), '') as designation,
        nullif(trim(mdo_name), '') as mdo_name,
        nullif(trim(group_name), '') as group_name,
        nullif(trim(department), '') as department_as_reported,
        nullif(trim(content_provider), '') as content_provider,
        nullif(trim(content_name), '') as content_name,
        nullif(trim(content_type), '') as content_type,
        enrolled_on,
        -- 'Completed', 'in progress', 'NOT_STARTED' -> completed, in-progress, not-started
        regexp_replace(lower(trim(status)), '[\s_]+', '-', 'g') as status,
        completed_on,
        report_last_generated_on,
        source_file,
        source_member,
        source_row,
        loaded_at

    from source

)

select * from renamed
