create temp table typed_rows as
with
first_rows as (
    select
        path,
        min(rowid) as first_row_id
    from delivered_cells
    group by path
),
data_rows as (
    select
        cast(delivered_files.state as varchar) as state,
        cast(delivered_files.as_of_date as date) as as_of_date,
        delivered_files.source_file,
        delivered_files.file_sha256,
        delivered_files.header_row,
        coalesce(delivered_cells.source_row, delivered_cells.rowid - first_rows.first_row_id + 1) as source_row,
        delivered_cells.used_cells,
        delivered_cells.raw_cells,
        delivered_cells.read_problem,
        delivered_cells.c1,
        delivered_cells.c2,
        delivered_cells.c3,
        delivered_cells.c4,
        delivered_cells.c5,
        delivered_cells.c6,
        delivered_cells.c7,
        delivered_cells.c8,
        delivered_cells.c9,
        delivered_cells.c10,
        delivered_cells.c11,
        delivered_cells.c12,
        delivered_cells.c13,
        delivered_cells.c14,
        delivered_cells.c15
    from delivered_cells
    inner join delivered_files
        on delivered_cells.path = delivered_files.path
    inner join first_rows
        on delivered_cells.path = first_rows.path
),
cells_by_column as (
    select
        *,
        coalesce(c1, '') as c_department,
        coalesce(c2, '') as c_mdo_name,
        coalesce(c3, '') as c_onboarded,
        coalesce(c4, '') as c_active,
        coalesce(c5, '') as c_user_completions,
        coalesce(c6, '') as c_total_enrollments,
        coalesce(c7, '') as c_total_completions,
        coalesce(c8, '') as c_total_hours,
        coalesce(c9, '') as c_courses_attempted,
        coalesce(c10, '') as c_courses_passed,
        coalesce(c11, '') as c_pct_course_passed,
        cast(null as varchar) as c_data_origin,
        case
            when
                used_cells > 11
                or used_cells is null and (
                    trim(coalesce(c12, '')) <> ''
                    or trim(coalesce(c13, '')) <> ''
                    or trim(coalesce(c14, '')) <> ''
                    or trim(coalesce(c15, '')) <> ''
                )
                then coalesce(used_cells, greatest(
                    case when trim(coalesce(c1, '')) <> '' then 1 else 0 end,
                    case when trim(coalesce(c2, '')) <> '' then 2 else 0 end,
                    case when trim(coalesce(c3, '')) <> '' then 3 else 0 end,
                    case when trim(coalesce(c4, '')) <> '' then 4 else 0 end,
                    case when trim(coalesce(c5, '')) <> '' then 5 else 0 end,
                    case when trim(coalesce(c6, '')) <> '' then 6 else 0 end,
                    case when trim(coalesce(c7, '')) <> '' then 7 else 0 end,
                    case when trim(coalesce(c8, '')) <> '' then 8 else 0 end,
                    case when trim(coalesce(c9, '')) <> '' then 9 else 0 end,
                    case when trim(coalesce(c10, '')) <> '' then 10 else 0 end,
                    case when trim(coalesce(c11, '')) <> '' then 11 else 0 end,
                    case when trim(coalesce(c12, '')) <> '' then 12 else 0 end,
                    case when trim(coalesce(c13, '')) <> '' then 13 else 0 end,
                    case when trim(coalesce(c14, '')) <> '' then 14 else 0 end,
                    case when trim(coalesce(c15, '')) <> '' then 15 else 0 end
                )) || ' cells where 11 were expected'
        end as shape_reason
    from data_rows
    -- The header and rows above it are not data; wholly blank rows carry nothing.
    where
        source_row > header_row
        and (used_cells > 0 or used_cells is null and (
            trim(coalesce(c1, '')) <> ''
            or trim(coalesce(c2, '')) <> ''
            or trim(coalesce(c3, '')) <> ''
            or trim(coalesce(c4, '')) <> ''
            or trim(coalesce(c5, '')) <> ''
            or trim(coalesce(c6, '')) <> ''
            or trim(coalesce(c7, '')) <> ''
            or trim(coalesce(c8, '')) <> ''
            or trim(coalesce(c9, '')) <> ''
            or trim(coalesce(c10, '')) <> ''
            or trim(coalesce(c11, '')) <> ''
            or trim(coalesce(c12, '')) <> ''
            or trim(coalesce(c13, '')) <> ''
            or trim(coalesce(c14, '')) <> ''
            or trim(coalesce(c15, '')) <> ''
        ))
),
typed_cells as (
    select
        *,
        nullif(trim(c_department), '') as department,
        nullif(trim(c_mdo_name), '') as mdo_name,
        case
            when regexp_full_match(nullif(trim(replace(replace(c_onboarded, chr(160), ' '), chr(8239), ' ')), ''), '(\d+|\d{1,3}(,\d{3})+|\d{1,2}(,\d{2})*,\d{3})')
                and try_cast(replace(replace(replace(nullif(trim(replace(replace(c_onboarded, chr(160), ' '), chr(8239), ' ')), ''), ',', ''), '%', ''), ' ', '') as bigint) is not null
                then try_cast(replace(replace(replace(nullif(trim(replace(replace(c_onboarded, chr(160), ' '), chr(8239), ' ')), ''), ',', ''), '%', ''), ' ', '') as bigint)
        end as onboarded,
        case
            when regexp_full_match(nullif(trim(replace(replace(c_active, chr(160), ' '), chr(8239), ' ')), ''), '(\d+|\d{1,3}(,\d{3})+|\d{1,2}(,\d{2})*,\d{3})')
                and try_cast(replace(replace(replace(nullif(trim(replace(replace(c_active, chr(160), ' '), chr(8239), ' ')), ''), ',', ''), '%', ''), ' ', '') as bigint) is not null
                then try_cast(replace(replace(replace(nullif(trim(replace(replace(c_active, chr(160), ' '), chr(8239), ' ')), ''), ',', ''), '%', ''), ' ', '') as bigint)
        end as active,
        case
            when regexp_full_match(nullif(trim(replace(replace(c_user_completions, chr(160), ' '), chr(8239), ' ')), ''), '(\d+|\d{1,3}(,\d{3})+|\d{1,2}(,\d{2})*,\d{3})')
                and try_cast(replace(replace(replace(nullif(trim(replace(replace(c_user_completions, chr(160), ' '), chr(8239), ' ')), ''), ',', ''), '%', ''), ' ', '') as bigint) is not null
                then try_cast(replace(replace(replace(nullif(trim(replace(replace(c_user_completions, chr(160), ' '), chr(8239), ' ')), ''), ',', ''), '%', ''), ' ', '') as bigint)
        end as user_completions,
        case
            when regexp_full_match(nullif(trim(replace(replace(c_total_enrollments, chr(160), ' '), chr(8239), ' ')), ''), '(\d+|\d{1,3}(,\d{3})+|\d{1,2}(,\d{2})*,\d{3})')
                and try_cast(replace(replace(replace(nullif(trim(replace(replace(c_total_enrollments, chr(160), ' '), chr(8239), ' ')), ''), ',', ''), '%', ''), ' ', '') as bigint) is not null
                then try_cast(replace(replace(replace(nullif(trim(replace(replace(c_total_enrollments, chr(160), ' '), chr(8239), ' ')), ''), ',', ''), '%', ''), ' ', '') as bigint)
        end as total_enrollments,
        case
            when regexp_full_match(nullif(trim(replace(replace(c_total_completions, chr(160), ' '), chr(8239), ' ')), ''), '(\d+|\d{1,3}(,\d{3})+|\d{1,2}(,\d{2})*,\d{3})')
                and try_cast(replace(replace(replace(nullif(trim(replace(replace(c_total_completions, chr(160), ' '), chr(8239), ' ')), ''), ',', ''), '%', ''), ' ', '') as bigint) is not null
                then try_cast(replace(replace(replace(nullif(trim(replace(replace(c_total_completions, chr(160), ' '), chr(8239), ' ')), ''), ',', ''), '%', ''), ' ', '') as bigint)
        end as total_completions,
        case
            when regexp_full_match(nullif(trim(replace(replace(c_total_hours, chr(160), ' '), chr(8239), ' ')), ''), '(\d+|\d{1,3}(,\d{3})+|\d{1,2}(,\d{2})*,\d{3})(\.\d+)?')
                and isfinite(try_cast(replace(replace(replace(nullif(trim(replace(replace(c_total_hours, chr(160), ' '), chr(8239), ' ')), ''), ',', ''), '%', ''), ' ', '') as double))
                then try_cast(replace(replace(replace(nullif(trim(replace(replace(c_total_hours, chr(160), ' '), chr(8239), ' ')), ''), ',', ''), '%', ''), ' ', '') as double)
        end as total_hours,
        case
            when regexp_full_match(nullif(trim(replace(replace(c_courses_attempted, chr(160), ' '), chr(8239), ' ')), ''), '(\d+|\d{1,3}(,\d{3})+|\d{1,2}(,\d{2})*,\d{3})')
                and try_cast(replace(replace(replace(nullif(trim(replace(replace(c_courses_attempted, chr(160), ' '), chr(8239), ' ')), ''), ',', ''), '%', ''), ' ', '') as bigint) is not null
                then try_cast(replace(replace(replace(nullif(trim(replace(replace(c_courses_attempted, chr(160), ' '), chr(8239), ' ')), ''), ',', ''), '%', ''), ' ', '') as bigint)
        end as courses_attempted,
        case
            when regexp_full_match(nullif(trim(replace(replace(c_courses_passed, chr(160), ' '), chr(8239), ' ')), ''), '(\d+|\d{1,3}(,\d{3})+|\d{1,2}(,\d{2})*,\d{3})')
                and try_cast(replace(replace(replace(nullif(trim(replace(replace(c_courses_passed, chr(160), ' '), chr(8239), ' ')), ''), ',', ''), '%', ''), ' ', '') as bigint) is not null
                then try_cast(replace(replace(replace(nullif(trim(replace(replace(c_courses_passed, chr(160), ' '), chr(8239), ' ')), ''), ',', ''), '%', ''), ' ', '') as bigint)
        end as courses_passed,
        case
            when regexp_full_match(nullif(trim(replace(replace(c_pct_course_passed, chr(160), ' '), chr(8239), ' ')), ''), '(\d+|\d{1,3}(,\d{3})+|\d{1,2}(,\d{2})*,\d{3})(\.\d+)?\s*%?')
                and isfinite(try_cast(replace(replace(replace(nullif(trim(replace(replace(c_pct_course_passed, chr(160), ' '), chr(8239), ' ')), ''), ',', ''), '%', ''), ' ', '') as double))
                then try_cast(replace(replace(replace(nullif(trim(replace(replace(c_pct_course_passed, chr(160), ' '), chr(8239), ' ')), ''), ',', ''), '%', ''), ' ', '') as double)
        end as pct_course_passed,
        nullif(trim(c_data_origin), '') as data_origin,
        (
            (nullif(trim(c_department), '') is null and nullif(trim(c_mdo_name), '') is null)
            or regexp_replace(lower(c_department), '[^0-9a-zऀ-ॣ०-ॿ]+', '', 'g') in ('total', 'grandtotal', 'subtotal', 'statetotal', 'कुल', 'कुलयोग')
            or regexp_replace(lower(c_mdo_name), '[^0-9a-zऀ-ॣ०-ॿ]+', '', 'g') in ('total', 'grandtotal', 'subtotal', 'statetotal', 'कुल', 'कुलयोग')
        ) as is_total
    from cells_by_column
),
judged as (
    select
        *,
        nullif(concat_ws(
            '; ',
            read_problem,
            shape_reason,
            case
                when not (is_total)
                    and nullif(trim(c_mdo_name), '') is null
                    then 'Mido Name' || ' is blank'
            end,
            case
                when nullif(trim(replace(replace(c_onboarded, chr(160), ' '), chr(8239), ' ')), '') is not null
                    and not regexp_full_match(nullif(trim(replace(replace(c_onboarded, chr(160), ' '), chr(8239), ' ')), ''), '(\d+|\d{1,3}(,\d{3})+|\d{1,2}(,\d{2})*,\d{3})')
                    then '''' || nullif(trim(replace(replace(c_onboarded, chr(160), ' '), chr(8239), ' ')), '') || '''' || ' is not a whole number in column ' || 'Onboarded'
                when nullif(trim(replace(replace(c_onboarded, chr(160), ' '), chr(8239), ' ')), '') is not null
                    and not coalesce(try_cast(replace(replace(replace(nullif(trim(replace(replace(c_onboarded, chr(160), ' '), chr(8239), ' ')), ''), ',', ''), '%', ''), ' ', '') as bigint) is not null, false)
                    then nullif(trim(replace(replace(c_onboarded, chr(160), ' '), chr(8239), ' ')), '') || ' is too large for column ' || 'Onboarded'
            end,
            case
                when nullif(trim(replace(replace(c_active, chr(160), ' '), chr(8239), ' ')), '') is not null
                    and not regexp_full_match(nullif(trim(replace(replace(c_active, chr(160), ' '), chr(8239), ' ')), ''), '(\d+|\d{1,3}(,\d{3})+|\d{1,2}(,\d{2})*,\d{3})')
                    then '''' || nullif(trim(replace(replace(c_active, chr(160), ' '), chr(8239), ' ')), '') || '''' || ' is not a whole number in column ' || 'Active'
                when nullif(trim(replace(replace(c_active, chr(160), ' '), chr(8239), ' ')), '') is not null
                    and not coalesce(try_cast(replace(replace(replace(nullif(trim(replace(replace(c_active, chr(160), ' '), chr(8239), ' ')), ''), ',', ''), '%', ''), ' ', '') as bigint) is not null, false)
                    then nullif(trim(replace(replace(c_active, chr(160), ' '), chr(8239), ' ')), '') || ' is too large for column ' || 'Active'
            end,
            case
                when nullif(trim(replace(replace(c_user_completions, chr(160), ' '), chr(8239), ' ')), '') is not null
                    and not regexp_full_match(nullif(trim(replace(replace(c_user_completions, chr(160), ' '), chr(8239), ' ')), ''), '(\d+|\d{1,3}(,\d{3})+|\d{1,2}(,\d{2})*,\d{3})')
                    then '''' || nullif(trim(replace(replace(c_user_completions, chr(160), ' '), chr(8239), ' ')), '') || '''' || ' is not a whole number in column ' || 'User Completions'
                when nullif(trim(replace(replace(c_user_completions, chr(160), ' '), chr(8239), ' ')), '') is not null
                    and not coalesce(try_cast(replace(replace(replace(nullif(trim(replace(replace(c_user_completions, chr(160), ' '), chr(8239), ' ')), ''), ',', ''), '%', ''), ' ', '') as bigint) is not null, false)
                    then nullif(trim(replace(replace(c_user_completions, chr(160), ' '), chr(8239), ' ')), '') || ' is too large for column ' || 'User Completions'
            end,
            case
                when nullif(trim(replace(replace(c_total_enrollments, chr(160), ' '), chr(8239), ' ')), '') is not null
                    and not regexp_full_match(nullif(trim(replace(replace(c_total_enrollments, chr(160), ' '), chr(8239), ' ')), ''), '(\d+|\d{1,3}(,\d{3})+|\d{1,2}(,\d{2})*,\d{3})')
                    then '''' || nullif(trim(replace(replace(c_total_enrollments, chr(160), ' '), chr(8239), ' ')), '') || '''' || ' is not a whole number in column ' || 'Total Enrollments'
                when nullif(trim(replace(replace(c_total_enrollments, chr(160), ' '), chr(8239), ' ')), '') is not null
                    and not coalesce(try_cast(replace(replace(replace(nullif(trim(replace(replace(c_total_enrollments, chr(160), ' '), chr(8239), ' ')), ''), ',', ''), '%', ''), ' ', '') as bigint) is not null, false)
                    then nullif(trim(replace(replace(c_total_enrollments, chr(160), ' '), chr(8239), ' ')), '') || ' is too large for column ' || 'Total Enrollments'
            end,
            case
                when nullif(trim(replace(replace(c_total_completions, chr(160), ' '), chr(8239), ' ')), '') is not null
                    and not regexp_full_match(nullif(trim(replace(replace(c_total_completions, chr(160), ' '), chr(8239), ' ')), ''), '(\d+|\d{1,3}(,\d{3})+|\d{1,2}(,\d{2})*,\d{3})')
                    then '''' || nullif(trim(replace(replace(c_total_completions, chr(160), ' '), chr(8239), ' ')), '') || '''' || ' is not a whole number in column ' || 'Total Completions'
                when nullif(trim(replace(replace(c_total_completions, chr(160), ' '), chr(8239), ' ')), '') is not null
                    and not coalesce(try_cast(replace(replace(replace(nullif(trim(replace(replace(c_total_completions, chr(160), ' '), chr(8239), ' ')), ''), ',', ''), '%', ''), ' ', '') as bigint) is not null, false)
                    then nullif(trim(replace(replace(c_total_completions, chr(160), ' '), chr(8239), ' ')), '') || ' is too large for column ' || 'Total Completions'
            end,
            case
                when nullif(trim(replace(replace(c_total_hours, chr(160), ' '), chr(8239), ' ')), '') is not null
                    and not regexp_full_match(nullif(trim(replace(replace(c_total_hours, chr(160), ' '), chr(8239), ' ')), ''), '(\d+|\d{1,3}(,\d{3})+|\d{1,2}(,\d{2})*,\d{3})(\.\d+)?')
                    then '''' || nullif(trim(replace(replace(c_total_hours, chr(160), ' '), chr(8239), ' ')), '') || '''' || ' is not a number in column ' || 'Total Hours'
                when nullif(trim(replace(replace(c_total_hours, chr(160), ' '), chr(8239), ' ')), '') is not null
                    and not coalesce(isfinite(try_cast(replace(replace(replace(nullif(trim(replace(replace(c_total_hours, chr(160), ' '), chr(8239), ' ')), ''), ',', ''), '%', ''), ' ', '') as double)), false)
                    then nullif(trim(replace(replace(c_total_hours, chr(160), ' '), chr(8239), ' ')), '') || ' is too large for column ' || 'Total Hours'
            end,
            case
                when nullif(trim(replace(replace(c_courses_attempted, chr(160), ' '), chr(8239), ' ')), '') is not null
                    and not regexp_full_match(nullif(trim(replace(replace(c_courses_attempted, chr(160), ' '), chr(8239), ' ')), ''), '(\d+|\d{1,3}(,\d{3})+|\d{1,2}(,\d{2})*,\d{3})')
                    then '''' || nullif(trim(replace(replace(c_courses_attempted, chr(160), ' '), chr(8239), ' ')), '') || '''' || ' is not a whole number in column ' || 'Course Attempted'
                when nullif(trim(replace(replace(c_courses_attempted, chr(160), ' '), chr(8239), ' ')), '') is not null
                    and not coalesce(try_cast(replace(replace(replace(nullif(trim(replace(replace(c_courses_attempted, chr(160), ' '), chr(8239), ' ')), ''), ',', ''), '%', ''), ' ', '') as bigint) is not null, false)
                    then nullif(trim(replace(replace(c_courses_attempted, chr(160), ' '), chr(8239), ' ')), '') || ' is too large for column ' || 'Course Attempted'
            end,
            case
                when nullif(trim(replace(replace(c_courses_passed, chr(160), ' '), chr(8239), ' ')), '') is not null
                    and not regexp_full_match(nullif(trim(replace(replace(c_courses_passed, chr(160), ' '), chr(8239), ' ')), ''), '(\d+|\d{1,3}(,\d{3})+|\d{1,2}(,\d{2})*,\d{3})')
                    then '''' || nullif(trim(replace(replace(c_courses_passed, chr(160), ' '), chr(8239), ' ')), '') || '''' || ' is not a whole number in column ' || 'Course Passed'
                when nullif(trim(replace(replace(c_courses_passed, chr(160), ' '), chr(8239), ' ')), '') is not null
                    and not coalesce(try_cast(replace(replace(replace(nullif(trim(replace(replace(c_courses_passed, chr(160), ' '), chr(8239), ' ')), ''), ',', ''), '%', ''), ' ', '') as bigint) is not null, false)
                    then nullif(trim(replace(replace(c_courses_passed, chr(160), ' '), chr(8239), ' ')), '') || ' is too large for column ' || 'Course Passed'
            end,
            case
                when nullif(trim(replace(replace(c_pct_course_passed, chr(160), ' '), chr(8239), ' ')), '') is not null
                    and not regexp_full_match(nullif(trim(replace(replace(c_pct_course_passed, chr(160), ' '), chr(8239), ' ')), ''), '(\d+|\d{1,3}(,\d{3})+|\d{1,2}(,\d{2})*,\d{3})(\.\d+)?\s*%?')
                    then '''' || nullif(trim(replace(replace(c_pct_course_passed, chr(160), ' '), chr(8239), ' ')), '') || '''' || ' is not a percentage in column ' || '% Course Passed'
                when nullif(trim(replace(replace(c_pct_course_passed, chr(160), ' '), chr(8239), ' ')), '') is not null
                    and not coalesce(isfinite(try_cast(replace(replace(replace(nullif(trim(replace(replace(c_pct_course_passed, chr(160), ' '), chr(8239), ' ')), ''), ',', ''), '%', ''), ' ', '') as double)), false)
                    then nullif(trim(replace(replace(c_pct_course_passed, chr(160), ' '), chr(8239), ' ')), '') || ' is too large for column ' || '% Course Passed'
            end
        ), '') as reason
    from typed_cells
)
select
    state,
    as_of_date,
    department,
    mdo_name,
    onboarded,
    active,
    user_completions,
    total_enrollments,
    total_completions,
    total_hours,
    courses_attempted,
    courses_passed,
    pct_course_passed,
    data_origin,
    cast(null as json) as extra_columns,
    source_file,
    file_sha256,
    source_row,
    cast('2026-02-25T00:00:00' as timestamp) as loaded_at,
    is_total,
    reason,
    -- The row as read, for quarantined rows only: padding beyond its last cell dropped.
    case
        when reason is not null
            then coalesce(
                raw_cells,
                to_json(list_filter([c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15], lambda c: c is not null))
            )
    end as raw_cells
from judged
