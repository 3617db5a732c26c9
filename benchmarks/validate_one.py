"""How long `site-builder validate FILE` takes for one case file (the editor and pre-commit path), next to the whole project.

Run: python -m benchmarks.validate_one [--runs 10] [--project .] [FILE]
Prints the wall-clock and CPU seconds of each command, as the median and minimum of the runs (each run is a new
process, as an editor or a pre-commit hook starts it). No test asserts these figures.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def _timed(command: list[str], cwd: Path) -> tuple[float, float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, result.returncode


def measure(command: list[str], cwd: Path, runs: int) -> str:
    results = [_timed(command, cwd) for _ in range(runs)]
    walls, cpus, codes = zip(*results)
    return (
        f"{' '.join(command[1:]):<60} wall median {statistics.median(walls):.2f} s (min {min(walls):.2f}), "
        f"CPU median {statistics.median(cpus):.2f} s, exit {set(codes)}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", help="a case file, relative to the project (default: its first case)")
    parser.add_argument("--project", default=".", type=Path)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args(argv)
    root = args.project.resolve()
    file = args.file or min(p.relative_to(root).as_posix() for p in (root / "cases").glob("*.yaml"))
    command = shutil.which("site-builder") or sys.executable
    base = [command] if command != sys.executable else [sys.executable, "-m", "site_builder.cli"]
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, {args.runs} runs each")
    print(measure([*base, "validate", file], root, args.runs))
    print(measure([*base, "validate"], root, args.runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
