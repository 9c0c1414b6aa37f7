with

source as (

    select * from {{ source('raw', 'state_ranking') }}

),

renamed as (

    select
        edition_date,
        trim(state) as state_as_printed,
        upper(trim(category)) as category,
        composite_score,
        cast(rank as integer) as rank_in_category,
        source_file,
        source_row

    from source

)

select * from renamed
