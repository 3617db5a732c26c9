"""`mkdocs serve` rebuilds what a save changed: a page or asset that is what the previous rebuild wrote keeps that
output (still in the site folder under `--dirty`, else written back from memory) and MkDocs leaves it out."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.structure.files import Files, InclusionLevel

from .preview import RenderCache
from .site import RenderedPage, Site


@dataclass
class Preview:
    """What the preview keeps from one rebuild to the next (the plugin instance lives as long as the server)."""

    cache: RenderCache = field(default_factory=RenderCache)
    pages: dict[str, RenderedPage] = field(default_factory=dict)
    assets: dict[str, bytes] = field(default_factory=dict)
    outputs: dict[str, bytes] = field(default_factory=dict)  # each page's HTML as the theme wrote it, compressed

    def keep(self, files: Files, site: Site, navigated: set[str]) -> int:
        """Leave out of this rebuild the pages and assets it would write as they are; return the pages kept.

        Pages in the nav are always rebuilt (the nav shows titles that other records can change)."""
        kept = 0
        for file in files:
            path, dest = file.src_uri, Path(file.abs_dest_path)
            if path in site.pages and path not in navigated and self.pages.get(path) == site.pages[path]:
                if not dest.is_file() and path in self.outputs:
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    dest.write_bytes(zlib.decompress(self.outputs[path]))
                if dest.is_file():
                    file.inclusion, kept = InclusionLevel.EXCLUDED, kept + 1
            elif path in site.assets and self.assets.get(path) == site.assets[path] and dest.is_file():
                file.inclusion = InclusionLevel.EXCLUDED
        self.pages, self.assets = dict(site.pages), dict(site.assets)
        return kept

    def built(self, path: str, output: str) -> None:
        """Remember a page's output, to write it back when a later rebuild keeps it."""
        if path in self.pages:
            self.outputs[path] = zlib.compress(output.encode("utf-8", errors="xmlcharrefreplace"), 1)  # as MkDocs writes it


