"""Shared fixtures: temporary raw folders and warehouses, and the shipped warehouses built once
per test run, whatever the number of workers.

A pipeline run costs about a minute, a copy of its warehouse a second. So the warehouses that
many tests start from are built once per `pytest` run, in a folder all xdist workers share,
under a file lock (the first worker to need one builds it, the other waits for it), and each
test gets its own copy to change:

- `shipped_warehouse`: the whole pipeline on the shipped raw/ files, for tests that only read it;
- `shipped_copy`: a private copy of it, for tests that run the pipeline again on top of it (a
  second month, a failing or killed run, readers during a run);
- `shipped_loads_copy`: a private copy of the shipped raw/ files loaded and published without
  dbt, for tests of the loaders.

Helpers the tests share that are not fixtures live in support.py.
"""

import json
import os
import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from filelock import FileLock
from officer_delivery import build_officer_warehouse, officer_delivery_beside
from support import (
    PIPELINE_LOG_VARIABLE,
    SHIPPED_RAW,
    copy_warehouse,
    materialize_into,
    write_march,
)


def shared_folder(tmp_path_factory) -> Path:
    """The temporary folder of this `pytest` run that every xdist worker sees (each worker's own
    base folder is a child of it)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session", autouse=True)
def officer_key_outside_the_home(tmp_path_factory):
    """The officer pseudonym secret of the test runs: never the user's own (~/.config/...)."""
    patch = pytest.MonkeyPatch()
    # One secret for both xdist workers: a warehouse one worker built is read by the other, and
    # its officer keys must be the ones that worker computes (the chase list recomputes them).
    key_file = shared_folder(tmp_path_factory) / "secrets" / "officer_key.secret"
    key_file.parent.mkdir(exist_ok=True)
    patch.setenv("IGOT_OFFICER_KEY_FILE", str(key_file))
    yield key_file
    patch.undo()


@pytest.fixture(scope="session", autouse=True)
def one_dbt_parse_per_worker(tmp_path_factory):
    """Every warehouse a worker builds gives dbt the same path, so dbt parses the project once per
    worker and then only what a test changed (settings.dbt_state_dir), as it does for a user's one
    warehouse. The folder is the worker's own: its runs take turns at it, the other worker's
    do not wait for them."""
    patch = pytest.MonkeyPatch()
    patch.setenv("IGOT_DBT_STATE_DIR", str(tmp_path_factory.getbasetemp() / "dbt-state"))
    yield
    patch.undo()


@pytest.fixture(scope="session", autouse=True)
def pipeline_log(tmp_path_factory):
    """support.materialize_into and run_dbt note each run here; the summary counts them."""
    patch = pytest.MonkeyPatch()
    log = shared_folder(tmp_path_factory) / "pipeline_runs.log"
    patch.setenv(PIPELINE_LOG_VARIABLE, str(log))
    yield log
    patch.undo()


def built_once(tmp_path_factory, name: str, build: Callable[[Path], None]) -> Path:
    """The warehouse `build` publishes at the path it is given, built once per test run.

    Every worker of the run asks for it under the same name; the first builds it while holding
    the lock, the others wait and reuse it. A failed build is remembered, so it fails each test
    that needs it with the same message instead of being retried.
    """
    cache = shared_folder(tmp_path_factory) / "warehouses"
    cache.mkdir(exist_ok=True)
    warehouse = cache / name / "igot.duckdb"
    done, failed = cache / f"{name}.done", cache / f"{name}.failed"
    with FileLock(cache / f"{name}.lock"):
        if not done.exists() and not failed.exists():
            try:
                build(warehouse)
            except BaseException as err:
                failed.write_text(f"{err}", encoding="utf-8")
                raise
            done.touch()
    if failed.exists():
        pytest.fail(f"building the {name} warehouse failed: {failed.read_text(encoding='utf-8')}")
    return warehouse


def build_shipped(warehouse: Path) -> None:
    result = materialize_into(SHIPPED_RAW, warehouse)
    assert result.success, "the full pipeline failed on the shipped raw/ files"


def build_shipped_loads(warehouse: Path) -> None:
    result = materialize_into(SHIPPED_RAW, warehouse, with_dbt=False)
    assert result.success, "the raw assets failed on the shipped raw/ files"


@pytest.fixture(scope="session")
def shipped_warehouse(tmp_path_factory) -> Path:
    """The warehouse the whole pipeline builds from the shipped raw/ files, to read only.

    Each worker reads its own copy, so a test that opens it for writing cannot lock out the
    other worker.
    """
    built = built_once(tmp_path_factory, "shipped", build_shipped)
    return copy_warehouse(built, tmp_path_factory.mktemp("shipped") / "wh")


@pytest.fixture
def shipped_copy(tmp_path_factory, tmp_path: Path) -> Path:
    """`tmp_path/wh/igot.duckdb`: a copy of the shipped warehouse that the test may change, as
    if the whole pipeline had just published the shipped raw/ files there."""
    built = built_once(tmp_path_factory, "shipped", build_shipped)
    return copy_warehouse(built, tmp_path / "wh")


@pytest.fixture(scope="session")
def two_months(tmp_path_factory) -> tuple[Path, Path]:
    """(raw folder, warehouse), to read only: the shipped warehouse, then March
    (support.write_march) added by a second run, as a user's second month is. Built once per
    test run; tests that change either work on copies."""
    shipped = built_once(tmp_path_factory, "shipped", build_shipped)

    def build(warehouse: Path) -> None:
        copy_warehouse(shipped, warehouse.parent)  # February, as published
        raw = warehouse.parent / "raw"  # beside it, as officer_delivery keeps its own
        shutil.copytree(SHIPPED_RAW, raw)
        write_march(raw)
        result = materialize_into(raw, warehouse, with_quality=False)
        assert result.success, "the pipeline failed adding March to the shipped warehouse"

    built = built_once(tmp_path_factory, "two_months", build)
    return built.parent / "raw", built


