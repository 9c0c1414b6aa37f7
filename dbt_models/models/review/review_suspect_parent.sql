-- Rule suspect_parent: an MDO whose name shares no domain with its department's, from the
-- reviewable keyword seed org_mapping_domain_keywords. To keep false positives low it flags only
-- when both names have a known domain and none is shared (and not districts: their own rules).
-- The fix suggests the snapshot's department of the MDO's domain whose name is nearest.
with

mdo_rows as (

    select * from {{ ref('review_mdo_rows_classified') }}

),

names as (

    select * from {{ ref('review_snapshot_names') }}

),

suspects as (

    select * from mdo_rows
    where
        department_as_reported is not null
        and not mdo_is_district
        and not department_is_district
        and len(mdo_domains) > 0
        and len(department_domains) > 0
        and not list_has_any(mdo_domains, department_domains)

),

departments as (

    select * from names
    where
        is_department_cell
        and is_department_like
        and not is_district
        and merge_pattern is null

),

suggestions as (

    select
        suspects.source_file,
        suspects.source_row,
        departments.org_name as suggested_department,
        array_to_string(list_intersect(suspects.mdo_domains, departments.domains), ', ')
            as shared_domains
    from suspects
    inner join departments
        on
            suspects.state = departments.state
            and suspects.snapshot_date = departments.snapshot_date
            and list_has_any(suspects.mdo_domains, departments.domains)
    qualify row_number() over (
        partition by suspects.source_file, suspects.source_row
        order by
            {{ review_similarity(
                'suspects.mdo_similarity_text',
                'departments.similarity_text',
                'suspects.mdo_similarity_words',
                'departments.similarity_words'
            ) }} desc,
            departments.mdo_rows_under desc,
            departments.org_name asc
    ) = 1

)

select
    suspects.state,
    suspects.snapshot_date,
    suspects.source_file,
    suspects.source_row,
    'suspect_parent' as issue_type,
    coalesce(
        {{ name_key(without_state_suffix('suspects.department_as_reported', 'suspects.state')) }},
        ''
    )
    || '|'
    || coalesce({{ name_key(without_state_suffix('suspects.mdo_name', 'suspects.state')) }}, '')
        as finding_key,
    suspects.department_as_reported as department,
    suspects.mdo_name,
    coalesce(suspects.department, '(no department)') as canonical_department,
    'MDO ''' || suspects.mdo_name || ''' reads as ' || suspects.mdo_domain_evidence
    || '; its department ''' || suspects.department_as_reported || ''' reads as '
    || suspects.department_domain_evidence || '; no domain in common (row '
    || suspects.source_row || ')' as evidence,
    coalesce(
        'Check its parent: it likely belongs under ''' || suggestions.suggested_department
        || ''' (' || suggestions.shared_domains || ')',
        'Check its parent: no department of its domain is in this report'
    ) as suggested_fix
from suspects
left join suggestions
    on
        suspects.source_file = suggestions.source_file
        and suspects.source_row = suggestions.source_row
