"""File output: where the synthetic raw folder goes, and the CSVs, README and manifest in it.

Files are written with Python's csv module (minimal quoting), UTF-8 and '\\n' line endings, in
exactly the input contract (dagster_project/ingest/sources.py), so the folder can be used as
IGOT_RAW_DIR. The generator never writes into the repository's raw/ folder or IGOT_RAW_DIR.
"""

import csv
import json
import os
import shutil
from pathlib import Path

import numpy as np

from dagster_project.settings import DEFAULT_RAW_DIR
from synth.defects import Draft
from synth.figures import MEASURES, pass_basis_points

MDO_HEADER = [
    "Department",
    "MDO Name",
    "Onboarded",
    "Active",
    "User Completions",
    "Total Enrollments",
    "Total Completions",
    "Total Hours",
    "Course Attempted",
    "Course Passed",
    "% Course Passed",
    "Data Origin",
]
RANKING_HEADER = ["State", "Bucket", "Composite Score", "Rank", "Data Origin"]
ORIGIN = "synthetic"
README_MARK = "This folder is synthetic"
COPIED_FOLDERS = ("catalogue", "reference")


class OutputRefused(Exception):
    """The output folder would mix generated files into delivered ones."""


def protected_raw_dirs() -> list[Path]:
    """The repository's raw/ folder and the IGOT_RAW_DIR folder, if set."""
    dirs = [DEFAULT_RAW_DIR.resolve()]
    if os.environ.get("IGOT_RAW_DIR"):
        dirs.append(Path(os.environ["IGOT_RAW_DIR"]).resolve())
    return dirs


def _is_synthetic(raw: Path) -> bool:
    readme = raw / "README.md"
    return readme.is_file() and README_MARK in readme.read_text(encoding="utf-8", errors="replace")


def check_output_dir(out: Path) -> Path:
    """The resolved output folder, or OutputRefused if writing there could touch real data."""
    out = out.resolve()
    raw = out / "raw"
    for protected in protected_raw_dirs():
        if out == protected or out.is_relative_to(protected):
            raise OutputRefused(
                f"refusing to write into {out}: it is, or is inside, the raw folder {protected}; "
                "choose an --out outside it (the default is synthetic/<size>)"
            )
        if protected.is_relative_to(raw) and not (protected == raw and _is_synthetic(raw)):
            raise OutputRefused(
                f"refusing to write {raw}: clearing it would delete the raw folder {protected}"
            )
    if raw.exists() and any(raw.iterdir()) and not _is_synthetic(raw):
        raise OutputRefused(
            f"refusing to clear {raw}: it holds files and is not a synthetic folder "
            f"(no README.md saying '{README_MARK}'); remove it or choose another --out"
        )
    return out


def prepare_raw_dir(out: Path) -> Path:
    """An empty <out>/raw/ with its folders, so no stale file mixes in."""
    raw = out / "raw"
    if raw.exists():
        shutil.rmtree(raw)
    for folder in ("mdo", "ranking", *COPIED_FOLDERS):
        (raw / folder).mkdir(parents=True)
    return raw


def write_csv(path: Path, header: list[str], rows) -> int:
    """Write a CSV; returns its size in bytes."""
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path.stat().st_size


# Decimal parts of hours by hundredths ('', '.05', '.1', ...) and every printed percentage by
# basis points ('0.00%' ... '100.00%'; index -1, the last, is the blank for nothing attempted).
_CENTS = tuple("" if c == 0 else f".{c // 10}" if c % 10 == 0 else f".{c:02d}" for c in range(100))
_PERCENTS = (*(f"{b // 100}.{b % 100:02d}%" for b in range(10001)), "")


def format_hours(hundredths: int) -> str:
    """Hours with up to 2 decimals: 16010.08, 2888.7, 0."""
    whole, cents = divmod(hundredths, 100)
    return f"{whole}{_CENTS[cents]}"


def format_percent(basis_points: int) -> str:
    """'66.67%', or blank when nothing was attempted (-1)."""
    return _PERCENTS[basis_points]


