{#- Every row read from a file was loaded, kept as a printed total, or quarantined. -#}
{% test rows_accounted_for(model) %}

select *
from {{ model }}
where rows_read <> rows_loaded + printed_total_rows + rows_quarantined

{% endtest %}
