"""Pages rendered by several processes at once: this one and forked workers take chunks of the pages in turn as each
finishes its last (so that a few heavy pages do not leave one process working alone), and the chunks' results are
handed back in the pages' order, whichever process rendered them (Sphinx's parallel write works this way too).

A forked worker starts with everything this process has loaded (project, formatted references, compiled templates):
nothing is sent to it but a chunk's number, and it is killed when the main process ends. Fork is used only on Linux
and where no other thread runs (forking a process with threads can deadlock the child); otherwise, with one job, or
with too few pages to pay for a worker's start, everything is rendered here, one page after another.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

from site_builder.project import can_fork

R = TypeVar("R")
PART_MIN = 150  # pages each process must have on average before another process takes part
CHUNKS_PER_JOB = 16  # chunks per process: enough to even out pages of unequal cost, few enough to cost nothing

_WORK: tuple[Callable[[int, int], Any], list[tuple[int, int]], Any, int] | None = None  # inherited through fork


def bounds(count: int, parts: int) -> list[tuple[int, int]]:
    """range(count) cut into parts consecutive slices of sizes differing by one at most, the first the largest."""
    size, extra = divmod(count, parts)
    out, start = [], 0
    for i in range(parts):
        stop = start + size + (1 if i < extra else 0)
        out.append((start, stop))
        start = stop
    return out


def _die_with_parent() -> None:
    """A worker's start: it is killed when the main process ends, however that ends (SIGTERM, the OOM killer), instead
    of rendering on with nobody to hand its pages to."""
    assert _WORK is not None, "a forked worker inherits its task"
    parent = _WORK[3]
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the main process ended before the line above took effect
        os._exit(1)


def _take(counter: Any, total: int) -> int:
    """The next chunk's number (total when none is left)."""
    with counter.get_lock():
        taken = counter.value
        counter.value = min(taken + 1, total)
    return taken


def _chunks_taken(render: Callable[[int, int], R], chunks: list[tuple[int, int]], counter: Any, parent: int | None = None) -> list[tuple[int, R]]:
    """Chunks taken in turn and rendered, until none is left (or, in a worker, its parent process is gone)."""
    done = []
    try:
        while (parent is None or os.getppid() == parent) and (number := _take(counter, len(chunks))) < len(chunks):
            done.append((number, render(*chunks[number])))
    except BaseException:
        with counter.get_lock():
            counter.value = len(chunks)  # the others stop after the chunk they are on
        raise
    return done


def _worker() -> list[tuple[int, Any]]:
    assert _WORK is not None, "a forked worker inherits its task"
    return _chunks_taken(*_WORK)


def in_parts(count: int, jobs: int, render: Callable[[int, int], R], part_min: int | None = None) -> list[R] | None:
    """render(start, stop) over chunks of range(count), by this process and jobs - 1 forked workers taking chunks in
    turn: the results in the chunks' order. None when it is not worth it or not safe (see the module's text): the
    caller renders everything itself. A worker's exception is raised here as render() would raise it."""
    global _WORK
    workers = min(jobs, count // (part_min or PART_MIN)) - 1
    if workers < 1 or not can_fork():
        return None
    context = multiprocessing.get_context("fork")
    chunks = bounds(count, min(count, (workers + 1) * CHUNKS_PER_JOB))
    counter = context.Value("i", 0)
    _WORK = (render, chunks, counter, os.getpid())
    try:
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_die_with_parent) as pool:
            futures = [pool.submit(_worker) for _ in range(workers)]
            done = _chunks_taken(render, chunks, counter)
            for future in futures:
                done.extend(future.result())
    finally:
        _WORK = None
    done.sort(key=lambda item: item[0])
    assert [number for number, _ in done] == list(range(len(chunks))), "every chunk rendered once"
    return [result for _, result in done]
