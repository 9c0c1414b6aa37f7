{#- A key for matching course and provider names as officers' reports and Annexure-3 write
    them: Unicode NFC (a Hindi name typed with decomposed signs matches the composed one), lower
    case, any run of spaces (also no-break and other Unicode spaces) as one, none at the ends.
    Punctuation is kept: 'Cybersecurity (Basic Level)' and 'Cybersecurity Basic Level' are not
    declared the same course. -#}
{% macro course_key(expression) -%}
    nullif(trim(regexp_replace(lower(nfc_normalize({{ expression }})), '[\s\p{Z}]+', ' ', 'g')), '')
{%- endmacro %}
