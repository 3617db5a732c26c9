"""Pages rendered by several processes at once: the same site as one process renders, page for page.

Fork is refused in a process where other threads run, and earlier tests may leave some (servers, browsers): the
checks that need workers run in a fresh interpreter of their own, which must find fork usable (or the test fails)."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from site_builder.pages import parallel
from site_builder.pages.parallel import bounds, in_parts

HERE = Path(__file__).resolve().parent
needs_fork = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pages are rendered in parts on Linux only")


def in_fresh_process(check: str) -> None:
    """Run one of this module's _check_* functions in a new interpreter (no thread but its own)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), str(HERE.parent), os.environ.get("PYTHONPATH", "")])}
    code = f"import test_parallel; test_parallel.{check}"
    result = subprocess.run([sys.executable, "-c", code], cwd=HERE, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("count", "parts"), [(10, 3), (3, 3), (7, 2), (100, 7), (5, 1)])
def test_bounds_cover_the_range_once_in_order(count, parts):
    slices = bounds(count, parts)
    assert len(slices) == parts
    assert [i for start, stop in slices for i in range(start, stop)] == list(range(count))
    sizes = [stop - start for start, stop in slices]
    assert max(sizes) - min(sizes) <= 1 and sizes[0] == max(sizes)


def _check_chunks() -> None:
    context = multiprocessing.get_context("fork")
    here, took, worked = os.getpid(), context.Event(), context.Event()

    def render(start: int, stop: int) -> tuple[int, int, int]:
        if os.getpid() == here:  # each waits for the other's first chunk, so that both take some
            took.set()
            worked.wait(60)
        else:
            took.wait(60)
            worked.set()
        return start, stop, os.getpid()

    assert parallel.can_fork()
    results = in_parts(200, 3, render, part_min=1)
    assert results is not None
    slices = [(a, b) for a, b, _ in results]
    assert [i for a, b in slices for i in range(a, b)] == list(range(200))  # every page once, in order
    assert len(slices) > 3  # in chunks, so that a slow chunk does not hold the others back
    pids = {pid for _, _, pid in results}
    assert here in pids and pids - {here}  # forked workers took chunks, and so did this process


def _check_error() -> None:
    here, raised = os.getpid(), multiprocessing.get_context("fork").Event()

    def render(start: int, stop: int) -> None:
        if os.getpid() == here:
            raised.wait(60)  # this process waits for a worker to fail, so that the error is the worker's
            return
        raised.set()
        raise ValueError(f"a worker's chunk {start}")

    try:
        in_parts(100, 2, render, part_min=1)
    except ValueError as exc:
        assert str(exc).startswith("a worker's chunk"), exc
    else:
        raise AssertionError("a worker's error is raised in the main process")


def _orphan_scenario(pid_file: str) -> None:
    """Renders slowly, writing down each worker's process id, until killed."""
    here = os.getpid()

    def render(start: int, stop: int) -> None:
        if os.getpid() != here:
            with open(pid_file, "a") as out:
                out.write(f"{os.getpid()}\n")
        time.sleep(30)

    in_parts(100, 3, render, part_min=1)


def _check_site(jobs: int) -> None:
    from conftest import REPO
    from site_builder.pages.site import SiteOptions, build_site
    from site_builder.project import ProjectPaths, load_project

    project = load_project(ProjectPaths(REPO))
    assert not project.errors
    options = SiteOptions(templates=REPO / "templates")
    alone = build_site(project, options, jobs=1)
    parallel.PART_MIN, parallel.CHUNKS_PER_JOB = 1, 4  # the repository has few pages: every process takes a share
    used: list[object] = []
    real = parallel.in_parts
    parallel.in_parts = lambda *args, **kwargs: used.append(real(*args, **kwargs)) or used[-1]
    import site_builder.pages.site as site_module

    site_module.in_parts = parallel.in_parts
    parts = build_site(project, options, jobs=jobs)
    # the references' entries, then the pages: each in chunks, by several processes
    assert len(used) >= 2 and all(part is not None and len(part) > jobs for part in used), [part and len(part) for part in used]
    assert list(parts.pages) == list(alone.pages)
    for path, page in alone.pages.items():
        assert parts.pages[path] == page, path
    assert parts.titles == alone.titles and list(parts.titles) == list(alone.titles)
    assert parts.usage == alone.usage  # each reference's citing pages, in the same order
    assert parts.assets == alone.assets and list(parts.assets) == list(alone.assets)
    assert parts.problems == alone.problems
    # every reference's entry, the uncited ones too (no page shows them), in the same order
    made_alone, made_in_parts = site_module._entries(project, options, None, "", 1), site_module._entries(project, options, None, "", jobs)
    assert list(made_in_parts.items()) == list(made_alone.items()) and len(made_alone) == len(project.references)


@needs_fork
def test_chunks_come_back_in_order_rendered_here_and_in_workers():
    in_fresh_process("_check_chunks()")


@needs_fork
def test_a_workers_error_is_raised_here():
    in_fresh_process("_check_error()")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()


@needs_fork
def test_workers_end_when_the_main_process_is_killed(tmp_path):
    pid_file = tmp_path / "workers"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), str(HERE.parent), os.environ.get("PYTHONPATH", "")])}
    code = f"import test_parallel; test_parallel._orphan_scenario({str(pid_file)!r})"
    main = subprocess.Popen([sys.executable, "-c", code], cwd=HERE, env=env)
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(pid_file.read_text().split() if pid_file.exists() else []) < 2:
            time.sleep(0.05)
        workers = [int(pid) for pid in pid_file.read_text().split()]
        assert len(workers) == 2 and all(_alive(pid) for pid in workers)
        main.send_signal(signal.SIGTERM)
        main.wait(30)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
            time.sleep(0.05)
        assert not any(_alive(pid) for pid in workers), "no worker renders on once the main process is gone"
    finally:
        main.kill()
        for pid in workers:  # a failed run leaves none behind either
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


@needs_fork
@pytest.mark.parametrize("jobs", [2, 3])
def test_a_site_rendered_in_parts_is_the_site_one_process_renders(jobs):
    in_fresh_process(f"_check_site({jobs})")


def test_one_process_when_jobs_is_one_too_few_pages_or_a_thread_runs():
    def never(start: int, stop: int) -> None:
        pytest.fail("nothing is rendered in parts")

    assert in_parts(10, 1, never, part_min=1) is None
    assert in_parts(10, 4, never, part_min=6) is None
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert in_parts(10, 4, never, part_min=1) is None
    finally:
        stop.set()
        thread.join()


def test_the_number_of_processes_follows_the_setting_else_the_cores_this_process_may_use(monkeypatch):
    from site_builder.project import jobs_setting

    monkeypatch.setenv("SITE_BUILDER_JOBS", "3")
    assert jobs_setting() == 3
    monkeypatch.setenv("SITE_BUILDER_JOBS", "0")
    assert jobs_setting() == 1
    monkeypatch.delenv("SITE_BUILDER_JOBS")
    expected = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert jobs_setting() == expected
