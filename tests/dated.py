"""Sample projects with a git history of known dates, so that page dates (which come from the history) are known."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

IGNORED = shutil.ignore_patterns(".git", "site", "__pycache__", ".pytest_cache", "artifacts", "*.egg-info", ".venv")


def commit(root: Path, message: str, day: str, *paths: str) -> None:
    """Commit everything (or the paths given) with author and committer date `day` (YYYY-MM-DD)."""
    stamp = f"{day}T10:00:00+00:00"
    env = {**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    git = ["git", "-c", "user.name=Editor", "-c", "user.email=editor@invalid"]
    subprocess.run([*git, "add", "-A", *paths], cwd=root, env=env, check=True, capture_output=True)
    subprocess.run([*git, "commit", "-qm", message], cwd=root, env=env, check=True, capture_output=True)


def dated_copy(source: Path, target: Path, day: str, site_url: str | None = None) -> Path:
    """A copy of a project in a fresh git repository whose one commit is dated `day`; site_url replaced if given."""
    shutil.copytree(source, target, ignore=IGNORED)
    if site_url is not None:
        config = target / "mkdocs.yml"
        lines = [line for line in config.read_text(encoding="utf-8").splitlines() if not line.startswith("site_url:")]
        lines.insert(1, f"site_url: {site_url}")
        config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=target, check=True)
    commit(target, "published", day)
    return target
