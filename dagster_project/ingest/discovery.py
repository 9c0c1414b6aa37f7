"""Find the delivered files under the raw folder and say which source each one is.

A file the contract cannot take (a name no source has, a second file for one snapshot, a link
to outside the raw folder) is refused by name, never read, and held back: the other files
still load, and the refusal is recorded once, by the load of the source whose folder it is in.
"""

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, replace
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
from dagster_project.ingest.state_names import canonical_state


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
    folders = {s.folder for s in (*SOURCES, *OFFICER_SOURCES)}
    parts = path.relative_to(raw_root).parts
    if parts[0] == OFFICER_FOLDER:
        # Officer deliveries are loaded a folder at a time (see officer_deliveries); any of
        # their files stands for the officer reports as a whole.
        _, values = _delivery_folder_of(path, raw_root)
        if not _is_zip_or_csv(path):
            raise RawFileError(
                source_file, "is neither a ZIP nor a CSV", "the portal's reports.zip or its CSVs"
            )
        return DeliveredFile(path, source_file, OFFICER_USERS, values)
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
        if delivered.source in OFFICER_SOURCES:
            continue  # loaded by officer_deliveries, a delivery folder at a time
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
    """Two files for the same snapshot (a .csv and an .xlsx, or one state under two spellings
    of its name) would double every figure, and which is right cannot be told from the names:
    all of them are refused, each naming the others, and the snapshot loads when one is left."""
    by_snapshot: dict[tuple, list[DeliveredFile]] = defaultdict(list)
    for delivered in files:
        by_snapshot[_snapshot(delivered)].append(delivered)
    for snapshot, same in by_snapshot.items():
        if len(same) < 2:
            continue
        for delivered in same:
            others = " and ".join(o.source_file for o in same if o is not delivered)
            described = f" ({', '.join(snapshot[1:])})" if snapshot[1:] else ""
            refused.append(
                RawFileError(
                    delivered.source_file,
                    f"is a second file for the same {delivered.source.name} snapshot"
                    f"{described} as {others}, so neither is loaded",
                    "one file per " + " and ".join(delivered.source.key or ("source",)),
                )
            )
    return [delivered for delivered in files if len(by_snapshot[_snapshot(delivered)]) == 1]


def _snapshot(delivered: DeliveredFile) -> tuple[str, ...]:
    """The source and the values of its key fields, the state as the marts name it."""
    values = delivered.file_values
    return (
        delivered.source.name,
        *(
            canonical_state(values[k]) if k == "state" else values.get(k, "")
            for k in delivered.source.key
        ),
    )


@dataclass(frozen=True)
class OfficerDelivery:
    """What is loaded and replaced as one: a delivery folder, or the officer-bands file."""

    unit: str  # path relative to the raw folder; every row loaded from it lies under it
    files: tuple[Path, ...]  # the ZIPs and CSVs, in a stable order
    file_values: dict[str, str]  # state and report_date, from the folder name
    raw_root: Path
    # Why the delivery cannot load whole, when it cannot: a file in it that is neither a ZIP
    # nor a CSV, or a second folder for one state and date. It is then held back whole.
    held_back_because: str | None = None

    def source_file(self, path: Path) -> str:
        return path.relative_to(self.raw_root).as_posix()


def officer_deliveries(raw_root: Path) -> list[OfficerDelivery]:
    """Every officer delivery folder `officers/<state>_<YYYY-MM-DD>/`, and the bands file."""
    deliveries: dict[str, OfficerDelivery] = {}
    unreadable: dict[str, list[str]] = defaultdict(list)
    for path in delivered_paths(raw_root):
        parts = path.relative_to(raw_root).parts
        if parts[0] == OFFICER_FOLDER:
            try:
                unit, values = _delivery_folder_of(path, raw_root)
            except RawFileError:
                # Not in a delivery folder: the survey holds it back with its sentence (in
                # raw.file_rejections), and every delivery beside it loads.
                continue
            if not _is_zip_or_csv(path):
                # The survey holds the file back; without it the delivery would be partial.
                unreadable[unit].append(path.relative_to(raw_root).as_posix())
                continue
            earlier = deliveries.get(unit)
            files = (*earlier.files, path) if earlier else (path,)
            deliveries[unit] = OfficerDelivery(unit, files, values, raw_root)
        elif len(parts) == 2 and _is_officer_bands(path, raw_root):
            unit = path.relative_to(raw_root).as_posix()
            deliveries[unit] = OfficerDelivery(unit, (path,), {}, raw_root)
    ordered = [deliveries[unit] for unit in sorted(deliveries)]
    return _one_folder_per_date([_with_unreadable(d, unreadable) for d in ordered])


def _with_unreadable(
    delivery: OfficerDelivery, unreadable: dict[str, list[str]]
) -> OfficerDelivery:
    files = unreadable.get(delivery.unit)
    if not files:
        return delivery
    return replace(
        delivery,
        held_back_because=f"holds {', '.join(files)}, which is neither a ZIP nor a CSV",
    )


def _one_folder_per_date(deliveries: list[OfficerDelivery]) -> list[OfficerDelivery]:
    """Two folders for one state and date (`BIHAR_2026-03-24` beside `bihar_2026-03-24`, or
    `orissa_` beside `odisha_`) would load the date twice, and which is right cannot be told:
    each is held back naming the others, as two MDO reports for one date are."""
    folders: dict[tuple[str, str], list[str]] = defaultdict(list)
    for delivery in deliveries:
        if delivery.file_values:
            folders[_state_and_date(delivery)].append(delivery.unit)
    kept = []
    for delivery in deliveries:
        key = _state_and_date(delivery) if delivery.file_values else None
        others = [unit for unit in folders.get(key, []) if unit != delivery.unit]
        if not others:
            kept.append(delivery)
            continue
        because = (
            f"names the same state and date ({key[0]}, {key[1]}) as {', '.join(others)}, so "
            "neither is loaded; one folder per state and date"
        )
        kept.append(replace(delivery, held_back_because=because))
    return kept


def _state_and_date(delivery: OfficerDelivery) -> tuple[str, str]:
    values = delivery.file_values
    return canonical_state(values["state"]), values["report_date"]


def _is_officer_bands(path: Path, raw_root: Path) -> bool:
    """Whether a top-level file is the officer-bands reference; a file the contract refuses is
    not (the survey holds it back, so the officer load must not fail on it too)."""
    try:
        return classify(path, raw_root).source is OFFICER_BANDS
    except RawFileError:
        return False


def _is_zip_or_csv(path: Path) -> bool:
    """What a delivery folder may hold: the portal's reports.zip, or the CSVs taken out of it."""
    return path.suffix.lower() in (".zip", ".csv")


def _delivery_folder_of(path: Path, raw_root: Path) -> tuple[str, dict[str, str]]:
    """The delivery folder a file of officers/ is in, with the state and date its name gives,
    or what is wrong with its place."""
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
    return f"{OFFICER_FOLDER}/{parts[1]}", match.groupdict()
