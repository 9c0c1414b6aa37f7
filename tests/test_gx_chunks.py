"""A per-file table is validated in chunks of about IGOT_GX_CHUNK_ROWS rows: whole files, or
hash slices of a file too large for one; the chunks add up to what one pass over the table
finds, and only the first reads every column."""

import tracemalloc
from dataclasses import replace

import duckdb
import numpy as np
import pandas as pd
import pytest

from expectations import runner
from expectations.runner import (
    Chunk,
    Suite,
    file_chunks,
    read_table,
    validate_suite,
    validate_table,
)

pytestmark = pytest.mark.unit

FIGURES = {  # file -> values; a value over 100 is unexpected
    "mdo/a_2026-01-31.csv": [10, 200, 30],
    "mdo/a_2026-02-28.csv": [40, 50],
    "mdo/b_2026-01-31.csv": [300, 60, 400],
    "mdo/b_2026-02-28.csv": [70],
}

SUITE = Suite(
    name="figures",
    table="test.figures",
    asset_key=("test", "figures"),
    description="Per-file figures.",
    expectations=(
        {
            "type": "expect_column_values_to_be_between",
            "kwargs": {"column": "value", "min_value": 0, "max_value": 100},
            "severity": "warning",
            "meta": {"notes": "test"},
        },
    ),
    row_id_columns=("source_file", "source_row"),
)


@pytest.fixture
def con():
    connection = duckdb.connect()
    connection.execute("create schema test")
    connection.execute("create table test.figures (source_file varchar, source_row int, value int)")
    for name, values in FIGURES.items():
        for row, value in enumerate(values, start=2):
            connection.execute("insert into test.figures values (?, ?, ?)", [name, row, value])
    yield connection
    connection.close()


def test_chunks_hold_whole_files_of_about_the_configured_rows(con, monkeypatch):
    monkeypatch.setenv("IGOT_GX_CHUNK_ROWS", "4")
    chunks = file_chunks(con, SUITE, None)
    assert chunks == [
        Chunk(("mdo/a_2026-01-31.csv",)),
        Chunk(("mdo/a_2026-02-28.csv",)),
        Chunk(("mdo/b_2026-01-31.csv", "mdo/b_2026-02-28.csv")),
    ]
    assert file_chunks(con, SUITE, ["mdo/b_2026-02-28.csv"]) == [Chunk(("mdo/b_2026-02-28.csv",))]


def test_a_file_larger_than_a_chunk_is_split_into_slices_that_cover_it_once(con, monkeypatch):
    monkeypatch.setenv("IGOT_GX_CHUNK_ROWS", "2")
    chunks = file_chunks(con, SUITE, ["mdo/b_2026-01-31.csv"])
    assert chunks == [Chunk(("mdo/b_2026-01-31.csv",), part, 2) for part in range(2)]
    rows = [
        (row.source_file, row.source_row)
        for chunk in chunks
        for row in read_table(con, SUITE, chunk).itertuples()
    ]
    assert sorted(rows) == [("mdo/b_2026-01-31.csv", row) for row in (2, 3, 4)]


def test_a_chunk_group_keeps_the_rows_of_several_files_together(con, monkeypatch):
    """Grouped by month, the two files of January are one group: too large for a chunk of 4
    rows, it is sliced, and asking for one of its files validates the whole group."""
    by_month = replace(SUITE, chunk_group="right(source_file, 14)")
    monkeypatch.setenv("IGOT_GX_CHUNK_ROWS", "4")
    assert file_chunks(con, by_month, ["mdo/a_2026-01-31.csv"]) == [
        Chunk(("mdo/a_2026-01-31.csv", "mdo/b_2026-01-31.csv"), part, 2) for part in range(2)
    ]


def test_only_the_first_chunk_reads_every_column(con, monkeypatch):
    """The rules about the table's columns are checked once; the other chunks read only the
    columns the row rules name, and a missing column is still reported by the first."""
    con.execute("alter table test.figures add column note varchar")
    with_shape = replace(
        SUITE,
        expectations=(
            {
                "type": "expect_table_columns_to_match_set",
                "kwargs": {"column_set": ["source_file", "source_row", "value"]},
                "severity": "critical",
                "meta": {"notes": "test"},
            },
            *SUITE.expectations,
        ),
    )
    assert with_shape.row_columns == ("value", "source_file", "source_row")
    monkeypatch.setenv("IGOT_GX_CHUNK_ROWS", "2")
    read = []

    def recording_read_table(*args, **kwargs):
        frame = read_table(*args, **kwargs)
        read.append(tuple(frame.columns))
        return frame

    monkeypatch.setattr(runner, "read_table", recording_read_table)
    outcome = validate_suite(con, with_shape)
    assert read[0] == ("source_file", "source_row", "value", "note")
    assert set(read[1:]) == {("value", "source_file", "source_row")}
    assert outcome.rows == 9
    by_type = {f.expectation: f for f in outcome.failures}
    assert by_type["expect_table_columns_to_match_set"].severity == "critical"
    assert by_type["expect_column_values_to_be_between"].unexpected_count == 3


