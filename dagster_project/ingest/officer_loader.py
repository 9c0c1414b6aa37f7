"""Load officer deliveries into the raw schema: typed, pseudonymised, every row accounted for.

A delivery folder (`officers/<state>_<YYYY-MM-DD>/`) is loaded and replaced as one: when any of
its files is new or changed, every row earlier loaded from that folder is deleted and the folder
is read again, so a corrected download of the same state and date replaces that date (even
under other file names) while other dates stay. An unchanged folder is not opened at all: the
hash of each delivered file (the ZIP or the CSV) is kept in `raw.officer_deliveries`.

Rows are typed with the same SQL as every other source (`typing_sql.py`); a row that cannot be
loaded goes to `raw.quarantine` with its reason and its non-personal cells only.
"""

import datetime as dt
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from dagster_project.ingest.discovery import OfficerDelivery
from dagster_project.ingest.errors import RawFileError
from dagster_project.ingest.loader import FileLoad, ensure_bookkeeping_tables
from dagster_project.ingest.officer_files import (
    NotAnOfficerReport,
    StagedFile,
    create_staging_table,
    stage_member,
    staging_table,
)
from dagster_project.ingest.pseudonyms import KeyCache, officer_secret
from dagster_project.ingest.rejections import Rejection, record_rejections
from dagster_project.ingest.sources import (
    OFFICER_BANDS,
    OFFICER_SOURCES,
    OFFICER_USERS,
    SQL_TYPES,
    Source,
)
from dagster_project.ingest.typing_sql import sql_literal
from dagster_project.ingest.zip_members import (
    Member,
    ZipPasswordError,
    check_opens,
    csv_members,
)
from dagster_project.memory import return_freed_memory

# Who writes the officer deliveries held back into raw.file_rejections (rewritten every run).
REJECTIONS_RECORDER = "officer_deliveries"
OFFICER_LINEAGE = (
    "extra_columns json",
    "source_file varchar not null",
    "source_member varchar",
    "file_sha256 varchar not null",
    "source_row bigint not null",
    "loaded_at timestamp not null",
)


@dataclass
class OfficerLoads:
    """What one run did with the officer deliveries."""

    loads: list[FileLoad] = field(default_factory=list)  # one per CSV (bare or ZIP member)
    ignored: list[str] = field(default_factory=list)  # CSVs in a delivery that no report is
    held_back: list[Rejection] = field(default_factory=list)  # deliveries with an unreadable file
    unchanged_units: list[str] = field(default_factory=list)


def ensure_officer_tables(con: duckdb.DuckDBPyConnection) -> None:
    """The raw tables of the officer reports: their stored columns, key and lineage."""
    ensure_bookkeeping_tables(con)
    con.execute(
        """
        create table if not exists raw.officer_deliveries (
            unit varchar not null,
            source_file varchar not null,
            file_sha256 varchar not null,
            loaded_at timestamp not null,
            run_id varchar
        )
        """
    )
    for source in OFFICER_SOURCES:
        columns = [f"{f.name} {SQL_TYPES[f.kind]}" for f in source.file_fields]
        columns += [f"{c.name} {SQL_TYPES[c.kind]}" for c in source.stored_columns]
        if source.identifying_columns:
            columns += ["officer_key varchar", "key_basis varchar"]
        con.execute(
            f"create table if not exists raw.{source.name} "
            f"({', '.join([*columns, *OFFICER_LINEAGE])})"
        )


@dataclass
class StagedUnit:
    """One delivery's CSVs in the staging tables, and the duplicates that were not staged."""

    files: list[StagedFile] = field(default_factory=list)
    duplicates: list[tuple[Source, FileLoad]] = field(default_factory=list)


