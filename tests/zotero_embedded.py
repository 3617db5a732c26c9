"""How Zotero's "Embedded Metadata" translator reads a page's <head>, restated in Python for the tests.

The rules follow zotero/translators' Embedded Metadata.js and the RDF.js it hands Dublin Core and Open Graph to
(the version of 2026-06-26): the item type, the Highwire field mapping, how citation_author is turned into
creators (ZU.cleanAuthor), and which fields a Web Page keeps. Only the parts that decide what a page of this site
becomes are restated; a page that needs more would fail the tests rather than pass them silently.
"""

from __future__ import annotations

import re
from lxml import html as lxml_html

PREFIXES = {"dc", "dcterms", "og", "article", "book", "prism", "eprints", "bib", "bibo", "foaf", "z"}
HIGHWIRE = {
    "citation_title": "title",
    "citation_publication_date": "date",
    "citation_date": "date",
    "citation_journal_title": "publicationTitle",
    "citation_book_title": "bookTitle",
    "citation_volume": "volume",
    "citation_issue": "issue",
    "citation_conference_title": "conferenceName",
    "citation_dissertation_institution": "university",
    "citation_technical_report_institution": "institution",
    "citation_publisher": "publisher",
    "citation_abstract": "abstractNote",
    "citation_doi": "DOI",
    "citation_public_url": "url",
    "citation_language": "language",
}
HW_TYPES = {
    "citation_journal_title": "journalArticle",
    "citation_technical_report_institution": "report",
    "citation_conference_title": "conferencePaper",
    "citation_conference": "conferencePaper",
    "citation_book_title": "bookSection",
    "citation_inbook_title": "bookSection",
    "citation_dissertation_institution": "thesis",
}
OG_TYPES = {"website": "webpage", "book": "book", "music.song": "audioRecording", "video.movie": "videoRecording"}
# Fields each item type keeps (Zotero's schema, the part these pages use); the rest are dropped on save.
FIELDS = {
    "webpage": {"title", "websiteTitle", "date", "url", "language", "abstractNote", "rights", "accessDate"},
    "journalArticle": {"title", "publicationTitle", "date", "url", "language", "abstractNote", "volume", "issue", "DOI", "rights"},
    "report": {"title", "institution", "date", "url", "language", "abstractNote", "rights"},
}


def clean_author(name: str, creator_type: str, use_comma: bool) -> dict[str, str]:
    """ZU.cleanAuthor: punctuation trimmed; 'Last, First' split at the comma, else at the last space."""
    name = re.sub(r"^[\s.,/\[\]:]+", "", name)
    name = re.sub(r"[\s,/\[\]:.]+$", "", name)
    name = re.sub(r"  +", " ", name)
    if use_comma:
        parts = re.split(r", ?", name)
        last, first = (parts[0], parts[1]) if len(parts) > 1 else (name, "")
    else:
        first, _, last = name.rpartition(" ")
    return {"firstName": first, "lastName": last, "creatorType": creator_type}


def _creators(values: list[str], creator_type: str) -> list[dict[str, str]]:
    out = []
    for value in values:
        names = re.split(r"\s*;\s*", value)
        if len(names) == 1 and len(values) == 1:
            by_comma = re.split(r"\s*,\s*", names[0])
            if len(by_comma) > 1 and " " in by_comma[0] and " " in by_comma[1]:
                names = by_comma
        for name in names:
            name = name.strip()
            if name and re.search(r"[^\s,\-.;]", name):
                out.append(clean_author(name, creator_type, "," in name))
    return out


def read(page_html: bytes) -> dict:
    """The Zotero item the translator makes of a page: itemType, fields and creators."""
    head = lxml_html.fromstring(page_html).xpath("//head")[0]
    metas: list[tuple[str, str]] = []
    for tag in head.xpath("./meta"):
        names, value = tag.get("name") or tag.get("property"), tag.get("content")
        if names and value:
            metas.extend((name, value) for name in names.split())
    hw_type = hw_guess = None
    rdf: dict[str, str] = {}
    for name, value in metas:
        parts = re.split(r"[.:_]", name)
        if parts[0].lower() in PREFIXES:
            prop = name[len(parts[0]) + 1 :]
            rdf.setdefault(f"{parts[0].lower()}:{prop[:1].lower() + prop[1:]}", value)
            continue
        short = name[name.rfind("citation_") :] if "citation_" in name else name
        if short in HW_TYPES:
            hw_type = HW_TYPES[short]
        elif short in ("citation_title", "citation_series_title"):
            hw_guess = hw_guess or "journalArticle"
    og = OG_TYPES.get(rdf.get("og:type", ""))
    og_guess = "journalArticle" if rdf.get("og:type") == "article" else None
    item_type = hw_type or og or hw_guess or ("webpage" if rdf else None) or og_guess

    def last(key: str) -> str:  # processFields: a name that ends with the key, the last such tag
        values = [v for n, v in metas if n.endswith(key)]
        return " ".join(values[-1].split()) if values else ""

    fields = {zotero: last(tag) for tag, zotero in HIGHWIRE.items() if last(tag)}
    fields.setdefault("title", rdf.get("dc:title") or rdf.get("og:title", ""))
    fields.setdefault("date", rdf.get("dc:date", ""))
    fields.setdefault("url", rdf.get("og:url", ""))
    if item_type == "webpage" and rdf.get("og:site_name"):
        fields["websiteTitle"] = rdf["og:site_name"]
    if rdf.get("dc:rights"):
        fields["rights"] = rdf["dc:rights"]
    creators = _creators([v for n, v in metas if n.endswith("citation_author")], "author")
    kept = FIELDS.get(item_type or "", set())
    return {
        "itemType": item_type,
        "creators": creators,
        **{k: v for k, v in fields.items() if v and k in kept},
        "lastModified": rdf.get("dcterms:modified", ""),
    }
