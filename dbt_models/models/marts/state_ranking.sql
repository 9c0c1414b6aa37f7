with

ranked as (

    select * from {{ ref('int_state_rankings_ranked') }}

)

select
    edition_date,
    state,
    category,
    composite_score,
    rank_in_category,
    cast(computed_rank as integer) as computed_rank,
    score_gap_to_leader,
    score_gap_to_next_rank,
    cast(states_in_category as integer) as states_in_category,
    previous_rank,
    rank_change
from ranked
