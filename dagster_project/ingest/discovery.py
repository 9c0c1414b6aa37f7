"""Find the delivered files under the raw folder and say which source each one is."""

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from dagster_project.ingest.errors import RawFileError
from dagster_project.ingest.sources import (
    OFFICER_BANDS,
    OFFICER_DELIVERY,
    OFFICER_FOLDER,
    OFFICER_SOURCES,
    OFFICER_USERS,
    SOURCES,
    Source,
)


@dataclass(frozen=True)
class DeliveredFile:
    """A file under the raw folder, matched to its source, with the values its name carries."""

    path: Path
    source_file: str  # path relative to the raw folder, with forward slashes
    source: Source
    file_values: dict[str, str]


def is_ignored(path: Path) -> bool:
    """Notes, hidden files and Excel's lock files are not deliveries."""
    name = path.name
    return name.startswith((".", "~$")) or name.lower().startswith("readme")


def delivered_paths(raw_root: Path) -> list[Path]:
    """Every file under the raw folder that is a delivery, in a stable order."""
    return sorted(p for p in raw_root.rglob("*") if p.is_file() and not is_ignored(p))


def _expected_names(folder: str) -> str:
    names = [
        f"{folder}/{s.stem_example}{{{','.join(s.extensions)}}}"
        for s in SOURCES
        if s.folder == folder
    ]
    return " or ".join(names)


def classify(path: Path, raw_root: Path) -> DeliveredFile:
    """Match one file to its source by folder and name, or say what is wrong with its name."""
    source_file = path.relative_to(raw_root).as_posix()
    folders = {s.folder for s in (*SOURCES, *OFFICER_SOURCES)}
    parts = path.relative_to(raw_root).parts
    if parts[0] == OFFICER_FOLDER:
        # Officer deliveries are loaded a folder at a time (see officer_deliveries); any of
        # their files stands for the officer reports as a whole.
        delivery = _officer_delivery_of(path, raw_root)
        return DeliveredFile(path, source_file, OFFICER_USERS, delivery.file_values)
    if len(parts) != 2 or parts[0] not in folders:
        raise RawFileError(
            source_file,
            "is not in a known folder",
            "files in " + ", ".join(f"{f}/" for f in sorted(folders)),
        )
    stem, suffix = path.stem.lower(), path.suffix.lower()
    for source in (*SOURCES, OFFICER_BANDS):
        if source.folder != parts[0]:
            continue
        match = source.matches(stem)
        if not match:
            continue
        if suffix not in source.extensions:
            raise RawFileError(
                source_file,
                f"'{suffix or 'no extension'}' is not a format this folder takes",
                _expected_names(source.folder),
            )
        values = match.groupdict()
        _check_dates(values, source, source_file)
        return DeliveredFile(path, source_file, source, values)
    raise RawFileError(
        source_file, "has a name this folder does not take", _expected_names(parts[0])
    )


def _check_dates(values: dict[str, str], source: Source, source_file: str) -> None:
    for file_field in source.file_fields:
        if file_field.kind != "date":
            continue
        try:
            dt.date.fromisoformat(values[file_field.name])
        except ValueError:
            raise RawFileError(
                source_file,
                f"the date '{values[file_field.name]}' in its name is not a real date",
                f"a name like {source.stem_example}",
            ) from None


def discover(raw_root: Path) -> dict[str, list[DeliveredFile]]:
    """Every delivered file under the raw folder, by source name, in a stable order."""
    if not raw_root.is_dir():
        raise RawFileError(str(raw_root), "is not a folder", "IGOT_RAW_DIR to name the raw folder")
    found: dict[str, list[DeliveredFile]] = defaultdict(list)
    for path in delivered_paths(raw_root):
        delivered = classify(path, raw_root)
        if delivered.source in OFFICER_SOURCES:
            continue  # loaded by officer_deliveries, a delivery folder at a time
        found[delivered.source.name].append(delivered)
    for files in found.values():
        _check_one_file_per_snapshot(files)
    return dict(found)


def _check_one_file_per_snapshot(files: list[DeliveredFile]) -> None:
    """Two files for the same snapshot (say a .csv and an .xlsx) would double every figure."""
    seen: dict[tuple, DeliveredFile] = {}
    for delivered in files:
        key = (delivered.source.name, *(delivered.file_values.get(k) for k in delivered.source.key))
        if key in seen:
            raise RawFileError(
                delivered.source_file,
                f"is a second file for the same {delivered.source.name} as {seen[key].source_file}",
                "one file per " + " and ".join(delivered.source.key or ("source",)),
            )
        seen[key] = delivered


@dataclass(frozen=True)
class OfficerDelivery:
    """What is loaded and replaced as one: a delivery folder, or the officer-bands file."""

    unit: str  # path relative to the raw folder; every row loaded from it lies under it
    files: tuple[Path, ...]  # the ZIPs and CSVs, in a stable order
    file_values: dict[str, str]  # state and report_date, from the folder name
    raw_root: Path

    def source_file(self, path: Path) -> str:
        return path.relative_to(self.raw_root).as_posix()


def officer_deliveries(raw_root: Path) -> list[OfficerDelivery]:
    """Every officer delivery folder `officers/<state>_<YYYY-MM-DD>/`, and the bands file."""
    deliveries: dict[str, OfficerDelivery] = {}
    for path in delivered_paths(raw_root):
        parts = path.relative_to(raw_root).parts
        if parts[0] == OFFICER_FOLDER:
            delivery = _officer_delivery_of(path, raw_root)
            earlier = deliveries.get(delivery.unit)
            files = (*earlier.files, path) if earlier else (path,)
            deliveries[delivery.unit] = OfficerDelivery(
                delivery.unit, files, delivery.file_values, raw_root
            )
        elif len(parts) == 2 and classify(path, raw_root).source is OFFICER_BANDS:
            unit = path.relative_to(raw_root).as_posix()
            deliveries[unit] = OfficerDelivery(unit, (path,), {}, raw_root)
    return [deliveries[unit] for unit in sorted(deliveries)]


def _officer_delivery_of(path: Path, raw_root: Path) -> OfficerDelivery:
    """The delivery folder a file of officers/ belongs to, or what is wrong with its place."""
    source_file = path.relative_to(raw_root).as_posix()
    parts = path.relative_to(raw_root).parts
    expected = f"{OFFICER_FOLDER}/<state>_<YYYY-MM-DD>/reports.zip or .../user-report.csv"
    if len(parts) != 3:
        raise RawFileError(source_file, "is not in a delivery folder", expected)
    match = re.fullmatch(OFFICER_DELIVERY, parts[1].lower())
    if not match:
        raise RawFileError(
            source_file, f"its folder '{parts[1]}' is not named <state>_<YYYY-MM-DD>", expected
        )
    try:
        dt.date.fromisoformat(match["report_date"])
    except ValueError:
        raise RawFileError(
            source_file,
            f"the date '{match['report_date']}' in its folder name is not a real date",
            expected,
        ) from None
    if path.suffix.lower() not in (".zip", ".csv"):
        raise RawFileError(
            source_file, "is neither a ZIP nor a CSV", "the portal's reports.zip or its CSVs"
        )
    unit = f"{OFFICER_FOLDER}/{parts[1]}"
    return OfficerDelivery(unit, (path,), match.groupdict(), raw_root)
