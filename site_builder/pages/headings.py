"""Headings of generated pages: ids and permalinks as Python-Markdown's toc extension writes them, and the page's toc.

Generated pages are HTML from our templates, never Markdown, so their headings are written here the way the
toc extension (with the site's own settings) would have written them, and their table of contents is kept as
the toc extension's tokens, which any engine's toc (MkDocs' `get_toc`) reads."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from html import escape
from typing import Any

from markdown.extensions.toc import nest_toc_tokens, slugify, unique
from markupsafe import Markup

from site_builder.records.markup import escape_text, strip_controls


@dataclass(frozen=True)
class HeadingStyle:
    """The toc extension's settings that shape a heading: how ids are made and what the permalink looks like."""

    permalink: str = ""  # the permalink's text; empty for none
    permalink_class: str = "headerlink"
    permalink_title: str = "Permanent link"
    slugify: Callable[[str, str], str] = slugify
    separator: str = "-"

    @classmethod
    def from_config(cls, extensions: list[Any], configs: Mapping[str, Mapping[str, Any]]) -> HeadingStyle:
        """The style of the `toc` entry of a markdown_extensions list (MkDocs' own list and its mdx_configs)."""
        names = {name.removeprefix("markdown.extensions.") for name in extensions if isinstance(name, str)}
        options = dict(configs.get("toc") or configs.get("markdown.extensions.toc") or {})
        if "toc" not in names:
            return cls()
        permalink = options.get("permalink", False)
        return cls(
            permalink="&para;" if permalink is True else str(permalink or ""),
            permalink_class=str(options.get("permalink_class", cls.permalink_class)),
            permalink_title=str(options.get("permalink_title", cls.permalink_title)),
            slugify=options["slugify"] if callable(options.get("slugify")) else slugify,
            separator=str(options.get("separator", cls.separator)),
        )


def style_of_yml(markdown_extensions: list[Any] | dict[str, Any]) -> HeadingStyle:
    """The style of a markdown_extensions setting as written in mkdocs.yml: a list of names or one-key mappings of
    options, or one mapping of names to options (MkDocs reads both)."""
    names: list[str] = []
    configs: dict[str, Mapping[str, Any]] = {}
    entries = [markdown_extensions] if isinstance(markdown_extensions, dict) else markdown_extensions or []
    for entry in entries:
        if isinstance(entry, dict):
            for name, options in entry.items():
                names.append(name)
                configs[name.removeprefix("markdown.extensions.")] = options if isinstance(options, dict) else {}
        elif isinstance(entry, str):
            names.append(entry)
    return HeadingStyle.from_config(names, configs)


@dataclass
class Headings:
    """The headings of one page, in order, each with an id unique on the page."""

    style: HeadingStyle = field(default_factory=HeadingStyle)
    tokens: list[dict[str, Any]] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    split: int | None = None  # how many headings come before the page's hand-written Markdown, if it has some

    def heading(self, level: int, text: str, anchor: str = "", exclude: bool = False) -> Markup:
        """One heading as HTML: its plain text escaped, its id (given, or made from the text), its permalink."""
        plain = strip_controls(str(text))
        ident = unique(anchor or self.style.slugify(plain, self.style.separator), self.ids)
        self.tokens.append({"level": level, "id": ident, "name": escape(plain, quote=False), "children": []})
        attributes = (' data-search-exclude' if exclude else "") + f' id="{ident}"'
        link = ""
        if self.style.permalink:
            link = f'<a class="{self.style.permalink_class}" href="#{ident}" title="{escape(self.style.permalink_title)}">{self.style.permalink}</a>'
        return Markup(f"<h{level}{attributes}>{escape_text(plain)}{link}</h{level}>\n")

    def toc(self, start: int = 0, end: int | None = None) -> list[dict[str, Any]]:
        """The headings from start to end as the toc extension's nested tokens."""
        return nest_toc_tokens([dict(token, children=[]) for token in self.tokens[start:end]])
