"""Helpers for tests that build a site and read the HTML it wrote."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import html as lxml_html


def mkdocs_build(config: Path, site_dir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """Run `mkdocs build --strict` on a config file, writing to site_dir."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site_dir), *extra],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def parse(path: Path):
    """Parse one built HTML file."""
    return lxml_html.fromstring(path.read_bytes())


def article(path: Path):
    """The page's main article element."""
    return parse(path).xpath("//article")[0]


def html_pages(site: Path) -> list[Path]:
    """Every HTML page of a built site except MkDocs' 404 page."""
    return sorted(p for p in site.rglob("*.html") if p.name != "404.html")


def ids_of(path: Path, cache: dict[Path, set[str]]) -> set[str]:
    """All element ids of a page (cached)."""
    if path not in cache:
        cache[path] = set(parse(path).xpath("//@id"))
    return cache[path]


def local_target(page: Path, url: str) -> tuple[Path, str] | None:
    """The file a relative URL on a page points at (a folder means its index.html) and its fragment; None when external."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith(("mailto:", "data:")):
        return None
    target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
    return (target / "index.html" if target.is_dir() else target), unquote(parts.fragment)


def broken_links(site: Path) -> list[str]:
    """Every internal link or anchor in the built site that does not resolve, as 'page -> href'."""
    cache: dict[Path, set[str]] = {}
    broken = []
    for page in html_pages(site):
        for href in parse(page).xpath("//a/@href"):
            found = local_target(page, href)
            if found is None:
                continue
            target, fragment = found
            if not target.is_file() or (fragment and target.suffix == ".html" and fragment not in ids_of(target, cache)):
                broken.append(f"{page.relative_to(site)} -> {href}")
    return broken


def search_records(site: Path) -> dict[str, dict]:
    """What Pagefind's index of a built site holds, by page URL: the text it searches and shows (content), the
    title (meta.title) and filters. Read from its fragment files (gzipped JSON after a 'pagefind_dcd' signature)."""
    import gzip
    import json

    records = {}
    for fragment in sorted((site / "pagefind" / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(fragment.read_bytes())
        assert data.startswith(b"pagefind_dcd"), fragment
        record = json.loads(data[len(b"pagefind_dcd") :])
        records[record["url"].lstrip("/")] = record
    return records
