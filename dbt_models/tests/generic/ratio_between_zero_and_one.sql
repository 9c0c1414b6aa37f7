{#- A ratio of a part to its whole: null is allowed (no denominator), anything else is 0..1. -#}
{% test ratio_between_zero_and_one(model, column_name) %}

select *
from {{ model }}
where {{ column_name }} < 0 or {{ column_name }} > 1

{% endtest %}
