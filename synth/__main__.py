"""Command line: python -m synth --size small|medium|large [options]."""

import argparse
import sys
import time
from pathlib import Path

from synth.generator import DEFAULT_SEED, OPTIONS, SIZES, Parameters, default_out, generate
from synth.officer_delivery import DEFAULT_PASSWORD, FORMATS, OFFICER_SIZES
from synth.writer import OutputRefused


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    sizes = ", ".join(
        f"{name} = {s['states']} states x {s['mdos']} MDOs x {s['months']} months"
        for name, s in SIZES.items()
    )
    parser = argparse.ArgumentParser(
        prog="python -m synth",
        description=(
            "Write a synthetic raw folder (<out>/raw/, usable as IGOT_RAW_DIR) and "
            f"<out>/manifest.json. Sizes: {sizes}."
        ),
    )
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"default {DEFAULT_SEED}")
    parser.add_argument(
        "--out", type=Path, help="output folder (default synthetic/<size> in the repository)"
    )
    parser.add_argument("--states", type=int, help="number of states/UTs (Bihar first)")
    parser.add_argument("--mdos", type=int, help="MDO rows per state report")
    parser.add_argument("--months", type=int, help="monthly snapshots, the last on 2026-02-28")
    parser.add_argument(
        "--jobs", type=int, help="worker processes (default: CPUs); the output is the same"
    )
    officers = parser.add_argument_group(
        "officer-level reports",
        "iGOT's per-officer reports in officers/<state>_<date>/ and reference/officer_bands.csv "
        "(default sizes: "
        + "; ".join(
            f"{name} = {s['officer_states']} states x {s['officers']:,} officers x "
            f"{s['officer_days']} dates"
            for name, s in OFFICER_SIZES.items()
        )
        + ")",
    )
    officers.add_argument(
        "--officers",
        dest="officer_format",
        choices=FORMATS,
        help="none, password-protected ZIPs (zip) or bare CSVs (csv); default none, csv for bihar",
    )
    officers.add_argument("--officer-states", type=int, help="states with a delivery (Bihar first)")
    officers.add_argument(
        "--officers-per-state", dest="officers", type=int, help="officers in each delivery"
    )
    officers.add_argument("--officer-days", type=int, help="report dates, a week apart")
    officers.add_argument("--zips", type=int, help="ZIPs per delivery (departments dealt round)")
    officers.add_argument(
        "--zip-password", dest="password", help=f"the ZIPs' password (default {DEFAULT_PASSWORD})"
    )
    officers.add_argument(
        "--officer-mdos",
        choices=("synthetic", "shipped"),
        help="the MDOs officers work in: the synthetic MDO reports' (default) or, for Bihar "
        "alone, the shipped raw/mdo report's",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    params = Parameters.for_size(
        args.size,
        args.seed,
        **{name: getattr(args, name) for name in OPTIONS if hasattr(args, name)},
    )
    started = time.perf_counter()
    try:
        summary = generate(params, args.out or default_out(args.size), jobs=args.jobs)
    except OutputRefused as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    seconds = time.perf_counter() - started
    counts = summary["counts"]
    files, rows = counts["files"], counts["rows"]
    p = summary["parameters"]
    print(f"wrote {summary['out']}/raw and {summary['out']}/manifest.json")
    print(
        f"  {params.size}, seed {params.seed}: {p['states']} states x {p['mdos']} MDOs x "
        f"{p['months']} months ({p['snapshot_dates'][0]} to {p['snapshot_dates'][-1]})"
    )
    print(
        f"  files: {files['mdo']} MDO reports, {files['ranking']} ranking editions, "
        f"{files['catalogue']} catalogue and {files['reference']} reference copies, README.md"
    )
    print(
        f"  rows: {rows['mdo_data_rows']:,} MDO rows + {rows['mdo_total_rows']:,} printed "
        f"totals, {rows['ranking_rows']:,} ranking rows; {counts['bytes']:,} bytes"
    )
    print(f"  planted defects: {summary['planted_total']:,} findings")
    for issue_type, count in counts["planted"].items():
        print(f"    {issue_type}: {count:,}")
    if "officers" in summary:
        officers = summary["officers"]
        rows = officers["rows"]
        print(
            f"  officers: {rows['officers']:,} officers, {rows['user_report_rows']:,} user-report "
            f"and {rows['enrolment_rows']:,} enrolment rows in {len(officers['files']):,} files "
            f"({p['officers']['format']})"
        )
        for issue_type, count in officers["planted"].items():
            print(f"    {issue_type}: {count:,}")
    print(f"  seconds: {seconds:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