def load_officer_deliveries(
    con: duckdb.DuckDBPyConnection,
    deliveries: list[OfficerDelivery],
    *,
    password: str | None,
    key_file: Path,
    loaded_at: dt.datetime,
    run_id: str | None = None,
) -> OfficerLoads:
    """Load every new or changed delivery, one at a time (see `_replace_unit`)."""
    ensure_officer_tables(con)
    outcome = OfficerLoads()
    changed = []
    for delivery in deliveries:
        if delivery.held_back_because:
            outcome.held_back.append(_held_back_whole(delivery, delivery.held_back_because))
            outcome.loads += _previous_loads(con, delivery.unit)
            continue
        hashes = _file_hashes(delivery)
        if hashes == _previous_hashes(con, delivery.unit):
            outcome.unchanged_units.append(delivery.unit)
            outcome.loads += _previous_loads(con, delivery.unit)
        else:
            changed.append((delivery, hashes))
    members = {}
    for delivery, _ in changed:
        try:
            members[delivery.unit] = _opened_members(delivery, password)
        except ZipPasswordError:
            raise  # the day's password is wrong for every ZIP: stop before anything is written
        except RawFileError as err:
            outcome.held_back.append(_held_back(delivery, err))
    secret = officer_secret(key_file) if members else b""
    for delivery, hashes in changed:
        if delivery.unit not in members:
            continue
        with _staging_tables(con):
            try:
                staged = _stage_unit(con, delivery, members[delivery.unit], secret, outcome)
            except ZipPasswordError:
                raise
            except RawFileError as err:
                outcome.held_back.append(_held_back(delivery, err))
                continue
            _replace_unit(con, delivery, hashes, staged, loaded_at, run_id, outcome)
    record_rejections(con, REJECTIONS_RECORDER, outcome.held_back, loaded_at, run_id)
    return outcome


def _opened_members(delivery: OfficerDelivery, password: str | None) -> list[Member]:
    """The CSVs of one delivery, each opened once: a missing or wrong password shows here,
    before anything is written."""
    members = [
        member
        for path in delivery.files
        for member in csv_members(path, delivery.source_file(path), password)
    ]
    check_opens(members)
    return members


def _held_back(delivery: OfficerDelivery, err: RawFileError) -> Rejection:
    """A delivery with a file that cannot be read is held back whole: half a delivery would
    publish a date without, say, its enrolment report, and every officer would look idle."""
    return Rejection(err.source_file, f"{err.reason}; the delivery {delivery.unit} {_WHOLE}")


def _held_back_whole(delivery: OfficerDelivery, because: str) -> Rejection:
    """A delivery held back for what its folder holds, named by its folder."""
    return Rejection(delivery.unit, f"{because}; the delivery {_WHOLE}")


_WHOLE = "is held back whole (an earlier load of it stays)"


@contextmanager
def _staging_tables(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Empty staging tables for one delivery, dropped once it is loaded or has failed."""
    for source in OFFICER_SOURCES:
        create_staging_table(con, source)
    try:
        yield
    finally:
        for source in OFFICER_SOURCES:
            con.execute(f"drop table if exists {staging_table(source)}")


def _replace_unit(
    con: duckdb.DuckDBPyConnection,
    delivery: OfficerDelivery,
    hashes: dict[str, str],
    staged: StagedUnit,
    loaded_at: dt.datetime,
    run_id: str | None,
    outcome: OfficerLoads,
) -> None:
    """Replace one staged delivery's rows in one transaction: its old rows stay, or its new
    rows are all in.

    A delivery at a time, not the whole backlog: staging two Bihar-sized dates before loading
    either held both in memory (5.2 GB). A run that fails after loading some deliveries still
    publishes none of them, because it loads into a build copy that is then discarded.
    """
    con.begin()
    try:
        _forget_unit(con, delivery.unit)
        _route_unit(con, delivery, staged, loaded_at, run_id, outcome)
        _record_unit(con, delivery.unit, hashes, loaded_at, run_id)
        con.commit()
    except BaseException:
        con.rollback()
        raise


def delivered_officer_files(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The hash of each officer file (a ZIP or a CSV) as last loaded; empty before the first."""
    exists = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'raw' and table_name = 'officer_deliveries'"
    ).fetchall()[0][0]
    if not exists:
        return {}
    return dict(
        con.execute("select source_file, file_sha256 from raw.officer_deliveries").fetchall()
    )


def _file_hashes(delivery: OfficerDelivery) -> dict[str, str]:
    hashes = {}
    for path in delivery.files:
        digest = hashlib.sha256()
        with path.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
        hashes[delivery.source_file(path)] = digest.hexdigest()
    return hashes


