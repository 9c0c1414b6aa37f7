with

source as (

    select * from {{ source('raw', 'quarantine') }}

),

renamed as (

    select
        source_table,
        source_file,
        file_sha256,
        source_row,
        cast(raw_cells as varchar) as raw_cells,
        reason,
        loaded_at

    from source

)

select * from renamed
