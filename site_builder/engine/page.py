"""The MkDocs page of a rendered page: our finished HTML as it is, with its table of contents, and only the
hand-written Markdown (a content page's body, an indication's own text) converted by MkDocs."""

from __future__ import annotations

import weakref
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_relative_url

from site_builder.pages.site import RenderedPage


def _flat(links: Any) -> list[dict[str, Any]]:
    """MkDocs' toc entries as the toc extension's flat tokens."""
    tokens: list[dict[str, Any]] = []
    for link in links:
        tokens.append({"level": link.level, "id": link.id, "name": link.title, "children": []})
        tokens.extend(_flat(link.children))
    return tokens


# The theme's navigation as rendered for pages the nav does not list, per build (per Navigation) and per set of
# links from the page to what the nav links: a case page's navigation is the same HTML as its neighbour's.
_SHARED_NAV: weakref.WeakKeyDictionary[Navigation, dict[tuple[str, ...], str]] = weakref.WeakKeyDictionary()
_NAV_URLS: weakref.WeakKeyDictionary[Navigation, tuple[str, ...]] = weakref.WeakKeyDictionary()


def _nav_urls(items: Any) -> list[str]:
    """The URL of every page and link in the nav, sections walked."""
    urls: list[str] = []
    for item in items or ():
        if isinstance(getattr(item, "url", None), str):
            urls.append(item.url)
        urls.extend(_nav_urls(getattr(item, "children", None)))
    return urls


class RenderedMkDocsPage(Page):
    """A page whose HTML our templates wrote: MkDocs reads its metadata and HTML from us, not from a file."""

    def __init__(self, file: File, config: MkDocsConfig, rendered: RenderedPage, title: str | None = None) -> None:
        self.rendered = rendered
        extra = config.get("extra") or {}
        homepage = extra.get("homepage") if hasattr(extra, "get") else None
        self._homepage = homepage if isinstance(homepage, str) else ""  # the theme's logo links there when set
        super().__init__(title, file, config)  # MkDocs keeps the page as file.page (its documented hook for plugins)

    def read_source(self, config: MkDocsConfig) -> None:
        self.markdown, self.meta = self.rendered.markdown, dict(self.rendered.meta)

    def render(self, config: MkDocsConfig, files: Files) -> None:
        middle, html, anchors = [], "", set()
        if (self.markdown or "").strip():  # hand-written Markdown, converted like any MkDocs page
            super().render(config, files)
            middle, html, anchors = _flat(self.toc), self.content or "", set(self.present_anchor_ids or ())
        self.content = self.rendered.content(html)
        self.toc = get_toc(self.rendered.toc(middle))
        self.present_anchor_ids = anchors | self.rendered.anchors

    def _nav_key(self, nav: Navigation) -> tuple[str, ...] | None:
        """What the navigation rendered into this page depends on: None for a page the nav lists (its own entry is
        marked active, with its table of contents); otherwise the page's links to the home page and every page the
        nav lists (the theme writes links relative to the page, and marks nothing active)."""
        if getattr(self, "_key_nav", None) is nav:  # asked twice per page: by cached_nav, then by keep_nav
            return self._key
        key = None
        if isinstance(self.url, str) and self not in nav.pages:
            if nav not in _NAV_URLS:
                home = nav.homepage.url if nav.homepage else "."
                _NAV_URLS[nav] = (".", self._homepage or home, *_nav_urls(nav.items))
            key = tuple(get_relative_url(url, self.url) for url in _NAV_URLS[nav])
        self._key_nav, self._key = nav, key
        return key

    def cached_nav(self, nav: Navigation) -> str:
        """The navigation as rendered for an earlier page of this build with the same links, or '' (the theme's
        main.html renders it then, and hands it to keep_nav)."""
        key = self._nav_key(nav) if nav else None
        return _SHARED_NAV.get(nav, {}).get(key, "") if key is not None else ""

    def keep_nav(self, nav: Navigation, html: str) -> str:
        """Keep the navigation just rendered for this page, for the next page with the same links."""
        key = self._nav_key(nav) if nav else None
        if key is not None:
            _SHARED_NAV.setdefault(nav, {})[key] = html
        return html
