"""The drop-folder sensor: a new or changed raw file starts a run of what it feeds.

Files are compared by content hash, not by time, so touching or re-copying a file starts
nothing. The cursor (kept by Dagster across restarts) remembers each file's size, modification
time and hash; a file is hashed again only when its size or time has moved.
"""

import hashlib
import json
from pathlib import Path

import dagster as dg

from dagster_project.assets.raw import raw_asset_key
from dagster_project.ingest.discovery import classify, delivered_paths
from dagster_project.ingest.errors import RawFileError
from dagster_project.resources import RawFiles

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


@dg.sensor(
    name="raw_files_sensor",
    target=dg.AssetSelection.all(),
    minimum_interval_seconds=60,
    description="Starts a run when a file under IGOT_RAW_DIR is new or its content changed.",
)
def raw_files_sensor(context: dg.SensorEvaluationContext, raw_files: RawFiles):
    root = raw_files.root_path()
    before: Fingerprints = json.loads(context.cursor) if context.cursor else {}
    now = fingerprint_files(root, before)
    changed = changed_files(before, now)
    if not changed:
        return dg.SensorResult(skip_reason="no new or changed raw files", cursor=json.dumps(now))
    try:
        sources = {classify(root / name, root).source for name in changed}
    except RawFileError as err:
        # Keep the cursor where it was, so the file is reported until someone fixes it.
        return dg.SensorResult(skip_reason=f"cannot take a raw file: {err}")
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
