-- What each delivered file contributed, for the dashboard's Data status page: the marts are
-- the only tables the dashboard reads.
with

file_loads as (

    select * from {{ ref('stg_file_loads') }}

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
    run_id
from file_loads
