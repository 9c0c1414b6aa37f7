"""Dagster resources: the warehouse file, the drop folder of raw files, and the dbt CLI.

Each takes its location from `settings` unless configured (tests point them at temporary files).
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cached_property
from importlib.metadata import version
from pathlib import Path

import dagster as dg
import duckdb
from dagster_dbt import DbtCliResource
from packaging.version import Version

from dagster_project import settings, warehouse
from dagster_project.dbt_project import dbt_project


class Warehouse(dg.ConfigurableResource):
    """The published warehouse file and the build copies beside it (see `warehouse.py`)."""

    path: str = ""  # empty means IGOT_WAREHOUSE, read when the resource is used

    def published_path(self) -> Path:
        return Path(self.path).resolve() if self.path else settings.warehouse_path()

    def build_dir(self) -> Path:
        return warehouse.build_dir_for(self.published_path())

    def build_path(self, run_id: str) -> Path:
        return warehouse.build_path(self.published_path(), run_id)

    def dbt_target_path(self, run_id: str) -> Path:
        return warehouse.dbt_target_path(self.published_path(), run_id)

    def discard_build(self, run_id: str) -> None:
        warehouse.discard_run(self.published_path(), run_id)

    def prepare_build(self, run_id: str) -> Path:
        return warehouse.prepare_build(self.published_path(), run_id)

    @contextmanager
    def build_connection(self, run_id: str) -> Iterator[duckdb.DuckDBPyConnection]:
        with warehouse.build_connection(self.published_path(), run_id) as con:
            yield con

    def publish(self, run_id: str) -> Path:
        return warehouse.publish(self.published_path(), run_id)

    @contextmanager
    def read_published(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with warehouse.read_published(self.published_path()) as con:
            yield con


class RawFiles(dg.ConfigurableResource):
    """The drop folder of delivered files."""

    root: str = ""  # empty means IGOT_RAW_DIR, read when the resource is used

    def root_path(self) -> Path:
        return Path(self.root).resolve() if self.root else settings.raw_dir()


class PinnedDbtCli(DbtCliResource):
    """dagster-dbt's dbt CLI, less about 3 s of set-up per dbt call that this project never uses.

    Before each call dagster-dbt runs `dbt --version` in a subprocess (1.6 s) to learn which
    engine it drives, and builds a dbt adapter in this process (about 1.3 s: dbt-core's imports,
    the profile, every macro) for one purpose, fetching column and row-count metadata when a
    model asks for it, which none here does. The dbt it runs is this environment's own, so its
    version is the installed dbt-core's, and no adapter is needed.
    """

    @cached_property
    def _cli_version(self) -> Version:
        return Version(version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:  # type: ignore[override]
        return None


def dbt_cli() -> DbtCliResource:
    """dbt from this interpreter's environment, whatever PATH says: the pinned dbt-core."""
    return PinnedDbtCli(project_dir=dbt_project, dbt_executable=str(settings.dbt_executable()))
