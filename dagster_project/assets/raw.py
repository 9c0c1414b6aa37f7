"""One Dagster asset per kind of delivered file, loading it into the `raw` schema.

`build_raw_asset` makes the asset and its check from a `Source` of the input contract, so a new
kind of file is a new `Source`, not new code.
"""

import datetime as dt
from collections.abc import Callable

import dagster as dg
import duckdb

from dagster_project.assets.officers import officer_assets, unaccounted_officer_rows
from dagster_project.deliveries import delivery_key, report_delivery
from dagster_project.ingest.discovery import survey
from dagster_project.ingest.errors import RawFileError
from dagster_project.ingest.loader import HEADER_ONLY, FileLoad, ensure_raw_schema, load_source
from dagster_project.ingest.officer_loader import ensure_officer_tables
from dagster_project.ingest.sources import OFFICER_SOURCES, SOURCES, Source
from dagster_project.resources import RawFiles, Warehouse

PREVIEW_ROWS = 5


def raw_asset_key(source: Source) -> dg.AssetKey:
    return dg.AssetKey(["raw", source.name])


def _specs(source: Source) -> list[dg.AssetSpec]:
    """The raw table of a source, and its printed-totals table where it has one."""
    metadata = {"folder": f"{source.folder}/", "file_pattern": source.stem_pattern}
    specs = [
        dg.AssetSpec(
            raw_asset_key(source),
            deps=[delivery_key(source)],
            group_name="raw",
            description=source.description,
            kinds={"duckdb"},
            metadata=metadata,
        )
    ]
    if source.totals_table:
        specs.append(
            dg.AssetSpec(
                dg.AssetKey(["raw", source.totals_table]),
                group_name="raw",
                description=f"The printed total rows of {source.name} files, for reconciliation.",
                kinds={"duckdb"},
                metadata=metadata,
            )
        )
    return specs


def build_raw_asset(source: Source) -> dg.AssetsDefinition:
    """The asset that loads every delivered file of one source."""

    @dg.multi_asset(name=f"load_{source.name}", specs=_specs(source))
    def load(context: dg.AssetExecutionContext, warehouse: Warehouse, raw_files: RawFiles):
        # A file that cannot be read is held back and recorded, not a failure of the asset:
        # one bad file must not stop the others (the held-back check and the CLI report it).
        try:
            found = survey(raw_files.root_path())
        except RawFileError as err:  # no raw folder at all: nothing can load
            raise dg.Failure(description=str(err)) from None
        files = found.files.get(source.name, [])
        loaded_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        with warehouse.build_connection(context.run_id) as con:
            loads = load_source(
                con, source, files, loaded_at, context.run_id, refused=found.refused_for(source)
            )
            preview = con.sql(
                f"select * exclude (file_sha256) from raw.{source.name} limit {PREVIEW_ROWS}"
            ).df()
        for load in loads:
            if load.status == "rejected" or load.header_only:
                context.log.warning(_describe(load))
            else:
                context.log.info(_describe(load))
        report_delivery(context.instance, source, loads)
        yield dg.MaterializeResult(
            asset_key=raw_asset_key(source), metadata=_load_metadata(loads, preview)
        )
        if source.totals_table:
            yield dg.MaterializeResult(
                asset_key=dg.AssetKey(["raw", source.totals_table]),
                metadata={"dagster/row_count": sum(load.total_rows for load in loads)},
            )

    return load


def _describe(load: FileLoad) -> str:
    if load.status == "rejected":
        return f"{load.source_file}: held back, not loaded: {load.reason}"
    if load.header_only:
        return f"{load.source_file}: {HEADER_ONLY}"
    if load.status == "duplicate_content":
        return f"{load.source_file}: same content as {load.duplicate_of}; not loaded again"
    return (
        f"{load.source_file}: {load.status}, {load.rows_read} rows read, "
        f"{load.rows_loaded} loaded, {load.rows_quarantined} quarantined, "
        f"{load.total_rows} printed total rows"
    )


def _load_metadata(loads: list[FileLoad], preview) -> dict:
    return {
        "files": len(loads),
        "files_changed": sum(load.status == "loaded" for load in loads),
        "duplicate_files": [load.source_file for load in loads if load.duplicate_of],
        "files_held_back": [
            f"{load.source_file}: {load.reason}" for load in loads if load.status == "rejected"
        ],
        "files_without_data_rows": [load.source_file for load in loads if load.header_only],
        "rows_read": sum(load.rows_read for load in loads),
        "rows_loaded": sum(load.rows_loaded for load in loads),
        "rows_quarantined": sum(load.rows_quarantined for load in loads),
        "printed_total_rows": sum(load.total_rows for load in loads),
        "dagster/row_count": sum(load.rows_loaded for load in loads),
        "preview": dg.MetadataValue.md(preview.to_markdown(index=False)) if len(preview) else "",
    }


