"""The MkDocs page of a rendered page: our finished HTML as it is, with its table of contents, and only the
hand-written Markdown (a content page's body, an indication's own text) converted by MkDocs."""

from __future__ import annotations

import contextlib
import logging
import threading
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_relative_url

from site_builder.pages.preview import fingerprint
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


@dataclass(frozen=True)
class _Converted:
    """What MkDocs' conversion of a page's Markdown left on the page, and logged."""

    content: str
    toc: list[dict[str, Any]]  # flat toc tokens
    title: str | None
    anchors: frozenset[str]
    links: dict[str, dict[str, str]] | None  # links to anchors, by the src_uri of the page linked to
    logged: tuple[logging.LogRecord, ...]


class _Capture(logging.Handler):
    """The records logged by this thread while it is attached (the server's other threads log too)."""

    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.thread, self.records = threading.get_ident(), []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            self.records.append(record)


@contextlib.contextmanager
def _captured(names: tuple[str, ...]) -> Iterator[list[logging.LogRecord]]:
    capture = _Capture()
    loggers = [logging.getLogger(name) for name in names]
    for logger in loggers:
        logger.addHandler(capture)
    try:
        yield capture.records
    finally:
        for logger in loggers:
            logger.removeHandler(capture)


@dataclass
class Conversions:
    """A preview's hand-written Markdown as MkDocs converted it, per page: converted again only when its Markdown
    changed, or what the conversion reads besides it (the page's own file and address, the Markdown extensions and
    their settings, link validation, and every file's path, address and inclusion, which links are resolved
    against). What the conversion logged (a link to a missing page) is logged again when it is taken from here, so
    that a strict build fails as it would. Python-Markdown and MkDocs (the loggers LOGGERS) are the ones heard."""

    LOGGERS = ("mkdocs", "MARKDOWN")
    pages: dict[str, tuple[str, _Converted]] = field(default_factory=dict)  # src_uri -> (key, conversion)
    files: tuple[Callable[[], Files | None], str] = (lambda: None, "")  # the latest build's files (weakly), their key

    def key(self, page: Page, config: MkDocsConfig, files: Files) -> str:
        if self.files[0]() is not files:
            found = "\n".join(f"{f.src_uri}\t{f.dest_uri}\t{f.inclusion.value}" for f in files)  # dest_uri: its address
            settings = (config.markdown_extensions, config.mdx_configs, config.validation, config.use_directory_urls)
            self.files = (weakref.ref(files), fingerprint(found, *settings, logging.getLogger("mkdocs.structure.pages").getEffectiveLevel()))
        file = page.file
        return fingerprint(self.files[1], file.src_uri, file.url, file.inclusion.name, page.markdown)

    def convert(self, page: Page, config: MkDocsConfig, files: Files, convert: Callable[[], None]) -> None:
        """Set what convert() sets on the page (MkDocs' Page.render), from here when nothing it reads changed."""
        key = self.key(page, config, files)
        found = self.pages.get(page.file.src_uri)
        if found is not None and found[0] == key:
            done = found[1]
            for record in done.logged:
                logging.getLogger(record.name).handle(record)
            page.content, page.toc, page._title_from_render = done.content, get_toc(done.toc), done.title
            page.present_anchor_ids = set(done.anchors)
            if done.links is not None:
                page.links_to_anchors = {files.get_file_from_path(uri): dict(links) for uri, links in done.links.items()}
            return
        with _captured(self.LOGGERS) as logged:
            convert()
        links = getattr(page, "links_to_anchors", None)
        self.pages[page.file.src_uri] = key, _Converted(
            page.content or "",
            _flat(page.toc),
            page._title_from_render,
            frozenset(page.present_anchor_ids or ()),
            {target.src_uri: dict(anchors) for target, anchors in links.items()} if links is not None else None,
            tuple(logged),
        )


class RenderedMkDocsPage(Page):
    """A page whose HTML our templates wrote: MkDocs reads its metadata and HTML from us, not from a file."""

    def __init__(self, file: File, config: MkDocsConfig, rendered: RenderedPage, title: str | None = None, conversions: Conversions | None = None) -> None:
        self.rendered, self.conversions = rendered, conversions
        extra = config.get("extra") or {}
        homepage = extra.get("homepage") if hasattr(extra, "get") else None
        self._homepage = homepage if isinstance(homepage, str) else ""  # the theme's logo links there when set
        super().__init__(title, file, config)  # MkDocs keeps the page as file.page (its documented hook for plugins)

    def read_source(self, config: MkDocsConfig) -> None:
        self.markdown, self.meta = self.rendered.markdown, dict(self.rendered.meta)

    def render(self, config: MkDocsConfig, files: Files) -> None:
        if not (self.markdown or "").strip():  # all of it our HTML: its content and toc made once per page object
            made = self.rendered.engine.get("mkdocs")
            if made is None:
                made = self.rendered.engine["mkdocs"] = (self.rendered.content(), get_toc(self.rendered.toc()))
            self.content, self.toc = made
            self.present_anchor_ids = set(self.rendered.anchors)
            return
        if self.conversions is None:  # hand-written Markdown, converted like any MkDocs page
            super().render(config, files)
        else:
            self.conversions.convert(self, config, files, lambda: super(RenderedMkDocsPage, self).render(config, files))
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
