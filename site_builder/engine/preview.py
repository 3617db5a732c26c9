"""`mkdocs serve` writes only what a save changed.

MkDocs empties the preview's folder before every rebuild, then renders every page with the theme and writes every
file again. The preview instead keeps the folder as the previous rebuild left it (moved into a hidden folder while
MkDocs empties it, then put back) and leaves out of the rebuild each page and file whose output would be what is
already there:

- a page whose content, title, table of contents and metadata, as every plugin left them just before the theme
  renders it, are unchanged, while so is what every page shows around its own content (the navigation's titles and
  links, mkdocs.yml, the theme's own templates);
- a generated file with the same bytes, a copied file older than its copy (MkDocs' own test under `--dirty`); a
  page's citation downloads with the same bytes are not even handed to MkDocs (Preview.carry), unless the Markdown
  MkDocs converts or the navigation may name one (the plugin's _may_name_downloads).

Every page is still read and converted (cheap for our pages, whose HTML is finished), so that plugins which
collect from all pages (the tags page) see them all. Files that the rebuild no longer has are deleted. A rebuild
that fails before it writes leaves the folder as it was; one that fails later leaves the next one to write all.
"""

from __future__ import annotations

import gc
import logging
import os
import shutil
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from site_builder.engine.page import Conversions
from site_builder.pages.preview import RenderCache, fingerprint

log = logging.getLogger("mkdocs.plugins.site_builder")
ASIDE = ".site-builder-previous"  # a hidden name: MkDocs leaves names starting with '.' when it empties the folder


@dataclass(frozen=True)
class Written:
    """What the site folder holds after a complete rebuild: per destination path, the digest of what was written."""

    chrome: str  # what every page shows around its content
    outputs: dict[str, tuple[Any, ...] | bytes | str]  # dest_uri -> the page's digest, a generated file's bytes, "" for a copied file


def _toc(links: Iterable[Any]) -> Iterator[tuple[int, str, str]]:
    for link in links:
        yield link.level, link.id, link.title
        yield from _toc(link.children)


def _nav(items: Iterable[Any]) -> Iterator[tuple[Any, ...]]:
    for item in items:
        yield type(item).__name__, item.title, getattr(item, "url", None), tuple(_nav(getattr(item, "children", None) or ()))


@dataclass(frozen=True)
class _Parts:
    """The costly parts of a page's digest as a rebuild found them: the objects, and their digests."""

    meta: tuple[tuple[str, Any], ...]
    meta_digest: str
    toc: Any
    toc_digest: str
    content: Any
    content_digest: str


@dataclass
class PageDigests:
    """What the theme renders each page from, besides what every page shows: a digest per page.

    Hashing every page's HTML and metadata again took 0.2 s of a rebuild at 1,000 records. An unchanged page of ours
    hands each rebuild the very same objects (its content and table of contents, its metadata's values: see
    RenderedMkDocsPage), so a part found to be the object the previous rebuild digested keeps that digest. Content is
    text, which cannot change in place; a table of contents or a metadata value changed in place rather than replaced
    would not be seen, as the preview's render cache already assumes nothing changes the pages it hands out."""

    seen: dict[str, _Parts] = field(default_factory=dict)  # dest_uri -> the parts as the previous rebuild found them
    now: dict[str, _Parts] = field(default_factory=dict)

    def digest(self, dest: str, page: Page) -> tuple[Any, ...]:
        before, meta = self.seen.get(dest), tuple(page.meta.items())
        if before is not None and len(meta) == len(before.meta) and all(k == k0 and v is v0 for (k, v), (k0, v0) in zip(meta, before.meta)):
            meta_digest = before.meta_digest
        else:
            meta_digest = fingerprint(page.meta)
        toc, content = page.toc, page.content
        toc_digest = before.toc_digest if before is not None and toc is before.toc else fingerprint(list(_toc(toc)))
        content_digest = before.content_digest if before is not None and content is before.content else fingerprint(content)
        self.now[dest] = _Parts(meta, meta_digest, toc, toc_digest, content, content_digest)
        return page.file.inclusion.name, page.url, page.canonical_url, page.edit_url, page.title, meta_digest, toc_digest, content_digest

    def rebuilt(self) -> None:
        """This rebuild's parts are what the next one compares with."""
        self.seen, self.now = self.now, {}


def chrome_digest(nav: Navigation | None, config: MkDocsConfig) -> str:
    """What every page shows around its own content: the navigation and its titles, mkdocs.yml and the files its
    INHERIT chain names, the theme's templates (a project's overrides, watched by the preview; the installed theme is
    not expected to change under it)."""
    from site_builder.engine.settings import settings_contents

    config_files = settings_contents(Path(config.config_file_path)) if config.config_file_path else []
    custom = Path(config.theme.custom_dir) if config.theme.custom_dir else None
    theme = sorted((str(p), p.stat().st_mtime_ns) for p in custom.rglob("*") if p.is_file()) if custom and custom.is_dir() else []
    return fingerprint(
        tuple(_nav(nav.items)) if nav else (),
        tuple(raw for _, raw in config_files),
        theme,
        config.site_url,
        config.use_directory_urls,
    )


