-- One row per officer, report date and mandate that applies to the officer: where they stand
-- (rules in int_officer_mandates_evaluated). Officers are officer_key only: no personal data.
with

evaluated as (

    select * from {{ ref('int_officer_mandates_evaluated') }}

)

select
    officer_key,
    report_date,
    mandate_id,
    state,
    coalesce(department, '(no department)') as department,
    mdo_name,
    group_name,
    designation,
    band,
    is_band_known,
    denominator_source,
    counting,
    min_courses,
    due_date,
    cast(counting_ai_completions as integer) as counting_ai_completions,
    cast(counting_cybersecurity_completions as integer) as counting_cybersecurity_completions,
    cast(counting_completions as integer) as counting_completions,
    cast(late_completions as integer) as late_completions,
    cast(undated_completions as integer) as undated_completions,
    cast(courses_enrolled as integer) as courses_enrolled,
    cast(courses_on_band_list as integer) as courses_on_band_list,
    compliant,
    compliant_on,
    status
from evaluated
