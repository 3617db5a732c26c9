"""Hostile input: an XSS corpus in every free-text case field, in BibTeX and in front matter never becomes live markup.

The built pages are parsed (lxml), never only searched as strings: a payload counts as live when it
produced an element, an event-handler attribute or a script URL that a browser would act on.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import markdown
import pytest
import yaml
from lxml import html as lxml_html

from conftest import XSS_CORPUS, hostile_case
from sitecheck import html_pages, parse
from site_builder.records.markup import render_inline, render_markdown
from site_builder.records.model import Case

# Elements a payload could smuggle in that act on their own (run code, load content, restyle the page).
ACTIVE_TAGS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math", "style", "base", "form", "link", "meta", "template", "video", "audio"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "srcset", "background", "ping", "xlink:href", "{http://www.w3.org/1999/xlink}href"}
SAFE_SCHEMES = {"", "http", "https", "mailto"}
JSON_TYPES = {"application/ld+json", "application/json"}
# Attributes whose value is data the browser never runs (the theme's <meta content>, tooltips, alt text).
DATA_ATTRIBUTES = {"content", "title", "alt", "aria-label", "name", "property"}
# Unicode bidi overrides and isolates, and the invisible direction marks: they can make text read differently.
BIDI_RE = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f]")
# Payloads that Python-Markdown never turns into live markup, even unsanitised: entity-encoded markup, an
# autolink with a script scheme (it links only http, https and ftp), and an image whose quotes it escapes.
INERT_EVEN_UNSAFE = {XSS_CORPUS[14], XSS_CORPUS[15], XSS_CORPUS[21], XSS_CORPUS[22]}


def _scheme(url: str) -> str:
    """The URL scheme as a browser reads it: whitespace and control characters inside it are ignored."""
    match = re.match(r"^([a-z][a-z0-9+.-]*):", re.sub(r"[\x00-\x20\x7f]+", "", url).lower())
    return match.group(1) if match else ""


def _active(el, tag: str, inside_article: bool) -> bool:  # noqa: ANN001 - an lxml element
    """An element that runs, loads or restyles something and came from a payload (the theme puts none in the article)."""
    if tag == "script" and (el.get("type") or "").lower() in JSON_TYPES:
        try:
            json.loads(el.text or "")
        except ValueError:
            return True  # a payload broke out of the data
        return False
    if tag not in ACTIVE_TAGS:
        return False
    if inside_article:
        return True
    words = [el.text or ""] + [value for name, value in el.attrib.items() if name not in DATA_ATTRIBUTES]
    return any("xss" in word for word in words)


def live_markup(tree, where: str, inside_article: bool = False) -> list[str]:  # noqa: ANN001 - an lxml element
    """Everything in tree that a browser would run or load from a payload, as readable findings."""
    found = []
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower()
        for name, value in el.attrib.items():
            if name.lower().startswith("on"):
                found.append(f"{where}: <{tag} {name}=...> event handler")
            if name in URL_ATTRIBUTES and _scheme(value) not in SAFE_SCHEMES:
                found.append(f"{where}: <{tag} {name}={value[:40]!r}> script URL")
            if BIDI_RE.search(value):
                found.append(f"{where}: <{tag} {name}> holds a bidi control")
        if _active(el, tag, inside_article):
            found.append(f"{where}: <{tag}> element")
        if BIDI_RE.search((el.text or "") + (el.tail or "")):
            found.append(f"{where}: bidi control in the text of <{tag}>")
    return found


def _reference_entries(article) -> list:  # noqa: ANN001
    """The formatted bibliography entries of a page: its own reference list and the bibliography page's entries."""
    return article.xpath(".//li[span[starts-with(@id, 'cite-')]] | .//div[contains(@class, 'sb-ref')]")


def _cite_blocks(article) -> list:  # noqa: ANN001
    return article.xpath(".//*[@id='cite-this-page']")


def _tags(article) -> list:  # noqa: ANN001
    """What the tags plugin writes from front-matter tags: a page's tag links, and the whole listing of the tags page."""
    if article.xpath(".//h2[starts-with(@id, 'tag:')]"):
        return list(article)
    return article.xpath(".//nav[contains(@class, 'md-tags')]")


