-- Every distinct department or MDO name of a state, classified once for the review rules:
-- district, department-like, a merged cell (split in two), the domains its words belong to,
-- and a normalised text for comparing names. A name keeps its class from month to month, so
-- an incremental run classifies only names never seen before; a change to a rule seed
-- (rules_version) classifies every name again.
{{
    config(
        materialized='incremental',
        unique_key=['state', 'org_name'],
        incremental_strategy='delete+insert',
        on_schema_change='fail'
    )
}}

with

mdo_rows as (

    select * from {{ ref('review_mdo_rows') }}

),

department_aliases as (

    select * from {{ ref('department_aliases') }}

),

merged_cell_patterns as (

    select * from {{ ref('org_mapping_merged_cell_patterns') }}

),

domain_keywords as (

    select * from {{ ref('org_mapping_domain_keywords') }}

),

settings as (

    select
        max(case when setting = 'department_like_pattern' then setting_value end)
            as department_like_pattern,
        max(case when setting = 'district_pattern' then setting_value end) as district_pattern,
        max(case when setting = 'near_duplicate_ignored_words' then setting_value end)
            as ignored_words
    from {{ ref('org_mapping_rule_settings') }}

),

rules as (

    select
        {{ seed_fingerprint([
            'department_aliases',
            'org_mapping_merged_cell_patterns',
            'org_mapping_domain_keywords',
            'org_mapping_rule_settings',
        ]) }} as rules_version

),

seen_names as (

    select distinct
        state,
        department_as_reported as org_name
    from mdo_rows
    where department_as_reported is not null

    union

    select distinct
        state,
        mdo_name as org_name
    from mdo_rows

),

names as (

    select seen_names.*
    from seen_names
    {% if is_incremental() %}
        cross join rules
        where
            rules.rules_version
            is distinct from (select max(this.rules_version) from {{ this }} as this)
            or not exists (
                select 1
                from {{ this }} as this
                where
                    this.state = seen_names.state
                    and this.org_name = seen_names.org_name
            )
    {% endif %}

),

canonical as (

    select
        names.*,
        coalesce(
            department_aliases.canonical_department,
            nullif({{ without_state_suffix('names.org_name', 'names.state') }}, ''),
            names.org_name
        ) as canonical_name,
        coalesce(
            {{ name_key(without_state_suffix('names.org_name', 'names.state')) }}, ''
        ) as name_key,
        coalesce(
            {{ name_key(without_state_suffix('names.org_name', 'names.state')) }}, ''
        )
        = {{ name_key('coalesce(department_aliases.canonical_department, names.org_name)') }}
            as is_own_canonical
    from names
    left join department_aliases
        on
            names.state = department_aliases.state
            and names.org_name = department_aliases.department_as_reported

),

merged_cells as (

    select
        canonical.state,
        canonical.org_name,
        merged_cell_patterns.pattern_name as merge_pattern,
        trim({{ review_regex(
            'regexp_extract',
            'canonical.org_name',
            'merged_cell_patterns.regex',
            'canonical.state',
            "1, 'i'"
        ) }}) as merge_first_name,
        trim({{ review_regex(
            'regexp_extract',
            'canonical.org_name',
            'merged_cell_patterns.regex',
            'canonical.state',
            "2, 'i'"
        ) }}) as merge_second_name
    from canonical
    inner join merged_cell_patterns
        on {{ review_regex(
            'regexp_matches',
            'canonical.org_name',
            'merged_cell_patterns.regex',
            'canonical.state',
            "'i'"
        ) }}
    qualify row_number() over (
        partition by canonical.state, canonical.org_name
        order by merged_cell_patterns.pattern_order
    ) = 1

),

domain_matches as (

    select distinct
        canonical.state,
        canonical.org_name,
        domain_keywords.domain,
        domain_keywords.keyword
    from canonical
    inner join domain_keywords
        on
            {{ review_words('canonical.canonical_name') }}
            like '% ' || domain_keywords.keyword || ' %'

),

domains as (

    select
        state,
        org_name,
        list(domain order by domain) as domains,
        string_agg(domain || ' (' || keywords || ')', ', ' order by domain) as domain_evidence
    from (
        select
            state,
            org_name,
            domain,
            string_agg(keyword, ', ' order by keyword) as keywords
        from domain_matches
        group by all
    ) as per_domain
    group by all

),

similarity_texts as (

    select
        canonical.state,
        canonical.org_name,
        trim(regexp_replace(
            regexp_replace(
                regexp_replace(
                    {{ review_ignored_words_regex(
                        review_words(
                            without_state_suffix('canonical.org_name', 'canonical.state')
                        ),
                        'settings.ignored_words'
                    ) }},
                    'ies\b',
                    'y',
                    'g'
                ),
                '(\p{L}[^s\s])s\b',
                '\1',
                'g'
            ),
            '\s+',
            ' ',
            'g'
        )) as similarity_text
    from canonical
    cross join settings

)

select
    canonical.state,
    canonical.org_name,
    canonical.canonical_name,
    canonical.name_key,
    canonical.is_own_canonical,
    {{ review_regex(
        'regexp_matches',
        'canonical.org_name',
        'settings.district_pattern',
        'canonical.state',
        "'i'"
    ) }} as is_district,
    {{ review_regex(
        'regexp_matches',
        'canonical.canonical_name',
        'settings.department_like_pattern',
        'canonical.state',
        "'i'"
    ) }} as is_department_like,
    merged_cells.merge_pattern,
    merged_cells.merge_first_name,
    merged_cells.merge_second_name,
    coalesce(domains.domains, []) as domains,
    domains.domain_evidence,
    similarity_texts.similarity_text,
    string_split(similarity_texts.similarity_text, ' ') as similarity_words,
    rules.rules_version
from canonical
cross join settings
cross join rules
left join merged_cells
    on
        canonical.state = merged_cells.state
        and canonical.org_name = merged_cells.org_name
left join domains
    on
        canonical.state = domains.state
        and canonical.org_name = domains.org_name
left join similarity_texts
    on
        canonical.state = similarity_texts.state
        and canonical.org_name = similarity_texts.org_name
