"""Citable pages: the page's own citation (CSL, BibTeX, RIS, CSL-JSON) and the metadata reference managers read."""

from __future__ import annotations

import datetime as dt
import html
import json
import posixpath
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import bibtexparser
import rispy
from bibtexparser import model as bibmodel
from bibtexparser.middlewares import default_unparse_stack

from site_builder.citations.csl import Formatter, to_csl_json
from site_builder.records.model import Reference


# Unicode bidi overrides and isolates, and the invisible direction marks (escaped in JSON inside <script>).
BIDI_RE = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f]")
PLACEHOLDER_HOSTS = re.compile(r"(^|\.)(example\.(org|com|net)|localhost|invalid|test|example)$", re.IGNORECASE)


def public_site_url(site_url: str | None) -> tuple[str, str]:
    """(the site's public address, or "" when it is missing or a placeholder; a warning to show, or "")."""
    url = (site_url or "").strip()
    if not url:
        return "", "site_url is not set in mkdocs.yml: citations and metadata leave out the pages' addresses"
    host = urlsplit(url).hostname or ""
    if urlsplit(url).scheme not in ("http", "https") or not host or PLACEHOLDER_HOSTS.search(host):
        return "", f"site_url '{url}' is a placeholder, not the deployed address: citations and metadata leave out the pages' addresses"
    return url, ""


@dataclass(frozen=True)
class SiteMeta:
    """Site-wide facts configured once (mkdocs.yml and the plugin options)."""

    name: str = "Evidence site"
    url: str = ""
    publisher: str = ""
    licence: str = ""
    version: str = ""
    language: str = "en"
    reviewed_by: str = ""
    last_reviewed: str = ""
    next_review: str = ""
    published: str = ""  # when the site first went public (YYYY-MM-DD): the fallback for pages without a history


@dataclass(frozen=True)
class PageInfo:
    """What metadata needs to know about one page."""

    path: str  # docs-relative Markdown path
    title: str
    description: str
    keywords: tuple[str, ...] = ()
    about: str = ""  # the condition the page is about
    last_reviewed: str = ""
    reviewed_by: str = ""
    next_review: str = ""
    case_report: bool = False
    cited: tuple[Reference, ...] = ()
    published: str = ""  # first publication of the page's record (YYYY-MM-DD), from the data, never the build date
    modified: str = ""  # its last substantive change (YYYY-MM-DD)

    def __post_init__(self) -> None:
        """No control or bidi character in what reference managers and search engines read (the page's citation
        drops them too)."""
        from site_builder.records.markup import strip_controls

        object.__setattr__(self, "description", strip_controls(self.description))
        object.__setattr__(self, "keywords", tuple(strip_controls(k) for k in self.keywords))


def page_dir(path: str) -> str:
    """The folder a page is served from with directory URLs: cases/x.md -> cases/x, cases/index.md -> cases."""
    stem = path.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return posixpath.dirname(stem)
    return stem


ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def page_dates(front: dict[str, Any], history: dict[str, tuple[str, str]], source: str, site_published: str) -> dict[str, str]:
    """A page's first publication and last change, from the data: its front matter (date, updated), else the git
    history of the file it is built from, else the site's own publication date. Never the build date. A page built
    from many records (a list) changes when the latest of them does."""
    def iso(value: object) -> str:
        text = value.isoformat()[:10] if hasattr(value, "isoformat") else str(value or "")
        return text if ISO_DATE.match(text) else ""

    if source:
        first, last = history.get(source, ("", ""))
    else:
        first = min((d[0] for d in history.values()), default="")
        last = max((d[1] for d in history.values()), default="")
        first = site_published or first
    published = iso(front.get("date")) or first or site_published
    modified = iso(front.get("updated")) or last or published
    return {"published": published, "modified": max(modified, published)}


def download_name(meta: SiteMeta, path: str, name: str) -> str:
    """A file name that says what was saved: 'rsce-evidence-cases-x.bib' rather than 'cite.bib'."""
    site = re.sub(r"[^a-z0-9]+", "-", meta.name.lower()).strip("-")
    return "-".join(p for p in (site, _slug(path)) if p) + "." + name.rpartition(".")[2]


