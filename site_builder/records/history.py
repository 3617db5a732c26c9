"""When each input file was first published and last changed, read once from the project's git history.

Dates come from commits (author dates), so they are the same on every rebuild of the same history, whatever the
clock says. Outside a git checkout, or for a file with no commit yet, there is no history and callers fall back to
dates written in the data.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

MARK = "\x1e"


def file_dates(root: Path) -> dict[str, tuple[str, str]]:
    """{path relative to root: (first commit date, last commit date)} as YYYY-MM-DD; {} without git history."""
    try:
        top = subprocess.run(["git", "-C", str(root), "rev-parse", "--show-toplevel"], capture_output=True, text=True, timeout=30)
        if top.returncode != 0:
            return {}
        log = subprocess.run(
            ["git", "-C", str(root), "log", "--no-renames", "--name-only", f"--format={MARK}%as", "--", "."],
            capture_output=True, text=True, timeout=120,
        )
    except (OSError, subprocess.SubprocessError):
        return {}
    if log.returncode != 0:
        return {}
    base = Path(top.stdout.strip()).resolve()
    try:
        prefix = root.resolve().relative_to(base).as_posix()
    except ValueError:
        return {}
    prefix = "" if prefix == "." else prefix + "/"
    dates: dict[str, tuple[str, str]] = {}
    for commit in log.stdout.split(MARK)[1:]:  # newest first
        day, *files = [line for line in commit.splitlines() if line.strip()]
        for name in files:
            if name.startswith(prefix):
                rel = name[len(prefix):]
                first, last = dates.get(rel, (day, day))
                dates[rel] = (min(first, day), max(last, day))
    return dates
