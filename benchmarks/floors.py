"""The least `site-builder validate` can take: every record file's YAML events pulled from libyaml, and nothing else.

    python -m benchmarks.floors PROJECT [--processes N]

Validate reads each case and study file with one walk over the events libyaml gives through PyYAML's C binding
(site_builder/records/yamlsource.py); every other step of its check comes on top. This pulls the same events for the
same files (validate's own file list, without the files over its size limit, which it refuses unread) and drops
them: no values, no positions, no schema, no checks, no cache. It runs them in as many processes as validate may use
on this machine (SITE_BUILDER_JOBS, else one per usable core): validate checks files in its main process and at most
that many less one workers, fewer for a small project. So a first `site-builder validate` with this parser cannot be
faster than this on the same machine. The seconds it prints leave out Python's start and imports; the harness's stage
time includes them.

The harness (benchmarks/run.py) runs it as the `yaml-events` stage; REPORT.md sets it against the validate target.
The other part measured alone, Pagefind over our own built site (`site-builder index`, the `index-alone` stage),
needs no script: it is the project's command.
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import sys
import time
from pathlib import Path

import yaml


def record_files(project: Path) -> list[Path]:
    """The case and study files validate checks, found as validate finds them (the project's settings, then
    site_builder.records.load.case_paths)."""
    from site_builder.engine.settings import project_paths
    from site_builder.records.load import case_paths

    from site_builder.records.yamlsource import MAX_BYTES

    paths = project_paths(project)
    folders = [paths.root / paths.cases, paths.root / paths.studies]
    return [path for folder in folders if folder.is_dir() for path in case_paths(folder) if path.stat().st_size <= MAX_BYTES]


def _pull_events(paths: list[Path]) -> int:
    enabled = gc.isenabled()
    gc.disable()  # as validate runs its checks
    try:
        for path in paths:
            parser = yaml.CSafeLoader(path.read_bytes())
            try:
                while parser.check_event():
                    parser.get_event()
            finally:
                parser.dispose()
    finally:
        if enabled:  # left as it was: the tests call main() in-process
            gc.enable()
    return len(paths)


def pull_all(paths: list[Path], processes: int) -> int:
    """Every file's events pulled, the files dealt out in turn to the processes; the number of files read."""
    if processes <= 1 or len(paths) < 2:
        return _pull_events(paths)
    shares = [paths[i::processes] for i in range(processes)]
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        return sum(pool.map(_pull_events, shares))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.floors", description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--processes", type=int, help="default: as many as site-builder validate may use here")
    args = parser.parse_args(argv)
    if not hasattr(yaml, "CSafeLoader"):
        print("PyYAML has no C binding here (libyaml missing): validate parses in Python, and there is no floor to measure", file=sys.stderr)
        return 2
    from site_builder.project import jobs_setting

    paths = record_files(args.project)
    processes = args.processes or jobs_setting()
    start = time.perf_counter()
    try:
        pulled = pull_all(paths, processes)
    except yaml.YAMLError as exc:  # validate reports such a file; a floor over the others would not be validate's
        print(f"{args.project}: a record file is not YAML, so there is no floor to measure: {' '.join(str(exc).split())}", file=sys.stderr)
        return 1
    print(f"the YAML events of {pulled} record files pulled through libyaml in {processes} processes: {time.perf_counter() - start:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
