with

source as (

    select * from {{ source('raw', 'mandates') }}

),

renamed as (

    select
        mandate_id,
        issued_by,
        letter_reference,
        letter_date,
        audience,
        ask,
        string_split(domains, ';') as domains,
        cast(min_courses as integer) as min_courses,
        due_date,
        nullif(trim(applies_to_state), '') as applies_to_state,
        nullif(trim(applies_to_department), '') as applies_to_department,
        coalesce(nullif(lower(trim(counting)), ''), 'per_domain') as counting

    from source

)

select * from renamed
