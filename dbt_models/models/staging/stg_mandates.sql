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
        due_date

    from source

)

select * from renamed
