"""The site's search index: Pagefind's binary (the pagefind[bin] package) run over a built site folder.

Any engine's output can be indexed (MkDocs with the plugin, plain MkDocs or Zensical on the `generate` tree): pages
whose article carries data-pagefind-body (templates/overrides/main.html) are indexed by that element alone; in a site
without it, every page's <body>. The index goes to SITE/pagefind/, which the search page (search/) loads a part at
a time. A failure raises SearchIndexError and leaves the folder without a half-written index.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

BUNDLE = "pagefind"
ENTRY = "pagefind-entry.json"  # the file Pagefind writes last, and the mark of a folder that is its index
# Not worth finding: heading permalinks (the ¶ signs), the back-links of reference lists, and the "Cite this page"
# and review blocks every page ends with. The templates also mark with data-pagefind-ignore what repeats text held
# once elsewhere (a page's reference list, the lists and tables of records on list pages, locator tables), so that
# the index, and with it Pagefind's memory and the chunks a query downloads, grows with the records' own text.
EXCLUDE = ".headerlink, .sb-backref, .sb-cite-page, .sb-page-info"
PAGES_RE = re.compile(r"Indexed (\d+) pages?")


class SearchIndexError(Exception):
    """Pagefind could not index the site (missing binary, a folder in the way, Pagefind's own error)."""


@dataclass(frozen=True)
class SearchIndex:
    folder: Path
    pages: int
    bytes: int
    seconds: float

    def summary(self) -> str:
        return f"search index: {self.pages} pages, {self.bytes / 1024:.0f} KB in {self.folder.name}/, {self.seconds:.1f} s"


def executable() -> Path:
    """Pagefind's binary, as installed by the pagefind[bin] package (a pinned dependency)."""
    try:
        from pagefind_bin import get_executable
    except ImportError:
        raise SearchIndexError("Pagefind is not installed: pip install 'pagefind[bin]' (a dependency of site-builder)") from None
    try:
        return get_executable()
    except FileNotFoundError as exc:
        raise SearchIndexError(f"Pagefind's binary is missing: {exc}") from None


def index_site(site: Path) -> SearchIndex:
    """Write SITE/pagefind/ from the HTML pages under site; replaces an index left by an earlier build."""
    site = Path(site)
    if not site.is_dir():
        raise SearchIndexError(f"{site}: not a folder (build the site first)")
    bundle = site / BUNDLE
    if bundle.is_dir() and (bundle / ENTRY).is_file():
        shutil.rmtree(bundle)  # an earlier index (a --dirty build, or indexing twice): its chunks would linger
    elif bundle.exists():
        raise SearchIndexError(f"{bundle}: already in the site and not a search index; the index needs this name (rename the page or folder)")
    start = time.perf_counter()
    command = [str(executable()), "--site", str(site), "--output-subdir", BUNDLE, "--exclude-selectors", EXCLUDE]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    output = (result.stdout + result.stderr).strip()
    if result.returncode != 0 or not (bundle / ENTRY).is_file():
        shutil.rmtree(bundle, ignore_errors=True)
        lines = [line for line in output.splitlines() if "error" in line.lower()] or output.splitlines()[-3:]
        raise SearchIndexError(f"Pagefind failed (exit {result.returncode}): {' '.join(lines) or 'no output'}")
    found = PAGES_RE.search(output)
    size = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file())
    return SearchIndex(bundle, int(found.group(1)) if found else 0, size, seconds)


class Indexer:
    """Indexes every build. In a preview (`mkdocs serve`, reuse=True) only the first build is indexed, and that index
    is put back into a rebuilt folder that lacks it (left alone where the folder still holds it): rebuilds stay as
    fast as without search (Pagefind takes 7.3–8.6 s of CPU at 1,000 records), and search keeps working, with the
    text of the preview's start until the server restarts."""

    def __init__(self, reuse: bool = False):
        self.reuse = reuse
        self.kept: Path | None = None
        self.manifest: dict[str, int] = {}

    def run(self, site: Path) -> str:
        site = Path(site)
        if self.kept is not None:
            if _manifest(site / BUNDLE) == self.manifest:  # the preview keeps its folder between rebuilds
                return "search index: the preview's first index, still in place (restart the preview to re-index)"
            shutil.rmtree(site / BUNDLE, ignore_errors=True)
            shutil.copytree(self.kept, site / BUNDLE)
            return "search index: the preview's first index, kept (restart the preview to re-index)"
        index = index_site(site)
        if self.reuse:
            keep = Path(tempfile.mkdtemp(prefix="site-builder-search-"))
            atexit.register(shutil.rmtree, keep, True)
            self.kept = keep / BUNDLE
            shutil.copytree(index.folder, self.kept)
            self.manifest = _manifest(self.kept)
        return index.summary()


def _manifest(folder: Path) -> dict[str, int]:
    """Each file of an index folder and its size (Pagefind's file names carry a hash of their content). Read with
    os.scandir, not pathlib: a preview checks it at every rebuild (at 1,000 records 1,600 files, 30 ms this way)."""
    found: dict[str, int] = {}

    def walk(path: str, prefix: str) -> None:
        with os.scandir(path) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    walk(entry.path, f"{prefix}{entry.name}/")
                elif entry.is_file():
                    found[prefix + entry.name] = entry.stat().st_size

    if folder.is_dir():
        walk(str(folder), "")
    return found
