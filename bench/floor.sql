-- The floor: the pipeline's loads and transforms as one hand-written DuckDB script.
--
-- What the Dagster + dbt + Great Expectations pipeline does for the MDO reports and the ranking
-- editions, without the orchestration, the per-file bookkeeping, the tests and the checks:
-- read every CSV (a file whose content was already read under another name is skipped), match
-- its header, type and validate the cells, quarantine what does not parse, separate the printed
-- total row, and build the marts the dashboard reads. It is the yardstick for "how fast could
-- this be", so it is simplified where that saves no real work (shorter evidence texts, no
-- course marts, only the review rules orphan, district placement, duplicate MDO, totals
-- mismatch, unparsed row and duplicate file) and never where it would: every row is typed,
-- validated and normalised with the pipeline's regular expressions. On the shipped report and
-- the synthetic data its marts equal the pipeline's (summed hours up to float rounding).
--
-- Known simplifications: .xlsx deliveries are not read; DuckDB skips wholly blank lines, so a
-- file with blank lines numbers its later rows lower than the loader does.
--
-- Placeholders filled by bench/floor.py: {raw_dir} (the raw folder) and {seeds_dir} (the dbt
-- project's seeds: state names, department aliases, issue types, decisions). Run on a fresh
-- database file: the raw and marts schemas are written into it, every helper is temporary.

create schema raw;
create schema marts;

-- Helpers ------------------------------------------------------------------------------------

-- A header compared ignoring case, spaces and punctuation; % and # become words.
create temp macro norm_header(h) as regexp_replace(
    replace(replace(lower(h), '%', ' pct '), '#', ' no '), '[^0-9a-z\x{0900}-\x{097f}]+', '', 'g'
);

-- Numbers as the loader takes them: Indian or international digit grouping, optional decimals,
-- an optional % sign on percentages.
create temp macro is_int(x) as regexp_full_match(
    x, '(\d+|\d{1,3}(,\d{3})+|\d{1,2}(,\d{2})*,\d{3})'
);
create temp macro is_dec(x) as regexp_full_match(
    x, '(\d+|\d{1,3}(,\d{3})+|\d{1,2}(,\d{2})*,\d{3})(\.\d+)?'
);
create temp macro is_pct(x) as regexp_full_match(
    x, '(\d+|\d{1,3}(,\d{3})+|\d{1,2}(,\d{2})*,\d{3})(\.\d+)?\s*%?'
);
create temp macro digits(x) as replace(replace(replace(x, ',', ''), '%', ''), ' ', '');
create temp macro to_int(x) as case when is_int(x) then cast(digits(x) as bigint) end;
create temp macro to_dec(x) as case when is_dec(x) then cast(digits(x) as double) end;
create temp macro to_pct(x) as case when is_pct(x) then cast(digits(x) as double) end;
create temp macro int_reason(x, header) as case
    when x is not null and not is_int(x)
        then '''' || x || ''' is not a whole number in column ' || header
end;
create temp macro dec_reason(x, header) as case
    when x is not null and not is_dec(x) then '''' || x || ''' is not a number in column ' || header
end;
create temp macro pct_reason(x, header) as case
    when x is not null and not is_pct(x)
        then '''' || x || ''' is not a percentage in column ' || header
end;
create temp macro blank_reason(x, header) as case when x is null then header || ' is blank' end;

-- Names: a matching key, the name without its state suffix, title case for all-caps names.
create temp macro name_key(x) as regexp_replace(
    replace(lower(x), '&', ' and '), '[^\p{L}\p{M}\p{N}]+', '', 'g'
);
-- The same as the dbt macro's regexp_replace(x, '[\s,]*((govt\.?|government)\s+of\s+)?' ||
-- lower(state) || '\s*$', '', 'i'), with a constant pattern: a pattern built per row is compiled
-- per row, and the state suffix is a plain string at the end.
create temp macro without_state_suffix(x, state_name) as trim(case
    when ends_with(lower(rtrim(x)), lower(state_name))
        then regexp_replace(
            left(rtrim(x), length(rtrim(x)) - length(state_name)),
            '[\s,]*((govt\.?|government)\s+of\s+)?$',
            '',
            'i'
        )
    else x
end);
create temp macro title_case(x) as case
    when x = upper(x) or x = lower(x)
        then array_to_string(
            list_transform(
                string_split(lower(x), ' '),
                lambda word: case
                    when word in ('and', 'of', 'the', 'for', 'in', 'on', '&') then word
                    else upper(left(word, 1)) || substr(word, 2)
                end
            ),
            ' '
        )
    else x
end;
create temp macro ratio(numerator, denominator) as
    cast(numerator as double) / nullif(denominator, 0);

-- Reference data: the dbt project's seeds ------------------------------------------------------

create temp table seed_states as
select * from read_csv('{seeds_dir}/states.csv', header = true, all_varchar = true);
create temp table seed_state_aliases as
select * from read_csv('{seeds_dir}/state_aliases.csv', header = true, all_varchar = true);
create temp table seed_department_aliases as
select * from read_csv('{seeds_dir}/department_aliases.csv', header = true, all_varchar = true);
create temp table seed_issue_types as
select * from read_csv('{seeds_dir}/org_mapping_issue_types.csv', header = true, all_varchar = true);
create temp table seed_decisions as
select * from read_csv(
    '{seeds_dir}/org_mapping_decisions.csv',
    header = true,
    all_varchar = true
);
-- Every way a state is written, keyed for matching.
create temp table state_names as
select distinct
    name_key(spelling) as state_key,
    state
from (
    select state as spelling, state from seed_states
    union all
    select state_slug, state from seed_states
    union all
    select alias, state from seed_state_aliases
);

-- The input contract: header spellings per source column -------------------------------------

create temp table header_aliases as
select
    folder,
    column_name,
    norm_header(spelling) as spelling