@pytest.fixture
def shipped_loads_copy(tmp_path_factory, tmp_path: Path) -> Path:
    """`tmp_path/wh/igot.duckdb`: a copy of the shipped raw/ files loaded and published by the
    raw assets and their checks (no dbt), as if that run had just published them there."""
    built = built_once(tmp_path_factory, "shipped_loads", build_shipped_loads)
    return copy_warehouse(built, tmp_path / "wh")


@pytest.fixture(scope="session")
def officer_reports(tmp_path_factory) -> tuple[Path, Path, dict]:
    """(raw folder, warehouse, generator's manifest): the shipped raw/ files plus a synthetic
    Bihar officer delivery (officer_delivery.py), built once per test run, to read only. The raw
    folder is shared; each worker reads its own copy of the warehouse."""
    built = built_once(tmp_path_factory, "officers", build_officer_warehouse)
    copy = copy_warehouse(built, tmp_path_factory.mktemp("officers") / "wh")
    return officer_delivery_beside(built, copy)


@pytest.fixture
def raw_copy(tmp_path: Path) -> Path:
    """A private copy of the shipped raw/ folder that a test may change."""
    target = tmp_path / "raw"
    shutil.copytree(SHIPPED_RAW, target)
    return target


# --- spreading the suite over xdist workers ---------------------------------------------------


def module_fixtures(item: pytest.Item) -> set[str]:
    """The module-scoped fixtures a test uses, directly or through other fixtures."""
    definitions = getattr(item, "_fixtureinfo", None)
    if definitions is None:
        return set()
    return {
        name
        for name, fixtures in definitions.name2fixturedefs.items()
        if any(fixture.scope in ("module", "class", "package") for fixture in fixtures)
    }


def pytest_itemcollected(item: pytest.Item) -> None:
    """A test that uses a module-scoped fixture runs in its module's group, so the fixture is
    built in one worker only."""
    if module_fixtures(item):
        item.add_marker(pytest.mark.xdist_group(item.module.__name__))


def group_of(item: pytest.Item) -> str | None:
    mark = item.get_closest_marker("xdist_group")
    return str(mark.args[0]) if mark else None


def cost_rank(item: pytest.Item) -> int:
    """Longest work first: groups of pipeline tests sharing a warehouse, then other pipeline
    and browser tests, then the rest (unit tests, most of them under a second)."""
    heavy = item.get_closest_marker("pipeline") or item.get_closest_marker("browser")
    return {(True, True): 0, (True, False): 1, (False, True): 2}.get(
        (bool(heavy), group_of(item) is not None), 3
    )


# pytest-xdist's own `--dist loadgroup` names a test's group by rewriting its node id, which
# pytest 9 no longer allows (the id stays as it was, and every test is scheduled alone). So the
# workers write each test's group into the run's shared folder, and the controller schedules by
# it (pytest_xdist_make_scheduler below).
GROUPS_FILE = "xdist_groups.json"


def pytest_collection_modifyitems(config, items):
    """On an xdist worker under `--dist loadgroup` (make test): note each test's group for the
    controller, and hand out the longest work first, so no worker is left with a long tail."""
    if not os.environ.get("PYTEST_XDIST_WORKER") or not getattr(config.option, "loadgroup", False):
        return
    items.sort(key=cost_rank)  # stable: the collection order within each rank
    groups = {item.nodeid: group for item in items if (group := group_of(item))}
    target = shared_folder(config._tmp_path_factory) / GROUPS_FILE
    written = target.with_name(f"{GROUPS_FILE}.{os.environ['PYTEST_XDIST_WORKER']}")
    written.write_text(json.dumps(groups), encoding="utf-8")
    os.replace(written, target)  # both workers write the same groups; either copy will do


@pytest.hookimpl(optionalhook=True)  # an xdist hook: pytest alone does not know it
def pytest_xdist_make_scheduler(config, log):
    """`--dist loadgroup`: the tests of one group go to one worker, in the order collected."""
    if config.getoption("dist", "no") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    groups_file = shared_folder(config._tmp_path_factory) / GROUPS_FILE

    class ByGroup(LoadScopeScheduling):
        groups: dict[str, str] | None = None

        def _split_scope(self, nodeid: str) -> str:
            if self.groups is None:  # read once, after every worker has collected
                self.groups = json.loads(groups_file.read_text(encoding="utf-8"))
            return self.groups.get(nodeid, nodeid)

    config.option.loadscopereorder = False  # keep the workers' longest-first order
    return ByGroup(config, log)


def pytest_terminal_summary(terminalreporter, config):
    """How many pipeline runs and dbt builds the tests paid for (support.note_pipeline_run)."""
    if os.environ.get("PYTEST_XDIST_WORKER") or not hasattr(config, "_tmp_path_factory"):
        return
    log = shared_folder(config._tmp_path_factory) / "pipeline_runs.log"
    if not log.exists():
        return
    runs = Counter(line.split("\t")[0] for line in log.read_text(encoding="utf-8").splitlines())
    listed = ", ".join(f"{count} {kind}" for kind, count in sorted(runs.items()))
    terminalreporter.write_line(f"pipeline runs paid by the tests: {listed} (in {log})")
