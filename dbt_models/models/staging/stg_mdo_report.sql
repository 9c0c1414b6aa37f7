with

source as (

    select * from {{ source('raw', 'mdo_report') }}

),

renamed as (

    select
        state as state_slug,
        as_of_date as snapshot_date,
        nullif(trim(department), '') as department_as_reported,
        trim(mdo_name) as mdo_name,
        onboarded,
        active,
        user_completions,
        total_enrollments as enrollments,
        total_completions as completions,
        total_hours as learning_hours,
        courses_attempted,
        courses_passed,
        pct_course_passed as pct_course_passed_printed,
        data_origin,
        source_file,
        source_row,
        loaded_at

    from source

)

select * from renamed
