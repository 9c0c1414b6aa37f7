with

source as (

    select * from {{ source('raw', 'state_categories') }}

),

renamed as (

    select
        upper(trim(category)) as category,
        employee_strength as employee_strength_as_printed,
        min_employees,
        max_employees

    from source

)

select * from renamed
