-- Every finding of every review rule, per snapshot, with its stable id: a hash of the state,
-- the issue type and the rule's key (names keyed without their state suffix, so the id stays
-- the same from month to month), numbered when one snapshot has the same key twice.
-- Incremental by review_scope: a finding of an MDO snapshot belongs to its snapshot
-- ('snapshot|<state>|<date>'), redone when review_snapshot_names reviews that snapshot; the
-- findings with no snapshot of their own (a duplicate file, a quarantined row of a file with no
-- state) belong to 'files', redone on every run (they read small tables). The pre-hook empties
-- the scopes being redone, so a snapshot that no longer has any finding loses its old ones.
{{
    config(
        materialized='incremental',
        unique_key='review_scope',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        pre_hook="{{ review_findings_clear_scopes_redone() }}"
    )
}}

{%- set snapshot_rules = [
    'review_orphan',
    'review_district_placement',
    'review_merged_cell',
    'review_duplicate_mdo',
    'review_near_duplicate_department',
    'review_suspect_parent',
    'review_impossible_figures',
    'review_totals_mismatch',
] %}
{%- set file_rules = [
    'review_unparsed_row',
    'review_duplicate_file',
] %}
{%- set rules = snapshot_rules + file_rules %}
{%- set in_snapshots_reviewed_now -%}
    {%- if is_incremental() %}{{ in_review_snapshots_now() }}{% endif -%}
{%- endset %}

-- depends_on: {{ ref('review_snapshot_names') }}

with

{% for rule in snapshot_rules -%}
    {{ rule }} as (

        select * from {{ ref(rule) }}
        {% if is_incremental() %}
            where {{ in_snapshots_reviewed_now }}
        {% endif %}

    ),

{% endfor -%}

{% for rule in file_rules -%}
    {{ rule }} as (

        select * from {{ ref(rule) }}

    ),

{% endfor -%}

unioned as (

    {% for rule in rules -%}
        select
            state,
            snapshot_date,
            source_file,
            source_row,
            issue_type,
            finding_key,
            department,
            mdo_name,
            canonical_department,
            evidence,
            suggested_fix
        from {{ rule }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

scoped as (

    select
        *,
        case
            when state is null or snapshot_date is null or issue_type = 'duplicate_file'
                then 'files'
            else 'snapshot|' || state || '|' || cast(snapshot_date as varchar)
        end as review_scope
    from unioned

),

numbered as (

    select
        *,
        row_number() over (
            partition by state, snapshot_date, issue_type, finding_key
            order by source_file, source_row, department, mdo_name
        ) as occurrence
    from scoped
    {% if is_incremental() %}
        where
            review_scope = 'files'
            or {{ in_snapshots_reviewed_now }}
    {% endif %}

)

select
    left(
        md5(concat_ws('|', coalesce(state, ''), issue_type, finding_key, occurrence)), 12
    ) as finding_id,
    state,
    snapshot_date,
    source_file,
    source_row,
    issue_type,
    finding_key,
    department,
    mdo_name,
    canonical_department,
    evidence,
    suggested_fix,
    review_scope,
    {{ batch_stamp() }} as batch_stamp
from numbered
