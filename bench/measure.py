"""Timers and the memory sampler: wall time and peak RSS of a whole process tree.

A pipeline run is several processes (Dagster runs dbt as a subprocess of its own), so the
memory that matters is the sum over the process and all its descendants. A thread samples that
sum every `interval` seconds and keeps the largest value seen. RSS counts shared pages (the
Python runtime, shared libraries) once per process, so the sum is an upper bound of the real
footprint; that is the safe side for a "fits in memory" target.
"""

import contextlib
import os
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import psutil

MB = 1024 * 1024


def tree_rss(root: psutil.Process) -> int:
    """The summed resident set size, in bytes, of a process and all its descendants."""
    try:
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.Error:
            continue  # it ended between the listing and the reading
    return total


class TreeRssSampler:
    """Samples the RSS of a process tree in a background thread; `peak_bytes` is the maximum.

    Use it as a context manager around the life of the process:

        with TreeRssSampler(pid) as sampler:
            process.wait()
        sampler.peak_bytes
    """

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_bytes = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"rss-{pid}", daemon=True)

    def _run(self) -> None:
        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while True:
            self.peak_bytes = max(self.peak_bytes, tree_rss(root))
            self.samples += 1
            if self._stop.wait(self.interval):
                return

    def __enter__(self) -> "TreeRssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()


@dataclass(frozen=True)
class Measured:
    """One measured command: how long it took, its memory peak, and how it ended."""

    command: list[str]
    wall_seconds: float
    peak_rss_bytes: int
    returncode: int
    output_tail: str  # the last lines of stdout and stderr, for a failure message

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def peak_rss_mb(self) -> float:
        return self.peak_rss_bytes / MB


def run_measured(
    command: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    log_path: Path | None = None,
    timeout: float | None = None,
    interval: float = 0.05,
) -> Measured:
    """Run a command to its end, timing it and sampling the RSS of its process tree.

    Its output goes to `log_path` (or is discarded but for the tail kept for errors). A command
    that outlives `timeout` seconds is killed, with its whole tree, and reported as failed.
    """
    log_path = log_path or Path(os.devnull)
    with open(log_path, "wb") as log:
        start = time.perf_counter()
        process = subprocess.Popen(
            list(command),
            env=dict(env) if env is not None else None,
            cwd=cwd,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        with TreeRssSampler(process.pid, interval) as sampler:
            try:
                returncode = process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                kill_tree(process.pid)
                returncode = process.wait()
                returncode = returncode if returncode else -9
        wall = time.perf_counter() - start
    return Measured(list(command), wall, sampler.peak_bytes, returncode, tail(log_path))


def kill_tree(pid: int) -> None:
    """Kill a process we started and every descendant it left."""
    try:
        root = psutil.Process(pid)
        processes = [*root.children(recursive=True), root]
    except psutil.Error:
        return
    for process in processes:
        with contextlib.suppress(psutil.Error):
            process.kill()


def tail(path: Path, lines: int = 20) -> str:
    if str(path) == os.devnull or not path.exists():
        return ""
    text = path.read_text(encoding="utf-8", errors="replace")
    return "\n".join(text.splitlines()[-lines:])


class Stopwatch:
    """`with Stopwatch() as watch: ...` then `watch.seconds`."""

    def __enter__(self) -> "Stopwatch":
        self._start = time.perf_counter()
        self.seconds = 0.0
        return self

    def __exit__(self, *exc_info) -> None:
        self.seconds = time.perf_counter() - self._start
