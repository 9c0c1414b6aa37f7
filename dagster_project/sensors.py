"""The drop-folder sensor: a new or changed raw file starts a run of what it feeds (a file of an
officer delivery starts the officer load).

Files are compared by content hash, not by time, so touching or re-copying a file starts
nothing. The cursor (kept by Dagster across restarts) remembers each file's size, modification
time and hash; a file is hashed again only when its size or time has moved. Files held back
(a name the contract does not take, a link to outside the raw folder, a file the last run could
not read) are named on every tick until they are fixed.
"""

import hashlib
import json
from pathlib import Path

import dagster as dg
import duckdb

from dagster_project.assets.raw import raw_asset_key
from dagster_project.ingest.discovery import Survey, classify, delivered_paths, survey
from dagster_project.ingest.errors import RawFileError
from dagster_project.ingest.rejections import held_back
from dagster_project.ingest.sources import OFFICER_FOLDER, OFFICER_SOURCES, OFFICER_USERS
from dagster_project.resources import RawFiles, Warehouse

Fingerprints = dict[str, dict[str, int | str]]


def fingerprint_files(raw_root: Path, known: Fingerprints) -> Fingerprints:
    """size, mtime and sha256 of every delivered file, reusing known hashes where unchanged."""
    prints: Fingerprints = {}
    for path in delivered_paths(raw_root):
        name = path.relative_to(raw_root).as_posix()
        stat = path.stat()
        before = known.get(name, {})
        if before.get("size") == stat.st_size and before.get("mtime_ns") == stat.st_mtime_ns:
            prints[name] = before
        else:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            prints[name] = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": digest}
    return prints


def changed_files(before: Fingerprints, now: Fingerprints) -> list[str]:
    return [
        name for name, facts in now.items() if before.get(name, {}).get("sha256") != facts["sha256"]
    ]


def held_back_files(found: Survey, warehouse: Warehouse, root: Path) -> list[str]:
    """Every file held back, in one sentence each: refused by name now (read from the folder,
    nothing opened), or found unreadable by the run that published the warehouse."""
    sentences = {err.source_file: str(err) for err in found.refused}
    if warehouse.published_path().exists():
        try:
            with warehouse.read_published() as con:
                for rejection in held_back(con):
                    sentences.setdefault(rejection.source_file, rejection.sentence())
        except duckdb.Error:
            pass  # a warehouse being replaced this instant is read on the next tick
    delivered = {f.source_file for files in found.files.values() for f in files}
    refused = {err.source_file for err in found.refused}
    # A file since removed or fixed is no longer held back (the next run will say so too). An
    # officer delivery is named by its folder, its ZIP, or a CSV inside the ZIP.
    return [
        sentence
        for name, sentence in sorted(sentences.items())
        if name in delivered or name in refused or _officer_path_still_there(root, name)
    ]


def feeds_officer_load(root: Path, name: str) -> bool:
    """Whether a delivered file is part of an officer delivery (or the officer-bands file)."""
    try:
        return classify(root / name, root).source in OFFICER_SOURCES
    except RawFileError:
        return False


def _officer_path_still_there(root: Path, name: str) -> bool:
    parts = Path(name).parts
    if not parts or parts[0] != OFFICER_FOLDER:
        return False
    return any((root / Path(*parts[:end])).exists() for end in range(len(parts), 1, -1))


@dg.sensor(
    name="raw_files_sensor",
    target=dg.AssetSelection.all(),
    minimum_interval_seconds=60,
    description="Starts a run when a file under IGOT_RAW_DIR is new or its content changed.",
)
def raw_files_sensor(
    context: dg.SensorEvaluationContext, raw_files: RawFiles, warehouse: Warehouse
):
    root = raw_files.root_path()
    found = survey(root)
    # Reported on every tick until fixed: a file held back is never forgotten.
    held = held_back_files(found, warehouse, root)
    held_note = "; held back until fixed: " + " | ".join(held) if held else ""
    before: Fingerprints = json.loads(context.cursor) if context.cursor else {}
    now = fingerprint_files(root, before)
    changed = changed_files(before, now)
    source_of = {f.source_file: f.source for files in found.files.values() for f in files}
    sources = {source_of[name] for name in changed if name in source_of}
    # The survey leaves officer deliveries to their own load (a folder at a time): a changed
    # file in one starts that load.
    if any(feeds_officer_load(root, name) for name in changed if name not in source_of):
        sources.add(OFFICER_USERS)
    if not sources:
        return dg.SensorResult(
            skip_reason="no new or changed raw files" + held_note, cursor=json.dumps(now)
        )
    if held:
        context.log.warning("Files held back until fixed: " + " | ".join(held))
    selection = (
        dg.AssetSelection.assets(*(raw_asset_key(s) for s in sources))
        .required_multi_asset_neighbors()
        .downstream()
    )
    run_key = hashlib.sha256(
        json.dumps({name: now[name]["sha256"] for name in changed}, sort_keys=True).encode()
    ).hexdigest()
    request = dg.RunRequest(
        run_key=run_key,
        asset_selection=sorted(selection.resolve(context.repository_def.asset_graph)),
        tags={"igot/changed_files": ",".join(changed)[:1000]},
    )
    return dg.SensorResult(run_requests=[request], cursor=json.dumps(now))
