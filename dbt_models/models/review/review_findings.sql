-- Every finding of every review rule, per snapshot, with its stable id: a hash of the state,
-- the issue type and the rule's key (names keyed without their state suffix, so the id stays
-- the same from month to month), numbered when one snapshot has the same key twice.
{%- set rules = [
    'review_orphan',
    'review_district_placement',
    'review_merged_cell',
    'review_duplicate_mdo',
    'review_near_duplicate_department',
    'review_suspect_parent',
    'review_impossible_figures',
    'review_totals_mismatch',
    'review_unparsed_row',
    'review_duplicate_file',
] %}
with

{% for rule in rules -%}
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

numbered as (

    select
        *,
        row_number() over (
            partition by state, snapshot_date, issue_type, finding_key
            order by source_file, source_row, department, mdo_name
        ) as occurrence
    from unioned

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
    suggested_fix
from numbered
