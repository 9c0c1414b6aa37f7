with

source as (

    select * from {{ source_if_loaded('raw', 'officer_users') }}

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
        report_last_generated_on,
        source_file,
        source_member,
        source_row,
        loaded_at

    from source

)

select * from renamed
