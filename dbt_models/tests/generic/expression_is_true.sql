{#- Every row satisfies a SQL condition (rows where it is false fail). -#}
{% test expression_is_true(model, expression) %}

select *
from {{ model }}
where not ({{ expression }})

{% endtest %}
