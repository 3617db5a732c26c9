"""The MkDocs page of a rendered page: our finished HTML as it is, with its table of contents, and only the
hand-written Markdown (a content page's body, an indication's own text) converted by MkDocs."""

from __future__ import annotations

from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from .site import RenderedPage


def _flat(links: Any) -> list[dict[str, Any]]:
    """MkDocs' toc entries as the toc extension's flat tokens."""
    tokens: list[dict[str, Any]] = []
    for link in links:
        tokens.append({"level": link.level, "id": link.id, "name": link.title, "children": []})
        tokens.extend(_flat(link.children))
    return tokens


class RenderedMkDocsPage(Page):
    """A page whose HTML our templates wrote: MkDocs reads its metadata and HTML from us, not from a file."""

    def __init__(self, file: File, config: MkDocsConfig, rendered: RenderedPage, title: str | None = None) -> None:
        self.rendered = rendered
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


