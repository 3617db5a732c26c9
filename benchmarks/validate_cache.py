"""`site-builder validate` of a whole project: a first run (nothing cached), a second run (the record cache on disk),
and a first run in one process (SITE_BUILDER_JOBS=1), each a new process measured by benchmarks/measure.py.

Run: python -m benchmarks.validate_cache [--cases 1000 10000] [--project PATH] [--workdir DIR]
With --project, that project is measured; otherwise one is made per size with benchmarks.corpus. Prints wall time,
CPU time (user + system, all processes) and peak memory of each run. No test asserts these figures.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.measure import run_stage

RUNS = (  # name, SITE_BUILDER_JOBS, cache folder (the second run finds what the first one left)
    ("first run", "", "a"),
    ("second run (disk cache)", "", "a"),
    ("first run, one process", "1", "b"),
)


def measure(project: Path, work: Path) -> list[str]:
    """The three runs of validate on project, as printable lines."""
    shutil.rmtree(work / "cache", ignore_errors=True)
    lines = []
    for name, jobs, cache in RUNS:
        environment = {**os.environ, "SITE_BUILDER_JOBS": jobs, "SITE_BUILDER_CACHE_DIR": str(work / "cache" / cache)}
        stage = run_stage(name, ["site-builder", "validate", str(project)], work / "logs" / f"{name.replace(' ', '-')}.log", env=environment)
        lines.append(f"  {name:<26} wall {stage.seconds:7.2f} s   CPU {stage.user_s + stage.sys_s:7.2f} s   peak {stage.peak_mb:7.1f} MB   exit {stage.returncode}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--project", type=Path, help="measure this project instead of making corpora")
    parser.add_argument("--workdir", type=Path, help="where corpora, caches and logs go (default: a temporary folder)")
    args = parser.parse_args(argv)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="validate-cache-"))
    projects: list[tuple[str, Path]] = []
    if args.project:
        projects.append((str(args.project), args.project))
    else:
        for n in args.cases:
            target = work / f"corpus-{n}"
            if not target.is_dir():
                subprocess.run([sys.executable, "-m", "benchmarks.corpus", str(target), "--cases", str(n)], check=True, capture_output=True)
            projects.append((f"{n:,} cases", target))
    for label, project in projects:
        print(label)
        for line in measure(project, work):
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
