-- What each officer in scope did on each Annexure-3 course, per state and report date: one row
-- per officer and course however many enrolment rows the report has for it (two rows count
-- once). An enrolment matches a course on Content_Name and Content_Provider by course_key
-- (ignoring case, repeated and surrounding spaces, Unicode form); other content is not here.
-- completed_on is the earliest dated completion; a completion with no date is kept as
-- has_undated_completion, never as a date.
-- Incremental per delivery (state_slug, report_date): a run redoes the deliveries that
-- int_officers_scoped redid in it.
{{
    config(
        materialized='incremental',
        unique_key='state_slug, report_date',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        pre_hook=[
            "{{ clear_officer_deliveries_redone() }}",
            "{{ forget_officer_deliveries_gone([ref('int_officers_scoped')]) }}",
        ]
    )
}}

with

enrolments as (

    select * from {{ ref('stg_officer_enrolments') }}
    {{ where_officer_delivery_redone() }}

),

officers as (

    select * from {{ ref('int_officers_scoped') }}
    {{ where_officer_delivery_redone() }}

),

courses as (

    select * from {{ ref('int_recommended_courses_keyed') }}

)

select
    officers.state,
    officers.state_slug,
    enrolments.report_date,
    enrolments.officer_key,
    courses.domain,
    courses.course_name_key,
    courses.provider_key,
    count(*) as enrolment_rows,
    min(enrolments.enrolled_on) as enrolled_on,
    bool_or(enrolments.status in ('in-progress', 'completed')) as is_started,
    bool_or(enrolments.status = 'completed') as is_completed,
    min(enrolments.completed_on) filter (where enrolments.status = 'completed') as completed_on,
    bool_or(enrolments.status = 'completed' and enrolments.completed_on is null)
        as has_undated_completion,
    {{ batch_stamp() }} as batch_stamp
from enrolments
inner join officers
    on
        enrolments.state_slug = officers.state_slug
        and enrolments.report_date = officers.report_date
        and enrolments.officer_key = officers.officer_key
inner join courses
    on
        {{ course_key('enrolments.content_name') }} = courses.course_name_key
        and {{ course_key('enrolments.content_provider') }} = courses.provider_key
group by all
