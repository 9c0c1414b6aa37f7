{#- Helpers of the org-mapping review (models/review): names, keys and file names. -#}

{#- A name as padded lower-case words, for whole-word keyword matching:
    'Law Department, Bihar' -> ' law department bihar '. -#}
{% macro review_words(expression) -%}
    (' ' || trim(regexp_replace(
        replace(lower({{ expression }}), '&', ' and '), '[^\p{L}\p{M}\p{N}]+', ' ', 'g'
    )) || ' ')
{%- endmacro %}

{#- The state slug of an MDO report's file name: 'mdo/bihar_2026-02-25.csv' -> 'bihar';
    null for any other file. -#}
{% macro review_state_slug_from_file(path) -%}
    nullif(regexp_extract({{ path }}, '(^|/)mdo/([^/]+?)_\d{4}-\d{2}-\d{2}(_synthetic)?\.[A-Za-z]+$', 2), '')
{%- endmacro %}

{#- The date in a delivered file's name ('<name>_<YYYY-MM-DD>.<ext>'); null when it has none. -#}
{% macro review_date_from_file(path) -%}
    try_cast(nullif(regexp_extract({{ path }}, '_(\d{4}-\d{2}-\d{2})(_synthetic)?\.[A-Za-z]+$', 1), '') as date)
{%- endmacro %}

{#- A number as printed in evidence: hours with 2 decimals, counts as whole numbers. -#}
{% macro review_number(expression, decimals=false) -%}
    {%- if decimals -%}
        printf('%.2f', {{ expression }})
    {%- else -%}
        cast(cast({{ expression }} as bigint) as varchar)
    {%- endif -%}
{%- endmacro %}

{#- The same, chosen per row by a boolean column; signed shows '+' on positive differences. -#}
{% macro review_amount(expression, has_decimals, signed=false) -%}
    {%- set sign = '+' if signed else '' -%}
    case
        when {{ has_decimals }} then printf('%{{ sign }}.2f', {{ expression }})
        else printf('%{{ sign }}d', cast({{ expression }} as bigint))
    end
{%- endmacro %}

{#- Similarity of two names (0-1), from their normalised texts and word lists: the larger of the
    Jaro-Winkler similarity and the share of distinct words the names have in common. -#}
{% macro review_similarity(text_a, text_b, words_a, words_b) -%}
    greatest(
        jaro_winkler_similarity({{ text_a }}, {{ text_b }}),
        coalesce(
            len(list_intersect({{ words_a }}, {{ words_b }}))
            / nullif(len(list_distinct(list_concat({{ words_a }}, {{ words_b }}))), 0),
            0
        )
    )
{%- endmacro %}
