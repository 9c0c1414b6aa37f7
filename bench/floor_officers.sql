-- The officer-level floor: issue 12's loads and compliance marts as one hand-written DuckDB
-- script, run after floor.sql when the raw folder has an officers/ folder.
--
-- It reads the bare CSVs of every delivery `officers/<state>_<date>/` (not ZIPs: the floor
-- reads CSV only), keys each officer at the door (e-mail, else employee id, else the phone's
-- last 10 digits, hashed twice with SHA-256 as HMAC-SHA256 does; the floor's secret is a fixed
-- string), keeps every column that is not personal, types the timestamps in both of iGOT's
-- formats, quarantines rows that name no one, and builds per officer and mandate the counting
-- Annexure-3 completions (names matched ignoring case and spaces, completed on or before the
-- due date, each course once) and per state, date, department and mandate the compliance
-- counts. The two mandates' rules are written in (per_domain 1 everywhere; total 2 for Bihar's
-- Water Resources Department); departments are the delivered Department cells.
--
-- Placeholder filled by bench/floor.py: {raw_dir}.

-- Helpers ------------------------------------------------------------------------------------

create temp macro officer_identity(email, employee_id, phone) as case
    when nullif(trim(email), '') is not null then 'email:' || lower(trim(email))
    when nullif(trim(employee_id), '') is not null then 'employee_id:' || trim(employee_id)
    when regexp_replace(coalesce(phone, ''), '\D', '', 'g') <> ''
        then 'phone:' || right(regexp_replace(phone, '\D', '', 'g'), 10)
end;

create temp macro hmac_key(identity) as sha256('floor-outer' || sha256('floor-inner' || identity));

create temp macro igot_timestamp(x) as coalesce(
    try_strptime(x, '%Y-%m-%d %H:%M:%S'),
    try_strptime(x, '%Y-%m-%d %I:%M:%S %p'),
    try_strptime(x, '%Y-%m-%d')
);

create temp macro course_key(x) as lower(trim(regexp_replace(x, '\s+', ' ', 'g')));

-- Loads --------------------------------------------------------------------------------------

create temp table delivered_users as
select
    *,
    row_number() over (partition by filename) + 1 as source_row
from read_csv(
    '{raw_dir}/officers/*/user-report.csv',
    header = true, all_varchar = true, filename = true, union_by_name = true
);

create table raw.officer_users as
select
    regexp_extract(filename, 'officers/([a-z_]+)_(\d{4}-\d{2}-\d{2})/', 1) as state,
    cast(regexp_extract(filename, 'officers/[a-z_]+_(\d{4}-\d{2}-\d{2})/', 1) as date)
        as report_date,
    hmac_key(officer_identity("Email", "Employee_Id", "Phone_Number")) as officer_key,
    "Designation" as designation,
    "MDO_Name" as mdo_name,
    "Group" as group_name,
    "Ministry" as ministry,
    nullif("Department", '') as department,
    "Organization" as organization,
    igot_timestamp("User_Registration_Date") as user_registration_date,
    "Gender" as gender,
    "Category" as category,
    igot_timestamp("MDO_Created_On") as mdo_created_on,
    try_cast("Course_Enrolments" as bigint) as course_enrolments,
    try_cast("Course_Completions" as bigint) as course_completions,
    try_cast("Course_Learning_Hours" as double) as course_learning_hours,
    try_cast("Total_Learning_Hours" as double) as total_learning_hours,
    igot_timestamp("Report_Last_Generated_On") as report_last_generated_on,
    filename as source_file,
    source_row
from delivered_users
where officer_identity("Email", "Employee_Id", "Phone_Number") is not null;

create temp table delivered_enrolments as
select
    *,
    row_number() over (partition by filename) + 1 as source_row
from read_csv(
    '{raw_dir}/officers/*/user-enrollment-report.csv',
    header = true, all_varchar = true, filename = true, union_by_name = true
);

create table raw.officer_enrolments as
select
    regexp_extract(filename, 'officers/([a-z_]+)_(\d{4}-\d{2}-\d{2})/', 1) as state,
    cast(regexp_extract(filename, 'officers/[a-z_]+_(\d{4}-\d{2}-\d{2})/', 1) as date)
        as report_date,
    hmac_key(officer_identity("Email", null, "Phone_Number")) as officer_key,
    "MDO_Name" as mdo_name,
    nullif("Department", '') as department,
    "Content_Provider" as content_provider,
    "Content_Name" as content_name,
    "Content_Type" as content_type,
    "Content_Duration" as content_duration,
    igot_timestamp("Enrolled_On") as enrolled_on,
    "Status" as status,
    try_cast("Content_Progress_Percentage" as double) as content_progress_percentage,
    igot_timestamp("Completed_On") as completed_on,
    igot_timestamp("Report_Last_Generated_On") as report_last_generated_on,
    filename as source_file,
    source_row
from delivered_enrolments
where officer_identity("Email", null, "Phone_Number") is not null;

create table raw.officer_quarantine as
select filename as source_file, source_row, 'user-report' as report,
    'no e-mail, employee id or phone to identify the officer' as reason
