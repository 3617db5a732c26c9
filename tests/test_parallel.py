"""Pages rendered by several processes at once: the same site as one process renders, page for page."""

from __future__ import annotations

import multiprocessing
import os
import threading

import pytest

from conftest import REPO
from site_builder.pages import parallel
from site_builder.pages.parallel import bounds, in_parts
from site_builder.pages.site import SiteOptions, build_site
from site_builder.project import ProjectPaths, load_project

needs_fork = pytest.mark.skipif(not parallel.can_fork(), reason="no fork on this platform, or threads already run")


@pytest.mark.parametrize(("count", "parts"), [(10, 3), (3, 3), (7, 2), (100, 7), (5, 1)])
def test_bounds_cover_the_range_once_in_order(count, parts):
    slices = bounds(count, parts)
    assert len(slices) == parts
    assert [i for start, stop in slices for i in range(start, stop)] == list(range(count))
    sizes = [stop - start for start, stop in slices]
    assert max(sizes) - min(sizes) <= 1 and sizes[0] == max(sizes)


@needs_fork
def test_chunks_come_back_in_order_rendered_here_and_in_workers():
    here, worked = os.getpid(), multiprocessing.get_context("fork").Event()

    def render(start: int, stop: int) -> tuple[int, int, int]:
        if os.getpid() == here:
            worked.wait(60)  # this process waits for a worker's first chunk, so that each takes some
        else:
            worked.set()
        return start, stop, os.getpid()

    results = in_parts(200, 3, render, part_min=1)
    assert results is not None
    slices = [(a, b) for a, b, _ in results]
    assert [i for a, b in slices for i in range(a, b)] == list(range(200))  # every page once, in order
    assert len(slices) > 3  # in chunks, so that a slow chunk does not hold the others back
    pids = {pid for _, _, pid in results}
    assert here in pids and pids - {here}  # forked workers took chunks, and so did this process


@needs_fork
def test_a_workers_error_is_raised_here():
    def render(start: int, stop: int) -> None:
        if start >= 50:
            raise ValueError(f"chunk {start}")

    with pytest.raises(ValueError, match="chunk"):
        in_parts(100, 2, render, part_min=1)


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


@needs_fork
@pytest.mark.parametrize("jobs", [2, 3])
def test_a_site_rendered_in_parts_is_the_site_one_process_renders(jobs, monkeypatch):
    project = load_project(ProjectPaths(REPO))
    assert not project.errors
    options = SiteOptions(templates=REPO / "templates")
    alone = build_site(project, options, jobs=1)
    monkeypatch.setattr(parallel, "PART_MIN", 1)  # the repository has few pages: every process takes a share
    monkeypatch.setattr(parallel, "CHUNKS_PER_JOB", 4)
    parts = build_site(project, options, jobs=jobs)
    assert list(parts.pages) == list(alone.pages)
    for path, page in alone.pages.items():
        assert parts.pages[path] == page, path
    assert parts.titles == alone.titles and list(parts.titles) == list(alone.titles)
    assert parts.usage == alone.usage  # each reference's citing pages, in the same order
    assert parts.assets == alone.assets and list(parts.assets) == list(alone.assets)
    assert parts.problems == alone.problems
