with

source as (

    select * from {{ source('pipeline', 'runs') }}

),

renamed as (

    select
        run_id,
        job_name,
        started_at,
        finished_at,
        status,
        files_loaded,
        rows_loaded,
        rows_quarantined,
        checks_passed,
        checks_warned,
        checks_failed

    from source

)

select * from renamed
