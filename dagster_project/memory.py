"""Handing memory the pipeline has freed back to the system between its heavy steps.

A run is one long Python process, and dbt's DuckDB runs beside it as a subprocess with its own
budget (IGOT_DUCKDB_MEMORY_LIMIT). Memory the main process freed but its allocators kept still
counts against the machine while dbt builds: on `large`, the Great Expectations step before dbt
left the process at about 1.1 GB when it needed 0.5 GB, and that excess plus dbt's 2.3 GB made
the run's 3.4 GB peak. Three allocators keep freed memory:

- Python's garbage collector: a GX validation leaves reference cycles (about 250 MB on
  `large`) that only a collection frees;
- glibc's malloc: pandas and NumPy buffers freed inside its heap stay mapped until
  `malloc_trim` returns the free pages (about 170 MB on `large`);
- Arrow's mimalloc pool: the record batches of a large CSV (about 3 GB after a Bihar-sized
  enrolment report) until `release_unused`.
"""

import ctypes
import ctypes.util
import functools
import gc

import pyarrow as pa


def return_freed_memory() -> None:
    """Collect cyclic garbage, then ask each allocator to return its free pages to the system."""
    gc.collect()
    pa.default_memory_pool().release_unused()
    malloc_trim = _glibc_malloc_trim()
    if malloc_trim is not None:
        malloc_trim(0)


@functools.cache
def _glibc_malloc_trim():
    """glibc's malloc_trim, or None where the C library has none (musl, macOS)."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        return ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return None
