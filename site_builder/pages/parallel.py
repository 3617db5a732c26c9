"""Pages rendered in parts: the first part in this process, each other part in a forked worker process at the same
time, the workers' results handed back in order (the way Sphinx's parallel write works).

A forked worker starts with everything this process has loaded (project, formatted references, compiled templates):
nothing is sent to it but where its part starts and stops. Fork is used only where the platform has it and no other
thread runs (forking a process with threads can deadlock the child); otherwise, or with one job, or too few pages to
pay for a worker's start (about 20 ms), everything is rendered here, one page after another.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

R = TypeVar("R")
PART_MIN = 150  # pages a part must have before another process takes one

_WORK: Callable[[int, int], Any] | None = None  # a worker's task, inherited through fork


def _run(start: int, stop: int) -> Any:
    assert _WORK is not None, "a forked worker inherits the task"
    return _WORK(start, stop)


def bounds(count: int, parts: int) -> list[tuple[int, int]]:
    """range(count) cut into parts consecutive slices of sizes differing by one at most, the first the largest."""
    size, extra = divmod(count, parts)
    out, start = [], 0
    for i in range(parts):
        stop = start + size + (1 if i < extra else 0)
        out.append((start, stop))
        start = stop
    return out


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def in_parts(count: int, jobs: int, here: Callable[[int, int], None], there: Callable[[int, int], R], part_min: int | None = None) -> list[R]:
    """here(start, stop) for the first part of range(count), in this process; there(start, stop) for every other part,
    each in a forked worker meanwhile. Returns the workers' results in the parts' order ([] when all ran here). A
    worker's exception is raised here as it would be by there() itself."""
    global _WORK
    parts = min(jobs, count // (part_min or PART_MIN))
    if parts < 2 or not can_fork():
        here(0, count)
        return []
    slices = bounds(count, parts)
    _WORK = there
    try:
        with ProcessPoolExecutor(parts - 1, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = [pool.submit(_run, start, stop) for start, stop in slices[1:]]
            here(*slices[0])
            return [future.result() for future in futures]
    finally:
        _WORK = None
