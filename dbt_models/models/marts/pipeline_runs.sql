-- The run log for the dashboard's Data status page. A view, not a table: the publishing step
-- writes its own run into pipeline.runs after dbt has built everything, and readers of the
-- published warehouse see that row too.
{{ config(materialized='view') }}

with

runs as (

    select * from {{ ref('stg_pipeline_runs') }}

)

select
    run_id,
    job_name,
    started_at,
    finished_at,
    status,
    files_loaded,
    rows_loaded,
    rows_quarantined,
    checks_passed,
    checks_warned,
    checks_failed
from runs
