{#- Keys for matching names written in different ways: case, spacing, punctuation, '&'. -#}
{% macro name_key(expression) -%}
    regexp_replace(replace(lower({{ expression }}), '&', ' and '), '[^\p{L}\p{M}\p{N}]+', '', 'g')
{%- endmacro %}

{#- A department or MDO name without its state suffix: 'Finance Department, Govt of Bihar'
    -> 'Finance Department'. Written with fixed regular expressions and string functions: a
    pattern built from each row's state name would be compiled again for every row, which on
    millions of rows costs minutes. -#}
{% macro without_state_suffix(expression, state_name) -%}
    {%- set trimmed = "regexp_replace(" ~ expression ~ ", '\s+$', '')" -%}
    case
        when {{ state_name }} is null then null
        when ends_with(lower({{ trimmed }}), lower({{ state_name }}))
            then trim(regexp_replace(
                left({{ trimmed }}, length({{ trimmed }}) - length({{ state_name }})),
                '[\s,]*((govt\.?|government)\s+of\s+)?$',
                '',
                'i'
            ))
        else trim({{ expression }})
    end
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