class Collector:
    """Python's cycle collector in a preview. What lives from one rebuild to the next (the project, the render cache,
    MkDocs, the theme: about 450,000 objects at 1,000 records) is frozen while a rebuild runs, so that the full
    collections its allocations trigger scan only what it made (a full pass over everything took 0.6 s of a rebuild);
    the full pass over everything, which frees what earlier rebuilds left, runs once the preview is idle."""

    def __init__(self, idle: float = 1.0) -> None:
        self.idle = idle
        self.timer: threading.Timer | None = None

    def rebuilding(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        gc.freeze()

    def rebuilt(self) -> None:
        gc.unfreeze()
        if self.timer is None:
            self.timer = threading.Timer(self.idle, gc.collect)
            self.timer.daemon = True
            self.timer.start()


@dataclass
class Preview:
    """What the preview keeps from one rebuild to the next (the plugin instance lives as long as the server)."""

    cache: RenderCache = field(default_factory=RenderCache)
    written: Written | None = None  # the folder as the last complete rebuild left it; None: unknown, write everything
    pending: Written | None = None  # what this rebuild is writing
    aside: Path | None = None  # where the previous output waits while MkDocs empties the folder
    writing: bool = False  # this rebuild has started writing into the folder
    served: list[File] = field(default_factory=list)  # every page of this rebuild, the kept ones included
    collector: Collector = field(default_factory=Collector)
    digests: PageDigests = field(default_factory=PageDigests)
    conversions: Conversions = field(default_factory=Conversions)  # hand-written pages' Markdown, converted
    carried: dict[str, bytes] = field(default_factory=dict)  # generated files this rebuild left out of MkDocs' files

    def carry(self, site_dir: Path, path: str, data: bytes) -> bool:
        """Whether a generated file need not be handed to MkDocs at all: the folder (put back) holds it as the last
        complete rebuild wrote it. Such a file stays among what this rebuild writes (self.carried), so that it is
        neither deleted now nor unknown to the next rebuild. At 1,000 records the pages' 4,395 citation downloads
        cost MkDocs a File each, and each File a place in every walk of the files (about a tenth of a rebuild)."""
        if not self._as_written(path, data, os.path.join(site_dir, path)):
            return False
        self.carried[path] = data
        return True

    def _as_written(self, dest: str, data: bytes, path: str) -> bool:
        """Whether the folder holds a generated file as the last complete rebuild wrote it: the same bytes (often the
        very object of last time), still at path."""
        before = self.written.outputs.get(dest) if self.written is not None else None
        return before is not None and (before is data or before == data) and os.path.isfile(path)

    def started(self, site_dir: Path, dirty: bool) -> None:
        """A rebuild starts; MkDocs will empty the folder next unless dirty (`mkdocs serve --dirty`)."""
        self.pending, self.writing = None, False
        self.digests.now, self.carried = {}, {}
        self.collector.rebuilding()
        if not dirty:
            self.set_aside(site_dir)

    def set_aside(self, site_dir: Path) -> None:
        """Before MkDocs empties the folder: move its contents aside, if a later step can tell what is still right."""
        if self.written is None or not site_dir.is_dir():
            return
        aside = site_dir / ASIDE
        shutil.rmtree(aside, ignore_errors=True)
        entries = [entry for entry in site_dir.iterdir() if not entry.name.startswith(".")]
        aside.mkdir()
        for entry in entries:
            entry.rename(aside / entry.name)
        self.aside = aside

    def put_back(self) -> None:
        """After MkDocs emptied the folder (and before anything is written): the previous output back in place."""
        if self.aside is None:
            return
        site = self.aside.parent
        for entry in list(self.aside.iterdir()):
            target = site / entry.name
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            elif target.exists() or target.is_symlink():
                target.unlink()
            entry.rename(target)
        self.aside.rmdir()
        self.aside = None

    def leave_out(self, files: Files, nav: Navigation | None, config: MkDocsConfig) -> tuple[int, int]:
        """Just before MkDocs writes: leave out the pages and files whose output is already in the folder, delete the
        outputs of files this rebuild no longer has; return (pages written, pages kept)."""
        site = Path(config.site_dir)
        chrome = chrome_digest(nav, config)
        previous = self.written.outputs if self.written and self.written.chrome == chrome else {}
        kept_files = self.written.outputs if self.written else {}
        outputs: dict[str, tuple[Any, ...] | bytes | str] = {}
        written = kept = 0
        self.served = []
        for file in files:
            if not file.inclusion.is_in_serve():
                continue
            dest = file.dest_uri
            if file.is_documentation_page():
                if file.page is None:
                    continue
                self.served.append(file)
                digest = outputs[dest] = self.digests.digest(dest, file.page)
                if previous.get(dest) == digest and os.path.isfile(file.abs_dest_path):
                    file.inclusion, kept = InclusionLevel.EXCLUDED, kept + 1
                else:
                    written += 1
            elif file.abs_src_path is None:  # generated in memory (unchanged ones: often the very bytes of last time)
                data = outputs[dest] = file.content_bytes
                if self._as_written(dest, data, file.abs_dest_path):
                    file.inclusion = InclusionLevel.EXCLUDED
            else:  # copied from a source file
                outputs[dest] = ""
                if dest in kept_files and not file.is_modified():
                    file.inclusion = InclusionLevel.EXCLUDED
        outputs.update(self.carried)
        for dest in kept_files.keys() - outputs.keys():  # a page or file the rebuild no longer has
            _remove(site, dest)
        self.pending, self.writing = Written(chrome, outputs), True
        return written, kept

    def finished(self) -> None:
        """The rebuild wrote everything: the folder now holds what it planned."""
        self.written, self.pending, self.writing = self.pending, None, False
        self.digests.rebuilt()
        self.collector.rebuilt()

    def failed(self) -> None:
        """The rebuild failed: the folder as it was if nothing was written yet, else unknown (the next writes all)."""
        self.put_back()
        if self.writing:
            self.written = None
        self.pending, self.writing = None, False
        self.collector.rebuilt()


def _remove(site: Path, dest: str) -> None:
    """Delete an output and the folders it leaves empty (never the site folder itself)."""
    path = site / dest
    if path.is_file() or path.is_symlink():
        path.unlink()
    folder = path.parent
    while folder != site and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
