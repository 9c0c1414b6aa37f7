"""The synthetic data generator (synth): deterministic bytes in the input contract,
names the org-mapping review passes clean, and planted defects the review reports exactly.
"""

import csv
import hashlib
import itertools
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import duckdb
import pytest
from support import REPO_ROOT, SHIPPED_RAW, materialize_into

from dagster_project.ingest.discovery import discover
from synth import Parameters, generate
from synth.names import DEPARTMENTS, DISTRICTS
from synth.review_keys import ReviewSeeds, mdo_key
from synth.states import all_states
from synth.structure import BODY, OFFICE, alternative_name, build_structure
from synth.writer import MDO_HEADER, OutputRefused

SMALL = Parameters.for_size("small")
REVIEW_TYPES = {
    "orphan",
    "district_under_department",
    "district_under_district",
    "merged_cell",
    "duplicate_mdo",
    "near_duplicate_department",
    "suspect_parent",
    "impossible_figures",
    "totals_mismatch",
    "unparsed_row",
    "duplicate_file",
}


def digests(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def read_manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    """The small size, generated once for the unit tests that only read it."""
    out = tmp_path_factory.mktemp("synth") / "small"
    generate(SMALL, out)
    return out


# --- determinism --------------------------------------------------------------------------------


@pytest.mark.unit
def test_same_seed_same_bytes(small, tmp_path):
    again = tmp_path / "again"
    generate(SMALL, again, jobs=1)  # one process or several: the same bytes
    assert digests(small) == digests(again)


@pytest.mark.unit
def test_other_seed_other_bytes(small, tmp_path):
    other = tmp_path / "other"
    generate(Parameters.for_size("small", seed=SMALL.seed + 1), other)
    mine, theirs = digests(small / "raw"), digests(other / "raw")
    assert mine.keys() == theirs.keys()
    generated = [name for name in mine if "_synthetic" in name]
    assert all(mine[name] != theirs[name] for name in generated)
    copies = [name for name in mine if name.startswith(("catalogue/", "reference/"))]
    assert copies and all(mine[name] == theirs[name] for name in copies)


@pytest.mark.unit
def test_fewer_months_are_the_first_of_more(small, tmp_path):
    """A month's file depends only on its date: --months 2 is --months 3 without the oldest."""
    two = tmp_path / "two"
    generate(Parameters.for_size("small", months=2), two)
    shorter, longer = digests(two / "raw"), digests(small / "raw")
    dated = [name for name in shorter if "_synthetic" in name]
    assert len(dated) == 3 * 2 + 2
    assert all(shorter[name] == longer[name] for name in dated)
    assert set(longer) - set(shorter) == {
        "mdo/bihar_2025-12-31_synthetic.csv",
        "mdo/andaman_and_nicobar_2025-12-31_synthetic.csv",
        "mdo/andhra_pradesh_2025-12-31_synthetic.csv",
        "ranking/ranking_2025-12-31_synthetic.csv",
    }


@pytest.mark.unit
def test_fewer_states_are_the_first_of_more(small, tmp_path):
    one = tmp_path / "one"
    generate(Parameters.for_size("small", states=1), one)
    fewer, more = digests(one / "raw"), digests(small / "raw")
    assert all(fewer[name] == more[name] for name in fewer if name != "README.md")
    assert {name for name in fewer if name.startswith("mdo/")} == {
        name for name in more if name.startswith("mdo/bihar_")
    }


# --- where it writes -----------------------------------------------------------------------------


@pytest.mark.unit
@pytest.mark.parametrize("inside", [".", "mdo", "new/folder"])
def test_refuses_to_write_into_the_shipped_raw_folder(inside):
    before = digests(SHIPPED_RAW)
    with pytest.raises(OutputRefused):
        generate(SMALL, SHIPPED_RAW / inside)
    assert digests(SHIPPED_RAW) == before


@pytest.mark.unit
def test_refuses_to_write_into_igot_raw_dir(tmp_path, monkeypatch):
    delivered = tmp_path / "delivered"
    delivered.mkdir()
    monkeypatch.setenv("IGOT_RAW_DIR", str(delivered))
    with pytest.raises(OutputRefused):
        generate(SMALL, delivered / "synthetic")


@pytest.mark.unit
def test_refuses_an_out_whose_raw_folder_is_the_shipped_one():
    with pytest.raises(OutputRefused):
        generate(SMALL, REPO_ROOT)


@pytest.mark.unit
def test_cli_exits_2_when_refusing():
    result = subprocess.run(
        [sys.executable, "-m", "synth", "--out", str(SHIPPED_RAW / "x")],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "refusing to write" in result.stderr
    assert not (SHIPPED_RAW / "x").exists()


@pytest.mark.unit
def test_refuses_to_clear_a_raw_folder_it_did_not_write(tmp_path):
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "notes.txt").write_text("mine\n", encoding="utf-8")
    with pytest.raises(OutputRefused):
        generate(SMALL, tmp_path)
    assert (tmp_path / "raw" / "notes.txt").exists()


@pytest.mark.unit
def test_stale_files_are_cleared(tmp_path):
    out = tmp_path / "out"
    generate(Parameters.for_size("small", months=2), out)
    stale = out / "raw" / "mdo" / "goa_2020-01-31_synthetic.csv"
    stale.write_text("old\n", encoding="utf-8")
    generate(Parameters.for_size("small", months=2), out)
    assert not stale.exists()


@pytest.mark.unit
def test_cli_prints_what_it_wrote(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "synth",
            "--size",
            "small",
            "--states",
            "1",
            "--months",
            "1",
            "--out",
            str(tmp_path / "cli"),
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    for words in ("files:", "rows:", "planted defects:", "seconds:"):
        assert words in result.stdout
    readme = (tmp_path / "cli" / "raw" / "README.md").read_text(encoding="utf-8")
    assert "synthetic" in readme
    assert "python -m synth --size small --seed 20260225 --states 1" in readme


# --- the input contract --------------------------------------------------------------------------


@pytest.mark.unit
def test_every_file_is_a_delivery_discovery_accepts(small):
    found = discover(small / "raw")
    names = sorted(f.source_file for files in found.values() for f in files)
    expected = sorted(
        p.relative_to(small / "raw").as_posix()
        for p in (small / "raw").rglob("*")
        if p.is_file() and p.name != "README.md"
    )
    assert names == expected
    assert len(found["mdo_report"]) == 9
    assert len(found["state_ranking"]) == 3
    assert {f.file_values["state"] for f in found["mdo_report"]} == {
        "bihar",
        "andaman_and_nicobar",
        "andhra_pradesh",
    }


@pytest.mark.unit
def test_catalogue_and_reference_are_byte_copies(small):
    for folder in ("catalogue", "reference"):
        for shipped in (SHIPPED_RAW / folder).iterdir():
            assert (small / "raw" / folder / shipped.name).read_bytes() == shipped.read_bytes()


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


@pytest.mark.unit
def test_mdo_reports_follow_the_contract(small):
    for path in sorted((small / "raw" / "mdo").iterdir()):
        data = path.read_bytes()
        assert b"\r" not in data
        rows = read_csv(path)
        assert rows[0] == MDO_HEADER
        *body, total = rows[1:]
        assert total[:2] == ["", ""] and total[10:] == ["", "synthetic"]
        assert all(row[-1] == "synthetic" and row[1] for row in body)
        assert all(len(row) in (12, 13, 14) for row in body)
        clean = [row for row in body if len(row) == 12]
        for row in clean:
            attempted, pct = int(row[8]), row[10]
            if attempted == 0:
                assert pct == ""
            else:
                assert pct.endswith("%") and len(pct.split(".")[1]) == 3
            hours = row[7].split(".")
            assert len(hours) == 1 or 1 <= len(hours[1]) <= 2


@pytest.mark.unit
def test_figures_grow_month_to_month(small):
    """An MDO's onboarded users never fall from one month to the next, its active users never
    exceed them, and a few departments are far bigger than most bodies (as in Bihar)."""
    by_month = []
    for path in sorted((small / "raw" / "mdo").glob("bihar_*")):
        rows = [row for row in read_csv(path)[1:-1] if len(row) == 12]
        listed = Counter(row[1] for row in rows)
        by_month.append({r[1]: (int(r[2]), int(r[3])) for r in rows if listed[r[1]] == 1})
    for earlier, later in itertools.pairwise(by_month):
        shared = earlier.keys() & later.keys()
        assert len(shared) > 80
        assert all(later[name][0] >= earlier[name][0] for name in shared)
    assert all(active <= onboarded for month in by_month for onboarded, active in month.values())
    onboarded = sorted((v[0] for v in by_month[-1].values()), reverse=True)
    assert onboarded[0] > 50 * onboarded[len(onboarded) // 2]


@pytest.mark.unit
def test_ranking_editions_rank_by_score_within_bucket(small):
    shipped = read_csv(SHIPPED_RAW / "ranking" / "ranking_2025-12-31.csv")[1:]
    scores = []
    for path in sorted((small / "raw" / "ranking").iterdir()):
        rows = read_csv(path)
        assert rows[0] == ["State", "Bucket", "Composite Score", "Rank", "Data Origin"]
        body = rows[1:]
        assert sorted((r[0], r[1]) for r in body) == sorted((r[0], r[1]) for r in shipped)
        for bucket in "ABC":
            ranked = sorted((int(r[3]), float(r[2])) for r in body if r[1] == bucket)
            assert [rank for rank, _ in ranked] == list(range(1, len(ranked) + 1))
            assert all(a[1] > b[1] for a, b in itertools.pairwise(ranked))
        scores.append({r[0]: r[2] for r in body})
    assert scores[0] != scores[1]


@pytest.mark.unit
def test_manifest_counts_and_planted_entries(small):
    manifest = read_manifest(small)
    assert manifest["size"] == "small" and manifest["seed"] == 20260225
    assert manifest["parameters"]["state_names"] == [
        "Bihar",
        "Andaman and Nicobar Islands",
        "Andhra Pradesh",
    ]
    assert manifest["parameters"]["snapshot_dates"] == ["2025-12-31", "2026-01-31", "2026-02-28"]
    rows = sum(len(read_csv(p)) - 2 for p in (small / "raw" / "mdo").iterdir())
    assert manifest["counts"]["rows"]["mdo_data_rows"] == rows
    planted = manifest["planted"]
    assert Counter(p["issue_type"] for p in planted) == manifest["counts"]["planted"]
    assert {p["issue_type"] for p in planted} <= REVIEW_TYPES
    for kind in ("orphan", "merged_cell", "duplicate_mdo", "unparsed_row", "totals_mismatch"):
        assert manifest["counts"]["planted"][kind] >= 3, kind
    for entry in planted:
        rows = read_csv(small / "raw" / entry["source_file"])
        if entry["issue_type"] == "totals_mismatch":
            assert entry["source_row"] == len(rows) and entry["column"]
        elif entry["source_row"] is not None:  # the finding's row holds its names
            row = rows[entry["source_row"] - 1]
            assert (row[0] or None) == entry["department"]
            assert entry["mdo_name"] in (None, row[1])


# --- clean names ---------------------------------------------------------------------------------


@pytest.mark.unit
def test_department_names_are_pairwise_distinct_for_the_review():
    """The review's near-duplicate score (dbt review_similarity) of every two department names,
    computed by DuckDB as the review does, stays under its 0.9 threshold; a name and its
    other spelling ('Department of X') read as the same words."""
    names = [d.name for d in DEPARTMENTS]
    con = duckdb.connect()
    text = r"""trim(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
        ' ' || trim(regexp_replace(replace(lower(x), '&', ' and '), '[^\p{L}\p{M}\p{N}]+', ' ',
        'g')) || ' ', '\b(of|and|the|for|department|dept|govt|government)\b', ' ', 'g'),
        'ies\b', 'y', 'g'), '(\p{L}[^s\s])s\b', '\1', 'g'), '\s+', ' ', 'g'))"""
    rows = con.execute(
        f"""
        with n as (select unnest(?) as x, unnest(?) as alt),
        t as (select x, {text} as txt, {text.replace("(x)", "(alt)")} as alt_txt from n)
        select a.x, b.x, a.txt = a.alt_txt, greatest(
            jaro_winkler_similarity(a.txt, b.txt),
            len(list_intersect(string_split(a.txt, ' '), string_split(b.txt, ' ')))
            / len(list_distinct(list_concat(string_split(a.txt, ' '), string_split(b.txt, ' '))))
        ) as score
        from t as a, t as b where a.x < b.x
        """,
        [names, [alternative_name(n) for n in names]],
    ).fetchall()
    assert max(score for *_, score in rows) < 0.9
    assert all(same for _, _, same, _ in rows)


@pytest.mark.unit
def test_bodies_share_their_departments_domain():
    seeds = ReviewSeeds.load()
    for department in DEPARTMENTS:
        domains = seeds.domains(department.name, "Bihar")
        for template in department.bodies + department.offices:
            name = template.replace("{SS}", "Bihar State").replace("{P}", "Rampur")
            assert not seeds.is_department_like(name, "Bihar"), name
            mine = seeds.domains(name, "Bihar")
            assert not (mine and domains) or mine & domains, (department.name, name)


@pytest.mark.unit
@pytest.mark.parametrize("state", all_states(), ids=lambda s: s.slug)
def test_every_state_has_unique_clean_names(state):
    """Each state's MDO names are unique for the duplicate_mdo rule, and every body shares its
    department's domain (or has none), so only planted defects are findings."""
    seeds = ReviewSeeds.load()
    structure = build_structure(state, 500, SMALL.seed, seeds)
    assert len(structure.names) == 500
    keys = [mdo_key(name, state.name) for name in structure.names]
    assert len(set(keys)) == len(keys)
    assert 40 <= len(structure.departments) <= 60
    for row, name in enumerate(structure.names):
        if structure.kinds[row] in (BODY, OFFICE):
            assert not name.lower().endswith(state.name.lower()), name
            parent = structure.departments[structure.department_of[row]].domains
            mine = structure.domains[row]
            assert not (mine and parent) or mine & parent, name
    real = [p for p in DISTRICTS[state.slug] if state.name.lower() not in p.lower()]
    assert sum(f"District {p}, {state.name}" in structure.names for p in real) >= min(6, len(real))


# --- the whole pipeline on the small size --------------------------------------------------------


def seed_with_every_defect(out: Path) -> int:
    """The first seed from the default whose small data plants every kind of finding (a
    re-sent report, the rarest, is in about one small run in five): generated into `out`."""
    for seed in range(SMALL.seed, SMALL.seed + 100):
        summary = generate(Parameters.for_size("small", seed=seed), out)
        if set(summary["counts"]["planted"]) == REVIEW_TYPES:
            return seed
    raise AssertionError("no seed plants every kind of finding")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """Small synthetic data with every kind of defect, run through the full pipeline once."""
    root = tmp_path_factory.mktemp("synth_pipeline")
    out = root / "small"
    seed_with_every_defect(out)
    warehouse = root / "igot.duckdb"
    result = materialize_into(out / "raw", warehouse)
    assert result.success, "the full pipeline failed on the small synthetic data"
    return out, warehouse


def query(warehouse: Path, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def matches(planted: dict, finding: dict) -> bool:
    """Whether a finding of the review is the planted one (same snapshot)."""
    same = (
        finding["issue_type"] == planted["issue_type"]
        and finding["state"] == planted["state"]
        and finding["snapshot_date"] == planted["snapshot_date"]
    )
    if not same:
        return False
    kind = planted["issue_type"]
    if kind == "totals_mismatch":
        return finding["source_row"] == planted["source_row"] and finding["evidence"].startswith(
            planted["column"] + ":"
        )
    if kind == "duplicate_file":
        return finding["source_file"] == planted["source_file"]
    names = (finding["department"], finding["mdo_name"]) == (
        planted["department"],
        planted["mdo_name"],
    )
    if kind == "near_duplicate_department":
        return names
    return names and finding["source_row"] == planted["source_row"]


FINDING_COLUMNS = (
    "issue_type",
    "state",
    "snapshot_date",
    "department",
    "mdo_name",
    "source_file",
    "source_row",
    "evidence",
)


def review_findings(warehouse: Path) -> list[dict]:
    rows = query(
        warehouse,
        "select issue_type, state, snapshot_date::varchar, department, mdo_name, source_file, "
        "source_row, evidence from intermediate.review_findings",
    )
    return [dict(zip(FINDING_COLUMNS, row, strict=True)) for row in rows]


@pytest.mark.pipeline
def test_every_planted_finding_is_reported_and_nothing_else(built):
    out, warehouse = built
    planted = read_manifest(out)["planted"]
    unmatched = review_findings(warehouse)
    missing = []
    for entry in planted:
        hit = next((f for f in unmatched if matches(entry, f)), None)
        if hit is None:
            missing.append(entry)
        else:
            unmatched.remove(hit)
    assert not missing, f"planted but not reported: {missing}"
    assert not unmatched, f"reported but not planted (false positives): {unmatched}"


@pytest.mark.pipeline
def test_every_planted_finding_is_in_org_mapping_issues(built):
    """The mart keeps each finding once (its latest snapshot) with first and last seen."""
    out, warehouse = built
    rows = query(
        warehouse,
        "select issue_type, state, department, mdo_name, source_file, source_row, evidence, "
        "first_seen::varchar, last_seen::varchar, snapshot_date::varchar "
        "from marts.org_mapping_issues",
    )
    issues = [
        dict(
            zip(
                (
                    "issue_type",
                    "state",
                    "department",
                    "mdo_name",
                    "source_file",
                    "source_row",
                    "evidence",
                    "first_seen",
                    "last_seen",
                    "snapshot_date",
                ),
                row,
                strict=True,
            )
        )
        for row in rows
    ]
    for entry in read_manifest(out)["planted"]:
        date = entry["snapshot_date"]
        candidates = [
            i
            for i in issues
            if i["issue_type"] == entry["issue_type"]
            and i["state"] == entry["state"]
            and i["first_seen"] <= date <= i["last_seen"]
        ]
        if entry["issue_type"] == "totals_mismatch":
            candidates = [i for i in candidates if i["evidence"].startswith(entry["column"] + ":")]
        elif entry["issue_type"] == "duplicate_file":
            candidates = [i for i in candidates if i["source_file"] == entry["source_file"]]
        else:
            candidates = [
                i
                for i in candidates
                if (i["department"], i["mdo_name"]) == (entry["department"], entry["mdo_name"])
            ]
        assert candidates, f"not in marts.org_mapping_issues: {entry}"
        latest = [i for i in candidates if i["snapshot_date"] == date]
        if latest and entry["source_row"] is not None:
            assert any(i["source_row"] == entry["source_row"] for i in latest), entry


@pytest.mark.pipeline
def test_rows_read_are_loaded_quarantined_or_totals(built):
    out, warehouse = built
    loads = query(
        warehouse,
        "select source_file, status, rows_read, rows_loaded, rows_quarantined, total_rows "
        "from raw.file_loads",
    )
    assert sorted(r[0] for r in loads) == sorted(
        p.relative_to(out / "raw").as_posix() for p in (out / "raw").rglob("*.csv")
    )
    for source_file, _, read, loaded, quarantined, totals in loads:
        assert read == loaded + quarantined + totals, source_file
    planted = read_manifest(out)["planted"]
    resent = {p["source_file"] for p in planted if p["issue_type"] == "duplicate_file"}
    assert resent
    assert {r[0] for r in loads if r[1] == "duplicate_content"} == resent
    for source_file, status, read, *_ in loads:
        if source_file.startswith("mdo/") and status == "loaded":
            assert read == len(read_csv(out / "raw" / source_file)) - 1  # all but the header
    ragged = sum(1 for p in planted if p["issue_type"] == "unparsed_row")
    assert query(warehouse, "select count(*) from raw.quarantine")[0][0] == ragged


@pytest.mark.pipeline
def test_every_state_and_month_reaches_the_marts(built):
    out, warehouse = built
    manifest = read_manifest(out)
    resent = {
        (p["state"], p["snapshot_date"])
        for p in manifest["planted"]
        if p["issue_type"] == "duplicate_file"
    }
    expected = {
        (state, date)
        for state in manifest["parameters"]["state_names"]
        for date in manifest["parameters"]["snapshot_dates"]
    } - resent
    snapshots = query(
        warehouse, "select distinct state, snapshot_date::varchar from marts.mdo_snapshot"
    )
    assert set(snapshots) == expected
    editions = query(warehouse, "select distinct edition_date::varchar from marts.state_ranking")
    assert {e for (e,) in editions} == set(manifest["parameters"]["snapshot_dates"])
