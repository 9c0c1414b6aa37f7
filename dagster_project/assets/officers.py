"""The officer reports as Dagster assets: one load for every officer table, one check each.

A delivery folder holds several reports, often inside one ZIP, so one multi-asset reads each
folder once and fills all the officer tables; each table gets the same row-accounting check as
the other raw tables.
"""

import datetime as dt

import dagster as dg
import duckdb

from dagster_project import settings
from dagster_project.ingest.discovery import officer_deliveries
from dagster_project.ingest.errors import RawFileError
from dagster_project.ingest.loader import HEADER_ONLY, FileLoad
from dagster_project.ingest.officer_loader import OfficerLoads
from dagster_project.ingest.officer_loader import load_officer_deliveries as load_deliveries
from dagster_project.ingest.sources import OFFICER_SOURCES, Source
from dagster_project.resources import RawFiles, Warehouse


def officer_asset_key(source: Source) -> dg.AssetKey:
    return dg.AssetKey(["raw", source.name])


@dg.multi_asset(
    name="load_officer_reports",
    specs=[
        dg.AssetSpec(
            officer_asset_key(source),
            group_name="raw",
            description=source.description,
            kinds={"duckdb"},
            metadata={"folder": f"{source.folder}/", "personal_columns_dropped": True},
        )
        for source in OFFICER_SOURCES
    ],
)
def load_officer_reports(
    context: dg.AssetExecutionContext, warehouse: Warehouse, raw_files: RawFiles
):
    """Every officer delivery folder and the officer-bands file, pseudonymised at the door."""
    try:
        deliveries = officer_deliveries(raw_files.root_path())
    except RawFileError as err:
        raise dg.Failure(description=str(err)) from None
    loaded_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with warehouse.build_connection(context.run_id) as con:
        try:
            outcome = load_deliveries(
                con,
                deliveries,
                password=settings.reports_zip_password(),
                key_file=settings.officer_key_file(),
                loaded_at=loaded_at,
                run_id=context.run_id,
            )
        except RawFileError as err:
            raise dg.Failure(description=str(err)) from None
        tables = {source.name: _load_names(con, source) for source in OFFICER_SOURCES}
    for load in outcome.loads:
        if load.header_only:
            context.log.warning(f"{load.source_file}: {HEADER_ONLY}")
        else:
            context.log.info(_describe(load))
    for name in outcome.ignored:
        context.log.info(f"{name}: not one of the officer reports; not loaded")
    for rejection in outcome.held_back:
        context.log.warning(f"held back: {rejection.sentence()}")
    for source in OFFICER_SOURCES:
        yield dg.MaterializeResult(
            asset_key=officer_asset_key(source),
            metadata=_metadata(
                [load for load in outcome.loads if load.source_file in tables[source.name]], outcome
            ),
        )


def _load_names(con: duckdb.DuckDBPyConnection, source: Source) -> set[str]:
    rows = con.execute(
        "select source_file from raw.file_loads where source_table = ?", [source.name]
    ).fetchall()
    return {name for (name,) in rows}


def _describe(load: FileLoad) -> str:
    if load.status == "duplicate_content":
        return f"{load.source_file}: same content as {load.duplicate_of}; not loaded again"
    return (
        f"{load.source_file}: {load.status}, {load.rows_read} rows read, "
        f"{load.rows_loaded} loaded, {load.rows_quarantined} quarantined"
    )


def _metadata(loads: list[FileLoad], outcome: OfficerLoads) -> dict:
    return {
        "files": len(loads),
        "files_changed": sum(load.status == "loaded" for load in loads),
        "duplicate_files": [load.source_file for load in loads if load.duplicate_of],
        "ignored_files": outcome.ignored,
        "files_without_data_rows": [load.source_file for load in loads if load.header_only],
        "deliveries_held_back": [rejection.sentence() for rejection in outcome.held_back],
        "rows_read": sum(load.rows_read for load in loads),
        "rows_loaded": sum(load.rows_loaded for load in loads),
        "rows_quarantined": sum(load.rows_quarantined for load in loads),
        "dagster/row_count": sum(load.rows_loaded for load in loads),
    }


def unaccounted_officer_rows(con: duckdb.DuckDBPyConnection, source: Source) -> list[str]:
    """CSVs whose rows in the warehouse do not add up to the rows read from them."""
    rows = con.execute(
        f"""
        with loaded as (
            select
                source_file || coalesce('/' || source_member, '') as source_file,
                count(*) as n
            from raw.{source.name}
            group by all
        ),
        quarantined as (
            select source_file, count(*) as n from raw.quarantine
            where source_table = ? group by all
        )
        select
            log.source_file,
            log.rows_read,
            coalesce(loaded.n, 0) + coalesce(quarantined.n, 0) as kept
        from raw.file_loads as log
        left join loaded using (source_file)
        left join quarantined using (source_file)
        where log.source_table = ?
            and log.status <> 'duplicate_content'
            and log.rows_read <> kept
        """,
        [source.name, source.name],
    ).fetchall()
    return [f"{file}: {read} read, {kept} kept" for file, read, kept in rows]


officer_assets = [load_officer_reports]
