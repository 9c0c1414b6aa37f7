-- Rule near_duplicate_department: two department-like names of one snapshot (department cells
-- and department-like MDO names, not districts or merged cells) that name one body: the same
-- canonical department (the state suffix removed, or a reviewed department_aliases mapping), or
-- a similarity at or above the setting near_duplicate_min_score. One finding per pair: the
-- department holds the preferred name (its own canonical name, then a department cell, then the
-- one with the most MDO rows), mdo_name the other one.
with

names as (

    select * from {{ ref('review_snapshot_names') }}

),

settings as (

    select
        max(case when setting = 'near_duplicate_min_score' then cast(setting_value as double) end)
            as min_score
    from {{ ref('org_mapping_rule_settings') }}

),

candidates as (

    select
        *,
        row_number() over (
            partition by state, snapshot_date
            order by
                is_own_canonical desc,
                is_department_cell desc,
                mdo_rows_under desc,
                org_name asc
        ) as preference,
        case
            when is_department_cell
                then
                    'department of ' || mdo_rows_under || ' MDO row'
                    || case when mdo_rows_under = 1 then '' else 's' end
            else 'an MDO under ' || listed_under
        end as role_description
    from names
    where
        is_department_like
        and not is_district
        and merge_pattern is null

),

pairs as (

    select
        preferred.state,
        preferred.snapshot_date,
        preferred.org_name as preferred_name,
        preferred.role_description as preferred_role,
        preferred.canonical_name,
        preferred.name_key as preferred_key,
        other.org_name as other_name,
        other.role_description as other_role,
        other.name_key as other_key,
        other.is_department_cell as other_is_department_cell,
        preferred.canonical_name = other.canonical_name as same_canonical,
        preferred.name_key = other.name_key as same_name,
        {{ review_similarity(
            'preferred.similarity_text',
            'other.similarity_text',
            'preferred.similarity_words',
            'other.similarity_words'
        ) }} as score
    from candidates as preferred
    inner join candidates as other
        on
            preferred.state = other.state
            and preferred.snapshot_date = other.snapshot_date
            and preferred.preference < other.preference

)

select
    pairs.state,
    pairs.snapshot_date,
    cast(null as varchar) as source_file,
    cast(null as integer) as source_row,
    'near_duplicate_department' as issue_type,
    least(pairs.preferred_key, pairs.other_key)
    || '|' || greatest(pairs.preferred_key, pairs.other_key) as finding_key,
    pairs.preferred_name as department,
    pairs.other_name as mdo_name,
    pairs.canonical_name as canonical_department,
    '''' || pairs.preferred_name || ''' (' || pairs.preferred_role || ') and '''
    || pairs.other_name || ''' (' || pairs.other_role || ') name one body: similarity '
    || printf('%.2f', pairs.score)
    || case
        when pairs.same_name then '; the same name without the state suffix'
        when pairs.same_canonical
            then '; department_aliases maps both to ''' || pairs.canonical_name || ''''
        else ''
    end as evidence,
    'One body, one name: merge ''' || pairs.other_name || ''' into '''
    || pairs.preferred_name || ''' on iGOT'
    || case
        when pairs.other_is_department_cell and not pairs.same_canonical
            then ' (until then, map it in department_aliases)'
        else ''
    end as suggested_fix
from pairs
cross join settings
where pairs.same_canonical or pairs.score >= settings.min_score