def build_rows_accounted_check(
    source: Source,
    *,
    ensure_tables: Callable[[duckdb.DuckDBPyConnection, Source], None] = ensure_raw_schema,
    unaccounted: Callable[[duckdb.DuckDBPyConnection, Source], list[str]] | None = None,
    description: str = "Per file: rows read = rows loaded + printed totals + rows quarantined.",
) -> dg.AssetChecksDefinition:
    """Every row read from a file is loaded, kept as a printed total, or quarantined.

    The officer reports count their rows their own way (a ZIP's members, no printed totals):
    they pass their table set-up and their count, and share the rest of the check.
    """
    count_unaccounted = unaccounted or _unaccounted_rows

    @dg.asset_check(
        asset=raw_asset_key(source),
        name="every_row_loaded_or_quarantined",
        blocking=True,
        description=description,
    )
    def check(context: dg.AssetCheckExecutionContext, warehouse: Warehouse):
        with warehouse.build_connection(context.run.run_id) as con:
            ensure_tables(con, source)
            mismatches = count_unaccounted(con, source)
        return dg.AssetCheckResult(
            passed=not mismatches,
            metadata={"files_with_lost_rows": mismatches},
        )

    return check


def build_held_back_check(source: Source) -> dg.AssetChecksDefinition:
    """No file of this source was held back; a failure names each one and why.

    Not blocking: the other files are good and publish. The run summary lists the files too,
    and `make run` exits non-zero while any is held back, so a scheduler notices.
    """

    @dg.asset_check(
        asset=raw_asset_key(source),
        name="no_file_held_back",
        description="Every delivered file could be read; a file that could not is held back.",
    )
    def check(context: dg.AssetCheckExecutionContext, warehouse: Warehouse):
        with warehouse.build_connection(context.run.run_id) as con:
            ensure_raw_schema(con, source)
            rejections = con.execute(
                "select source_file, reason from raw.file_rejections where recorded_by = ? "
                "order by source_file",
                [source.name],
            ).fetchall()
        return dg.AssetCheckResult(
            passed=not rejections,
            severity=dg.AssetCheckSeverity.ERROR,
            description="; ".join(f"{file}: {reason}" for file, reason in rejections) or None,
            metadata={"files_held_back": [f"{file}: {reason}" for file, reason in rejections]},
        )

    return check


def _unaccounted_rows(con: duckdb.DuckDBPyConnection, source: Source) -> list[str]:
    """Files whose rows in the warehouse do not add up to the rows read from them."""
    totals = (
        f"select source_file, count(*) as n from raw.{source.totals_table} group by all"
        if source.totals_table
        else "select null::varchar as source_file, 0 as n where false"
    )
    rows = con.execute(
        f"""
        with loaded as (
            select source_file, count(*) as n from raw.{source.name} group by all
        ),
        totals as ({totals}),
        quarantined as (
            select source_file, count(*) as n from raw.quarantine
            where source_table = ? group by all
        )
        select
            log.source_file,
            log.rows_read,
            coalesce(loaded.n, 0) + coalesce(totals.n, 0) + coalesce(quarantined.n, 0) as kept
        from raw.file_loads as log
        left join loaded using (source_file)
        left join totals using (source_file)
        left join quarantined using (source_file)
        where log.source_table = ?
            and log.status <> 'duplicate_content'
            and log.rows_read <> kept
        """,
        [source.name, source.name],
    ).fetchall()
    return [f"{file}: {read} read, {kept} kept" for file, read, kept in rows]


# The officer reports carry personal data and load a delivery folder at a time: their own
# asset (assets/officers.py), listed here so every raw load is in one place.
raw_assets = [*(build_raw_asset(source) for source in SOURCES), *officer_assets]
raw_asset_checks = [
    *(build_rows_accounted_check(source) for source in SOURCES),
    *(build_held_back_check(source) for source in SOURCES),
    *(
        build_rows_accounted_check(
            source,
            ensure_tables=lambda con, _source: ensure_officer_tables(con),
            unaccounted=unaccounted_officer_rows,
            description="Per CSV (bare or in a ZIP): rows read = rows loaded + rows quarantined.",
        )
        for source in OFFICER_SOURCES
    ),
]

# Written by every raw asset, so none of them owns these tables; declared so that the dbt
# models reading them have a known upstream in the asset graph.
shared_raw_tables = [
    dg.AssetSpec(
        dg.AssetKey(["raw", "quarantine"]),
        group_name="raw",
        description="Rows of any delivered file that could not be loaded, with the reason.",
    ),
    dg.AssetSpec(
        dg.AssetKey(["raw", "file_rejections"]),
        group_name="raw",
        description="Delivered files held back by the latest load of each source, with why.",
    ),
    dg.AssetSpec(
        dg.AssetKey(["raw", "file_loads"]),
        group_name="raw",
        description="The latest load of each delivered file: hash, status and row counts.",
    ),
]
