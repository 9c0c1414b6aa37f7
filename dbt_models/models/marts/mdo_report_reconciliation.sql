-- One row per MDO report and measure: the total the report prints beside the sum of the rows
-- that could be read (what every other mart adds up to) and the figures of the rows set aside
-- in quarantine, read as printed. The dashboard shows it so that "13,89,799 onboarded" can be
-- read next to the report's own "13,89,815" with the difference explained.
with

reconciled as (

    select * from {{ ref('int_mdo_report_totals_reconciled') }}
    -- A subtotal beside the grand total is the review's business (totals_mismatch).
    where is_grand_total

)

select
    state,
    snapshot_date,
    source_file,
    measure,
    printed_total,
    total_rows_printed,
    loaded_sum,
    loaded_rows,
    quarantined_sum,
    quarantined_rows,
    round(printed_total - loaded_sum - quarantined_sum, 2) as unexplained_difference
from reconciled
