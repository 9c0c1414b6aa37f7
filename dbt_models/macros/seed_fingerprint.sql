-- noqa: disable=LT02
-- A Jinja loop builds the union; sqlfluff would lint the layout of the loop, not of the SQL.

{#- A fingerprint of what some seeds (or models over seeds) say: an md5 of every row of each,
    as text, in a fixed order. An incremental model keeps the fingerprint it was built with
    and redoes every row when it changes: int_mdos_normalised over the mapping seeds,
    review_name_classes over the review's rule seeds. -#}
{% macro seed_fingerprint(relations) -%}
    (
        select md5(string_agg(line, '|' order by line))
        from (
            {%- for relation in relations %}
            select '{{ relation }}/' || cast(seed_row as varchar) as line
            from {{ ref(relation) }} as seed_row
            {%- if not loop.last %}
            union all
            {%- endif %}
            {%- endfor %}
        ) as seed_lines
    )
{%- endmacro %}
