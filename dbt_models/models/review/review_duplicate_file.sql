-- Rule duplicate_file: a delivered file whose content is already loaded under another name
-- (raw.file_loads status duplicate_content): it was not loaded again, which is right if it is a
-- copy and wrong if the wrong file was sent under this name. MDO reports carry their state.
with

file_loads as (

    select * from {{ ref('stg_file_loads') }}
    where status = 'duplicate_content'

),

state_names as (

    select * from {{ ref('int_state_names_keyed') }}

),

duplicates as (

    select
        file_loads.*,
        {{ review_state_slug_from_file('file_loads.source_file') }} as state_slug
    from file_loads

)

select
    case
        when duplicates.state_slug is not null
            then coalesce(
                state_names.state,
                upper(regexp_replace(duplicates.state_slug, '[_-]+', ' ', 'g'))
            )
    end as state,
    {{ review_date_from_file('duplicates.source_file') }} as snapshot_date,
    duplicates.source_file,
    cast(null as integer) as source_row,
    'duplicate_file' as issue_type,
    {{ name_key('duplicates.source_file') }} as finding_key,
    cast(null as varchar) as department,
    cast(null as varchar) as mdo_name,
    cast(null as varchar) as canonical_department,
    '''' || duplicates.source_file || ''' has the same content (SHA-256 '
    || left(duplicates.file_sha256, 12) || '...) as '''
    || coalesce(duplicates.duplicate_of, 'another file') || '''; it was not loaded again'
        as evidence,
    'Remove the copy from the drop folder, or deliver the report meant for this name'
        as suggested_fix
from duplicates
left join state_names
    on {{ name_key('duplicates.state_slug') }} = state_names.state_key
