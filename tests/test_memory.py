"""Memory a step freed goes back to the system before dbt runs beside the pipeline's process:
cyclic garbage is collected and glibc's free pages are returned (dagster_project/memory.py)."""

import subprocess
import sys
import textwrap

import pytest

from tests.support import REPO_ROOT

pytestmark = pytest.mark.unit

# In a process of its own, so the measurement is not disturbed by the test session's heap.
# About 200 MB of 1 KB buffers (above pymalloc's limit, below glibc's mmap threshold: malloc's
# own heap) reachable only through a reference cycle, as GX's validations leave them, and one
# buffer allocated after them that keeps the top of the heap in use, so free() alone can not
# shrink it.
CHILD = textwrap.dedent(
    """
    import psutil
    from dagster_project.memory import return_freed_memory

    class Holder:
        pass

    def rss():
        return psutil.Process().memory_info().rss

    base = rss()
    holder = Holder()
    holder.buffers = [bytearray(1024) for _ in range(200_000)]
    holder.itself = holder
    pin = bytearray(1024)
    del holder
    held = rss()
    return_freed_memory()
    print(base, held, rss())
    """
)

MB = 1024 * 1024


def test_freed_memory_goes_back_to_the_system():
    completed = subprocess.run(
        [sys.executable, "-c", CHILD], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    base, held, after = map(int, completed.stdout.split())
    assert held - base > 150 * MB, "the garbage should still be held before the call"
    assert held - after > 150 * MB, f"only {(held - after) // MB} MB of about 200 came back"
