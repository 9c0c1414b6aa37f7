-- Every MDO row of every snapshot with both of its names classified (review_snapshot_names):
-- the department cell's and the MDO cell's. A table, as four rules read it; incremental per
-- snapshot: a run redoes the snapshots review_snapshot_names reviewed in it.
{{
    config(
        materialized='incremental',
        unique_key='state, snapshot_date',
        incremental_strategy='delete+insert',
        on_schema_change='fail'
    )
}}

with

mdo_rows as (

    select * from {{ ref('review_mdo_rows') }}
    {% if is_incremental() %}
        where {{ in_review_snapshots_now() }}
    {% endif %}

),

names as (

    select * from {{ ref('review_snapshot_names') }}
    {% if is_incremental() %}
        where {{ in_review_snapshots_now() }}
    {% endif %}

)

select
    mdo_rows.*,
    department_names.is_district as department_is_district,
    department_names.is_department_like as department_is_department_like,
    department_names.merge_pattern as department_merge_pattern,
    department_names.merge_first_name as department_merge_first_name,
    department_names.merge_second_name as department_merge_second_name,
    department_names.domains as department_domains,
    department_names.domain_evidence as department_domain_evidence,
    mdo_names.is_district as mdo_is_district,
    mdo_names.is_department_like as mdo_is_department_like,
    mdo_names.merge_pattern as mdo_merge_pattern,
    mdo_names.merge_first_name as mdo_merge_first_name,
    mdo_names.merge_second_name as mdo_merge_second_name,
    mdo_names.domains as mdo_domains,
    mdo_names.domain_evidence as mdo_domain_evidence,
    mdo_names.similarity_text as mdo_similarity_text,
    mdo_names.similarity_words as mdo_similarity_words,
    {{ batch_stamp() }} as batch_stamp
from mdo_rows
left join names as department_names
    on
        mdo_rows.state = department_names.state
        and mdo_rows.snapshot_date = department_names.snapshot_date
        and mdo_rows.department_as_reported = department_names.org_name
left join names as mdo_names
    on
        mdo_rows.state = mdo_names.state
        and mdo_rows.snapshot_date = mdo_names.snapshot_date
        and mdo_rows.mdo_name = mdo_names.org_name
