-- noqa: disable=LT02,LT05
-- These macros build SQL text in Jinja loops; sqlfluff lints the rendered variants of their
-- bodies, whose layout follows the Jinja, not the SQL they produce.

{#- Regular expressions from the rule seeds, written into the SQL as literals.

    DuckDB compiles a pattern that is not a literal again for every row, and the patterns with
    Unicode classes take about half a millisecond each: minutes on a national warehouse. So
    when the model is compiled, the seeds' patterns and the known states are read from the
    warehouse and every (pattern, state) pair becomes a literal; the row picks its literal by
    comparing its pattern and state. Only the states with rows are written out, and a pattern
    without the {state} placeholder is written once: DuckDB compiles every literal pattern
    while binding the query, so 37 states times every pattern cost seconds on a run of one
    state's data (3.5 s of the shipped data's build, for 101 names). A pattern or state not
    known at compile time (a unit test's own fixtures, which are not warehouse tables; a
    parse; a first build before the seeds exist) falls back to the per-row pattern, so the
    result is the same either way, only slower.

    The contract this relies on (reading the warehouse while compiling):
    - dbt compiles a node just before it runs it, in dependency order, against the database of
      the run (the build copy the profile's warehouse_path points at). The seeds
      org_mapping_merged_cell_patterns and org_mapping_rule_settings, and the view
      review_mdo_rows, are upstream of every model that calls these macros, so what they read
      is what this build loaded, not a previous run's state. A call from a model that is not
      downstream of those three would read stale values: keep the refs in review_seed_values.
    - Seed values hold no line break (they are joined and split on one).
    - A pattern's state placeholder is the text {state}, replaced by the state's name in lower
      case, exactly as review_state_regex does per row.
    - Nothing in the result depends on the contract holding, only the speed: a value missing
      at compile time takes the per-row branch of the case.
    A join on the seed tables instead would be a pattern that is not a literal, compiled again
    for every row: the cost this macro exists to avoid. -#}
{% macro review_regex(function, text, template, state, arguments) -%}
    {%- set dynamic = function ~ "(" ~ text ~ ", " ~ review_state_regex(template, state) ~ ", " ~ arguments ~ ")" -%}
    {%- set templates = review_seed_values(
        "select regex from " ~ ref('org_mapping_merged_cell_patterns')
        ~ " union select setting_value from " ~ ref('org_mapping_rule_settings')
        ~ " where setting in ('district_pattern', 'department_like_pattern')"
    ).split('\n') | reject('equalto', '') | list -%}
    {%- set states = review_seed_values(
        "select distinct state from " ~ ref('review_mdo_rows')
    ).split('\n') | reject('equalto', '') | list -%}
    {%- if templates and states -%}
    case
        {%- for known in templates %}
        {%- if '{state}' in known %}
        when {{ template }} = {{ review_sql_text(known) }} then case {{ state }}
            {%- for state_name in states %}
            when {{ review_sql_text(state_name) }} then {{ function }}({{ text }}, {{ review_sql_text(known.replace('{state}', state_name.lower())) }}, {{ arguments }})
            {%- endfor %}
            else {{ dynamic }}
        end
        {%- else %}
        when {{ template }} = {{ review_sql_text(known) }} then {{ function }}({{ text }}, {{ review_sql_text(known) }}, {{ arguments }})
        {%- endif %}
        {%- endfor %}
        else {{ dynamic }}
    end
    {%- else -%}
    {{ dynamic }}
    {%- endif -%}
{%- endmacro %}

{#- The words a similarity text leaves out, as one literal pattern where the setting is known. -#}
{% macro review_ignored_words_regex(text, ignored_words) -%}
    {%- set dynamic = "regexp_replace(" ~ text ~ ", '\\b(' || replace(trim(" ~ ignored_words ~ "), ' ', '|') || ')\\b', ' ', 'g')" -%}
    {%- set settings = review_seed_values(
        "select setting_value from " ~ ref('org_mapping_rule_settings')
        ~ " where setting = 'near_duplicate_ignored_words'"
    ).split('\n') | reject('equalto', '') | list -%}
    {%- if settings -%}
    case
        {%- for words in settings %}
        when {{ ignored_words }} = {{ review_sql_text(words) }}
            then regexp_replace({{ text }}, {{ review_sql_text('\\b(' ~ words.strip().replace(' ', '|') ~ ')\\b') }}, ' ', 'g')
        {%- endfor %}
        else {{ dynamic }}
    end
    {%- else -%}
    {{ dynamic }}
    {%- endif -%}
{%- endmacro %}

{#- The first column of a query, sorted, one value per line (values hold no line breaks); empty
    while parsing, in a unit test, or when a table it reads does not exist yet. -#}
{% macro review_seed_values(query) -%}
    {%- set check = namespace(ready=execute and model.resource_type != 'unit_test') -%}
    {%- if check.ready -%}
        {%- for relation in [ref('org_mapping_merged_cell_patterns'), ref('org_mapping_rule_settings'), ref('review_mdo_rows')] -%}
            {%- if load_relation(relation) is none -%}
                {%- set check.ready = false -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if check.ready -%}
        {{ run_query(query).columns[0].values() | reject('none') | sort | join('\n') }}
    {%- endif -%}
{%- endmacro %}

{% macro review_sql_text(text) -%}
    '{{ text | replace("'", "''") }}'
{%- endmacro %}

{#- A rule's regular expression with '{state}' replaced by the state's name in lower case. -#}
{% macro review_state_regex(regex, state_name) -%}
    replace({{ regex }}, '{state}', lower({{ state_name }}))
{%- endmacro %}
