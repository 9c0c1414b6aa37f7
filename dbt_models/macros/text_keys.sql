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

{#- Title case for names printed all in capitals or all in lower case: 'BC EBC WELFARE
    DEPARTMENT' -> 'Bc Ebc Welfare Department'; short joining words stay lower case. Names in
    mixed case are left as printed, since their capitals (acronyms) are deliberate. -#}
{% macro title_case(expression) -%}
    case
        when {{ expression }} = upper({{ expression }}) or {{ expression }} = lower({{ expression }})
            then array_to_string(
                list_transform(
                    string_split(lower({{ expression }}), ' '),
                    lambda word: case
                        when word in ('and', 'of', 'the', 'for', 'in', 'on', '&') then word
                        else upper(left(word, 1)) || substr(word, 2)
                    end
                ),
                ' '
            )
        else {{ expression }}
    end
{%- endmacro %}
