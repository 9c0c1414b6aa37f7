"""Find the delivered files under the raw folder and say which source each one is."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from dagster_project.ingest.errors import RawFileError
from dagster_project.ingest.sources import SOURCES, Source


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
    folders = {s.folder for s in SOURCES}
    parts = path.relative_to(raw_root).parts
    if len(parts) != 2 or parts[0] not in folders:
        raise RawFileError(
            source_file,
            "is not in a known folder",
            "files in " + ", ".join(f"{f}/" for f in sorted(folders)),
        )
    stem, suffix = path.stem.lower(), path.suffix.lower()
    for source in SOURCES:
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