def mdo_rows(draft: Draft) -> tuple[list, list[int]]:
    """The report's rows, largest MDO first, with the printed total row last; and each draft
    row's row number in the file (the header is row 1)."""
    figures = draft.figures
    count = len(draft.names)
    order = np.lexsort((np.arange(count), -figures["onboarded"]))
    source_rows = [0] * count
    for position, row in enumerate(order.tolist()):
        source_rows[row] = position + 2
    percent = pass_basis_points(figures["passed"], figures["attempted"])
    for row, printed in draft.pct_override.items():
        percent[row] = printed
    rank = order.tolist()
    columns = [[draft.cells[i] for i in rank], [draft.names[i] for i in rank]]
    for measure in MEASURES:
        values = figures[measure][order]
        if measure == "hours":
            whole, cents = np.divmod(values, 100)
            values = [
                f"{w}{_CENTS[c]}" for w, c in zip(whole.tolist(), cents.tolist(), strict=True)
            ]
        else:
            values = values.tolist()
        columns.append(values)
    columns.append([_PERCENTS[v] for v in percent[order].tolist()])
    columns.append([ORIGIN] * count)
    rows: list = list(zip(*columns, strict=True))
    for row, positions in draft.extra_cells.items():
        cells = list(rows[source_rows[row] - 2])
        for position in positions:
            cells.insert(position, cells[position])  # a figure printed twice, shifting the rest
        rows[source_rows[row] - 2] = cells
    totals = [int(figures[m].sum()) + draft.totals_delta.get(m, 0) for m in MEASURES]
    hours = MEASURES.index("hours")
    totals[hours] = format_hours(totals[hours])
    rows.append(["", "", *totals, "", ORIGIN])
    return rows, source_rows


def ranking_rows(edition: list[tuple[str, str, int, int]]) -> list[list]:
    """(state, bucket, score in hundredths, rank) -> CSV rows."""
    return [
        [state, bucket, f"{score // 100}.{score % 100:02d}", rank, ORIGIN]
        for state, bucket, score, rank in edition
    ]


def copy_shipped(raw: Path, shipped: Path = DEFAULT_RAW_DIR) -> list[tuple[str, int]]:
    """Byte copies of the shipped catalogue and reference files."""
    copied = []
    for folder in COPIED_FOLDERS:
        for source in sorted((shipped / folder).iterdir()):
            if source.is_file() and not source.name.startswith("."):
                shutil.copyfile(source, raw / folder / source.name)
                copied.append((f"{folder}/{source.name}", source.stat().st_size))
    return copied


def write_readme(raw: Path, size: str, seed: int, command: str, parameters: dict) -> int:
    text = f"""# Synthetic raw data

{README_MARK}: every MDO report and ranking edition here was generated by
`synth`, not delivered by a state. It is test and benchmark data; no figure in
it describes a real organisation. Generated files end in `_synthetic` and fill the column
`Data Origin` with `synthetic`; `catalogue/` and `reference/` are byte copies of the shipped
files in the repository's `raw/`.

- size: {size}
- seed: {seed}
- states: {parameters["states"]} ({", ".join(parameters["state_names"])})
- MDOs per state: {parameters["mdos"]}
- monthly snapshots: {parameters["months"]} ({parameters["snapshot_dates"][0]} to \
{parameters["snapshot_dates"][-1]})

Made with:

```bash
{command}
```

The defects planted in the reports (the kinds the seed's Bihar report has) are listed, each with
the finding the org-mapping review reports for it, in `manifest.json` beside this folder.
README files are not deliveries: the pipeline's discovery ignores this one.
{officer_text(parameters.get("officers"))}"""
    path = raw / "README.md"
    path.write_text(text, encoding="utf-8", newline="\n")
    return path.stat().st_size


def officer_text(officers: dict | None) -> str:
    """The README's paragraph on the officer-level reports, if there are any."""
    if not officers:
        return ""
    packed = (
        f"in password-protected ZIPs named `reports_synthetic*.zip` (password "
        f"`{officers['zip_password']}`)"
        if officers["format"] == "zip"
        else "as bare CSVs"
    )
    states = ", ".join(officers["states"])
    dates = ", ".join(officers["report_dates"])
    return f"""
`officers/<state>_<date>/` holds synthetic officer-level reports for {states}
({officers["officers_per_state"]:,} officers each, report dates {dates}):
iGOT's `user-report.csv` and `user-enrollment-report.csv` {packed}, under the names the
portal uses so the pipeline recognises them; each folder has a README saying it is synthetic.
`reference/officer_bands.csv` gives the experience band of part of the officers. Every person
in them is made up (e-mails under the reserved `.example` domain). The planted defects are in
`officer_planted` in `manifest.json`, the expected compliance counts in `officers.expected`.
"""


def write_manifest(
    path: Path, meta: dict, lines: list[str], sections: dict[str, list[str]] | None = None
) -> int:
    """manifest.json: the parameters and counts, then one planted finding (a JSON object
    already rendered) per line, and the same for each further section."""
    head = json.dumps(meta, indent=2, ensure_ascii=False)
    text = head[: -len("\n}")]
    for name, entries in {"planted": lines, **(sections or {})}.items():
        body = ",\n".join(f"    {line}" for line in entries)
        text += f',\n  "{name}": [\n' + body + ("\n" if entries else "") + "  ]"
    text += "\n}\n"
    path.write_text(text, encoding="utf-8", newline="\n")
    return path.stat().st_size
