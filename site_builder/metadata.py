"""Citable pages: the page's own citation (CSL, BibTeX, RIS, CSL-JSON) and the metadata reference managers read."""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import posixpath
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import bibtexparser
import rispy
from bibtexparser import model as bibmodel

from .csl import Formatter, to_csl_json
from .model import Reference


def build_date() -> dt.date:
    """The build date: SOURCE_DATE_EPOCH when set (reproducible builds), else today in UTC."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    moment = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch.isdigit() else dt.datetime.now(dt.timezone.utc)
    return moment.date()


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
    published: str = ""
    built: dt.date = field(default_factory=build_date)


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


def page_dir(path: str) -> str:
    """The folder a page is served from with directory URLs: cases/x.md -> cases/x, cases/index.md -> cases."""
    stem = path.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return posixpath.dirname(stem)
    return stem


def page_url(meta: SiteMeta, path: str) -> str:
    """The page's public URL (absolute when the site URL is configured)."""
    folder = page_dir(path)
    rel = f"{folder}/" if folder else ""
    return (meta.url.rstrip("/") + "/" + rel) if meta.url else rel


def _date_parts(value: dt.date) -> dict[str, Any]:
    return {"date-parts": [[value.year, value.month, value.day]]}


def _slug(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", page_dir(path).lower()).strip("-") or "home"


def page_csl(meta: SiteMeta, page: PageInfo) -> dict[str, Any]:
    """The page as a CSL-JSON webpage item: issued on the build date, accessed on the build date."""
    item: dict[str, Any] = {
        "id": _slug(page.path),
        "type": "webpage",
        "title": page.title,
        "container-title": meta.name,
        "URL": page_url(meta, page.path),
        "issued": _date_parts(meta.built),
        "accessed": _date_parts(meta.built),
        "language": meta.language,
    }
    if meta.publisher:
        item["author"] = [{"literal": meta.publisher}]
        item["publisher"] = meta.publisher
    if meta.version:
        item["version"] = meta.version
    if page.description:
        item["abstract"] = page.description
    return item


def citation_text(formatter: Formatter, meta: SiteMeta, page: PageInfo) -> tuple[str, str]:
    """The page's citation in the site's CSL style, as (text, html); the version is added after the style's text."""
    formatted = formatter.format_item(page_csl(meta, page))
    suffix = f" Version {meta.version}." if meta.version else ""
    return formatted.text + suffix, formatted.html + suffix


class PageCitationFormatter:
    """Page citations for a whole site: citeproc formats one item with a placeholder title and address, and each
    page fills in its own. A style that changes the title's case, or any page where filling in would differ from
    citeproc's own output, falls back to formatting that page in full."""

    TITLE = "zzqtitlezzq"
    URL = "https://placeholder.invalid/zzqurlzzq/"

    def __init__(self, formatter: Formatter, meta: SiteMeta) -> None:
        self.formatter, self.meta = formatter, meta
        self.template: tuple[str, str] | None = None
        self.checked = False

    def _fill(self, page: PageInfo) -> tuple[str, str]:
        assert self.template is not None
        text, markup = self.template
        url = page_url(self.meta, page.path)
        text = text.replace(self.TITLE, page.title).replace(self.URL, url)
        markup = markup.replace(f'href="{self.URL}"', f'href="{html.escape(url, quote=True)}"')
        markup = markup.replace(self.URL, html.escape(url, quote=False)).replace(self.TITLE, html.escape(page.title, quote=False))
        return text, markup

    def __call__(self, page: PageInfo) -> tuple[str, str]:
        """The page's citation as (text, html), exactly as citation_text gives it."""
        if self.checked and self.template is None:
            return citation_text(self.formatter, self.meta, page)
        if not self.checked:
            self.checked = True
            item = page_csl(self.meta, page) | {"title": self.TITLE, "URL": self.URL}
            formatted = self.formatter.format_item(item)
            suffix = f" Version {self.meta.version}." if self.meta.version else ""
            if formatted.text.count(self.TITLE) == 1 and formatted.text.count(self.URL) == 1:
                self.template = (formatted.text + suffix, formatted.html + suffix)
            exact = citation_text(self.formatter, self.meta, page)
            if self.template and self._fill(page) != exact:
                self.template = None
            return exact
        return self._fill(page)


def page_bibtex(meta: SiteMeta, page: PageInfo) -> str:
    """The page as a BibTeX @misc entry, written by bibtexparser."""
    fields = {
        "title": "{" + page.title + "}",  # inner braces keep the title's capitals
        "author": "{" + meta.publisher + "}" if meta.publisher else "",  # a corporate author, not "Family, Given"
        "howpublished": meta.name,
        "year": str(meta.built.year),
        "url": page_url(meta, page.path),
        "urldate": meta.built.isoformat(),
        "note": f"Version {meta.version}" if meta.version else "",
        "language": meta.language,
    }
    entry = bibmodel.Entry("misc", _slug(page.path), [bibmodel.Field(k, v if k == "url" else _bibtex_text(v)) for k, v in fields.items() if v])
    return bibtexparser.write_string(bibtexparser.Library([entry]))


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
        "year": str(meta.built.year),
        "urls": [page_url(meta, page.path)],
        "access_date": meta.built.strftime("%Y/%m/%d"),
        "language": meta.language,
    }
    if meta.publisher:
        record["authors"] = [meta.publisher]
        record["publisher"] = meta.publisher
    if meta.version:
        record["edition"] = meta.version
    if page.description:
        record["abstract"] = page.description
    if page.keywords:
        record["keywords"] = list(page.keywords)
    return rispy.dumps([record], implementation=_RisWriter)


