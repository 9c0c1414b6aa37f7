-- The org-mapping review: one row per finding over the whole history, as seen in the latest
-- snapshot that shows it, with the first and last snapshot dates it was seen in and its status.
-- A decision in the org_mapping_decisions seed closes a finding (status = the decision); a
-- 'fixed' finding that is seen again in a report dated after the decision is open again. A
-- finding the state's latest snapshot no longer shows is 'no_longer_seen'.
with

findings as (

    select * from {{ ref('review_findings') }}

),

mdo_rows as (

    select * from {{ ref('review_mdo_rows') }}

),

issue_types as (

    select * from {{ ref('org_mapping_issue_types') }}

),

decisions as (

    select * from {{ ref('org_mapping_decisions') }}

),

decisions_keyed as (

    select
        *,
        coalesce({{ name_key(without_state_suffix('mdo', 'state')) }}, '') as mdo_key,
        case
            when department is not null
                then coalesce({{ name_key(without_state_suffix('department', 'state')) }}, '')
        end as department_key
    from decisions

),

latest_snapshots as (

    select
        state,
        max(snapshot_date) as latest_snapshot_date
    from mdo_rows
    group by state

),

history as (

    select
        finding_id,
        min(snapshot_date) as first_seen,
        max(snapshot_date) as last_seen
    from findings
    group by finding_id

),

latest as (

    select
        *,
        coalesce({{ name_key(without_state_suffix('mdo_name', 'state')) }}, '') as mdo_key,
        coalesce({{ name_key(without_state_suffix('department', 'state')) }}, '')
            as department_key
    from findings
    qualify row_number() over (
        partition by finding_id order by snapshot_date desc nulls last
    ) = 1

),

decided as (

    select
        latest.finding_id,
        decisions_keyed.decision,
        decisions_keyed.decided_on,
        decisions_keyed.note
    from latest
    inner join decisions_keyed
        on {{ review_decision_matches('decisions_keyed', 'latest') }}
    qualify row_number() over (
        partition by latest.finding_id
        order by decisions_keyed.decided_on desc, decisions_keyed.decision asc
    ) = 1

),

with_status as (

    select
        latest.*,
        issue_types.severity,
        history.first_seen,
        history.last_seen,
        decided.decision,
        decided.decided_on,
        decided.note as decision_note,
        case
            when decided.decision = 'fixed' and history.last_seen > decided.decided_on
                then 'open'
            when decided.decision is not null then decided.decision
            when history.last_seen < latest_snapshots.latest_snapshot_date then 'no_longer_seen'
            else 'open'
        end as status
    from latest
    inner join history
        on latest.finding_id = history.finding_id
    left join issue_types
        on latest.issue_type = issue_types.issue_type
    left join decided
        on latest.finding_id = decided.finding_id
    left join latest_snapshots
        on latest.state = latest_snapshots.state

)

select
    cast(finding_id as varchar) as finding_id,
    cast(state as varchar) as state,
    cast(snapshot_date as date) as snapshot_date,
    cast(department as varchar) as department,
    cast(mdo_name as varchar) as mdo_name,
    cast(canonical_department as varchar) as canonical_department,
    cast(issue_type as varchar) as issue_type,
    cast(severity as varchar) as severity,
    cast(evidence as varchar) as evidence,
    cast(suggested_fix as varchar) as suggested_fix,
    cast(first_seen as date) as first_seen,
    cast(last_seen as date) as last_seen,
    cast(status as varchar) as status,
    status = 'open' as is_open,
    cast(decision as varchar) as decision,
    cast(decided_on as date) as decided_on,
    cast(decision_note as varchar) as decision_note,
    cast(source_file as varchar) as source_file,
    cast(source_row as integer) as source_row
from with_status