def _regions(site: Path) -> dict[str, list[tuple[str, object]]]:
    """Each page split into the parts different code writes: the article body (templates and markup.py), the
    formatted references (csl.py), the "Cite this page" block (metadata.py) and the theme's chrome (front matter, nav)."""
    regions: dict[str, list[tuple[str, object]]] = {"body": [], "references": [], "cite": [], "chrome": []}
    for page in html_pages(site):
        name = page.relative_to(site).as_posix()
        doc = parse(page)
        for article in doc.xpath("//article"):
            body = copy.deepcopy(article)
            for part in _tags(body) + _reference_entries(body) + _cite_blocks(body):
                if part.getparent() is not None:
                    part.getparent().remove(part)
            regions["body"].append((name, body))
            regions["references"].extend((name, entry) for entry in _reference_entries(article))
            regions["cite"].extend((name, block) for block in _cite_blocks(article))
            regions["chrome"].extend((name, tags) for tags in _tags(article))
            article.getparent().remove(article)
        regions["chrome"].append((name, doc))
    return regions


def _findings(regions, name: str, inside_article: bool = True) -> list[str]:  # noqa: ANN001
    return [f for page, tree in regions[name] for f in live_markup(tree, page, inside_article)]


@pytest.fixture(scope="module", params=["material", "repository"])
def regions(request) -> dict[str, list[tuple[str, object]]]:  # noqa: ANN001
    """The hostile site with Material's theme as it is, and with the repository's overrides (its page metadata)."""
    return _regions(request.getfixturevalue("hostile_site" if request.param == "material" else "hostile_themed_site"))


def test_the_corpus_reaches_every_free_text_field_of_a_case() -> None:
    sample = yaml.safe_load((Path(__file__).parent / "roots" / "minimal" / "cases" / "sample-case.yaml").read_text())
    case = Case.model_validate(hostile_case(sample, 0))
    texts = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)

    walk(case.model_dump(mode="json"))
    hostile = [t for t in texts if any(t.strip() == p.strip()[: len(t.strip())] for p in XSS_CORPUS)]
    assert len(hostile) >= 40, "the schema walk should reach every free-text field (presentation, outcomes, figures, ...)"
    assert {"presentation", "figures", "editorial_notes", "learning_points", "comparator", "follow_up"} <= case.model_fields_set


@pytest.mark.parametrize("payload", sorted(set(XSS_CORPUS) - INERT_EVEN_UNSAFE))
def test_the_checker_sees_the_payload_when_it_is_rendered_unsafely(payload: str) -> None:
    """Guards against a vacuous check: each payload pasted raw, or rendered by Markdown twice without sanitising, is flagged."""
    extensions = ["attr_list", "md_in_html", "abbr"]
    once = markdown.markdown(payload, extensions=extensions)
    twice = markdown.markdown("- " + once.removeprefix("<p>").removesuffix("</p>"), extensions=extensions)
    tree = lxml_html.fragment_fromstring(payload + once + twice, create_parent="div")
    assert live_markup(tree, "unsafe", inside_article=True)


@pytest.mark.parametrize("payload", XSS_CORPUS)
def test_the_markup_module_leaves_no_live_markup(payload: str) -> None:
    for rendered in (render_markdown(payload), render_inline(payload)):
        # What the page's own Markdown pass makes of it, with the extensions the sites enable.
        page = markdown.markdown(str(rendered), extensions=["attr_list", "md_in_html", "abbr", "tables", "admonition"])
        tree = lxml_html.fragment_fromstring(page, create_parent="div")
        assert live_markup(tree, "markup", inside_article=True) == [], page


def test_case_text_in_page_bodies_is_inert(regions) -> None:  # noqa: ANN001
    assert len(regions["body"]) > len(XSS_CORPUS)
    assert _findings(regions, "body") == []


def test_plain_text_fields_show_the_payload_as_text(hostile_site: Path) -> None:
    h1 = parse(hostile_site / "cases" / "hostile-00" / "index.html").xpath("//article//h1")[0]
    assert h1.text_content().strip() == XSS_CORPUS[0]


def test_bibtex_fields_in_formatted_references_are_inert(regions) -> None:  # noqa: ANN001
    assert regions["references"]
    assert _findings(regions, "references") == []


def test_the_cite_this_page_block_is_inert(regions) -> None:  # noqa: ANN001
    assert regions["cite"]
    assert _findings(regions, "cite") == []


def test_titles_descriptions_tags_and_nav_are_inert(regions) -> None:  # noqa: ANN001
    assert _findings(regions, "chrome", inside_article=False) == []
