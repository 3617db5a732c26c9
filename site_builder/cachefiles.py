"""The user's cache folder, where results are kept from one run to the next: the record checks
(records/diskcache.py), compiled templates (pages/compiled.py) and the theme's cut stylesheets
(engine/stylesheet.py). Never inside the project, where a pull request could plant a file.

Where: $SITE_BUILDER_CACHE_DIR, else $XDG_CACHE_HOME/site-builder, else ~/.cache/site-builder.
SITE_BUILDER_CACHE=off turns every cache off. A file that cannot be read or written only costs time.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def enabled() -> bool:
    """Whether the disk caches are on (SITE_BUILDER_CACHE=off turns them off)."""
    return os.environ.get("SITE_BUILDER_CACHE", "").lower() not in ("off", "0", "no", "false")


def cache_folder() -> Path:
    """The folder that holds the cache files."""
    if folder := os.environ.get("SITE_BUILDER_CACHE_DIR"):
        return Path(folder)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "site-builder"


def private_folder(name: str) -> Path | None:
    """The cache's subfolder `name` (made if need be) when caches are on and no one but this user can write into it
    (what is read from it may be run: compiled templates); else None."""
    if not enabled():
        return None
    folder = cache_folder() / name
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        status = folder.stat()
    except OSError:
        return None
    if hasattr(os, "getuid") and (status.st_uid != os.getuid() or status.st_mode & 0o022):
        return None
    return folder


def read(folder: Path, name: str) -> bytes | None:
    """A kept file's bytes, or None."""
    try:
        return (folder / name).read_bytes()
    except OSError:
        return None


def write(folder: Path, name: str, data: bytes, keep: int = 0) -> None:
    """Write a file whole or not at all (another process reads the old file or the new one); with keep, delete the
    least recently written files of the folder beyond that many."""
    staging = ""
    try:
        with tempfile.NamedTemporaryFile("wb", dir=folder, prefix=f".{name}.", suffix=".tmp", delete=False) as handle:
            staging = handle.name
            handle.write(data)
        os.replace(staging, folder / name)
        if keep:
            files = sorted((p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")), key=lambda p: p.stat().st_mtime, reverse=True)
            for old in files[keep:]:
                old.unlink(missing_ok=True)
    except OSError:
        with contextlib.suppress(OSError):
            if staging:
                os.unlink(staging)
