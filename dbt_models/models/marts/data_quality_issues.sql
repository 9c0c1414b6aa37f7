-- Findings on the officer-level reports, one row per finding and report, beside the
-- org-mapping review (org_mapping_issues, which reads the MDO reports): MDOs of the officer
-- reports that the MDO report does not list or counts differently, completions without a date
-- or dated before the enrolment, AI/Cybersecurity-looking content that is not on Annexure-3,
-- MDOs with no department, and enrolments of officers the user report does not list.
-- Officers appear as officer_key only.
with

officers as (

    select * from {{ ref('int_officers_scoped') }}

),

enrolments as (

    select * from {{ ref('stg_officer_enrolments') }}

),

mdo_rows as (

    select * from {{ ref('int_mdos_normalised') }}

),

courses as (

    select * from {{ ref('int_recommended_courses_keyed') }}

),

keywords as (

    select * from {{ ref('mandate_course_keywords') }}

),

issue_types as (

    select * from {{ ref('officer_issue_types') }}

),

states as (

    select distinct
        state_slug,
        state
    from officers

),

officer_mdos as (

    select
        state,
        report_date,
        mdo_name_key,
        any_value(mdo_name order by source_row) as mdo_name,
        any_value(department) as department,
        any_value(mdo_snapshot_date) as mdo_snapshot_date,
        any_value(denominator_source) as denominator_source,
        any_value(source_file order by source_row) as source_file,
        count(*) as officers
    from officers
    group by state, report_date, mdo_name_key

),

mdo_report_counts as (

    select
        state,
        snapshot_date,
        mdo_name_key,
        sum(onboarded) as onboarded
    from mdo_rows
    group by state, snapshot_date, mdo_name_key

),

mdo_findings as (

    select
        officer_mdos.*,
        mdo_report_counts.onboarded,
        mdo_report_counts.mdo_name_key is not null as is_in_mdo_report
    from officer_mdos
    left join mdo_report_counts
        on
            officer_mdos.state = mdo_report_counts.state
            and officer_mdos.mdo_snapshot_date = mdo_report_counts.snapshot_date
            and officer_mdos.mdo_name_key = mdo_report_counts.mdo_name_key

),

