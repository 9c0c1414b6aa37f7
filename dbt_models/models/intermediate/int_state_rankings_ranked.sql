-- Each ranking edition with ranks recomputed from the scores, the gaps a state has to close,
-- and the previous edition's rank. Scores are printed to 2 decimals, so the gaps are rounded
-- to 2 decimals: that removes floating-point noise (43.669999...) and loses nothing.
with

rankings as (

    select * from {{ ref('stg_state_ranking') }}

),

state_names as (

    select * from {{ ref('int_state_names_keyed') }}

),

resolved as (

    select
        rankings.edition_date,
        coalesce(
            state_names.state,
            {{ title_case('rankings.state_as_printed') }}
        ) as state,
        rankings.state_as_printed,
        rankings.category,
        rankings.composite_score,
        rankings.rank_in_category
    from rankings
    left join state_names
        on {{ name_key('rankings.state_as_printed') }} = state_names.state_key

),

ranked as (

    select
        *,
        rank() over (
            partition by edition_date, category
            order by composite_score desc
        ) as computed_rank,
        round(
            max(composite_score) over (partition by edition_date, category)
            - composite_score,
            2
        ) as score_gap_to_leader,
        round(
            coalesce(
                lag(composite_score) over (
                    partition by edition_date, category
                    order by composite_score desc, rank_in_category asc
                ) - composite_score,
                0
            ),
            2
        ) as score_gap_to_next_rank,
        count(*) over (partition by edition_date, category) as states_in_category,
        lag(rank_in_category) over (
            partition by state
            order by edition_date
        ) as previous_rank,
        lag(category) over (
            partition by state
            order by edition_date
        ) as previous_category
    from resolved

)

-- A rank is a place within a category: after a move to another category the two ranks are
-- not comparable, and "rank 1 to rank 1" would read as no change.
select
    * exclude (previous_category),
    case
        when previous_category = category then previous_rank - rank_in_category
    end as rank_change
from ranked