from (
    values
    ('mdo', 'department', 'Department'),
    ('mdo', 'department', 'Department Name'),
    ('mdo', 'department', 'Parent Department'),
    ('mdo', 'mdo_name', 'MDO Name'),
    ('mdo', 'mdo_name', 'Mido Name'),
    ('mdo', 'mdo_name', 'MDO'),
    ('mdo', 'mdo_name', 'Organisation Name'),
    ('mdo', 'onboarded', 'Onboarded'),
    ('mdo', 'onboarded', 'Onboarded Users'),
    ('mdo', 'active', 'Active'),
    ('mdo', 'active', 'Active Users'),
    ('mdo', 'user_completions', 'User Completions'),
    ('mdo', 'total_enrollments', 'Total Enrollments'),
    ('mdo', 'total_enrollments', 'Total Enrolments'),
    ('mdo', 'total_completions', 'Total Completions'),
    ('mdo', 'total_hours', 'Total Hours'),
    ('mdo', 'total_hours', 'Learning Hours'),
    ('mdo', 'courses_attempted', 'Course Attempted'),
    ('mdo', 'courses_attempted', 'Courses Attempted'),
    ('mdo', 'courses_passed', 'Course Passed'),
    ('mdo', 'courses_passed', 'Courses Passed'),
    ('mdo', 'pct_course_passed', '% Course Passed'),
    ('mdo', 'pct_course_passed', 'Course Passed %'),
    ('mdo', 'pct_course_passed', '% Courses Passed'),
    ('mdo', 'pct_course_passed', 'Pass Percentage'),
    ('mdo', 'data_origin', 'Data Origin'),
    ('mdo', 'data_origin', 'Origin'),
    ('ranking', 'state', 'State'),
    ('ranking', 'state', 'State/UT'),
    ('ranking', 'category', 'Bucket'),
    ('ranking', 'category', 'Category'),
    ('ranking', 'category', 'State Category'),
    ('ranking', 'composite_score', 'Composite Score'),
    ('ranking', 'rank', 'Rank'),
    ('ranking', 'data_origin', 'Data Origin'),
    ('ranking', 'data_origin', 'Origin')
) as aliases (folder, column_name, spelling);

-- Read: every MDO report and ranking edition, as text cells by position ------------------------

-- Positional columns (no header) so that ragged rows keep their extra cells; the header row is
-- matched by name below, so columns may come in any order and under any known spelling.
create temp table delivered_cells as
select
    regexp_extract(filename, '([^/]+)/[^/]+$', 1) as folder,
    regexp_extract(filename, '[^/]+/[^/]+$') as source_file,
    ordinality as record_no,
    list_value(*columns('^c[0-9]+$')) as cells
from read_csv(
    ['{raw_dir}/mdo/*.csv', '{raw_dir}/ranking/*.csv'],
    header = false,
    delim = ',',
    quote = '"',
    escape = '"',
    auto_detect = false,
    null_padding = true,
    strict_mode = false,
    filename = true,
    columns = {
        'c0': 'varchar', 'c1': 'varchar', 'c2': 'varchar', 'c3': 'varchar',
        'c4': 'varchar', 'c5': 'varchar', 'c6': 'varchar', 'c7': 'varchar',
        'c8': 'varchar', 'c9': 'varchar', 'c10': 'varchar', 'c11': 'varchar',
        'c12': 'varchar', 'c13': 'varchar', 'c14': 'varchar', 'c15': 'varchar',
        'c16': 'varchar', 'c17': 'varchar', 'c18': 'varchar', 'c19': 'varchar',
        'c20': 'varchar', 'c21': 'varchar', 'c22': 'varchar', 'c23': 'varchar'
    }
) with ordinality;

