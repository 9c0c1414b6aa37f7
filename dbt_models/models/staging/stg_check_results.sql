with

source as (

    select * from {{ source('pipeline', 'check_results') }}

),

renamed as (

    select
        run_id,
        checked_at,
        tool,
        suite,
        check_id,
        check_name,
        checked_table,
        severity,
        status,
        failing_count,
        failing_examples,
        reason

    from source

)

select * from renamed
