"""Atomic builds: write into a temporary sibling of the output folder and swap it into place only on success."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.utils import CountHandler


def default_mode() -> int:
    """The permissions a new folder gets under the current umask (mkdtemp alone would give 0700)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o777 & ~umask


def staging_dir(target: Path, copy_existing: bool = False) -> Path:
    """A new folder beside target: empty, or a copy of target for incremental (--dirty) builds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.build-", dir=target.parent))
    staging.chmod(default_mode())
    if copy_existing and target.is_dir():
        shutil.copytree(target, staging, symlinks=True, dirs_exist_ok=True)
    return staging


def replace_dir(staging: Path, target: Path) -> None:
    """Put staging where target is, so that readers see either the old tree or the new one, never a mix."""
    if not target.exists():
        staging.rename(target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    target.rename(old / target.name)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def strict_warnings_logged() -> bool:
    """True when MkDocs' strict-mode counter has seen a warning: the build will abort right after post_build."""
    return any(h.get_counts() for h in logging.getLogger("mkdocs").handlers if isinstance(h, CountHandler))


class AtomicSite:
    """Points MkDocs' site_dir at a staging folder for one build, then swaps it in or throws it away."""

    def __init__(self, config: MkDocsConfig, dirty: bool = False):
        self.config = config
        self.target = Path(config.site_dir).resolve()
        self.staging: Path | None = staging_dir(self.target, copy_existing=dirty)
        config.site_dir = str(self.staging)

    def finish(self) -> None:
        """Swap the finished build into place, unless strict mode is about to reject it."""
        if self.staging is None:
            return
        if self.config.strict and strict_warnings_logged():
            self.abandon()
            return
        replace_dir(self.staging, self.target)
        self.staging = None
        self.config.site_dir = str(self.target)

    def abandon(self) -> None:
        """Throw the staging folder away; the previous output stays exactly as it was."""
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging = None
        self.config.site_dir = str(self.target)
