-- Rule duplicate_mdo: the same normalised MDO name (without the state suffix, keyed) more than
-- once in one snapshot, with every row's figures; quarantined rows count, with their cells.
with

mdo_rows as (

    select * from {{ ref('review_mdo_rows') }}

),

described as (

    select
        *,
        count(*) over (partition by state, snapshot_date, mdo_name_key) as times_listed,
        row_number() over (
            partition by state, snapshot_date, mdo_name_key order by source_file, source_row
        ) as listing,
        'row ' || source_row || ' under '
        || coalesce('''' || department_as_reported || '''', 'no department') || ': '
        || case
            when is_quarantined then 'quarantined, cells as printed ' || raw_cells
            else
                'onboarded ' || coalesce(cast(onboarded as varchar), 'blank')
                || ', active ' || coalesce(cast(active as varchar), 'blank')
                || ', user completions ' || coalesce(cast(user_completions as varchar), 'blank')
                || ', enrolments ' || coalesce(cast(enrollments as varchar), 'blank')
                || ', completions ' || coalesce(cast(completions as varchar), 'blank')
                || ', hours ' || coalesce({{ review_number('learning_hours', true) }}, 'blank')
                || ', attempted ' || coalesce(cast(courses_attempted as varchar), 'blank')
                || ', passed ' || coalesce(cast(courses_passed as varchar), 'blank')
        end as row_figures
    from mdo_rows

),

duplicates as (

    select
        state,
        snapshot_date,
        mdo_name_key,
        count(*) as times_listed,
        sum(onboarded) as onboarded,
        string_agg(row_figures, '; ' order by source_file, source_row) as rows_figures
    from described
    where times_listed > 1
    group by all

)

select
    described.state,
    described.snapshot_date,
    described.source_file,
    described.source_row,
    'duplicate_mdo' as issue_type,
    described.mdo_name_key as finding_key,
    described.department_as_reported as department,
    described.mdo_name,
    coalesce(described.department, '(no department)') as canonical_department,
    '''' || described.mdo_name || ''' is listed ' || duplicates.times_listed || ' times: '
    || duplicates.rows_figures as evidence,
    'If the rows are one MDO, merge them on iGOT (the loaded rows add up to onboarded '
    || coalesce(cast(duplicates.onboarded as varchar), 'blank')
    || '); if they are different bodies, give each its own name' as suggested_fix
from described
inner join duplicates
    on
        described.state = duplicates.state
        and described.snapshot_date = duplicates.snapshot_date
        and described.mdo_name_key = duplicates.mdo_name_key
where described.listing = 1
