-- Every distinct department or MDO name of a snapshot: how it is used there (department cell,
-- MDO cell, how often, under which departments) with its class from review_name_classes.
-- Incremental per snapshot (state, snapshot_date): a run reviews the snapshots loaded, or loaded
-- again, since the last build (their rows' loaded_at differs from the one kept here), and every
-- snapshot when a seed the review reads changed (review_version). It stamps the snapshots it
-- reviews with batch_stamp: the review models after it redo those snapshots only.
{{
    config(
        materialized='incremental',
        unique_key='state, snapshot_date',
        incremental_strategy='delete+insert',
        on_schema_change='fail'
    )
}}

with

all_mdo_rows as (

    select * from {{ ref('review_mdo_rows') }}

),

review as (

    select
        {{ seed_fingerprint([
            'int_state_names_keyed',
            'department_aliases',
            'org_mapping_merged_cell_patterns',
            'org_mapping_domain_keywords',
            'org_mapping_rule_settings',
        ]) }} as review_version

),

snapshots as (

    select
        state,
        snapshot_date,
        max(loaded_at) as snapshot_loaded_at
    from all_mdo_rows
    group by all

),

snapshots_to_review as (

    select
        snapshots.*,
        review.review_version
    from snapshots
    cross join review
    {% if is_incremental() %}
        where
            review.review_version
            is distinct from (select max(this.review_version) from {{ this }} as this)
            or not exists (
                select 1
                from {{ this }} as this
                where
                    this.state = snapshots.state
                    and this.snapshot_date = snapshots.snapshot_date
                    and this.snapshot_loaded_at = snapshots.snapshot_loaded_at
            )
    {% endif %}

),

mdo_rows as (

    select all_mdo_rows.*
    from all_mdo_rows
    semi join snapshots_to_review
        on
            all_mdo_rows.state = snapshots_to_review.state
            and all_mdo_rows.snapshot_date = snapshots_to_review.snapshot_date

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
        name_classes.similarity_words,
        snapshots_to_review.snapshot_loaded_at,
        snapshots_to_review.review_version,
        {{ batch_stamp() }} as batch_stamp
    from names
    inner join name_classes
        on
            names.state = name_classes.state
            and names.org_name = name_classes.org_name
    inner join snapshots_to_review
        on
            names.state = snapshots_to_review.state
            and names.snapshot_date = snapshots_to_review.snapshot_date

)

select * from classified
