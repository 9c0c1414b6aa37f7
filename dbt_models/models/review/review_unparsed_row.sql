-- Rule unparsed_row: every row the loader quarantined, from any file, with its raw cells, so the
-- review list is complete. MDO rows take their state and snapshot from the file name and their
-- names from the first two cells (review_mdo_rows); a row with no MDO name (a "Grand Total"
-- line) takes the state of its file's other rows. Other files have no state.
with

quarantined_rows as (

    select * from {{ ref('stg_quarantine') }}

),

mdo_rows as (

    select * from {{ ref('review_mdo_rows') }}
    where is_quarantined

),

file_states as (

    select distinct
        source_file,
        state
    from {{ ref('review_mdo_rows') }}

)

select
    coalesce(mdo_rows.state, file_states.state) as state,
    coalesce(mdo_rows.snapshot_date, {{ review_date_from_file('quarantined_rows.source_file') }})
        as snapshot_date,
    quarantined_rows.source_file,
    quarantined_rows.source_row,
    'unparsed_row' as issue_type,
    quarantined_rows.source_table || '|'
    || case
        when mdo_rows.source_row is not null
            then
                coalesce({{ name_key(without_state_suffix(
                    'mdo_rows.department_as_reported', 'mdo_rows.state'
                )) }}, '')
                || '|'
                || coalesce({{ name_key(without_state_suffix(
                    'mdo_rows.mdo_name', 'mdo_rows.state'
                )) }}, '')
        else {{ name_key('quarantined_rows.raw_cells') }}
    end as finding_key,
    mdo_rows.department_as_reported as department,
    mdo_rows.mdo_name,
    case
        when mdo_rows.source_row is not null
            then coalesce(mdo_rows.department, '(no department)')
    end as canonical_department,
    'Row ' || quarantined_rows.source_row || ' of ' || quarantined_rows.source_file
    || ' was not loaded: ' || quarantined_rows.reason || '; cells as printed: '
    || quarantined_rows.raw_cells as evidence,
    'Correct the row in the delivered file and deliver it again: until then its figures are'
    || ' in no mart' as suggested_fix
from quarantined_rows
left join mdo_rows
    on
        quarantined_rows.source_file = mdo_rows.source_file
        and quarantined_rows.source_row = mdo_rows.source_row
left join file_states
    on quarantined_rows.source_file = file_states.source_file
