"""Find the delivered files under the raw folder and say which source each one is.

A file the contract cannot take (a name no source has, a second file for one snapshot, a link
to outside the raw folder) is refused by name, never read, and held back: the other files
still load, and the refusal is recorded once, by the load of the source whose folder it is in.
"""

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
    """Every file under the raw folder that is a delivery, in a stable order.

    Links are followed (a linked `mdo/` folder is delivered like any other) only to a target
    inside the raw folder; `refused_links` names the others, which are never opened.
    """
    return _walk(raw_root)[0]


def refused_links(raw_root: Path) -> list[RawFileError]:
    """Links under the raw folder that point outside it, or to nothing."""
    return _walk(raw_root)[1]


def _walk(raw_root: Path) -> tuple[list[Path], list[RawFileError]]:
    inside = raw_root.resolve()
    paths: list[Path] = []
    refused: list[RawFileError] = []
    # Each folder with the real folders above it: a link back up one of them is not followed,
    # so a link loop ends. A folder linked from elsewhere is walked under both names.
    folders: list[tuple[Path, frozenset[Path]]] = [(raw_root, frozenset({inside}))]
    while folders:
        folder, above = folders.pop()
        for entry in folder.iterdir():
            if is_ignored(entry):
                continue
            problem = _link_problem(entry, inside)
            if problem:
                refused.append(
                    RawFileError(
                        entry.relative_to(raw_root).as_posix(),
                        problem,
                        "the delivered file itself under IGOT_RAW_DIR, or a link to one inside it",
                    )
                )
            elif entry.is_dir() and entry.resolve() not in above:
                folders.append((entry, above | {entry.resolve()}))
            elif entry.is_file():
                paths.append(entry)
    return sorted(paths), sorted(refused, key=lambda err: err.source_file)


def _link_problem(entry: Path, inside: Path) -> str | None:
    """Why a link is not followed; None for an ordinary file or folder, or a link inside.

    Only the link is resolved; its target is never opened, so nothing outside the raw folder
    is read, printed or logged.
    """
    if not entry.is_symlink():
        return None
    target = entry.resolve()
    if not target.is_relative_to(inside):
        return "is a link to a place outside IGOT_RAW_DIR, so it was not read"
    if not target.exists():
        return "is a link to nothing (its target is missing)"
    return None


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


@dataclass(frozen=True)
class Survey:
    """What the raw folder holds: the files each source takes, and the files refused."""

    files: dict[str, list[DeliveredFile]]
    refused: list[RawFileError]

    def refused_for(self, source: Source) -> list[RawFileError]:
        """The refusals that this source's load records, so that each is reported once.

        A refused file belongs to the first source of its folder (in the contract's order);
        a file outside every known folder to the first source, the MDO report, which every
        job loads.
        """
        return [err for err in self.refused if _recorder(err.source_file) == source]


def _recorder(source_file: str) -> Source:
    folder = source_file.split("/", 1)[0]
    return next((s for s in SOURCES if s.folder == folder), SOURCES[0])


def survey(raw_root: Path) -> Survey:
    """Every file under the raw folder: taken by its source, or refused with the reason."""
    if not raw_root.is_dir():
        raise RawFileError(str(raw_root), "is not a folder", "IGOT_RAW_DIR to name the raw folder")
    paths, refused = _walk(raw_root)
    found: dict[str, list[DeliveredFile]] = defaultdict(list)
    for path in paths:
        try:
            delivered = classify(path, raw_root)
        except RawFileError as err:
            refused.append(err)
            continue
        found[delivered.source.name].append(delivered)
    for name, files in found.items():
        found[name] = _one_file_per_snapshot(files, refused)
    return Survey(dict(found), sorted(refused, key=lambda err: err.source_file))


def discover(raw_root: Path) -> dict[str, list[DeliveredFile]]:
    """Every delivered file under the raw folder, by source name; the first refusal raises."""
    found = survey(raw_root)
    if found.refused:
        raise found.refused[0]
    return found.files


def _one_file_per_snapshot(
    files: list[DeliveredFile], refused: list[RawFileError]
) -> list[DeliveredFile]:
    """Two files for the same snapshot (say a .csv and an .xlsx) would double every figure:
    the first in name order is taken, the others refused."""
    seen: dict[tuple, DeliveredFile] = {}
    for delivered in files:
        key = (delivered.source.name, *(delivered.file_values.get(k) for k in delivered.source.key))
        if key in seen:
            refused.append(
                RawFileError(
                    delivered.source_file,
                    f"is a second file for the same {delivered.source.name} "
                    f"as {seen[key].source_file}",
                    "one file per " + " and ".join(delivered.source.key or ("source",)),
                )
            )
            continue
        seen[key] = delivered
    return list(seen.values())
