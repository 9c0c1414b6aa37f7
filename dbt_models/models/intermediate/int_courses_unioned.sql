-- One row per distinct course across the marketplace and the recommended lists. A course is
-- its link's id; a course with no link is its normalised name, matched to a linked
-- marketplace course of the same name where there is one.
with

marketplace as (

    select * from {{ ref('int_courses_linked') }}

),

recommended as (

    select * from {{ ref('int_recommendations_timed') }}

),

id_by_name as (

    select
        course_name_key,
        min(linked_course_id) as linked_course_id
    from marketplace
    where linked_course_id is not null
    group by course_name_key

),

mentions as (

    select
        coalesce(
            marketplace.linked_course_id,
            id_by_name.linked_course_id,
            'name-' || left(md5(marketplace.course_name_key), 12)
        ) as course_id,
        marketplace.course_name,
        marketplace.provider,
        marketplace.theme,
        cast(null as integer) as duration_minutes,
        true as in_marketplace,
        false as is_recommended,
        marketplace.source_row as mention_order
    from marketplace
    left join id_by_name
        on marketplace.course_name_key = id_by_name.course_name_key

    union all

    select
        coalesce(
            id_by_name.linked_course_id,
            'name-' || left(md5(recommended.course_name_key), 12)
        ) as course_id,
        recommended.course_name,
        recommended.provider,
        null as theme,
        recommended.duration_minutes,
        false as in_marketplace,
        true as is_recommended,
        100000 + recommended.source_row as mention_order
    from recommended
    left join id_by_name
        on recommended.course_name_key = id_by_name.course_name_key

)

select
    course_id,
    arg_min(course_name, mention_order) as course_name,
    arg_min(provider, mention_order) filter (where provider is not null) as provider,
    string_agg(distinct theme, '; ' order by theme) as themes,
    min(duration_minutes) as duration_minutes,
    bool_or(in_marketplace) as in_marketplace,
    bool_or(is_recommended) as is_recommended
from mentions
group by course_id
