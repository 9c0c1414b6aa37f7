{#- Every row satisfies a SQL condition; a row where it is false fails, shown as one sentence
    (`finding`, a SQL expression over the row) that names its file and row and what to do, so
    that the check's examples read as a finding rather than as a row's columns. -#}
{% test each_row_is_true(model, column_name, expression, finding) %}

select {{ finding }} as finding
from {{ model }}
where not ({{ expression }})

{% endtest %}