missing_from_mdo_report as (

    select
        state,
        report_date,
        'mdo_missing_from_mdo_report' as issue_type,
        mdo_name_key as finding_key,
        mdo_name,
        department,
        cast(null as varchar) as officer_key,
        cast(null as varchar) as content_name,
        cast(null as varchar) as content_provider,
        officers,
        source_file,
        cast(null as bigint) as source_row,
        officers || ' officer(s) of MDO ''' || coalesce(mdo_name, '(blank)')
        || ''' in the officer reports; the MDO report of ' || mdo_snapshot_date
        || ' has no MDO of that name' as evidence
    from mdo_findings
    where mdo_snapshot_date is not null and not is_in_mdo_report

),

onboarded_mismatch as (

    select
        state,
        report_date,
        'onboarded_mismatch' as issue_type,
        mdo_name_key as finding_key,
        mdo_name,
        department,
        cast(null as varchar) as officer_key,
        cast(null as varchar) as content_name,
        cast(null as varchar) as content_provider,
        officers,
        source_file,
        cast(null as bigint) as source_row,
        'The MDO report of '
        || mdo_snapshot_date
        || ' says '
        || coalesce(cast(onboarded as varchar), 'nothing')
        || ' onboarded for MDO ''' || mdo_name || '''; the user report of ' || report_date
        || ' lists ' || officers || ' officer(s)' as evidence
    from mdo_findings
    where
        is_in_mdo_report
        and denominator_source = 'user_report'
        and onboarded is distinct from officers

),

without_department as (

    select
        state,
        report_date,
        'mdo_without_department' as issue_type,
        mdo_name_key as finding_key,
        mdo_name,
        cast(null as varchar) as department,
        cast(null as varchar) as officer_key,
        cast(null as varchar) as content_name,
        cast(null as varchar) as content_provider,
        officers,
        source_file,
        cast(null as bigint) as source_row,
        officers || ' officer(s) of MDO ''' || coalesce(mdo_name, '(blank)')
        || ''' have no Department, and the MDO report gives the MDO none' as evidence
    from mdo_findings
    where department is null

),

enrolment_rows as (

    select
        states.state,
        enrolments.*,
        {{ course_key('enrolments.content_name') }} as content_name_key,
        {{ course_key('enrolments.content_provider') }} as content_provider_key
    from enrolments
    inner join states
        on enrolments.state_slug = states.state_slug

),

completion_dates as (

    select
        state,
        report_date,
        case
            when completed_on is null then 'completed_without_date'
            else 'completed_before_enrolled'
        end as issue_type,
        source_file || '|' || coalesce(source_member, '') || '|' || source_row as finding_key,
        mdo_name,
        department_as_reported as department,
        officer_key,
        content_name,
        content_provider,
        1 as officers,
        source_file,
        source_row,
        case
            when completed_on is null
                then 'Status ''' || status || ''' with a blank Completed_On'
            else 'Completed_On ' || completed_on || ' is before Enrolled_On ' || enrolled_on
        end
        || ' (row ' || source_row || ' of ' || coalesce(source_member || ' in ', '')
        || source_file || ')' as evidence
    from enrolment_rows
    where
        status = 'completed'
        and (completed_on is null or completed_on < enrolled_on)

),

unmatched_content as (

    select
        enrolment_rows.state,
        enrolment_rows.report_date,
        enrolment_rows.content_name_key,
        enrolment_rows.content_provider_key,
        any_value(enrolment_rows.content_name order by enrolment_rows.source_row) as content_name,
        any_value(enrolment_rows.content_provider order by enrolment_rows.source_row)
            as content_provider,
        any_value(enrolment_rows.source_file order by enrolment_rows.source_row) as source_file,
        count(distinct enrolment_rows.officer_key) as officers,
        ' '
        || trim(regexp_replace(enrolment_rows.content_name_key, '[^\p{L}\p{M}\p{N}]+', ' ', 'g'))
        || ' ' as padded_words
    from enrolment_rows
    anti join courses
        on
            enrolment_rows.content_name_key = courses.course_name_key
            and enrolment_rows.content_provider_key = courses.provider_key
    where enrolment_rows.content_name_key is not null
    group by
        enrolment_rows.state,
        enrolment_rows.report_date,
        enrolment_rows.content_name_key,
        enrolment_rows.content_provider_key

),

keyword_matches as (

    select
        unmatched_content.state,
        unmatched_content.report_date,
        unmatched_content.content_name_key,
        unmatched_content.content_provider_key,
        string_agg(distinct keywords.domain, ' and ' order by keywords.domain) as domains,
        string_agg(distinct keywords.keyword, ', ' order by keywords.keyword) as matched_keywords
    from unmatched_content
    inner join keywords
        on contains(unmatched_content.padded_words, ' ' || keywords.keyword || ' ')
    group by
        unmatched_content.state,
        unmatched_content.report_date,
        unmatched_content.content_name_key,
        unmatched_content.content_provider_key

),

unmatched_mandate_course as (

    select
        unmatched_content.state,
        unmatched_content.report_date,
        'unmatched_mandate_course' as issue_type,
        unmatched_content.content_name_key || '|'
        || coalesce(unmatched_content.content_provider_key, '') as finding_key,
        cast(null as varchar) as mdo_name,
        cast(null as varchar) as department,
        cast(null as varchar) as officer_key,
        unmatched_content.content_name,
        unmatched_content.content_provider,
        unmatched_content.officers,
        unmatched_content.source_file,
        cast(null as bigint) as source_row,
        'Looks like ' || keyword_matches.domains || ' (' || keyword_matches.matched_keywords
        || '), taken by ' || unmatched_content.officers
        || ' officer(s), but no Annexure-3 course has this name and provider' as evidence
    from unmatched_content
    inner join keyword_matches
        on
            unmatched_content.state = keyword_matches.state
            and unmatched_content.report_date = keyword_matches.report_date
            and unmatched_content.content_name_key = keyword_matches.content_name_key
            and unmatched_content.content_provider_key
            is not distinct from keyword_matches.content_provider_key

),

-- Officers in a consumption report whom the user report of the same date does not list
-- (an e-mail written differently in the two, or an officer since moved): the user report is the
-- denominator, so their enrolments count for no one. One finding per MDO.
user_reports as (

    select distinct
        state,
        report_date
    from officers
    where denominator_source = 'user_report'

),

unlisted_officers as (

    select
        enrolment_rows.state,
        enrolment_rows.report_date,
        lower(trim(coalesce(enrolment_rows.mdo_name, ''))) as mdo_key,
        any_value(enrolment_rows.mdo_name order by enrolment_rows.source_row) as mdo_name,
        any_value(enrolment_rows.source_file order by enrolment_rows.source_row) as source_file,
        count(distinct enrolment_rows.officer_key) as officers,
        count(*) as enrolment_rows
    from enrolment_rows
    semi join user_reports
        on
            enrolment_rows.state = user_reports.state
            and enrolment_rows.report_date = user_reports.report_date
    anti join officers
        on
            enrolment_rows.state = officers.state
            and enrolment_rows.report_date = officers.report_date
            and enrolment_rows.officer_key = officers.officer_key
    group by enrolment_rows.state, enrolment_rows.report_date, mdo_key

),

enrolment_of_unlisted_officer as (

    select
        state,
        report_date,
        'enrolment_of_unlisted_officer' as issue_type,
        mdo_key as finding_key,
        mdo_name,
        cast(null as varchar) as department,
        cast(null as varchar) as officer_key,
        cast(null as varchar) as content_name,
        cast(null as varchar) as content_provider,
        officers,
        source_file,
        cast(null as bigint) as source_row,
        officers || ' officer(s) of MDO ''' || coalesce(mdo_name, '(blank)')
        || ''' have ' || enrolment_rows || ' enrolment row(s) in the consumption report but '
        || 'are not in the user report of that date: those enrolments count for no one'
            as evidence
    from unlisted_officers

),

findings as (

    select * from missing_from_mdo_report
    union all by name
    select * from onboarded_mismatch
    union all by name
    select * from without_department
    union all by name
    select * from completion_dates
    union all by name
    select * from unmatched_mandate_course
    union all by name
    select * from enrolment_of_unlisted_officer

)

select
    md5(
        concat_ws(
            '|', findings.state, findings.report_date, findings.issue_type, findings.finding_key
        )
    )
        as finding_id,
    findings.state,
    findings.report_date,
    findings.issue_type,
    issue_types.severity,
    findings.mdo_name,
    findings.department,
    findings.officer_key,
    findings.content_name,
    findings.content_provider,
    cast(findings.officers as integer) as officers,
    findings.source_file,
    findings.source_row,
    findings.evidence,
    issue_types.suggested_fix
from findings
inner join issue_types
    on findings.issue_type = issue_types.issue_type