def _previous_hashes(con: duckdb.DuckDBPyConnection, unit: str) -> dict[str, str]:
    rows = con.execute(
        "select source_file, file_sha256 from raw.officer_deliveries where unit = ?", [unit]
    ).fetchall()
    return dict(rows)


def _previous_loads(con: duckdb.DuckDBPyConnection, unit: str) -> list[FileLoad]:
    rows = con.execute(
        "select source_file, file_sha256, 'unchanged', rows_read, rows_loaded, "
        "rows_quarantined, total_rows, duplicate_of from raw.file_loads "
        "where source_file = ? or starts_with(source_file, ?) order by source_file",
        [unit, unit + "/"],
    ).fetchall()
    return [FileLoad(*row) for row in rows]


def _forget_unit(con: duckdb.DuckDBPyConnection, unit: str) -> None:
    """A delivery loaded again replaces everything its earlier version loaded."""
    under = "(source_file = ? or starts_with(source_file, ?))"
    for source in OFFICER_SOURCES:
        con.execute(f"delete from raw.{source.name} where {under}", [unit, unit + "/"])
    names = [source.name for source in OFFICER_SOURCES]
    for table in ("quarantine", "file_loads"):
        con.execute(
            f"delete from raw.{table} where source_table in ? and {under}",
            [names, unit, unit + "/"],
        )
    con.execute("delete from raw.officer_deliveries where unit = ?", [unit])


def _record_unit(
    con: duckdb.DuckDBPyConnection,
    unit: str,
    hashes: dict[str, str],
    loaded_at: dt.datetime,
    run_id: str | None,
) -> None:
    for source_file, sha256 in hashes.items():
        con.execute(
            "insert into raw.officer_deliveries values (?, ?, ?, ?, ?)",
            [unit, source_file, sha256, loaded_at, run_id],
        )


def _stage_unit(
    con: duckdb.DuckDBPyConnection,
    delivery: OfficerDelivery,
    members: list[Member],
    secret: bytes,
    outcome: OfficerLoads,
) -> StagedUnit:
    """Stage every CSV of one delivery, once per content, and key its rows by phone.

    Staging writes only temporary tables, so it runs outside the load's transaction, each batch
    committed as it goes: inside a transaction DuckDB keeps every inserted batch's Arrow
    strings alive until the commit, which for a Bihar-sized delivery was 2 GB. The memory Arrow
    freed is handed back at the end.
    """
    unit = StagedUnit()
    first_of: dict[str, str] = {}  # content hash -> the CSV it was first read from
    keys = KeyCache()  # the reports of a delivery name the same officers
    for member in members:
        source = OFFICER_BANDS if delivery.unit.startswith(OFFICER_BANDS.folder + "/") else None
        try:
            staged_file = stage_member(con, member, source, secret, keys)
        except NotAnOfficerReport:
            outcome.ignored.append(member.load_name)
            continue
        twin = first_of.get(staged_file.sha256)
        if twin:
            # The same MDO's report downloaded twice would double every figure.
            con.execute(
                f"delete from {staging_table(staged_file.source)} where load_name = ?",
                [member.load_name],
            )
            duplicate = FileLoad(
                member.load_name, staged_file.sha256, "duplicate_content", 0, 0, 0, 0, twin
            )
            unit.duplicates.append((staged_file.source, duplicate))
            continue
        first_of[staged_file.sha256] = member.load_name
        unit.files.append(staged_file)
    _key_by_user_report_phone(con, delivery.unit)
    return_freed_memory()  # the batches of the unit's CSVs
    return unit


def _route_unit(
    con: duckdb.DuckDBPyConnection,
    delivery: OfficerDelivery,
    staged: StagedUnit,
    loaded_at: dt.datetime,
    run_id: str | None,
    outcome: OfficerLoads,
) -> None:
    """Type and route each staged report of one delivery, and register every CSV."""
    for source, duplicate in staged.duplicates:
        outcome.loads.append(duplicate)
        _log(con, source, duplicate, loaded_at, run_id)
    for source in {s.source for s in staged.files}:
        counts = _route(con, source, delivery.unit, delivery.file_values, loaded_at)
        for staged_file in (s for s in staged.files if s.source is source):
            read, loaded, quarantined = counts.get(staged_file.member.load_name, (0, 0, 0))
            load = FileLoad(
                staged_file.member.load_name,
                staged_file.sha256,
                "loaded",
                read,
                loaded,
                quarantined,
                0,
            )
            outcome.loads.append(load)
            _log(con, source, load, loaded_at, run_id)