def page_url(meta: SiteMeta, path: str) -> str:
    """The page's public URL (absolute when the site URL is configured)."""
    folder = page_dir(path)
    rel = f"{folder}/" if folder else ""
    return (meta.url.rstrip("/") + "/" + rel) if meta.url else rel


def citable_url(meta: SiteMeta, path: str) -> str:
    """The page's address for citations: absolute, or "" when the site's address is not configured."""
    return page_url(meta, path) if meta.url else ""


def _date_parts(value: str) -> dict[str, Any] | None:
    if not value:
        return None
    day = dt.date.fromisoformat(value)
    return {"date-parts": [[day.year, day.month, day.day]]}


def _slash_date(value: str) -> str:
    return value.replace("-", "/")


def _slug(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", page_dir(path).lower()).strip("-") or "home"


def page_csl(meta: SiteMeta, page: PageInfo, accessed: str = "") -> dict[str, Any]:
    """The page as a CSL-JSON webpage item, issued on its first publication; accessed only when a date is given
    (the page's own citation shows the reader's today; a downloaded file cannot know when it is read)."""
    item: dict[str, Any] = {
        "id": _slug(page.path),
        "type": "webpage",
        "title": page.title,
        "container-title": meta.name,
        "URL": citable_url(meta, page.path),
        "issued": _date_parts(page.published),
        "accessed": _date_parts(accessed),
        "language": meta.language,
    }
    item = {k: v for k, v in item.items() if v}
    if meta.publisher:
        item["author"] = [{"literal": meta.publisher}]
        item["publisher"] = meta.publisher
    if meta.version:
        item["version"] = meta.version
    if page.description:
        item["abstract"] = page.description
    return item


def citation_text(formatter: Formatter, meta: SiteMeta, page: PageInfo) -> tuple[str, str]:
    """The page's citation in the site's CSL style, as (text, html); the version is added after the style's text.
    Its access date is the page's last change: the page's script puts in the reader's today."""
    formatted = formatter.format_item(page_csl(meta, page, accessed=page.modified or page.published))
    suffix = f" Version {meta.version}." if meta.version else ""
    return formatted.text + suffix, formatted.html + suffix


@dataclass(frozen=True)
class AccessedFormat:
    """How the style prints an access date: a pattern with {Y}, {M}, {D} or {DD}, and the twelve month names."""

    pattern: str
    months: tuple[str, ...]

    def render(self, value: str) -> str:
        day = dt.date.fromisoformat(value)
        return (
            self.pattern.replace("{Y}", str(day.year)).replace("{M}", self.months[day.month - 1])
            .replace("{DD}", f"{day.day:02d}").replace("{D}", str(day.day))
        )


def _differing(a: str, b: str) -> str:
    """The part of a that differs from b, widened to whole words."""
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    while start > 0 and a[start - 1].isalnum():
        start -= 1
    stop = len(a) - end
    while stop < len(a) and a[stop].isalnum():
        stop += 1
    return a[start:stop]


def accessed_format(formatter: Formatter, item: dict[str, Any]) -> AccessedFormat | None:
    """The style's way of printing the access date of this kind of item, found by formatting it with known dates."""
    def text(year: int, month: int, day: int) -> str:
        return formatter.format_item(item | {"accessed": {"date-parts": [[year, month, day]]}}).text

    months, pattern = [], ""
    for month in range(1, 13):
        shown = _differing(text(1987, month, 5), text(1988, month % 12 + 1, 6))
        if "1987" not in shown:
            return None
        rest = re.sub(r"\b0?5\b", "", shown.replace("1987", "")).strip(" ,./-")
        if not rest:
            return None
        months.append(rest.strip(" ,"))
        if month == 6:
            day = "{DD}" if re.search(r"\b05\b", shown) else "{D}"
            pattern = re.sub(r"\b0?5\b", day, shown.replace("1987", "{Y}"), count=1).replace(months[-1], "{M}", 1)
    return AccessedFormat(pattern, tuple(months))


class PageCitationFormatter:
    """Page citations for a whole site: citeproc formats one item per pair of dates with a placeholder title and
    address, and each page fills in its own. Whether a pair of dates has such a template, and how the access date is
    printed, is decided on a probe page, never on the site's pages: so a page's citation follows from the page, the
    style and the site alone, whichever pages came before it (and whichever process rendered them). A style that
    changes the probe's title (its case, its periods), prints another field of it, or a title citeproc could join to
    the text around it (punctuation or a space at either end, quotation marks inside), falls back to formatting the
    page in full. The access date is marked up so that the page's script can put in the reader's today."""

    TITLE = "zzqtitlezzq"
    URL = "https://placeholder.invalid/zzqurlzzq/"
    PROBE_PATH = "zzqprobezzq.md"
    PROBE_TITLE = "zz Qq-title: St. Probe, of the RSCE test"  # lower-case start, capitals, periods, stop words
    PROBE_DESCRIPTION = "zzqdescriptionzzq"
    PROBE_DAY = "2001-02-03"
    QUOTES = frozenset("\"'“”‘’«»„‚`")
    ENDS = QUOTES | frozenset(".,;:!?")

    def __init__(self, formatter: Formatter, meta: SiteMeta) -> None:
        self.formatter, self.meta = formatter, meta
        self.templates: dict[tuple[str, str], tuple[str, str] | None] = {}
        self.accessed: AccessedFormat | None | bool = False

    def _fill(self, template: tuple[str, str], page: PageInfo) -> tuple[str, str]:
        text, markup = template
        url = citable_url(self.meta, page.path)
        text = text.replace(self.TITLE, page.title).replace(self.URL, url)
        markup = markup.replace(f'href="{self.URL}"', f'href="{html.escape(url, quote=True)}"')
        markup = markup.replace(self.URL, html.escape(url, quote=False)).replace(self.TITLE, html.escape(page.title, quote=False))
        return text, markup

    def _probe(self, published: str, modified: str = "") -> PageInfo:
        """The page the formatter decides on, never one of the site's."""
        return PageInfo(self.PROBE_PATH, self.PROBE_TITLE, self.PROBE_DESCRIPTION, published=published, modified=modified)

    def _template(self, published: str, modified: str) -> tuple[str, str] | None:
        """The citation of pages with these dates, with placeholders for title and address, if filling it in gives
        citeproc's own text for the probe page."""
        probe = self._probe(published, modified)
        item = page_csl(self.meta, probe, accessed=modified or published) | {"title": self.TITLE}
        if self.meta.url:
            item["URL"] = self.URL
        formatted = self.formatter.format_item(item)
        if formatted.text.count(self.TITLE) != 1 or (self.meta.url and formatted.text.count(self.URL) != 1):
            return None
        if "zzqprobezzq" in formatted.text or self.PROBE_DESCRIPTION in formatted.text:
            return None  # the style prints the item's id or abstract: each page's own
        suffix = f" Version {self.meta.version}." if self.meta.version else ""
        template = (formatted.text + suffix, formatted.html + suffix)
        return template if self._fill(template, probe) == citation_text(self.formatter, self.meta, probe) else None

    def _fits(self, title: str) -> bool:
        """Whether a title reads in the citation as it is: nothing at its ends or inside that citeproc could join
        with what comes before or after it."""
        return bool(title) and title == title.strip() and title[0] not in self.ENDS and title[-1] not in self.ENDS and not self.QUOTES.intersection(title)

    def _formatted(self, page: PageInfo) -> tuple[str, str]:
        key = (page.published, page.modified)
        if key not in self.templates:
            self.templates[key] = self._template(*key)
        template = self.templates[key]
        return self._fill(template, page) if template and self._fits(page.title) else citation_text(self.formatter, self.meta, page)

    def __call__(self, page: PageInfo) -> tuple[str, str]:
        """The page's citation as (text, html): citation_text's, with the access date in a span for the script."""
        text, markup = self._formatted(page)
        day = page.modified or page.published
        if not day:
            return text, markup
        if self.accessed is False:
            self.accessed = accessed_format(self.formatter, page_csl(self.meta, self._probe(self.PROBE_DAY)))
        if not isinstance(self.accessed, AccessedFormat):
            return text, markup
        shown = html.escape(self.accessed.render(day), quote=False)
        head, found, tail = markup.rpartition(shown)
        if not found:
            return text, markup
        attributes = f'data-pattern="{html.escape(self.accessed.pattern)}" data-months="{html.escape("|".join(self.accessed.months))}"'
        return text, f'{head}<span class="sb-accessed" {attributes}>{shown}</span>{tail}'


def page_bibtex(meta: SiteMeta, page: PageInfo) -> str:
    """The page as a BibTeX @misc entry, written by bibtexparser."""
    fields = {
        "title": "{" + page.title + "}",  # inner braces keep the title's capitals
        "author": "{" + meta.publisher + "}" if meta.publisher else "",  # a corporate author, not "Family, Given"
        "howpublished": meta.name,
        "date": page.published,  # biblatex's full date; BibTeX styles read year and month
        "year": page.published[:4],
        "month": str(int(page.published[5:7])) if page.published else "",
        "url": citable_url(meta, page.path),
        "note": f"Version {meta.version}" if meta.version else "",
        "language": meta.language,
    }
    entry = bibmodel.Entry("misc", _slug(page.path), [bibmodel.Field(k, v if k == "url" else _bibtex_text(v)) for k, v in fields.items() if v])
    # bibtexparser's default stack, changing the library built here in place instead of a deep copy of it
    return bibtexparser.write_string(bibtexparser.Library([entry]), unparse_stack=default_unparse_stack(allow_inplace_modification=True))


def _bibtex_text(value: str) -> str:
    """Text safe inside a braced BibTeX value: balanced braces, no backslashes, specials escaped."""
    depth, out = 0, []
    for char in value.replace("\\", ""):
        if char == "}" and depth == 0:
            continue
        depth += {"{": 1, "}": -1}.get(char, 0)
        out.append(char)
    return re.sub(r"([%&#$_])", r"\\\1", "".join(out) + "}" * depth)


class _RisWriter(rispy.RisWriter):
    """RIS without rispy's numbered header line before each record."""

    def set_header(self, count: int) -> str:
        return ""


def page_ris(meta: SiteMeta, page: PageInfo) -> str:
    """The page as an RIS record (type ELEC), written by rispy."""
    record: dict[str, Any] = {
        "type_of_reference": "ELEC",
        "title": page.title,
        "secondary_title": meta.name,
        "year": page.published[:4],
        "date": _slash_date(page.published),
        "urls": [citable_url(meta, page.path)],
        "language": meta.language,
    }
    record = {k: v for k, v in record.items() if v and v != [""]}
    if meta.publisher:
        record["authors"] = [meta.publisher + ","]  # "Name," is a family name alone: an organisation, not split
        record["publisher"] = meta.publisher
    if meta.version:
        record["edition"] = meta.version
    if page.description:
        record["abstract"] = page.description
    if page.keywords:
        record["keywords"] = list(page.keywords)
    return rispy.dumps([record], implementation=_RisWriter)


def page_csl_json(meta: SiteMeta, page: PageInfo) -> str:  # no access date: a file cannot know when it is read
    """The page as a CSL-JSON array of one item."""
    return json.dumps([page_csl(meta, page)], indent=2, ensure_ascii=False) + "\n"


def _authors(ref: Reference) -> list[str]:
    return [f"{n.family}, {n.given}".strip(", ") for n in ref.authors if not n.is_others]


def highwire_reference(ref: Reference) -> str:
    """One cited work in Highwire's citation_reference form."""
    parts = [f"citation_title={ref.get('title')}"]
    parts += [f"citation_author={a}" for a in _authors(ref)]
    for name, bib in (("citation_journal_title", "journal"), ("citation_publication_date", "year"), ("citation_volume", "volume"), ("citation_issue", "number"), ("citation_doi", "doi")):
        if ref.get(bib):
            parts.append(f"{name}={ref.get(bib)}")
    return "; ".join(parts)


def organisation_author(name: str) -> str:
    """An organisation as a Highwire citation_author: 'Name,' is a family name with no given name, so Zotero
    (ZU.cleanAuthor) and Google Scholar keep it whole instead of splitting 'site_builder contributors' in two."""
    return f"{name},"


def highwire(meta: SiteMeta, page: PageInfo) -> list[list[str]]:
    """Highwire Press tags (read by Zotero and Google Scholar) as [name, content] pairs. No journal, conference or
    report tag: the page is a web page of the site, which Zotero saves as a Web Page (with og:type website)."""
    tags = [["citation_title", page.title]]
    if meta.publisher:
        tags.append(["citation_author", organisation_author(meta.publisher)])
    tags += [
        ["citation_publication_date", _slash_date(page.published)],
        ["citation_public_url", citable_url(meta, page.path)],
        ["citation_abstract", page.description],
        ["citation_language", meta.language],
        ["citation_keywords", "; ".join(page.keywords)],
    ]
    if meta.publisher:
        tags.append(["citation_publisher", meta.publisher])
    tags += [["citation_reference", highwire_reference(ref)] for ref in page.cited]
    return [t for t in tags if t[1]]


def dublin_core(meta: SiteMeta, page: PageInfo) -> list[list[str]]:
    """Dublin Core tags (DC-HTML) as [name, content] pairs: publisher, dates, language and rights, which Highwire
    has no tag for (Zotero reads DCTERMS.modified as the item's last modification)."""
    tags = [
        ["DC.title", page.title],
        ["DC.publisher", meta.publisher],
        ["DC.date", page.published],
        ["DCTERMS.modified", page.modified],
        ["DC.language", meta.language],
        ["DC.rights", meta.licence],
        ["DC.identifier", citable_url(meta, page.path)],
    ]
    return [t for t in tags if t[1]]


def opengraph(meta: SiteMeta, page: PageInfo) -> list[list[str]]:
    """Open Graph properties as [property, content] pairs. Every page is og:type website: 'article' makes Zotero
    guess a journal article, which a page of this site is not."""
    pairs = [["og:type", "website"], ["og:title", page.title], ["og:site_name", meta.name], ["og:description", page.description], ["og:url", citable_url(meta, page.path)]]
    return [p for p in pairs if p[1]]


def _work(ref: Reference) -> dict[str, Any]:
    work: dict[str, Any] = {"@type": "ScholarlyArticle" if ref.entry_type == "article" else "CreativeWork", "name": ref.get("title")}
    if ref.get("doi"):
        work["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI", "value": ref.get("doi")}
        work["url"] = f"https://doi.org/{ref.get('doi')}"
    elif ref.get("url"):
        work["url"] = ref.get("url")
    if ref.get("year"):
        work["datePublished"] = ref.get("year")
    authors = _authors(ref)
    if authors:
        work["author"] = [{"@type": "Person", "name": a} for a in authors]
    if ref.is_preprint:
        work["creativeWorkStatus"] = "Preprint (not peer reviewed)"
    return work


def jsonld(meta: SiteMeta, page: PageInfo) -> dict[str, Any]:
    """schema.org JSON-LD: a MedicalWebPage, plus a MedicalScholarlyArticle for case pages."""
    url = citable_url(meta, page.path)
    publisher = {"@type": "Organization", "name": meta.publisher} if meta.publisher else None
    webpage: dict[str, Any] = {
        "@type": "MedicalWebPage",
        "@id": (url or page_url(meta, page.path)) + "#webpage",
        "url": url,
        "name": page.title,
        "description": page.description,
        "inLanguage": meta.language,
        "about": {"@type": "MedicalCondition", "name": page.about} if page.about else None,
        "author": publisher,
        "medicalAudience": [
            {"@type": "MedicalAudience", "audienceType": "Patient"},
            {"@type": "MedicalAudience", "audienceType": "Clinician"},
        ],
        "lastReviewed": page.last_reviewed or meta.last_reviewed,
        "reviewedBy": {"@type": "Organization", "name": page.reviewed_by or meta.reviewed_by},
        "datePublished": page.published,
        "dateModified": page.modified,
        "citation": [_work(ref) for ref in page.cited],
        "isPartOf": {"@type": "WebSite", "name": meta.name, "url": meta.url or None},
    }
    if publisher:
        webpage["publisher"] = publisher
    if meta.licence:
        webpage["license"] = meta.licence
    if meta.version:
        webpage["version"] = meta.version
    graph = [webpage]
    if page.case_report:
        graph.append(
            {
                "@type": "MedicalScholarlyArticle",
                "@id": (url or page_url(meta, page.path)) + "#case",
                "headline": page.title,
                "name": page.title,
                "publicationType": "Case Reports",
                "abstract": page.description,
                "about": {"@type": "MedicalCondition", "name": page.about},
                "url": url,
                "inLanguage": meta.language,
                "isPartOf": {"@id": (url or page_url(meta, page.path)) + "#webpage"},
                "citation": [_work(ref) for ref in page.cited],
                "author": publisher,
                "datePublished": page.published,
                "dateModified": page.modified,
                **({"publisher": publisher} if publisher else {}),
            }
        )
    return {"@context": "https://schema.org", "@graph": _drop_empty(graph)}


def _drop_empty(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_empty(v) for k, v in value.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [_drop_empty(v) for v in value]
    return value


def script_json(data: Any) -> str:
    """JSON for a <script> element: '<', '>' and '&' escaped, so no text inside can close the element, and bidi
    controls written as escapes (the same JSON value, no direction override hidden in the page's source)."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return BIDI_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def coins(ref: Reference) -> str:
    """A COinS (OpenURL ContextObject) title string, so reference managers can import the entry from the page."""
    journal = ref.entry_type == "article"
    pairs = [("ctx_ver", "Z39.88-2004"), ("rft_val_fmt", "info:ofi/fmt:kev:mtx:" + ("journal" if journal else "book"))]
    if ref.get("doi"):
        pairs.append(("rft_id", f"info:doi/{ref.get('doi')}"))
    if ref.get("url"):
        pairs.append(("rft_id", ref.get("url")))
    pairs.append(("rft.genre", "preprint" if ref.is_preprint else ("article" if journal else "document")))
    pairs.append(("rft.atitle" if journal else "rft.title", ref.get("title")))
    for name, bib in (("rft.jtitle", "journal"), ("rft.date", "year"), ("rft.volume", "volume"), ("rft.issue", "number")):
        if ref.get(bib):
            pairs.append((name, ref.get(bib)))
    pages = ref.get("pages").replace("--", "-").replace("–", "-")
    if pages:
        first, _, last = pages.partition("-")
        pairs.append(("rft.spage", first))
        if last:
            pairs.append(("rft.epage", last))
    for name in ref.authors:
        if not name.is_others:
            pairs.append(("rft.au", f"{name.family}, {name.given}".strip(", ")))
    return urlencode(pairs, quote_via=quote)


def csl_items(references: list[Reference]) -> str:
    """The bibliography as CSL-JSON (for data/references.json), one item to a line."""
    return json_list([to_csl_json(r) for r in sorted(references, key=lambda r: r.key)])


def json_list(items: list[Any]) -> str:
    """JSON with one item of the list to a line: readable and diffable by item, and written by json's C encoder
    (indent= makes json fall back to its Python encoder)."""
    return json_lines([json_item(item) for item in items])


def json_item(item: Any) -> str:
    """One item of a json_list, as its line."""
    return json.dumps(item, ensure_ascii=False)


def json_lines(lines: list[str]) -> str:
    """The json_list of items already written by json_item."""
    return "[\n" + ",\n".join(lines) + "\n]\n" if lines else "[]\n"

