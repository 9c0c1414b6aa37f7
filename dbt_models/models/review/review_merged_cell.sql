-- Rule merged_cell: a department or MDO cell holding two organisation names run together,
-- found by the reviewable patterns of org_mapping_merged_cell_patterns (each splits the cell
-- in two). A merged department cell is one finding however many MDOs sit under it; a merged
-- MDO cell is one finding per row.
with

mdo_rows as (

    select * from {{ ref('review_mdo_rows_classified') }}

),

department_cells as (

    select
        state,
        snapshot_date,
        min(source_file) as source_file,
        min(source_row) as source_row,
        department_as_reported,
        department,
        department_merge_pattern,
        department_merge_first_name,
        department_merge_second_name,
        string_agg(
            '''' || mdo_name || ''' (row ' || source_row || ')', ', ' order by source_row
        ) as mdos_under,
        count(*) as mdo_rows
    from mdo_rows
    where department_merge_pattern is not null
    group by all

),

department_findings as (

    select
        state,
        snapshot_date,
        source_file,
        source_row,
        'department|'
        || coalesce({{ name_key(without_state_suffix('department_as_reported', 'state')) }}, '')
            as finding_key,
        department_as_reported as department,
        cast(null as varchar) as mdo_name,
        department as canonical_department,
        'Department cell holds two names: ''' || department_merge_first_name || ''' + '''
        || department_merge_second_name || ''' (pattern ' || department_merge_pattern || '); '
        || mdo_rows || ' MDO row' || case when mdo_rows = 1 then '' else 's' end
        || ' under it: ' || mdos_under as evidence,
        'Split the cell: file the MDOs under their one department (the marts read it as '''
        || department || ''') and keep ''' || department_merge_second_name
        || ''' as an organisation of its own' as suggested_fix
    from department_cells

),

mdo_findings as (

    select
        state,
        snapshot_date,
        source_file,
        source_row,
        'mdo|'
        || coalesce({{ name_key(without_state_suffix('department_as_reported', 'state')) }}, '')
        || '|'
        || coalesce({{ name_key(without_state_suffix('mdo_name', 'state')) }}, '') as finding_key,
        department_as_reported as department,
        mdo_name,
        coalesce(department, '(no department)') as canonical_department,
        'MDO cell holds two names: ''' || mdo_merge_first_name || ''' + '''
        || mdo_merge_second_name || ''' (pattern ' || mdo_merge_pattern || '); row '
        || source_row
        || coalesce(
            ': onboarded ' || onboarded || ', active ' || active
            || ', completions ' || completions,
            ' (quarantined)'
        ) as evidence,
        'Split it into two MDOs, ''' || mdo_merge_first_name || ''' and '''
        || mdo_merge_second_name
        || ''', each with its own figures: the row''s figures cannot be attributed to either'
            as suggested_fix
    from mdo_rows
    where mdo_merge_pattern is not null

),

findings as (

    select * from department_findings

    union all

    select * from mdo_findings

)

select
    state,
    snapshot_date,
    source_file,
    source_row,
    'merged_cell' as issue_type,
    finding_key,
    department,
    mdo_name,
    canonical_department,
    evidence,
    suggested_fix
from findings
