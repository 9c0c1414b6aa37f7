"""The dbt project in `dbt_models/`, as dagster-dbt sees it: where it is and its manifest."""

from dagster_dbt import DbtProject

from dagster_project import settings

dbt_project = DbtProject(
    project_dir=settings.DBT_PROJECT_DIR, profiles_dir=settings.DBT_PROJECT_DIR
)
# In `dagster dev` this parses the project when the manifest is missing; elsewhere a no-op
# (`make` builds the manifest first).
dbt_project.prepare_if_dev()
