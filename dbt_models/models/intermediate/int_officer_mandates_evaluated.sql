-- Each officer in scope against each mandate that applies to them (state and canonical
-- department; a blank in the mandate applies to all), per report date. A course counts when it
-- is an Annexure-3 course of one of the mandate's domains, completed with a Completed_On on or
-- before the due date, end of day (timestamps are naive IST, like the due date). Completions
-- after it are late, completions without a date undated: reported, never counted.
--   per_domain: compliant with at least min_courses counting courses in every listed domain;
--   total:      compliant with at least min_courses counting courses across them.
-- compliant_on is the day the officer met the rule (the min_courses-th counting completion).
-- status, one per officer: compliant; else completed_late when the late completions would have
-- met the rule; else in_progress when some course of the mandate was started (in progress or
-- completed); else not_started.
-- Incremental per delivery (state_slug, report_date): a run redoes the deliveries that
-- int_officers_scoped redid in it (all of them when the mandates, courses or bands changed).
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

officers as (

    select * from {{ ref('int_officers_scoped') }}
    {{ where_officer_delivery_redone() }}

),

mandates as (

    select * from {{ ref('stg_mandates') }}

),

state_names as (

    select * from {{ ref('int_state_names_keyed') }}

),

officer_courses as (

    select * from {{ ref('int_officer_courses_deduplicated') }}
    {{ where_officer_delivery_redone() }}

),

courses as (

    select * from {{ ref('int_recommended_courses_keyed') }}

),

bands as (

    select * from {{ ref('int_officer_bands_resolved') }}

),

mandates_scoped as (

    select
        mandates.*,
        coalesce(state_names.state, mandates.applies_to_state) as applies_to_state_canonical,
        cast(mandates.due_date as timestamp) + interval 1 day as due_before
    from mandates
    left join state_names
        on {{ name_key('mandates.applies_to_state') }} = state_names.state_key

),

officer_mandates as (

    select
        officers.*,
        mandates_scoped.mandate_id,
        mandates_scoped.domains,
        mandates_scoped.min_courses,
        mandates_scoped.counting,
        mandates_scoped.due_date,
        mandates_scoped.due_before
    from officers
    inner join mandates_scoped
        on
            (
                mandates_scoped.applies_to_state is null
                or {{ name_key('mandates_scoped.applies_to_state_canonical') }}
                = {{ name_key('officers.state') }}
            )
            and (
                mandates_scoped.applies_to_department is null
                or {{ name_key('mandates_scoped.applies_to_department') }}
                = {{ name_key('officers.department') }}
            )

),

-- One row per officer, mandate and listed domain, with or without courses in it.
officer_domains as (

    select
        officer_mandates.state,
        officer_mandates.report_date,
        officer_mandates.officer_key,
        officer_mandates.mandate_id,
        officer_mandates.min_courses,
        officer_mandates.due_before,
        unnest(officer_mandates.domains) as domain
    from officer_mandates

),

domain_counts as (

    select
        officer_domains.state,
        officer_domains.report_date,
        officer_domains.officer_key,
        officer_domains.mandate_id,
        officer_domains.domain,
        officer_domains.min_courses,
        count(officer_courses.course_name_key)
        filter (where officer_courses.completed_on < officer_domains.due_before)
            as on_time,
        count(officer_courses.course_name_key)
        filter (where officer_courses.completed_on >= officer_domains.due_before)
            as late,
        count(officer_courses.course_name_key)
        filter (where officer_courses.is_completed and officer_courses.completed_on is null)
            as undated,
        count(officer_courses.course_name_key) filter (where officer_courses.is_started)
            as started,
        count(officer_courses.course_name_key) as enrolled,
        list_sort(
            list(officer_courses.completed_on)
            filter (where officer_courses.completed_on < officer_domains.due_before)
        ) as on_time_dates
    from officer_domains
    left join officer_courses
        on
            officer_domains.state = officer_courses.state
            and officer_domains.report_date = officer_courses.report_date
            and officer_domains.officer_key = officer_courses.officer_key
            and officer_domains.domain = officer_courses.domain
    group by all

),

