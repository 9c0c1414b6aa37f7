"""One sensor-style tick with nothing new: `python -m bench.sensor_tick --raw RAW [--warehouse W]`.

Evaluates `raw_files_sensor` twice, as Dagster's daemon would: a first tick with no cursor
(every file is new, so it hashes them all and asks for a run) and then a tick with the cursor
the first one returned, on the unchanged folder. The second is what every minute costs while
nothing is delivered. Prints JSON with both times.
"""

import argparse
import json
import sys
import time
from pathlib import Path


def ticks(raw_dir: Path, warehouse: Path | None = None) -> dict:
    """Both ticks over `raw_dir`; the sensor also reads what the run that published
    `warehouse` (IGOT_WAREHOUSE when not given) held back."""
    import dagster as dg

    from dagster_project.definitions import defs
    from dagster_project.resources import RawFiles, Warehouse
    from dagster_project.sensors import raw_files_sensor

    def tick(cursor: str | None) -> tuple[dg.SensorResult, float]:
        context = dg.build_sensor_context(
            cursor=cursor,
            resources={
                "raw_files": RawFiles(root=str(raw_dir)),
                "warehouse": Warehouse(path=str(warehouse) if warehouse else ""),
            },
            definitions=defs,
        )
        start = time.perf_counter()
        result = raw_files_sensor(context)
        return result, time.perf_counter() - start

    first, first_seconds = tick(None)
    second, second_seconds = tick(first.cursor)
    return {
        "files": len(json.loads(first.cursor or "{}")),
        "first_tick_seconds": first_seconds,
        "first_tick_run_requests": len(first.run_requests or []),
        "no_change_tick_seconds": second_seconds,
        "no_change_tick_run_requests": len(second.run_requests or []),
        "no_change_skip_reason": second.skip_reason.skip_message if second.skip_reason else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--raw", type=Path, required=True)
    parser.add_argument("--warehouse", type=Path, help="the warehouse the sensor reads")
    args = parser.parse_args(argv)
    print(json.dumps(ticks(args.raw.resolve(), args.warehouse)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
