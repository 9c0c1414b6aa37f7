{#- Whether a row of the org_mapping_decisions seed decides a finding of the review: same state
    and issue type, and either the finding's id, or the same MDO (blank = a finding with no MDO)
    and, when the decision names one, the same department. Both sides carry mdo_key and
    department_key: the names keyed without their state suffix ('' for blank; a decision's
    department_key is null when it names no department), so names match whatever their case,
    punctuation or suffix. -#}
{% macro review_decision_matches(decision, finding) -%}
    {{ decision }}.state is not distinct from {{ finding }}.state
    and {{ decision }}.issue_type = {{ finding }}.issue_type
    and (
        {{ decision }}.finding_id = {{ finding }}.finding_id
        or (
            {{ decision }}.finding_id is null
            and {{ decision }}.mdo_key = {{ finding }}.mdo_key
            and coalesce({{ decision }}.department_key = {{ finding }}.department_key, true)
        )
    )
{%- endmacro %}