def test_validating_in_chunks_finds_what_one_pass_finds(con, monkeypatch):
    monkeypatch.setenv("IGOT_GX_CHUNK_ROWS", "1000000")
    whole = validate_suite(con, SUITE)
    monkeypatch.setenv("IGOT_GX_CHUNK_ROWS", "2")
    chunked = validate_suite(con, SUITE)
    assert whole.rows == chunked.rows == 9
    [found_whole], [found_chunked] = whole.failures, chunked.failures
    assert found_whole.unexpected_count == found_chunked.unexpected_count == 3
    samples = {(s["source_file"], s["source_row"], s["value"]) for s in found_chunked.sample}
    assert samples == {
        ("mdo/a_2026-01-31.csv", 3, 200),
        ("mdo/b_2026-01-31.csv", 2, 300),
        ("mdo/b_2026-01-31.csv", 4, 400),
    }


def test_no_validated_chunk_stays_resident(con, monkeypatch):
    """GX's context keeps each frame it validated in reference cycles; a chunk's data must be
    released once its outcome is taken, or every chunk of a Bihar-sized report stays in memory.
    The outcome (rows, failures, samples) is still whole."""
    monkeypatch.setenv("IGOT_GX_CHUNK_ROWS", "2")
    frames = []

    def recording_read_table(*args, **kwargs):
        frame = read_table(*args, **kwargs)
        frames.append(frame)
        return frame

    monkeypatch.setattr(runner, "read_table", recording_read_table)
    outcome = validate_suite(con, SUITE)
    assert len(frames) > 2
    assert [len(frame.columns) for frame in frames] == [0] * len(frames)  # no data left
    assert outcome.rows == 9
    [found] = outcome.failures
    assert found.unexpected_count == 3 and len(found.sample) == 3


def test_validating_a_frame_does_not_copy_it_per_expectation():
    """GX takes each expectation's non-null rows with a boolean mask; when every row is kept,
    pandas copies the whole frame unless copy-on-write is on. Three range rules over a
    200,000-row frame then allocate about three copies of it; with copy-on-write, well under
    one. (Memory traced by tracemalloc, which NumPy reports its buffers to: no timing.)"""
    rows = 200_000
    frame = pd.DataFrame({f"figure_{i}": np.arange(rows, dtype="int64") for i in range(10)})
    frame["source_row"] = np.arange(rows)
    suite = Suite(
        name="wide",
        table="test.wide",
        asset_key=("test", "wide"),
        description="Ten figure columns, three checked.",
        expectations=tuple(
            {
                "type": "expect_column_values_to_be_between",
                "kwargs": {"column": f"figure_{i}", "min_value": 0},
                "severity": "warning",
                "meta": {"notes": "test"},
            }
            for i in range(3)
        ),
        row_id_columns=("source_row",),
    )
    validate_table(frame.head(10), suite)  # GX's one-off set-up, outside the measurement
    tracemalloc.start()
    try:
        outcome = validate_table(frame, suite)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert outcome.success and outcome.rows == rows
    assert peak < frame.memory_usage(index=False).sum()


def test_a_range_rule_on_an_integer_column_is_not_checked_row_by_row(con, monkeypatch):
    """GX's range rule runs vectorised only on int64/float64 columns; on DuckDB's INTEGER
    (int32 in pandas, as `value` here) it called a Python function per row through Series.map.
    The runner reads such a column widened, so no row goes through Series.map and the failures
    found are the same."""
    frame = runner.read_table(con, SUITE)
    assert frame["value"].dtype == np.int64
    mapped = []
    original_map = pd.Series.map

    def recording_map(self, *args, **kwargs):
        mapped.append(self.name)
        return original_map(self, *args, **kwargs)

    monkeypatch.setattr(pd.Series, "map", recording_map)
    outcome = validate_table(frame, SUITE)
    assert "value" not in mapped
    assert [f.unexpected_count for f in outcome.failures] == [3]  # 200, 300 and 400
