"""Record pages rendered in parts by forked processes: the same site as one process renders, page for page."""

from __future__ import annotations

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
def test_workers_results_come_back_in_order_and_the_first_part_runs_here():
    ran_here: list[tuple[int, int, int]] = []
    results = in_parts(9, 3, lambda a, b: ran_here.append((a, b, os.getpid())), lambda a, b: (a, b, os.getpid()), part_min=1)
    assert ran_here == [(0, 3, os.getpid())]
    assert [(a, b) for a, b, _ in results] == [(3, 6), (6, 9)]
    assert all(pid != os.getpid() for _, _, pid in results)  # the other parts ran in other processes


@needs_fork
def test_a_workers_error_is_raised_here():
    def there(start: int, stop: int) -> None:
        raise ValueError(f"part {start}-{stop}")

    with pytest.raises(ValueError, match="part 2-4"):
        in_parts(4, 2, lambda a, b: None, there, part_min=1)


def test_one_process_when_jobs_is_one_too_few_pages_or_a_thread_runs():
    here: list[tuple[int, int]] = []
    assert in_parts(10, 1, lambda a, b: here.append((a, b)), lambda a, b: pytest.fail("no worker"), part_min=1) == []
    assert in_parts(10, 4, lambda a, b: here.append((a, b)), lambda a, b: pytest.fail("no worker"), part_min=6) == []
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert in_parts(10, 4, lambda a, b: here.append((a, b)), lambda a, b: pytest.fail("no worker"), part_min=1) == []
    finally:
        stop.set()
        thread.join()
    assert here == [(0, 10)] * 3


@needs_fork
@pytest.mark.parametrize("jobs", [2, 3])
def test_a_site_rendered_in_parts_is_the_site_one_process_renders(jobs, monkeypatch):
    project = load_project(ProjectPaths(REPO))
    assert not project.errors
    records = len(project.cases) + len(project.studies)
    assert records >= jobs, "the repository's records are split into parts"
    options = SiteOptions(templates=REPO / "templates")
    alone = build_site(project, options, jobs=1)
    monkeypatch.setattr(parallel, "PART_MIN", 1)  # every record its own share: the repository has few
    parts = build_site(project, options, jobs=jobs)
    assert list(parts.pages) == list(alone.pages)
    for path, page in alone.pages.items():
        assert parts.pages[path] == page, path
    assert parts.titles == alone.titles and list(parts.titles) == list(alone.titles)
    assert parts.usage == alone.usage  # each reference's citing pages, in the same order
    assert parts.assets == alone.assets and list(parts.assets) == list(alone.assets)
    assert parts.problems == alone.problems
