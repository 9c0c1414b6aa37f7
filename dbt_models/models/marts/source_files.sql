-- What each delivered file contributed, for the dashboard's Data status page: the marts are
-- the only tables the dashboard reads. A file held back by the latest run is listed as
-- rejected with the reason, with the rows an earlier version of it loaded (which stay).
with

file_loads as (

    select * from {{ ref('stg_file_loads') }}

),

file_rejections as (

    select * from {{ ref('stg_file_rejections') }}

),

delivered_files as (

    select
        coalesce(file_loads.source_file, file_rejections.source_file) as source_file,
        coalesce(file_loads.source_table, file_rejections.source_table) as source_table,
        file_loads.file_sha256,
        case
            when file_rejections.source_file is not null then 'rejected'
            else file_loads.status
        end as status,
        coalesce(file_loads.rows_read, 0) as rows_read,
        coalesce(file_loads.rows_loaded, 0) as rows_loaded,
        coalesce(file_loads.rows_quarantined, 0) as rows_quarantined,
        coalesce(file_loads.printed_total_rows, 0) as printed_total_rows,
        file_loads.duplicate_of,
        file_loads.loaded_at,
        file_loads.run_id,
        file_rejections.rejection_reason,
        file_rejections.rejected_at
    from file_loads
    full outer join file_rejections
        on file_loads.source_file = file_rejections.source_file

)

select
    source_file,
    source_table,
    file_sha256,
    status,
    cast(rows_read as integer) as rows_read,
    cast(rows_loaded as integer) as rows_loaded,
    cast(rows_quarantined as integer) as rows_quarantined,
    cast(printed_total_rows as integer) as printed_total_rows,
    duplicate_of,
    loaded_at,
    run_id,
    rejection_reason,
    rejected_at
from delivered_files
