{#- Minutes in a printed duration: '2h 42 mins' -> 162, '53 mins' -> 53, '10h' -> 600. -#}
{% macro duration_minutes(expression) -%}
    case
        when regexp_matches({{ expression }}, '\d+\s*(h|min)', 'i')
            then
                coalesce(
                    try_cast(regexp_extract({{ expression }}, '(\d+)\s*h', 1, 'i') as integer), 0
                ) * 60
                + coalesce(
                    try_cast(regexp_extract({{ expression }}, '(\d+)\s*min', 1, 'i') as integer), 0
                )
    end
{%- endmacro %}

{#- The course id at the end of a portal link, with the OCR's 'ext_' prefix dropped. -#}
{% macro course_id_from_link(expression) -%}
    nullif(regexp_extract({{ expression }}, '/(ext_)?(\d{10,})\s*$', 2), '')
{%- endmacro %}

{#- The portal's real address for a course id; the OCR garbles host and path. -#}
{% macro canonical_course_url(course_id) -%}
    'https://portal.igotkarmayogi.gov.in/app/toc/ext/' || {{ course_id }}
{%- endmacro %}