def page_csl_json(meta: SiteMeta, page: PageInfo) -> str:
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


def highwire(meta: SiteMeta, page: PageInfo) -> list[list[str]]:
    """Highwire Press tags (read by Zotero and Google Scholar) as [name, content] pairs."""
    tags = [["citation_title", page.title]]
    if meta.publisher:
        tags.append(["citation_author", meta.publisher])
    tags += [
        ["citation_publication_date", meta.built.strftime("%Y/%m/%d")],
        ["citation_public_url", page_url(meta, page.path)],
        ["citation_abstract", page.description],
        ["citation_language", meta.language],
        ["citation_keywords", "; ".join(page.keywords)],
    ]
    if meta.publisher:
        tags.append(["citation_publisher", meta.publisher])
    tags += [["citation_reference", highwire_reference(ref)] for ref in page.cited]
    return [t for t in tags if t[1]]


def opengraph(meta: SiteMeta, page: PageInfo) -> list[list[str]]:
    """Open Graph properties as [property, content] pairs."""
    kind = "website" if page.path == "index.md" else "article"
    pairs = [["og:type", kind], ["og:title", page.title], ["og:site_name", meta.name], ["og:description", page.description], ["og:url", page_url(meta, page.path)]]
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
    url = page_url(meta, page.path)
    publisher = {"@type": "Organization", "name": meta.publisher} if meta.publisher else None
    webpage: dict[str, Any] = {
        "@type": "MedicalWebPage",
        "@id": url + "#webpage",
        "url": url,
        "name": page.title,
        "description": page.description,
        "inLanguage": meta.language,
        "about": {"@type": "MedicalCondition", "name": page.about or page.title},
        "medicalAudience": [
            {"@type": "MedicalAudience", "audienceType": "Patient"},
            {"@type": "MedicalAudience", "audienceType": "Clinician"},
        ],
        "lastReviewed": page.last_reviewed or meta.last_reviewed,
        "reviewedBy": {"@type": "Organization", "name": page.reviewed_by or meta.reviewed_by},
        "datePublished": meta.published or meta.built.isoformat(),
        "dateModified": meta.built.isoformat(),
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
                "@id": url + "#case",
                "headline": page.title,
                "name": page.title,
                "publicationType": "Case Reports",
                "abstract": page.description,
                "about": {"@type": "MedicalCondition", "name": page.about},
                "url": url,
                "inLanguage": meta.language,
                "isPartOf": {"@id": url + "#webpage"},
                "citation": [_work(ref) for ref in page.cited],
                "datePublished": meta.published or meta.built.isoformat(),
                "dateModified": meta.built.isoformat(),
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
    """JSON for a <script> element: '<', '>' and '&' escaped, so no text inside can close the element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


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
    """The bibliography as CSL-JSON (for data/references.json)."""
    return json.dumps([to_csl_json(r) for r in sorted(references, key=lambda r: r.key)], indent=2, ensure_ascii=False) + "\n"
