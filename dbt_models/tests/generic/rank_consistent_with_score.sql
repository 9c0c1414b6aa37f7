{#- Within a partition, a higher score never carries a worse (larger) printed rank. -#}
{% test rank_consistent_with_score(model, partition_by, score, rank) %}

select
    better.*
from {{ model }} as better
inner join {{ model }} as worse
    on
        {% for column in partition_by -%}
            better.{{ column }} = worse.{{ column }}
            {% if not loop.last %}and {% endif %}
        {%- endfor %}
        and better.{{ score }} > worse.{{ score }}
        and better.{{ rank }} > worse.{{ rank }}

{% endtest %}