def _of_unit(column: str) -> str:
    """The condition on a staged load name that it belongs to the delivery bound as ?, ?."""
    return f"({column} = ? or starts_with({column}, ?))"


def _key_by_user_report_phone(con: duckdb.DuckDBPyConnection, unit: str) -> None:
    """One officer, one key. An officer without an e-mail is keyed by Employee_Id in the user
    report, but by phone in the enrolment and CBP reports, which have no Employee_Id: within the
    delivery being loaded, a row keyed by phone takes the key of the user report's officer with
    the same phone (normalised to its last ten digits), when exactly one officer has it."""
    users = staging_table(OFFICER_USERS)
    for source in OFFICER_SOURCES:
        if source is OFFICER_USERS or not source.identifying_columns:
            continue
        con.execute(
            f"""
            update {staging_table(source)} as report
            set officer_key = users.officer_key, key_basis = users.key_basis
            from (
                select
                    phone_key,
                    any_value(officer_key) as officer_key,
                    any_value(key_basis) as key_basis
                from {users}
                where phone_key is not null and key_basis <> 'phone' and {_of_unit("load_name")}
                group by phone_key
                having count(distinct officer_key) = 1
            ) as users
            where report.key_basis = 'phone' and report.phone_key = users.phone_key
                and {_of_unit("report.load_name")}
            """,
            [unit, unit + "/"] * 2,
        )


def _route(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    unit: str,
    file_values: dict[str, str],
    loaded_at: dt.datetime,
) -> dict[str, tuple[int, int, int]]:
    """Send each staged row of one report of a delivery (typed and judged as it was staged)
    to its raw table or to quarantine.

    Returns per CSV: rows read, loaded and quarantined.
    """
    staged = f"{staging_table(source)} where {_of_unit('load_name')}"
    of_unit = [unit, unit + "/"]
    file_fields = [
        f"cast({sql_literal(file_values[f.name])} as {SQL_TYPES[f.kind]})"
        for f in source.file_fields
    ]
    loaded = f"cast({sql_literal(loaded_at.isoformat())} as timestamp)"
    kept = [c.name for c in source.stored_columns]
    if source.identifying_columns:
        kept += ["officer_key", "key_basis"]
    kept += ["extra_columns", "source_file", "source_member", "file_sha256", "source_row"]
    names = [f.name for f in source.file_fields] + kept + ["loaded_at"]
    con.execute(
        f"insert into raw.{source.name} ({', '.join(names)}) "
        f"select {', '.join([*file_fields, *kept, loaded])} from {staged} and reason is null",
        of_unit,
    )
    con.execute(
        f"insert into raw.quarantine select {sql_literal(source.name)}, load_name, "
        f"file_sha256, source_row, raw_cells, reason, {loaded} "
        f"from {staged} and reason is not null",
        of_unit,
    )
    counted = con.execute(
        "select load_name, count(*), count(*) filter (where reason is null), "
        f"count(*) filter (where reason is not null) from {staged} group by load_name",
        of_unit,
    ).fetchall()
    return {row[0]: row[1:] for row in counted}


def _log(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    load: FileLoad,
    loaded_at: dt.datetime,
    run_id: str | None,
) -> None:
    """Register one CSV in raw.file_loads, like every delivered file."""
    con.execute(
        "insert into raw.file_loads (source_table, source_file, file_sha256, status, rows_read, "
        "rows_loaded, rows_quarantined, total_rows, duplicate_of, loaded_at, run_id) "
        "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            source.name,
            load.source_file,
            load.file_sha256,
            load.status,
            load.rows_read,
            load.rows_loaded,
            load.rows_quarantined,
            load.total_rows,
            load.duplicate_of,
            loaded_at,
            run_id,
        ],
    )
