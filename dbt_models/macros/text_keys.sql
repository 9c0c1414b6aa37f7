{#- Keys for matching names written in different ways: case, spacing, punctuation, '&'. -#}
{% macro name_key(expression) -%}
    regexp_replace(replace(lower({{ expression }}), '&', ' and '), '[^\p{L}\p{M}\p{N}]+', '', 'g')
{%- endmacro %}

{#- A department or MDO name without its state suffix: 'Finance Department, Govt of Bihar'
    -> 'Finance Department'. -#}
{% macro without_state_suffix(expression, state_name) -%}
    trim(regexp_replace(
        {{ expression }},
        '[\s,]*((govt\.?|government)\s+of\s+)?' || lower({{ state_name }}) || '\s*$',
        '',
        'i'
    ))
{%- endmacro %}
