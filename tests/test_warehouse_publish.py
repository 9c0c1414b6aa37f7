"""Publishing: the build copy replaces the published file whole, or not at all."""

import duckdb
import pytest

from dagster_project.resources import Warehouse

pytestmark = pytest.mark.unit


def rows(path, sql):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_a_run_writes_its_build_copy_and_publishes_it(tmp_path):
    warehouse = Warehouse(path=str(tmp_path / "igot.duckdb"))
    with warehouse.build_connection("run-1") as con:
        con.execute("create table t as select 1 as x")
    assert not warehouse.published_path().exists()
    warehouse.publish("run-1")
    assert rows(warehouse.published_path(), "select x from t") == [(1,)]
    assert not warehouse.build_path("run-1").exists()


def test_a_build_starts_from_the_published_warehouse_and_leaves_it_alone(tmp_path):
    warehouse = Warehouse(path=str(tmp_path / "igot.duckdb"))
    with warehouse.build_connection("run-1") as con:
        con.execute("create table t as select 1 as x")
    warehouse.publish("run-1")
    before = warehouse.published_path().read_bytes()
    with warehouse.build_connection("run-2") as con:
        assert con.execute("select x from t").fetchall() == [(1,)]
        con.execute("insert into t values (2)")
    # run-2 never publishes, as when it fails or is killed
    assert warehouse.published_path().read_bytes() == before


def test_a_reader_holding_the_old_file_keeps_reading_it_after_a_publish(tmp_path):
    warehouse = Warehouse(path=str(tmp_path / "igot.duckdb"))
    with warehouse.build_connection("run-1") as con:
        con.execute("create table t as select 1 as x")
    warehouse.publish("run-1")
    with warehouse.read_published() as reader:
        with warehouse.build_connection("run-2") as con:
            con.execute("update t set x = 2")
        warehouse.publish("run-2")
        assert reader.execute("select x from t").fetchall() == [(1,)]
    assert rows(warehouse.published_path(), "select x from t") == [(2,)]


def test_a_run_does_not_overwrite_what_another_run_published_meanwhile(tmp_path):
    warehouse = Warehouse(path=str(tmp_path / "igot.duckdb"))
    warehouse.prepare_build("slow")
    with warehouse.build_connection("fast") as con:
        con.execute("create table t as select 1 as x")
    warehouse.publish("fast")
    with pytest.raises(RuntimeError, match="published by another run"):
        warehouse.publish("slow")
    assert rows(warehouse.published_path(), "select x from t") == [(1,)]
