{#- The MDO report's measures summed over a group, counts kept as bigint for the contracts. -#}
{% macro mdo_measure_sums() -%}
    count(*) as mdo_count,
    cast(sum(onboarded) as bigint) as onboarded,
    cast(sum(active) as bigint) as active,
    cast(sum(user_completions) as bigint) as user_completions,
    cast(sum(enrollments) as bigint) as enrollments,
    cast(sum(completions) as bigint) as completions,
    sum(learning_hours) as learning_hours,
    cast(sum(courses_attempted) as bigint) as courses_attempted,
    cast(sum(courses_passed) as bigint) as courses_passed
{%- endmacro %}
