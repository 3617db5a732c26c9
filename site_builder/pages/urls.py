"""Where a docs page is served, and links between pages as finished relative URLs (what MkDocs writes for a .md link)."""

from __future__ import annotations

import functools
import posixpath


def page_url(path: str, directory_urls: bool = True) -> str:
    """The URL of a docs-relative path: cases/x.md -> cases/x/ (or cases/x.html); other files keep their path."""
    if not path.endswith(".md"):
        return path
    stem = path[: -len(".md")]
    if not directory_urls:
        return stem + ".html"
    folder, name = posixpath.split(stem)
    if name in ("index", "README"):
        return f"{folder}/" if folder else "./"
    return f"{stem}/"


@functools.lru_cache(maxsize=65536)  # the same few targets are linked from every page
def relative_url(from_page: str, target: str, directory_urls: bool = True, root: str = "") -> str:
    """A link from one docs page to another docs path (with an optional #anchor): relative to the page's URL, or,
    given the site's root path (such as '/'), from that root, which every engine leaves as it is."""
    path, hash_, anchor = target.partition("#")
    if not path:
        return f"#{anchor}"
    url, base = page_url(path, directory_urls), page_url(from_page, directory_urls)
    if root:
        return root.rstrip("/") + "/" + url.removeprefix("./") + hash_ + anchor
    if base.endswith(".html"):
        base = posixpath.dirname(base)
    link = posixpath.relpath("/" + url.removeprefix("./"), "/" + base.removeprefix("./"))
    if url.endswith("/") and link != ".":
        link += "/"
    elif link == ".":
        link = "./"
    return link + hash_ + anchor
