-- Check results for the dashboard's Data status page. A view, not a table: the Great
-- Expectations suites on the marts run after dbt has built everything and write their results
-- into pipeline.check_results, and readers of the published warehouse see those rows too.
{{ config(materialized='view') }}

with

results as (

    select * from {{ ref('stg_check_results') }}

)

select
    run_id,
    checked_at,
    tool,
    suite,
    check_id,
    check_name,
    checked_table,
    severity,
    status,
    failing_count,
    failing_examples,
    reason
from results
