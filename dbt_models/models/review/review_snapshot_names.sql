-- Every distinct department or MDO name of a snapshot: how it is used there (department cell,
-- MDO cell, how often, under which departments) with its class from review_name_classes.
with

mdo_rows as (

    select * from {{ ref('review_mdo_rows') }}

),

name_classes as (

    select * from {{ ref('review_name_classes') }}

),

name_roles as (

    select
        state,
        snapshot_date,
        department_as_reported as org_name,
        count(*) as mdo_rows_under,
        0 as times_listed_as_mdo,
        cast(null as varchar) as listed_under
    from mdo_rows
    where department_as_reported is not null
    group by all

    union all

    select
        state,
        snapshot_date,
        mdo_name as org_name,
        0 as mdo_rows_under,
        count(*) as times_listed_as_mdo,
        string_agg(
            distinct coalesce('''' || department_as_reported || '''', 'no department'), ', '
            order by coalesce('''' || department_as_reported || '''', 'no department')
        ) as listed_under
    from mdo_rows
    group by all

),

names as (

    select
        state,
        snapshot_date,
        org_name,
        sum(mdo_rows_under) as mdo_rows_under,
        sum(times_listed_as_mdo) as times_listed_as_mdo,
        max(listed_under) as listed_under
    from name_roles
    group by all

),

classified as (

    select
        names.state,
        names.snapshot_date,
        names.org_name,
        name_classes.canonical_name,
        name_classes.name_key,
        name_classes.is_own_canonical,
        names.mdo_rows_under > 0 as is_department_cell,
        names.times_listed_as_mdo > 0 as is_mdo_cell,
        cast(names.mdo_rows_under as integer) as mdo_rows_under,
        cast(names.times_listed_as_mdo as integer) as times_listed_as_mdo,
        names.listed_under,
        name_classes.is_district,
        name_classes.is_department_like,
        name_classes.merge_pattern,
        name_classes.merge_first_name,
        name_classes.merge_second_name,
        name_classes.domains,
        name_classes.domain_evidence,
        name_classes.similarity_text,
        name_classes.similarity_words
    from names
    inner join name_classes
        on
            names.state = name_classes.state
            and names.org_name = name_classes.org_name

)

select * from classified