-- The same content under a second name is loaded once (the loader's rule): the first file in
-- name order is read, the others are reported as duplicate_file findings.
create temp table duplicate_files as
select source_file, file_sha256, first_file
from (
    select
        regexp_extract(filename, '[^/]+/[^/]+$') as source_file,
        sha256(content) as file_sha256,
        first(regexp_extract(filename, '[^/]+/[^/]+$')) over (
            partition by sha256(content) order by regexp_extract(filename, '[^/]+/[^/]+$')
        ) as first_file
    from read_blob(['{raw_dir}/mdo/*.csv', '{raw_dir}/ranking/*.csv'])
)
where source_file <> first_file;

-- Cells used (trailing blanks do not count: spreadsheets pad rows) and the file's row number.
create temp table delivered_rows as
select
    folder,
    source_file,
    cast(record_no - min(record_no) over (partition by source_file) + 1 as integer)
        as source_row,
    cells,
    coalesce(
        list_max(list_transform(
            cells, lambda cell, i: case when nullif(trim(cell), '') is not null then i end
        )),
        0
    ) as used
from delivered_cells
where source_file not in (select source_file from duplicate_files);

-- Each file's header: the first non-blank row, each known column's position and its spelling.
create temp table file_layout as
with

header_rows as (
    select source_file, folder, source_row as header_row, used as width, cells
    from delivered_rows
    where used > 0
    qualify row_number() over (partition by source_file order by source_row) = 1
),

header_cells as (
    select
        source_file,
        folder,
        header_row,
        width,
        position,
        trim(cells[position]) as header_text
    from (select *, unnest(generate_series(1, width)) as position from header_rows)
),

matched as (
    select header_cells.*, header_aliases.column_name
    from header_cells
    inner join header_aliases
        on
            header_cells.folder = header_aliases.folder
            and norm_header(header_cells.header_text) = header_aliases.spelling
)

select
    source_file,
    any_value(folder) as folder,
    any_value(header_row) as header_row,
    any_value(width) as width,
    min(position) filter (where column_name = 'department') as p_department,
    min(position) filter (where column_name = 'mdo_name') as p_mdo_name,
    min(position) filter (where column_name = 'onboarded') as p_onboarded,
    min(position) filter (where column_name = 'active') as p_active,
    min(position) filter (where column_name = 'user_completions') as p_user_completions,
    min(position) filter (where column_name = 'total_enrollments') as p_total_enrollments,
    min(position) filter (where column_name = 'total_completions') as p_total_completions,
    min(position) filter (where column_name = 'total_hours') as p_total_hours,
    min(position) filter (where column_name = 'courses_attempted') as p_courses_attempted,
    min(position) filter (where column_name = 'courses_passed') as p_courses_passed,
    min(position) filter (where column_name = 'pct_course_passed') as p_pct_course_passed,
    min(position) filter (where column_name = 'data_origin') as p_data_origin,
    min(position) filter (where column_name = 'state') as p_state,
    min(position) filter (where column_name = 'category') as p_category,
    min(position) filter (where column_name = 'composite_score') as p_composite_score,
    min(position) filter (where column_name = 'rank') as p_rank,
    any_value(header_text) filter (where column_name = 'mdo_name') as h_mdo_name,
    any_value(header_text) filter (where column_name = 'onboarded') as h_onboarded,
    any_value(header_text) filter (where column_name = 'active') as h_active,
    any_value(header_text) filter (where column_name = 'user_completions') as h_user_completions,
    any_value(header_text) filter (where column_name = 'total_enrollments')
        as h_total_enrollments,
    any_value(header_text) filter (where column_name = 'total_completions')
        as h_total_completions,
    any_value(header_text) filter (where column_name = 'total_hours') as h_total_hours,
    any_value(header_text) filter (where column_name = 'courses_attempted')
        as h_courses_attempted,
    any_value(header_text) filter (where column_name = 'courses_passed') as h_courses_passed,
    any_value(header_text) filter (where column_name = 'pct_course_passed')
        as h_pct_course_passed,
    any_value(header_text) filter (where column_name = 'state') as h_state,
    any_value(header_text) filter (where column_name = 'category') as h_category,
    any_value(header_text) filter (where column_name = 'composite_score') as h_composite_score,
    any_value(header_text) filter (where column_name = 'rank') as h_rank
from matched
group by source_file;

-- Type and validate: MDO reports -------------------------------------------------------------

create temp table mdo_typed as
with

picked as (
    select
        rows.source_file,
        rows.source_row,
        rows.used,
        layout.width,
        to_json(list_transform(rows.cells[1:rows.used], lambda cell: coalesce(cell, '')))
            as raw_cells,
        regexp_extract(
            rows.source_file, '^mdo/(.+?)_(\d{4}-\d{2}-\d{2})(_synthetic)?\.csv$', 1
        ) as state,
        try_cast(regexp_extract(
            rows.source_file, '^mdo/(.+?)_(\d{4}-\d{2}-\d{2})(_synthetic)?\.csv$', 2
        ) as date) as as_of_date,
        nullif(trim(rows.cells[layout.p_department]), '') as department,
        nullif(trim(rows.cells[layout.p_mdo_name]), '') as mdo_name,
        nullif(trim(rows.cells[layout.p_onboarded]), '') as onboarded,
        nullif(trim(rows.cells[layout.p_active]), '') as active,
        nullif(trim(rows.cells[layout.p_user_completions]), '') as user_completions,
        nullif(trim(rows.cells[layout.p_total_enrollments]), '') as total_enrollments,
        nullif(trim(rows.cells[layout.p_total_completions]), '') as total_completions,
        nullif(trim(rows.cells[layout.p_total_hours]), '') as total_hours,
        nullif(trim(rows.cells[layout.p_courses_attempted]), '') as courses_attempted,
        nullif(trim(rows.cells[layout.p_courses_passed]), '') as courses_passed,
        nullif(trim(rows.cells[layout.p_pct_course_passed]), '') as pct_course_passed,
        nullif(trim(rows.cells[layout.p_data_origin]), '') as data_origin,
        layout.h_mdo_name,
        layout.h_onboarded,
        layout.h_active,
        layout.h_user_completions,
        layout.h_total_enrollments,
        layout.h_total_completions,
        layout.h_total_hours,
        layout.h_courses_attempted,
        layout.h_courses_passed,
        layout.h_pct_course_passed
    from delivered_rows as rows
    inner join file_layout as layout
        on rows.source_file = layout.source_file
    where rows.folder = 'mdo' and rows.used > 0 and rows.source_row > layout.header_row
)

select
    state,
    as_of_date,
    department,
    mdo_name,
    to_int(onboarded) as onboarded,
    to_int(active) as active,
    to_int(user_completions) as user_completions,
    to_int(total_enrollments) as total_enrollments,
    to_int(total_completions) as total_completions,
    to_dec(total_hours) as total_hours,
    to_int(courses_attempted) as courses_attempted,
    to_int(courses_passed) as courses_passed,
    to_pct(pct_course_passed) as pct_course_passed,
    data_origin,
    source_file,
    source_row,
    raw_cells,
    department is null and mdo_name is null as is_total,
    nullif(concat_ws(
        '; ',
        case when used > width then used || ' cells where ' || width || ' were expected' end,
        case when department is not null then blank_reason(mdo_name, h_mdo_name) end,
        int_reason(onboarded, h_onboarded),
        int_reason(active, h_active),
        int_reason(user_completions, h_user_completions),
        int_reason(total_enrollments, h_total_enrollments),
        int_reason(total_completions, h_total_completions),
        dec_reason(total_hours, h_total_hours),
        int_reason(courses_attempted, h_courses_attempted),
        int_reason(courses_passed, h_courses_passed),
        pct_reason(pct_course_passed, h_pct_course_passed)
    ), '') as reason
from picked;

-- Type and validate: ranking editions ---------------------------------------------------------

create temp table ranking_typed as
with

picked as (
    select
        rows.source_file,
        rows.source_row,
        rows.used,
        layout.width,
        to_json(list_transform(rows.cells[1:rows.used], lambda cell: coalesce(cell, '')))
            as raw_cells,
        try_cast(regexp_extract(
            rows.source_file, '^ranking/ranking_(\d{4}-\d{2}-\d{2})(_synthetic)?\.csv$', 1
        ) as date) as edition_date,
        nullif(trim(rows.cells[layout.p_state]), '') as state,
        nullif(trim(rows.cells[layout.p_category]), '') as category,
        nullif(trim(rows.cells[layout.p_composite_score]), '') as composite_score,
        nullif(trim(rows.cells[layout.p_rank]), '') as rank,
        nullif(trim(rows.cells[layout.p_data_origin]), '') as data_origin,
        layout.h_state,
        layout.h_category,
        layout.h_composite_score,
        layout.h_rank
    from delivered_rows as rows
    inner join file_layout as layout
        on rows.source_file = layout.source_file
    where rows.folder = 'ranking' and rows.used > 0 and rows.source_row > layout.header_row
)

select
    edition_date,
    state,
    category,
    to_dec(composite_score) as composite_score,
    to_int(rank) as rank,
    data_origin,
    source_file,
    source_row,
    raw_cells,
    nullif(concat_ws(
        '; ',
        case when used > width then used || ' cells where ' || width || ' were expected' end,
        blank_reason(state, h_state),
        blank_reason(category, h_category),
        blank_reason(composite_score, h_composite_score),
        dec_reason(composite_score, h_composite_score),
        blank_reason(rank, h_rank),
        int_reason(rank, h_rank)
    ), '') as reason
from picked;

-- The raw schema: loaded rows, printed totals, quarantine --------------------------------------

create table raw.mdo_report as
select * exclude (raw_cells, is_total, reason)
from mdo_typed
where reason is null and not is_total;

create table raw.mdo_report_totals as
select * exclude (department, mdo_name, raw_cells, is_total, reason)
from mdo_typed
where reason is null and is_total;

create table raw.state_ranking as
select * exclude (raw_cells, reason)
from ranking_typed
where reason is null;

create table raw.quarantine as
select 'mdo_report' as source_table, source_file, source_row, raw_cells, reason
from mdo_typed
where reason is not null
union all
select 'state_ranking' as source_table, source_file, source_row, raw_cells, reason
from ranking_typed
where reason is not null;

-- MDO rows with the canonical state and department (int_mdos_normalised) ----------------------

create temp table mdo_normalised as
with

with_state as (
    select
        mdo.state as state_slug,
        mdo.as_of_date as snapshot_date,
        nullif(trim(mdo.department), '') as department_as_reported,
        trim(mdo.mdo_name) as mdo_name,
        mdo.onboarded,
        mdo.active,
        mdo.user_completions,
        mdo.total_enrollments as enrollments,
        mdo.total_completions as completions,
        mdo.total_hours as learning_hours,
        mdo.courses_attempted,
        mdo.courses_passed,
        mdo.pct_course_passed as pct_course_passed_printed,
        mdo.data_origin,
        mdo.source_file,
        mdo.source_row,
        coalesce(
            state_names.state, title_case(regexp_replace(mdo.state, '[_-]+', ' ', 'g'))
        ) as state
    from raw.mdo_report as mdo
    left join state_names
        on name_key(mdo.state) = state_names.state_key
)

select
    with_state.*,
    coalesce(
        aliases.canonical_department,
        title_case(nullif(
            without_state_suffix(with_state.department_as_reported, with_state.state), ''
        ))
    ) as department,
    name_key(without_state_suffix(with_state.mdo_name, with_state.state)) as mdo_name_key
from with_state
left join seed_department_aliases as aliases
    on
        with_state.state = aliases.state
        and with_state.department_as_reported = aliases.department_as_reported;

create table marts.mdo_snapshot as
select
    state,
    snapshot_date,
    source_file,
    source_row,
    department_as_reported,
    department,
    mdo_name,
    mdo_name_key,
    onboarded,
    active,
    user_completions,
    enrollments,
    completions,
    learning_hours,
    courses_attempted,
    courses_passed,
    ratio(active, onboarded) as activation_rate,
    ratio(completions, enrollments) as completion_rate,
    ratio(courses_passed, courses_attempted) as pass_rate,
    ratio(learning_hours, active) as hours_per_active_user,
    pct_course_passed_printed,
    coalesce(data_origin, 'delivered') as data_origin
from mdo_normalised;

-- The org-mapping review -----------------------------------------------------------------------

-- Every MDO row, loaded or quarantined (names from the quarantined row's first two cells).
create temp table review_rows as
with

quarantined as (
    select
        quarantine.source_file,
        quarantine.source_row,
        cast(quarantine.raw_cells as varchar) as raw_cells,
        regexp_extract(
            quarantine.source_file, '^mdo/(.+?)_(\d{4}-\d{2}-\d{2})(_synthetic)?\.csv$', 1
        ) as state_slug,
        try_cast(regexp_extract(
            quarantine.source_file, '^mdo/(.+?)_(\d{4}-\d{2}-\d{2})(_synthetic)?\.csv$', 2
        ) as date) as snapshot_date,
        nullif(trim(json_extract_string(quarantine.raw_cells, '$[0]')), '')
            as department_as_reported,
        nullif(trim(json_extract_string(quarantine.raw_cells, '$[1]')), '') as mdo_name
    from raw.quarantine as quarantine
    where quarantine.source_table = 'mdo_report'
),

quarantined_with_state as (
    select
        quarantined.*,
        coalesce(
            state_names.state, upper(regexp_replace(quarantined.state_slug, '[_-]+', ' ', 'g'))
        ) as state
    from quarantined
    left join state_names
        on name_key(quarantined.state_slug) = state_names.state_key
    where quarantined.mdo_name is not null
)

select
    state,
    snapshot_date,
    source_file,
    source_row,
    false as is_quarantined,
    department_as_reported,
    department,
    mdo_name,
    mdo_name_key,
    onboarded,
    active,
    enrollments,
    completions,
    cast(null as varchar) as raw_cells
from mdo_normalised

union all

select
    q.state,
    q.snapshot_date,
    q.source_file,
    q.source_row,
    true as is_quarantined,
    q.department_as_reported,
    coalesce(
        aliases.canonical_department,
        nullif(without_state_suffix(q.department_as_reported, q.state), '')
    ) as department,
    q.mdo_name,
    name_key(without_state_suffix(q.mdo_name, q.state)) as mdo_name_key,
    null as onboarded,
    null as active,
    null as enrollments,
    null as completions,
    q.raw_cells
from quarantined_with_state as q
left join seed_department_aliases as aliases
    on q.state = aliases.state and q.department_as_reported = aliases.department_as_reported;

-- Every distinct department or MDO name of a snapshot, classified once.
create temp table review_names as
with

names as (
    select distinct state, snapshot_date, department_as_reported as org_name
    from review_rows
    where department_as_reported is not null
    union
    select distinct state, snapshot_date, mdo_name as org_name
    from review_rows
),

canonical as (
    select
        names.*,
        coalesce(
            aliases.canonical_department,
            nullif(without_state_suffix(names.org_name, names.state), ''),
            names.org_name
        ) as canonical_name
    from names
    left join seed_department_aliases as aliases
        on names.state = aliases.state and names.org_name = aliases.department_as_reported
),

lowered as (
    select
        *,
        ends_with(lower(org_name), lower(state)) as ends_with_state,
        left(org_name, length(org_name) - length(state)) as before_state,
        replace(lower(org_name), lower(state), chr(1)) as state_marked
    from canonical
)

-- The review's settings and merged-cell patterns (dbt_models/seeds/org_mapping_rule_settings.csv
-- and org_mapping_merged_cell_patterns.csv) with their {state} made constant: a state at the end
-- is compared as a string, one in the middle is marked by \x01. A pattern built per row would
-- be compiled per row, and with \p{L} each compilation costs most of a millisecond.
select
    state,
    snapshot_date,
    org_name,
    canonical_name,
    ends_with_state and regexp_matches(before_state, '^district\s+[\p{L} .-]+,?\s*$', 'i')
        as is_district,
    regexp_matches(canonical_name, '\b(department|secretariat)\b', 'i') as is_department_like,
    (ends_with_state and regexp_matches(before_state, '^(.+?)\s+district\s+[\p{L} .-]+,?\s*$', 'i'))
    or regexp_matches(
        state_marked, '^.+?\b(?:department|govt\.? of|government of)\s+\x01,?\s+\S.*$'
    )
    or regexp_matches(org_name, '^(.*?\bdepartment)\s+(\S.*\bdepartment\b.*)$', 'i')
    or regexp_matches(state_marked, '^.+?\s+\x01\s+state\s+\S.*$') as is_merged
from lowered;

create temp table review_rows_classified as
select
    review_rows.*,
    coalesce(name_key(without_state_suffix(review_rows.department_as_reported, review_rows.state)), '')
        as department_key,
    coalesce(name_key(without_state_suffix(review_rows.mdo_name, review_rows.state)), '')
        as mdo_key,
    department_names.is_district as department_is_district,
    department_names.is_department_like as department_is_department_like,
    department_names.is_merged as department_is_merged,
    mdo_names.is_district as mdo_is_district
from review_rows
left join review_names as department_names
    on
        review_rows.state = department_names.state
        and review_rows.snapshot_date = department_names.snapshot_date
        and review_rows.department_as_reported = department_names.org_name
left join review_names as mdo_names
    on
        review_rows.state = mdo_names.state
        and review_rows.snapshot_date = mdo_names.snapshot_date
        and review_rows.mdo_name = mdo_names.org_name;

create temp table review_findings as
with

-- orphan: a blank department, or one that is neither department-like nor a district.
orphans as (
    select
        state, snapshot_date, source_file, source_row,
        'orphan' as issue_type,
        department_key || '|' || mdo_key as finding_key,
        department_as_reported as department,
        mdo_name,
        coalesce(department, '(no department)') as canonical_department,
        case
            when department_as_reported is null
                then 'The department cell is blank (row ' || source_row || ')'
            else
                'Department ''' || department_as_reported
                || ''' is neither a department-like name nor a district (row '
                || source_row || ')'
        end as evidence,
        case
            when department_as_reported is null
                then 'Map it to its administrative department on iGOT'
            else
                'Confirm on iGOT that ''' || department_as_reported
                || ''' is a department-level body, or file it under its administrative department'
        end as suggested_fix
    from review_rows_classified
    where
        department_as_reported is null
        or (
            not department_is_department_like
            and not department_is_district
            and not department_is_merged
        )
),

-- district_under_department / district_under_district.
districts as (
    select
        state, snapshot_date, source_file, source_row,
        case
            when department_is_district then 'district_under_district'
            else 'district_under_department'
        end as issue_type,
        department_key || '|' || mdo_key as finding_key,
        department_as_reported as department,
        mdo_name,
        coalesce(department, '(no department)') as canonical_department,
        '''' || mdo_name || ''' is a district filed under ''' || department_as_reported
        || ''' (row ' || source_row || ')' as evidence,
        'Move ''' || mdo_name || ''' to the ' || state || ' district level' as suggested_fix
    from review_rows_classified
    where mdo_is_district and department_as_reported is not null and department_key <> mdo_key
),

-- duplicate_mdo: the same MDO key twice in one snapshot, with every row's figures.
listed as (
    select
        *,
        count(*) over (partition by state, snapshot_date, mdo_name_key) as times_listed,
        row_number() over (
            partition by state, snapshot_date, mdo_name_key order by source_file, source_row
        ) as listing,
        'row ' || source_row || ': ' || case
            when is_quarantined then 'quarantined, cells as printed ' || raw_cells
            else
                'onboarded ' || coalesce(cast(onboarded as varchar), 'blank')
                || ', active ' || coalesce(cast(active as varchar), 'blank')
                || ', enrolments ' || coalesce(cast(enrollments as varchar), 'blank')
                || ', completions ' || coalesce(cast(completions as varchar), 'blank')
        end as row_figures
    from review_rows
),

duplicates as (
    select
        listed.state, listed.snapshot_date, listed.source_file, listed.source_row,
        'duplicate_mdo' as issue_type,
        listed.mdo_name_key as finding_key,
        listed.department_as_reported as department,
        listed.mdo_name,
        coalesce(listed.department, '(no department)') as canonical_department,
        '''' || listed.mdo_name || ''' is listed ' || listed.times_listed || ' times: '
        || figures.rows_figures as evidence,
        'If the rows are one MDO, merge them on iGOT; if not, give each its own name'
            as suggested_fix
    from listed
    inner join (
        select
            state,
            snapshot_date,
            mdo_name_key,
            string_agg(row_figures, '; ' order by source_file, source_row) as rows_figures
        from listed
        where times_listed > 1
        group by all
    ) as figures
        on
            listed.state = figures.state
            and listed.snapshot_date = figures.snapshot_date
            and listed.mdo_name_key = figures.mdo_name_key
    where listed.listing = 1
),

-- totals_mismatch: the printed total row against the sum of the loaded rows, per column.
loaded_sums as (
    select
        source_file,
        count(*) as row_count,
        sum(onboarded) as onboarded,
        sum(active) as active,
        sum(user_completions) as user_completions,
        sum(enrollments) as enrollments,
        sum(completions) as completions,
        sum(learning_hours) as learning_hours,
        sum(courses_attempted) as courses_attempted,
        sum(courses_passed) as courses_passed
    from mdo_normalised
    group by source_file
),

printed as (
    select
        totals.source_file,
        totals.source_row,
        totals.as_of_date as snapshot_date,
        coalesce(
            state_names.state, upper(regexp_replace(totals.state, '[_-]+', ' ', 'g'))
        ) as state,
        totals.total_onboarded,
        totals.total_active,
        totals.total_user_completions,
        totals.total_enrollments,
        totals.total_completions,
        totals.total_learning_hours,
        totals.total_courses_attempted,
        totals.total_courses_passed
    from (
        select
            source_file,
            source_row,
            as_of_date,
            state,
            onboarded as total_onboarded,
            active as total_active,
            user_completions as total_user_completions,
            total_enrollments,
            total_completions,
            total_hours as total_learning_hours,
            courses_attempted as total_courses_attempted,
            courses_passed as total_courses_passed
        from raw.mdo_report_totals
    ) as totals
    left join state_names
        on name_key(totals.state) = state_names.state_key
),

compared as (
    select
        printed.state,
        printed.snapshot_date,
        printed.source_file,
        printed.source_row,
        measures.measure_name,
        measures.printed_value,
        measures.loaded_sum,
        loaded_sums.row_count
    from printed
    left join loaded_sums
        on printed.source_file = loaded_sums.source_file
    cross join lateral (
        values
        ('onboarded', printed.total_onboarded, loaded_sums.onboarded),
        ('active', printed.total_active, loaded_sums.active),
        ('user_completions', printed.total_user_completions, loaded_sums.user_completions),
        ('enrollments', printed.total_enrollments, loaded_sums.enrollments),
        ('completions', printed.total_completions, loaded_sums.completions),
        ('learning_hours', printed.total_learning_hours, loaded_sums.learning_hours),
        ('courses_attempted', printed.total_courses_attempted, loaded_sums.courses_attempted),
        ('courses_passed', printed.total_courses_passed, loaded_sums.courses_passed)
    ) as measures (measure_name, printed_value, loaded_sum)
    where measures.printed_value is not null
),

mismatches as (
    select
        state, snapshot_date, source_file, source_row,
        'totals_mismatch' as issue_type,
        measure_name as finding_key,
        cast(null as varchar) as department,
        cast(null as varchar) as mdo_name,
        cast(null as varchar) as canonical_department,
        measure_name || ': printed ' || printed_value || '; the ' || coalesce(row_count, 0)
        || ' loaded rows sum to ' || coalesce(loaded_sum, 0) || ' (printed - sum = '
        || round(printed_value - coalesce(loaded_sum, 0), 2) || ')' as evidence,
        'Ask for the complete report, or correct the quarantined rows and deliver it again'
            as suggested_fix
    from compared
    where round(printed_value - coalesce(loaded_sum, 0), 2) <> 0
),

-- unparsed_row: every quarantined row.
unparsed as (
    select
        review_rows.state,
        coalesce(
            review_rows.snapshot_date,
            try_cast(regexp_extract(quarantine.source_file, '_(\d{4}-\d{2}-\d{2})', 1) as date)
        ) as snapshot_date,
        quarantine.source_file,
        quarantine.source_row,
        'unparsed_row' as issue_type,
        quarantine.source_table || '|' || case
            when review_rows.source_row is not null
                then
                    coalesce(name_key(without_state_suffix(
                        review_rows.department_as_reported, review_rows.state
                    )), '')
                    || '|' || coalesce(review_rows.mdo_name_key, '')
            else name_key(cast(quarantine.raw_cells as varchar))
        end as finding_key,
        review_rows.department_as_reported as department,
        review_rows.mdo_name,
        case
            when review_rows.source_row is not null
                then coalesce(review_rows.department, '(no department)')
        end as canonical_department,
        'Row ' || quarantine.source_row || ' of ' || quarantine.source_file
        || ' was not loaded: ' || quarantine.reason || '; cells as printed: '
        || cast(quarantine.raw_cells as varchar) as evidence,
        'Correct the row in the delivered file and deliver it again' as suggested_fix
    from raw.quarantine as quarantine
    left join review_rows
        on
            review_rows.is_quarantined
            and quarantine.source_file = review_rows.source_file
            and quarantine.source_row = review_rows.source_row
),

-- duplicate_file: a file whose content was already read under another name.
duplicate_file_findings as (
    select
        case
            when slug is not null
                then coalesce(state_names.state, upper(regexp_replace(slug, '[_-]+', ' ', 'g')))
        end as state,
        try_cast(regexp_extract(source_file, '_(\d{4}-\d{2}-\d{2})(_synthetic)?\.[A-Za-z]+$', 1) as date)
            as snapshot_date,
        source_file,
        cast(null as integer) as source_row,
        'duplicate_file' as issue_type,
        name_key(source_file) as finding_key,
        cast(null as varchar) as department,
        cast(null as varchar) as mdo_name,
        cast(null as varchar) as canonical_department,
        '''' || source_file || ''' has the same content as ''' || first_file
        || '''; it was not loaded again' as evidence,
        'Remove the copy from the drop folder, or deliver the report meant for this name'
            as suggested_fix
    from (
        select
            *,
            nullif(regexp_extract(
                source_file, '^mdo/([^/]+?)_\d{4}-\d{2}-\d{2}(_synthetic)?\.[A-Za-z]+$', 1
            ), '') as slug
        from duplicate_files
    ) as duplicates
    left join state_names
        on name_key(duplicates.slug) = state_names.state_key
),

unioned as (
    select * from orphans
    union all
    select * from districts
    union all
    select * from duplicates
    union all
    select * from mismatches
    union all
    select * from unparsed
    union all
    select * from duplicate_file_findings
)

select
    left(md5(concat_ws(
        '|', coalesce(state, ''), issue_type, finding_key,
        row_number() over (
            partition by state, snapshot_date, issue_type, finding_key
            order by source_file, source_row, department, mdo_name
        )
    )), 12) as finding_id,
    *
from unioned;

create table marts.org_mapping_issues as
with

latest_snapshots as (
    select state, max(snapshot_date) as latest_snapshot_date
    from review_rows
    group by state
),

history as (
    select finding_id, min(snapshot_date) as first_seen, max(snapshot_date) as last_seen
    from review_findings
    group by finding_id
),

latest as (
    select
        *,
        coalesce(name_key(without_state_suffix(mdo_name, state)), '') as mdo_key,
        coalesce(name_key(without_state_suffix(department, state)), '') as department_key
    from review_findings
    qualify row_number() over (
        partition by finding_id order by snapshot_date desc nulls last
    ) = 1
),

decisions as (
    select
        *,
        coalesce(name_key(without_state_suffix(mdo, state)), '') as mdo_key,
        case
            when department is not null
                then coalesce(name_key(without_state_suffix(department, state)), '')
        end as department_key
    from seed_decisions
),

decided as (
    select latest.finding_id, decisions.decision, decisions.decided_on, decisions.note
    from latest
    inner join decisions
        on
            decisions.state is not distinct from latest.state
            and decisions.issue_type = latest.issue_type
            and (
                decisions.finding_id = latest.finding_id
                or (
                    decisions.finding_id is null
                    and decisions.mdo_key = latest.mdo_key
                    and coalesce(decisions.department_key = latest.department_key, true)
                )
            )
    qualify row_number() over (
        partition by latest.finding_id order by decisions.decided_on desc, decisions.decision
    ) = 1
),

with_status as (
    select
        latest.* exclude (mdo_key, department_key),
        issue_types.severity,
        history.first_seen,
        history.last_seen,
        decided.decision,
        cast(decided.decided_on as date) as decided_on,
        decided.note as decision_note,
        case
            when decided.decision = 'fixed' and history.last_seen > cast(decided.decided_on as date)
                then 'open'
            when decided.decision is not null then decided.decision
            when history.last_seen < latest_snapshots.latest_snapshot_date then 'no_longer_seen'
            else 'open'
        end as status
    from latest
    inner join history on latest.finding_id = history.finding_id
    left join seed_issue_types as issue_types on latest.issue_type = issue_types.issue_type
    left join decided on latest.finding_id = decided.finding_id
    left join latest_snapshots on latest.state = latest_snapshots.state
)

select
    finding_id,
    state,
    snapshot_date,
    department,
    mdo_name,
    canonical_department,
    issue_type,
    severity,
    evidence,
    suggested_fix,
    first_seen,
    last_seen,
    status,
    status = 'open' as is_open,
    decision,
    decided_on,
    decision_note,
    source_file,
    cast(source_row as integer) as source_row
from with_status;

-- Department and state marts -------------------------------------------------------------------

create table marts.department_summary as
with

open_issues as (
    select state, snapshot_date, canonical_department as department, count(*) as open_issues
    from marts.org_mapping_issues
    where is_open and canonical_department is not null
    group by all
),

departments as (
    select
        state,
        snapshot_date,
        coalesce(department, '(no department)') as department,
        count(*) as mdo_count,
        cast(sum(onboarded) as bigint) as onboarded,
        cast(sum(active) as bigint) as active,
        cast(sum(user_completions) as bigint) as user_completions,
        cast(sum(enrollments) as bigint) as enrollments,
        cast(sum(completions) as bigint) as completions,
        sum(learning_hours) as learning_hours,
        cast(sum(courses_attempted) as bigint) as courses_attempted,
        cast(sum(courses_passed) as bigint) as courses_passed
    from marts.mdo_snapshot
    group by all
),

with_ratios as (
    select
        *,
        ratio(active, onboarded) as activation_rate,
        ratio(completions, enrollments) as completion_rate,
        ratio(courses_passed, courses_attempted) as pass_rate,
        ratio(learning_hours, active) as hours_per_active_user,
        cast(completions as double)
        / nullif(sum(completions) over (partition by state, snapshot_date), 0)
            as share_of_state_completions
    from departments
)

select
    with_ratios.state,
    with_ratios.snapshot_date,
    with_ratios.department,
    cast(with_ratios.mdo_count as integer) as mdo_count,
    with_ratios.onboarded,
    with_ratios.active,
    with_ratios.user_completions,
    with_ratios.enrollments,
    with_ratios.completions,
    with_ratios.learning_hours,
    with_ratios.courses_attempted,
    with_ratios.courses_passed,
    with_ratios.activation_rate,
    with_ratios.completion_rate,
    with_ratios.pass_rate,
    with_ratios.hours_per_active_user,
    with_ratios.share_of_state_completions,
    cast(rank() over (
        partition by with_ratios.state, with_ratios.snapshot_date
        order by with_ratios.completion_rate desc nulls last
    ) as integer) as rank_in_state_by_completion_rate,
    cast(rank() over (
        partition by with_ratios.state, with_ratios.snapshot_date
        order by with_ratios.activation_rate desc nulls last
    ) as integer) as rank_in_state_by_activation_rate,
    cast(coalesce(open_issues.open_issues, 0) as integer) as open_mapping_issues
from with_ratios
left join open_issues
    on
        with_ratios.state = open_issues.state
        and with_ratios.snapshot_date = open_issues.snapshot_date
        and with_ratios.department = open_issues.department;

create table marts.department_trend as
with

paired as (
    select
        state,
        snapshot_date,
        lag(snapshot_date) over (partition by state order by snapshot_date)
            as previous_snapshot_date
    from (select distinct state, snapshot_date from marts.department_summary)
),

department_pairs as (
    select paired.state, paired.snapshot_date, paired.previous_snapshot_date, d.department
    from paired
    inner join marts.department_summary as d
        on
            paired.state = d.state
            and d.snapshot_date in (paired.snapshot_date, paired.previous_snapshot_date)
    group by all
),

compared as (
    select
        pairs.state,
        pairs.snapshot_date,
        pairs.previous_snapshot_date,
        pairs.department,
        coalesce(now.mdo_count, 0) as mdo_count,
        coalesce(now.onboarded, 0) as onboarded,
        coalesce(now.active, 0) as active,
        coalesce(now.completions, 0) as completions,
        coalesce(before.mdo_count, 0) as previous_mdo_count,
        coalesce(before.onboarded, 0) as previous_onboarded,
        coalesce(before.active, 0) as previous_active,
        coalesce(before.completions, 0) as previous_completions
    from department_pairs as pairs
    left join marts.department_summary as now
        on
            pairs.state = now.state
            and pairs.snapshot_date = now.snapshot_date
            and pairs.department = now.department
    left join marts.department_summary as before
        on
            pairs.state = before.state
            and pairs.previous_snapshot_date = before.snapshot_date
            and pairs.department = before.department
)

select
    state,
    snapshot_date,
    department,
    previous_snapshot_date,
    mdo_count,
    onboarded,
    active,
    completions,
    case when previous_snapshot_date is not null then mdo_count - previous_mdo_count end
        as mdo_count_change,
    case when previous_snapshot_date is not null then onboarded - previous_onboarded end
        as onboarded_change,
    case when previous_snapshot_date is not null then active - previous_active end
        as active_change,
    case when previous_snapshot_date is not null then completions - previous_completions end
        as completions_change
from compared;

create table marts.state_ranking as
with

resolved as (
    select
        ranking.edition_date,
        coalesce(state_names.state, title_case(trim(ranking.state))) as state,
        upper(trim(ranking.category)) as category,
        ranking.composite_score,
        cast(ranking.rank as integer) as rank_in_category
    from raw.state_ranking as ranking
    left join state_names
        on name_key(trim(ranking.state)) = state_names.state_key
),

ranked as (
    select
        *,
        rank() over (partition by edition_date, category order by composite_score desc)
            as computed_rank,
        round(
            max(composite_score) over (partition by edition_date, category) - composite_score, 2
        ) as score_gap_to_leader,
        round(coalesce(
            lag(composite_score) over (
                partition by edition_date, category
                order by composite_score desc, rank_in_category asc
            ) - composite_score,
            0
        ), 2) as score_gap_to_next_rank,
        count(*) over (partition by edition_date, category) as states_in_category,
        lag(rank_in_category) over (partition by state order by edition_date) as previous_rank
    from resolved
)

select
    edition_date,
    state,
    category,
    composite_score,
    rank_in_category,
    cast(computed_rank as integer) as computed_rank,
    score_gap_to_leader,
    score_gap_to_next_rank,
    cast(states_in_category as integer) as states_in_category,
    previous_rank,
    previous_rank - rank_in_category as rank_change
from ranked;

create table marts.state_summary as
with

mdo_totals as (
    select
        state,
        snapshot_date as as_of_date,
        count(*) as mdo_count,
        cast(sum(onboarded) as bigint) as onboarded,
        cast(sum(active) as bigint) as active,
        cast(sum(user_completions) as bigint) as user_completions,
        cast(sum(enrollments) as bigint) as enrollments,
        cast(sum(completions) as bigint) as completions,
        sum(learning_hours) as learning_hours,
        cast(sum(courses_attempted) as bigint) as courses_attempted,
        cast(sum(courses_passed) as bigint) as courses_passed
    from marts.mdo_snapshot
    group by all
),

report_dates as (
    select state, as_of_date from mdo_totals
    union
    select state, edition_date as as_of_date from marts.state_ranking
)

select
    report_dates.state,
    report_dates.as_of_date,
    rankings.edition_date,
    rankings.category,
    rankings.composite_score,
    rankings.rank_in_category,
    rankings.states_in_category,
    rankings.score_gap_to_leader,
    rankings.score_gap_to_next_rank,
    cast(mdo_totals.mdo_count as integer) as mdo_count,
    mdo_totals.onboarded,
    mdo_totals.active,
    mdo_totals.user_completions,
    mdo_totals.enrollments,
    mdo_totals.completions,
    mdo_totals.learning_hours,
    mdo_totals.courses_attempted,
    mdo_totals.courses_passed,
    ratio(mdo_totals.active, mdo_totals.onboarded) as activation_rate,
    ratio(mdo_totals.completions, mdo_totals.enrollments) as completion_rate,
    ratio(mdo_totals.courses_passed, mdo_totals.courses_attempted) as pass_rate,
    ratio(mdo_totals.learning_hours, mdo_totals.active) as hours_per_active_user
from report_dates
asof left join marts.state_ranking as rankings
    on
        report_dates.state = rankings.state
        and report_dates.as_of_date >= rankings.edition_date
left join mdo_totals
    on
        report_dates.state = mdo_totals.state
        and report_dates.as_of_date = mdo_totals.as_of_date;

checkpoint;
