-- Rules district_under_department and district_under_district: a district MDO ('District X,
-- <State>', setting district_pattern) filed under a department or under another district
-- instead of at the state's district level (a district as its own parent, as 'District Munger,
-- Bihar' is). A district with no department is an orphan, not counted here.
with

mdo_rows as (

    select * from {{ ref('review_mdo_rows_classified') }}

),

misplaced as (

    select
        *,
        case
            when department_is_district then 'district_under_district'
            else 'district_under_department'
        end as issue_type
    from mdo_rows
    where
        mdo_is_district
        and department_as_reported is not null
        and coalesce({{ name_key(without_state_suffix('department_as_reported', 'state')) }}, '')
        <> coalesce({{ name_key(without_state_suffix('mdo_name', 'state')) }}, '')

)

select
    state,
    snapshot_date,
    source_file,
    source_row,
    issue_type,
    coalesce({{ name_key(without_state_suffix('department_as_reported', 'state')) }}, '')
    || '|'
    || coalesce({{ name_key(without_state_suffix('mdo_name', 'state')) }}, '') as finding_key,
    department_as_reported as department,
    mdo_name,
    coalesce(department, '(no department)') as canonical_department,
    case
        when issue_type = 'district_under_district'
            then
                '''' || mdo_name || ''' is a district filed under another district, '''
                || department_as_reported || ''' (row ' || source_row || ')'
        else
            '''' || mdo_name || ''' is a district filed under '''
            || department_as_reported || ''', which is not a district-level parent (row '
            || source_row || ')'
    end as evidence,
    'Move ''' || mdo_name || ''' to the ' || state
    || ' district level (the district as its own parent), out from under '''
    || department_as_reported || '''' as suggested_fix
from misplaced
