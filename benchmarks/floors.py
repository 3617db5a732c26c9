"""Parts of a build measured alone: what a target cannot go below while the build is made of them.

    python -m benchmarks.floors yaml PROJECT         # every record file loaded by PyYAML's C loader, nothing else
    python -m benchmarks.floors empty-tree TREE OUT  # a copy of a generated tree whose pages keep only their front matter

`yaml` loads each case and study file with `yaml.load(..., Loader=yaml.CSafeLoader)` (what yaml.safe_load does, with
libyaml), in as many processes as `site-builder validate` uses (SITE_BUILDER_JOBS, else one per usable core): no
positions, no schema, no checks, no cache. `site-builder validate` parses each file once with the same parser and then
checks it, so this is the least it can take on the same machine.

`empty-tree` makes the input of the harness's `mkdocs-empty` stage: `mkdocs build` of the same pages, navigation,
theme and static files with every page's body left out, which is what MkDocs and Material cost before any content.

The harness (benchmarks/run.py) runs both through these commands and reports them next to the targets they bound.
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import os
import shutil
import sys
import time
from pathlib import Path

import yaml

RECORD_FOLDERS = ("cases", "studies")


def record_files(project: Path) -> list[Path]:
    """The project's case and study files, as validate finds them (*.yaml in cases/ and studies/)."""
    return sorted(path for folder in RECORD_FOLDERS for path in (project / folder).glob("*.yaml"))


def _load_share(paths: list[Path]) -> int:
    gc.disable()  # as validate runs its checks: no cycle collection while records pile up
    for path in paths:
        yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
    return len(paths)


def load_all(paths: list[Path], processes: int) -> int:
    """Load every file, the files dealt out in turn to the processes; the number of files loaded."""
    if processes <= 1 or len(paths) < 2:
        return _load_share(paths)
    shares = [paths[i::processes] for i in range(processes)]
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        return sum(pool.map(_load_share, shares))


def processes_of_validate() -> int:
    """How many processes `site-builder validate` checks files in on this machine (the code under test says)."""
    from site_builder.project import jobs_setting

    return jobs_setting()


def empty_tree(tree: Path, out: Path) -> int:
    """Copy tree to out with each Markdown page under docs/ cut down to its front matter; the number of pages."""
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(tree, out)
    pages = 0
    for page in sorted((out / "docs").rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        front = ""
        if text.startswith("---\n"):
            end = text.find("\n---\n", 4)
            if end != -1:
                front = text[: end + 5]
        page.write_text(front + "\n", encoding="utf-8")
        pages += 1
    return pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.floors", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    load = commands.add_parser("yaml", help="load every record file with PyYAML's C loader")
    load.add_argument("project", type=Path)
    load.add_argument("--processes", type=int, help="default: as many as site-builder validate uses")
    empty = commands.add_parser("empty-tree", help="copy a generated tree with its pages' bodies left out")
    empty.add_argument("tree", type=Path)
    empty.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    if args.command == "yaml":
        if not hasattr(yaml, "CSafeLoader"):
            print("PyYAML has no C loader here (libyaml missing): no floor to measure", file=sys.stderr)
            return 2
        paths = record_files(args.project)
        processes = args.processes or processes_of_validate()
        start = time.perf_counter()
        loaded = load_all(paths, processes)
        print(f"{loaded} record files loaded by yaml.CSafeLoader in {processes} processes: {time.perf_counter() - start:.2f} s")
        return 0 if loaded == len(paths) else 1
    pages = empty_tree(args.tree, args.out)
    print(f"{pages} pages emptied in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