mandate_counts as (

    select
        state,
        report_date,
        officer_key,
        mandate_id,
        coalesce(sum(on_time) filter (where domain = 'AI'), 0) as counting_ai_completions,
        coalesce(sum(on_time) filter (where domain = 'Cybersecurity'), 0)
            as counting_cybersecurity_completions,
        sum(on_time) as counting_completions,
        sum(late) as late_completions,
        sum(undated) as undated_completions,
        sum(started) as courses_started,
        sum(enrolled) as courses_enrolled,
        bool_and(on_time >= min_courses) as meets_each_domain,
        bool_and(on_time + late >= min_courses) as meets_each_domain_counting_late,
        -- the day the last domain reached min_courses; the min_courses-th date of all domains
        max(on_time_dates[min_courses]) as each_domain_met_on,
        list_sort(flatten(list(on_time_dates)))[any_value(min_courses)] as total_met_on
    from domain_counts
    group by state, report_date, officer_key, mandate_id

),

band_courses as (

    select
        officer_mandates.state,
        officer_mandates.report_date,
        officer_mandates.officer_key,
        officer_mandates.mandate_id,
        count(*) filter (
            where list_contains(courses.experience_bands, bands.experience_band)
        ) as courses_on_band_list
    from officer_mandates
    inner join bands
        on officer_mandates.officer_key = bands.officer_key
    inner join officer_courses
        on
            officer_mandates.state = officer_courses.state
            and officer_mandates.report_date = officer_courses.report_date
            and officer_mandates.officer_key = officer_courses.officer_key
            and list_contains(officer_mandates.domains, officer_courses.domain)
    inner join courses
        on
            officer_courses.course_name_key = courses.course_name_key
            and officer_courses.provider_key = courses.provider_key
            and officer_courses.domain = courses.domain
    where bands.experience_band is not null
    group by all

),

evaluated as (

    select
        officer_mandates.*,
        mandate_counts.* exclude (
            mandate_counts.state,
            mandate_counts.report_date,
            mandate_counts.officer_key,
            mandate_counts.mandate_id
        ),
        case officer_mandates.counting
            when 'total' then mandate_counts.counting_completions >= officer_mandates.min_courses
            else mandate_counts.meets_each_domain
        end as compliant,
        case officer_mandates.counting
            when 'total'
                then
                    mandate_counts.counting_completions + mandate_counts.late_completions
                    >= officer_mandates.min_courses
            else mandate_counts.meets_each_domain_counting_late
        end as compliant_counting_late
    from officer_mandates
    inner join mandate_counts
        on
            officer_mandates.state = mandate_counts.state
            and officer_mandates.report_date = mandate_counts.report_date
            and officer_mandates.officer_key = mandate_counts.officer_key
            and officer_mandates.mandate_id = mandate_counts.mandate_id

),

classified as (

    select
        evaluated.state,
        evaluated.state_slug,
        evaluated.report_date,
        evaluated.officer_key,
        evaluated.designation,
        evaluated.mdo_name,
        evaluated.group_name,
        evaluated.department,
        evaluated.denominator_source,
        evaluated.mandate_id,
        evaluated.min_courses,
        evaluated.counting,
        evaluated.due_date,
        evaluated.counting_ai_completions,
        evaluated.counting_cybersecurity_completions,
        evaluated.counting_completions,
        evaluated.late_completions,
        evaluated.undated_completions,
        evaluated.courses_started,
        evaluated.courses_enrolled,
        evaluated.compliant,
        case
            when not evaluated.compliant then null
            when evaluated.counting = 'total' then cast(evaluated.total_met_on as date)
            else cast(evaluated.each_domain_met_on as date)
        end as compliant_on,
        case
            when evaluated.compliant then 'compliant'
            when evaluated.compliant_counting_late then 'completed_late'
            when evaluated.courses_started > 0 then 'in_progress'
            else 'not_started'
        end as status,
        coalesce(bands.experience_band, bands.band_as_delivered, 'unknown') as band,
        bands.experience_band is not null as is_band_known,
        case
            when bands.experience_band is not null
                then coalesce(band_courses.courses_on_band_list, 0)
        end as courses_on_band_list
    from evaluated
    left join bands
        on evaluated.officer_key = bands.officer_key
    left join band_courses
        on
            evaluated.state = band_courses.state
            and evaluated.report_date = band_courses.report_date
            and evaluated.officer_key = band_courses.officer_key
            and evaluated.mandate_id = band_courses.mandate_id

)

select
    *,
    {{ batch_stamp() }} as batch_stamp
from classified
