with

source as (

    select * from {{ source('raw', 'file_loads') }}

),

renamed as (

    select
        source_table,
        source_file,
        file_sha256,
        status,
        rows_read,
        rows_loaded,
        rows_quarantined,
        total_rows as printed_total_rows,
        duplicate_of,
        loaded_at,
        run_id

    from source

)

select * from renamed
