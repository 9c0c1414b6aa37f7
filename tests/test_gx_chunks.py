"""A per-file table is validated in chunks of whole files (IGOT_GX_CHUNK_ROWS), and the chunks
add up to what one pass over the table finds."""

import duckdb
import pytest

from expectations.runner import Suite, _file_chunks, validate_suite

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
    chunks = _file_chunks(con, SUITE, None)
    assert chunks == [
        ["mdo/a_2026-01-31.csv"],
        ["mdo/a_2026-02-28.csv"],
        ["mdo/b_2026-01-31.csv", "mdo/b_2026-02-28.csv"],
    ]
    assert _file_chunks(con, SUITE, ["mdo/b_2026-02-28.csv"]) == [["mdo/b_2026-02-28.csv"]]


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
