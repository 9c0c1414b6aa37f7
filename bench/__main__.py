"""`python -m bench`: benchmark the pipeline at several data sizes against a hand-written floor.

For each size: generate synthetic raw data, build the warehouse with the pipeline CLI, run the
floor script (bench/floor.sql) on the same files, re-run the pipeline with nothing changed, time
a sensor tick, add the newest month to a warehouse built without it, and time the dashboard's
queries. Prints a table and PASS/MISS per target, writes bench/results/<stamp>-<host>.json and
bench/results/latest.json. A MISS is reported, not fatal: a failing pipeline exits 1, a failing
step of the benchmark itself exits 2. See bench/README.md.
"""

import argparse
import datetime as dt
import shutil
import sys
from pathlib import Path

from bench import report, scenarios

BENCH_DIR = Path(__file__).resolve().parent
WORK_DIR = BENCH_DIR / "work"
DEFAULT_SIZES = "small,medium,large"
DEFAULT_SEED = 20260225
INCREMENTAL_SIZES = ("medium", "large")
OFFICER_DAY_SIZES = ("bihar",)  # a second officer report date after the first


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default=DEFAULT_SIZES,
        help=f"comma-separated sizes for synth (default {DEFAULT_SIZES})",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="the generator's seed")
    parser.add_argument(
        "--keep", action="store_true", help="keep the work directory (data, warehouses, logs)"
    )
    parser.add_argument(
        "--raw",
        type=Path,
        help="benchmark this existing raw folder instead of generating data (one size, "
        "named after the folder)",
    )
    parser.add_argument(
        "--incremental",
        choices=("auto", "always", "never"),
        default="auto",
        help="the incremental scenarios: auto adds a new month for medium and large, and a "
        "second officer report date for bihar",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=4 * 3600,
        help="seconds any one step may take before it is killed (default 4 h)",
    )
    parser.add_argument(
        "--dashboard-runs", type=int, default=5, help="timed runs per dashboard query"
    )
    parser.add_argument(
        "--no-results", action="store_true", help="print the report but write no results file"
    )
    return parser.parse_args(argv)


def wants_incremental(mode: str, size: str, sizes: tuple[str, ...] = INCREMENTAL_SIZES) -> bool:
    return mode == "always" or (mode == "auto" and size in sizes)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.raw:
        sizes = [args.raw.resolve().parent.name if args.raw.name == "raw" else args.raw.name]
    else:
        sizes = [size.strip() for size in args.sizes.split(",") if size.strip()]
    started = dt.datetime.now(dt.UTC)
    work = WORK_DIR / started.strftime("%Y%m%dT%H%M%SZ")
    work.mkdir(parents=True, exist_ok=True)
    print(f"[bench] sizes {', '.join(sizes)}; work directory {work}", file=sys.stderr)

    results: list[dict] = []
    try:
        scenarios.ensure_dbt_manifest()
        for size in sizes:
            options = scenarios.Options(
                seed=args.seed,
                timeout=args.timeout,
                dashboard_runs=args.dashboard_runs,
                incremental=wants_incremental(args.incremental, size),
                next_officer_day=wants_incremental(args.incremental, size, OFFICER_DAY_SIZES),
            )
            outcome = scenarios.run_size(size, work / size, options, raw_override=args.raw)
            results.append(outcome.to_json())
    except scenarios.StepFailed as failure:
        print(f"[bench] cannot run: {failure}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"[bench] kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)

    verdicts = report.evaluate(results)
    print(report.format_report(results, verdicts))
    document = {
        "started_at": started.isoformat(),
        "finished_at": dt.datetime.now(dt.UTC).isoformat(),
        "seed": args.seed,
        "sizes": sizes,
        "machine": report.machine_info(),
        "targets": verdicts,
        "results": results,
    }
    if not args.no_results:
        print(f"\nResults: {report.write_results(document)}")
    if any(result["pipeline_failed"] for result in results):
        failed = [result["size"] for result in results if result["pipeline_failed"]]
        print(f"[bench] the pipeline failed at: {', '.join(failed)}", file=sys.stderr)
        return 1
    if any(result["errors"] for result in results):
        print("[bench] some measurements failed; see the errors above", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
