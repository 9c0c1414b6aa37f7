with

source as (

    select * from {{ source_if_loaded('raw', 'officer_bands') }}

),

renamed as (

    select
        officer_key,
        key_basis,
        nullif(trim(band), '') as band_as_delivered,
        source_file,
        source_row,
        loaded_at

    from source

)

select * from renamed
