"""The user's cache folder, where results are kept from one run to the next: the record checks
(records/diskcache.py), compiled templates (pages/compiled.py) and the theme's cut stylesheets
(engine/stylesheet.py). Never inside the project, where a pull request could plant a file.

Where: $SITE_BUILDER_CACHE_DIR, else $XDG_CACHE_HOME/site-builder, else ~/.cache/site-builder.
SITE_BUILDER_CACHE=off turns off every cache on disk (a process still keeps what it compiled and checked in memory).
A file that cannot be read or written only costs time.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

STAGING, STALE = ".tmp", 3600  # a file being written, and the age at which one is taken as left by a killed writer
KEPT = re.compile(r"[0-9a-f]{16,64}(\.[a-z]+)")  # how the caches name their files: a digest and the cache's ending


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
    """The cache's subfolder `name` (made if need be) when disk caches are on and no one but this user can write into
    it or into the cache folder above it (what is read from it may be run: compiled templates); else None. Not on
    Windows, where this check cannot be made the same way: there only the record cache (JSON) is kept."""
    if not enabled() or not hasattr(os, "getuid"):
        return None
    top = cache_folder()
    folder = top / name
    try:
        top.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder.mkdir(mode=0o700, exist_ok=True)
        statuses = [top.stat(), folder.stat()]
    except OSError:
        return None
    if any(status.st_uid != os.getuid() or status.st_mode & 0o022 for status in statuses):
        return None
    return folder


def read(folder: Path, name: str) -> bytes | None:
    """A kept file's bytes, or None."""
    try:
        return (folder / name).read_bytes()
    except OSError:
        return None


def write(folder: Path, name: str, data: bytes | Iterable[bytes], keep: int = 0) -> None:
    """Write a file (its bytes, or its parts in turn) whole or not at all: another process reads the old file or the
    new one. name is a hexadecimal digest and an ending (KEPT). With keep, delete the least recently written files of
    the folder named the same way with the same ending beyond that many, and those a killed writer left: never a
    file of another kind, should the folder hold others."""
    staging = ""
    try:
        with tempfile.NamedTemporaryFile("wb", dir=folder, prefix=f".{name}.", suffix=STAGING, delete=False) as handle:
            staging = handle.name
            if isinstance(data, bytes):
                handle.write(data)
            else:
                handle.writelines(data)
        os.replace(staging, folder / name)
        staging = ""
        if keep:
            _prune(folder, name, keep)
    except OSError:
        pass  # a cache that cannot be written only costs time
    finally:
        with contextlib.suppress(OSError):
            if staging:
                os.unlink(staging)


def _prune(folder: Path, name: str, keep: int) -> None:
    match = KEPT.fullmatch(name)
    if match is None:
        return
    ending = re.escape(match.group(1))
    kept_name = re.compile(rf"[0-9a-f]{{16,64}}{ending}")
    staging_name = re.compile(rf"\.[0-9a-f]{{16,64}}{ending}\.\w+{re.escape(STAGING)}")  # as write() names it
    kept, left = [], []
    for entry in os.scandir(folder):
        if entry.is_file(follow_symlinks=False) and (kept_name.fullmatch(entry.name) or staging_name.fullmatch(entry.name)):
            (left if entry.name.startswith(".") else kept).append((entry.stat().st_mtime, entry.path))
    kept.sort()
    stale = time.time() - STALE
    for path in [path for _, path in kept[: max(0, len(kept) - keep)]] + [path for mtime, path in left if mtime < stale]:
        with contextlib.suppress(FileNotFoundError):  # another process pruned it first
            os.unlink(path)
