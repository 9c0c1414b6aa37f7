-- Rule orphan: an MDO with no department (a blank cell), or under a department that is not a
-- known kind of department: not department-like (setting department_like_pattern, on the
-- canonical name after department_aliases), not a district and not a merged cell (those have
-- rules of their own). For a blank department the fix suggests the state's department whose
-- name is nearest the MDO's, else one of the MDO's domain.
with

mdo_rows as (

    select * from {{ ref('review_mdo_rows_classified') }}

),

names as (

    select * from {{ ref('review_snapshot_names') }}

),

settings as (

    select
        max(case when setting = 'near_duplicate_min_score' then cast(setting_value as double) end)
            as min_score
    from {{ ref('org_mapping_rule_settings') }}

),

orphans as (

    select
        *,
        department_as_reported is null as is_blank
    from mdo_rows
    where
        department_as_reported is null
        or (
            not department_is_department_like
            and not department_is_district
            and department_merge_pattern is null
        )

),

departments as (

    select * from names
    where
        is_department_cell
        and is_department_like
        and not is_district
        and merge_pattern is null

),

candidates as (

    select
        orphans.source_file,
        orphans.source_row,
        departments.org_name as suggested_department,
        {{ review_similarity(
            'orphans.mdo_similarity_text',
            'departments.similarity_text',
            'orphans.mdo_similarity_words',
            'departments.similarity_words'
        ) }} as score,
        list_has_any(orphans.mdo_domains, departments.domains) as shares_domain,
        array_to_string(list_intersect(orphans.mdo_domains, departments.domains), ', ')
            as shared_domains
    from orphans
    inner join departments
        on
            orphans.state = departments.state
            and orphans.snapshot_date = departments.snapshot_date
    where orphans.is_blank

),

suggestions as (

    select
        candidates.*,
        candidates.score >= settings.min_score as is_similar
    from candidates
    cross join settings
    where candidates.score >= settings.min_score or candidates.shares_domain
    qualify row_number() over (
        partition by candidates.source_file, candidates.source_row
        order by
            candidates.score >= settings.min_score desc, candidates.score desc,
            candidates.suggested_department asc
    ) = 1

)

select
    orphans.state,
    orphans.snapshot_date,
    orphans.source_file,
    orphans.source_row,
    'orphan' as issue_type,
    coalesce(
        {{ name_key(without_state_suffix('orphans.department_as_reported', 'orphans.state')) }}, ''
    )
    || '|'
    || coalesce({{ name_key(without_state_suffix('orphans.mdo_name', 'orphans.state')) }}, '')
        as finding_key,
    orphans.department_as_reported as department,
    orphans.mdo_name,
    coalesce(orphans.department, '(no department)') as canonical_department,
    case
        when orphans.is_blank
            then 'The department cell is blank (row ' || orphans.source_row || ')'
        else
            'Department ''' || orphans.department_as_reported || ''''
            || case
                when orphans.department <> orphans.department_as_reported
                    then ' (the marts read it as ''' || orphans.department || ''')'
                else ''
            end
            || ' is neither a department-like name nor a district (row '
            || orphans.source_row || ')'
    end as evidence,
    case
        when orphans.is_blank and suggestions.is_similar
            then
                'File it under ''' || suggestions.suggested_department
                || ''' (name similarity ' || printf('%.2f', suggestions.score) || ')'
        when orphans.is_blank and suggestions.shares_domain
            then
                'File it under ''' || suggestions.suggested_department
                || ''' (same domain: ' || suggestions.shared_domains || ')'
        when orphans.is_blank
            then 'Map it to its administrative department on iGOT'
        else
            'Confirm on iGOT that ''' || orphans.department_as_reported
            || ''' is a department-level body (then ask whoever runs the pipeline to record'
            || ' that decision, in the seed org_mapping_decisions), or file it under its'
            || ' administrative department'
    end as suggested_fix
from orphans
left join suggestions
    on
        orphans.source_file = suggestions.source_file
        and orphans.source_row = suggestions.source_row