from delivered_users
where officer_identity("Email", "Employee_Id", "Phone_Number") is null
union all
select filename, source_row, 'user-enrollment-report',
    'no e-mail, employee id or phone to identify the officer'
from delivered_enrolments
where officer_identity("Email", null, "Phone_Number") is null;

-- Marts --------------------------------------------------------------------------------------

create temp table annexure as
select distinct
    course_key("Course Name") as name_key,
    course_key("Course Provider") as provider_key,
    "Domain" as domain
from read_csv('{raw_dir}/catalogue/recommended_courses.csv', header = true, all_varchar = true);

create temp table mandates as
select * from (values
    ('kb-2026-01-20-ai-cyber', 'per_domain', 1, null, null, timestamp '2026-03-31 23:59:59'),
    ('wrd-bihar-2026-02-25', 'total', 2, 'bihar', 'water resources department',
        timestamp '2026-03-31 23:59:59')
) as m (mandate_id, counting, min_courses, applies_to_state, applies_to_department, due_at);

-- Officers in scope: those of the state's user report of that date, each once.
create temp table officers_in_scope as
select state, report_date, officer_key, min(department) as department, min(mdo_name) as mdo_name
from raw.officer_users
group by state, report_date, officer_key;

-- Each officer's Annexure-3 enrolments, each course once, with its best outcome.
create temp table annexure_outcomes as
select
    e.state,
    e.report_date,
    e.officer_key,
    a.domain,
    a.name_key,
    a.provider_key,
    bool_or(lower(e.status) = 'completed' and e.completed_on <= timestamp '2026-03-31 23:59:59')
        as completed_in_time,
    bool_or(lower(e.status) = 'completed' and e.completed_on > timestamp '2026-03-31 23:59:59')
        as completed_late,
    bool_or(lower(e.status) = 'completed' and e.completed_on is null) as completed_undated,
    bool_or(lower(e.status) = 'in-progress') as in_progress
from raw.officer_enrolments as e
inner join annexure as a
    on course_key(e.content_name) = a.name_key and course_key(e.content_provider) = a.provider_key
group by all;

create table marts.officer_mandate_status as
with applicable as (
    select o.*, m.*
    from officers_in_scope as o
    inner join mandates as m
        on (m.applies_to_state is null or m.applies_to_state = o.state)
        and (
            m.applies_to_department is null
            or (
                lower(o.department) like '%' || m.applies_to_department || '%'
                and lower(o.department) not like '%minor%'
            )
        )
),

per_officer as (
    select
        state,
        report_date,
        officer_key,
        count(distinct name_key || provider_key) filter (where completed_in_time and domain = 'AI')
            as ai_completions,
        count(distinct name_key || provider_key) filter (
            where completed_in_time and domain = 'Cybersecurity'
        ) as cybersecurity_completions,
        bool_or(in_progress or completed_late or completed_undated) as started,
        bool_or(completed_late) as late
    from annexure_outcomes
    group by all
)

select
    a.state,
    a.report_date,
    a.officer_key,
    a.mandate_id,
    a.department,
    a.mdo_name,
    coalesce(p.ai_completions, 0) as ai_completions,
    coalesce(p.cybersecurity_completions, 0) as cybersecurity_completions,
    case a.counting
        when 'per_domain' then
            coalesce(p.ai_completions, 0) >= a.min_courses
            and coalesce(p.cybersecurity_completions, 0) >= a.min_courses
        else coalesce(p.ai_completions, 0) + coalesce(p.cybersecurity_completions, 0)
            >= a.min_courses
    end as compliant,
    coalesce(p.started, false) as started,
    coalesce(p.late, false) as late,
    a.due_at
from applicable as a
left join per_officer as p using (state, report_date, officer_key);

create table marts.mandate_compliance as
select
    state,
    report_date,
    department,
    mandate_id,
    count(*) as officers,
    count(*) filter (where compliant) as compliant,
    count(*) filter (where not compliant and started) as in_progress,
    count(*) filter (
        where not compliant and not started
            and ai_completions + cybersecurity_completions = 0
    ) as not_started,
    count(*) filter (where not compliant and late) as completed_late,
    round(count(*) filter (where compliant) / count(*), 4) as compliance_rate,
    'user_report' as denominator_source,
    cast(min(due_at) as date) as due_date,
    cast(min(due_at) as date) - report_date as days_left
from marts.officer_mandate_status
group by state, report_date, department, mandate_id;

create table marts.course_uptake as
select
    e.report_date,
    a.name_key,
    a.provider_key,
    count(distinct e.officer_key) as enrolled,
    count(distinct e.officer_key) filter (
        where lower(e.status) = 'completed' and e.completed_on <= timestamp '2026-03-31 23:59:59'
    ) as completed_in_time,
    count(distinct e.officer_key) filter (
        where lower(e.status) = 'completed' and e.completed_on > timestamp '2026-03-31 23:59:59'
    ) as completed_late,
    median(date_diff('day', e.enrolled_on, e.completed_on)) filter (
        where lower(e.status) = 'completed'
    ) as median_days_to_complete
from raw.officer_enrolments as e
inner join annexure as a
    on course_key(e.content_name) = a.name_key and course_key(e.content_provider) = a.provider_key
group by all;
