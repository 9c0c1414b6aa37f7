with

source as (

    select * from {{ source('raw', 'file_rejections') }}

),

renamed as (

    select
        coalesce(source_table, recorded_by) as source_table,
        source_file,
        file_sha256,
        reason as rejection_reason,
        rejected_at,
        run_id

    from source

)

select * from renamed
