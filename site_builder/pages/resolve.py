"""Number a page's citations in order of first appearance and build its reference list."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from markupsafe import escape

from site_builder.records.cite import Citation, replace_citations
from site_builder.pages.urls import relative_url

BIBLIOGRAPHY_PAGE = "references.md"


def ref_anchor(key: str) -> str:
    """The bibliography anchor of a key: ref-<key>, with characters unsafe in ids replaced."""
    return "ref-" + re.sub(r"[^A-Za-z0-9_-]", "-", key)


def cite_anchor(key: str) -> str:
    """The anchor of a key in a page's own reference list."""
    return "cite-" + re.sub(r"[^A-Za-z0-9_-]", "-", key)


def relative_link(from_page: str, to_page: str) -> str:
    """A Markdown link target from one docs-relative .md path to another."""
    return posixpath.relpath(to_page, posixpath.dirname(from_page) or ".")


@dataclass(frozen=True)
class Entry:
    """What a page needs to show one reference: its formatted text and HTML, and whether it is a preprint."""

    text: str
    html: str
    preprint: bool = False


@dataclass
class PageCitations:
    """The citations of one page: numbers by first appearance, and the keys that do not resolve."""

    page: str
    entries: Mapping[str, Entry]
    order: list[str] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)

    numbers: dict[str, int] = field(default_factory=dict)
    uses: dict[str, int] = field(default_factory=dict)  # how many times each key has been cited so far

    def number(self, key: str) -> int:
        """The key's number on this page, assigned on first use."""
        if key not in self.numbers:
            self.order.append(key)
            self.numbers[key] = len(self.order)
        return self.numbers[key]

    def marker(self, citation: Citation) -> str:
        """Inline HTML for one citation span: bracketed numbers linking to the page's reference list."""
        parts = []
        for item in citation.items:
            if item.key not in self.entries:
                self.unresolved.append(item.key)
                parts.append(f'<span class="sb-cite-missing">?{escape(item.key)}</span>')
                continue
            entry = self.entries[item.key]
            title = entry.text + (" (preprint: not peer reviewed)" if entry.preprint else "")
            label = str(self.number(item.key)) + (f", {escape(item.locator)}" if item.locator else "")
            self.uses[item.key] = self.uses.get(item.key, 0) + 1
            back = f'{cite_anchor(item.key)}-use-{self.uses[item.key]}'  # the reference list links back here
            parts.append(f'<a href="#{cite_anchor(item.key)}" id="{back}" title="{escape(title)}">{label}</a>')
        return f'<sup class="sb-cite">[{"; ".join(parts)}]</sup>'

    def resolve(self, text: str) -> str:
        """Replace every citation span of a text with its marker."""
        return replace_citations(text, self.marker)

    def reference_list(self, bibliography: str = "") -> str:
        """The page's reference list as HTML, in citation order, each entry linking back to where it is cited and
        on to the bibliography (bibliography: that page's URL from this one); empty when nothing was cited."""
        if not self.order:
            return ""
        bib = bibliography or relative_url(self.page, BIBLIOGRAPHY_PAGE)
        items = []
        for key in self.order:
            entry, uses = self.entries[key], self.uses.get(key, 0)
            badge = ' <span class="sb-badge sb-preprint">Preprint: not peer reviewed</span>' if entry.preprint else ""
            backs = " ".join(
                f'<a href="#{cite_anchor(key)}-use-{i}" class="sb-backref" title="Back to where it is cited">↩{"" if uses == 1 else i}</a>'
                for i in range(1, uses + 1)
            )
            items.append(f'<li><span id="{cite_anchor(key)}" class="sb-ref-entry">{entry.html}</span>{badge} {backs} <a href="{bib}#{ref_anchor(key)}">Bibliography entry</a></li>')
        return "<ol data-pagefind-ignore>\n" + "\n".join(items) + "\n</ol>\n"  # each work is found on the references page, once

    def anchors(self) -> set[str]:
        """The ids its citations and reference list put on the page."""
        found = {cite_anchor(key) for key in self.order}
        found.update(f"{cite_anchor(key)}-use-{i}" for key, uses in self.uses.items() for i in range(1, uses + 1))
        return found
