"""Dagster resources besides the warehouse: the folder where raw files are delivered."""

from pathlib import Path

import dagster as dg

from dagster_project import settings


class RawFiles(dg.ConfigurableResource):
    """The drop folder of delivered files."""

    root: str = ""  # empty means IGOT_RAW_DIR, read when the resource is used

    def root_path(self) -> Path:
        return Path(self.root).resolve() if self.root else settings.raw_dir()
