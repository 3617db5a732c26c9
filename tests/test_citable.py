"""Citable, trustworthy pages: metadata tags, JSON-LD, downloads, evidence labels, wording, readability, open data."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import bibtexparser
import jsonschema
import pytest
import rispy
import textstat

from benchmarks.readability import CITATION, summaries
from conftest import PROJECT, loaded_project
from dated import dated_copy
from csl_schema import csl_data_schema
from sitecheck import article, html_pages, mkdocs_build, parse

FIXED_EPOCH = "1790000000"  # 2026-09-21: the build date, which no page may show
PUBLISHED = "2026-11-26"  # the project's publication date (mkdocs.yml) and the date of its one commit
SITE_URL = "https://evidence.rsce-registry.org/"
PROJECT_DATA = loaded_project()
CASE_IDS = sorted(PROJECT_DATA.cases)
PREPRINTS = sorted(key for key, ref in PROJECT_DATA.references.items() if ref.is_preprint)
HIGHWIRE = ("citation_title", "citation_author", "citation_publication_date", "citation_public_url", "citation_abstract", "citation_language", "citation_keywords")
OPEN_GRAPH = ("og:type", "og:title", "og:site_name", "og:description", "og:url")
FORBIDDEN = re.compile(r"\b(proven|proves?|cures?|cured|guarantee[sd]?|miracle)\b", re.I)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("citable")
    site = folder / "site"
    project = dated_copy(PROJECT, folder / "project", PUBLISHED, SITE_URL)
    os.environ["SOURCE_DATE_EPOCH"] = FIXED_EPOCH
    try:
        result = mkdocs_build(project / "mkdocs.yml", site)
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]
    assert result.returncode == 0, result.stderr
    return site


def pages(site: Path) -> list[Path]:
    return [p for p in html_pages(site) if p.parent.name != "search"]


def meta(tree, attribute: str, name: str) -> list[str]:
    return tree.xpath(f"//head/meta[@{attribute}='{name}']/@content")


def jsonld(tree) -> dict:
    scripts = tree.xpath("//head/script[@type='application/ld+json']/text()")
    assert len(scripts) == 1
    return json.loads(scripts[0])


def test_every_page_has_highwire_and_open_graph_tags(built: Path) -> None:
    for page in pages(built):
        tree = parse(page)
        for name in HIGHWIRE:
            assert meta(tree, "name", name), f"{page}: {name}"
        assert meta(tree, "name", "citation_publication_date") == [PUBLISHED.replace("-", "/")]  # from the data, not the clock
        assert meta(tree, "name", "citation_public_url")[0].startswith(SITE_URL)
        for prop in OPEN_GRAPH:
            assert meta(tree, "property", prop), f"{page}: {prop}"
        assert meta(tree, "property", "og:url") == meta(tree, "name", "citation_public_url")


def test_case_pages_list_cited_works_with_their_doi(built: Path) -> None:
    refs = bibtexparser.parse_file(str(PROJECT / "references.bib")).entries_dict
    seen_doi = 0
    for case_id in CASE_IDS:
        page = built / "cases" / case_id / "index.html"
        cited = [s.removeprefix("cite-") for s in article(page).xpath(".//h2[@id='references']/following-sibling::ol[1]/li/span/@id")]
        references = meta(parse(page), "name", "citation_reference")
        assert len(references) == len(cited) > 0, case_id
        for key in cited:
            if "doi" in refs[key].fields_dict:
                assert any(f"citation_doi={refs[key]['doi']}" in r for r in references), (case_id, key)
                seen_doi += 1
    assert seen_doi > 0, "no case cites a work with a DOI, so the DOI check proved nothing"


def test_json_ld_describes_medical_web_pages_and_case_reports(built: Path) -> None:
    for page in pages(built):
        graph = jsonld(parse(page))["@graph"]
        webpage = next(node for node in graph if node["@type"] == "MedicalWebPage")
        for key in ("medicalAudience", "lastReviewed", "reviewedBy", "datePublished", "dateModified", "author"):
            assert webpage.get(key), f"{page}: {key}"
        assert webpage["datePublished"] == PUBLISHED == webpage["dateModified"]
        assert "citation" in webpage or not article(page).xpath(".//sup[@class='sb-cite']"), page
        assert re.match(r"^\d{4}-\d{2}-\d{2}$", webpage["dateModified"])
    for case_id in CASE_IDS:
        graph = jsonld(parse(built / "cases" / case_id / "index.html"))["@graph"]
        report = next(node for node in graph if node["@type"] == "MedicalScholarlyArticle")
        assert report["publicationType"] == "Case Reports"
        assert report["citation"] and report["about"]["name"]
        assert next(node for node in graph if node["@type"] == "MedicalWebPage")["about"]["@type"] == "MedicalCondition"


def test_every_page_has_a_cite_block_with_parsable_downloads(built: Path) -> None:
    validator = jsonschema.Draft202012Validator(csl_data_schema())
    for page in pages(built):
        block = article(page).xpath(".//*[@id='cite-this-page']")
        assert block, page
        text = block[0].xpath(".//*[contains(@class,'sb-citation-text')]")[0].text_content()
        assert "RSCE evidence" in text and "Version 0.1.0" in text and "November 26, 2026" in text and "September 21" not in text
        assert block[0].xpath(".//button[contains(@class,'sb-copy-citation')]")
        links = {a.text_content(): (page.parent / a.get("href")).resolve() for a in block[0].xpath(".//a[starts-with(@href,'cite.')]")}
        assert set(links) == {"BibTeX", "RIS", "CSL-JSON"}, page
        library = bibtexparser.parse_file(str(links["BibTeX"]))
        assert not library.failed_blocks and len(library.entries) == 1
        entry = library.entries[0]
        url = meta(parse(page), "name", "citation_public_url")[0]
        assert entry["url"] == url and entry["date"] == PUBLISHED and "urldate" not in entry and entry["note"] == "Version 0.1.0"
        records = rispy.loads(links["RIS"].read_text(encoding="utf-8"))
        assert len(records) == 1 and records[0]["urls"] == [url] and records[0]["type_of_reference"] == "ELEC"
        items = json.loads(links["CSL-JSON"].read_text(encoding="utf-8"))
        validator.validate(items)
        assert items[0]["URL"] == url and items[0]["version"] == "0.1.0"


def test_every_page_shows_review_dates_publisher_and_disclaimer(built: Path) -> None:
    for page in pages(built):
        info = article(page).xpath(".//*[contains(@class,'sb-page-info')]")
        assert info, page
        text = " ".join(info[0].text_content().split())
        for words in ("Last reviewed: 2026-11-26 by site_builder editorial team", "Next review: 2027-05-26", "Published by site_builder contributors", "does not replace"):
            assert words in text, f"{page}: {words}"
        if page.parent.name != "disclaimer":
            assert info[0].xpath(".//a[contains(@href,'disclaimer/')]"), page


def test_bibliography_entries_carry_coins(built: Path) -> None:
    entries = article(built / "references" / "index.html").xpath(".//div[contains(@class,'sb-ref')]")
    for entry in entries:
        span = entry.xpath(".//span[@class='Z3988']")
        assert span and "ctx_ver=Z39.88-2004" in span[0].get("title")
    for key in PREPRINTS:
        coins = article(built / "references" / "index.html").xpath(f".//*[@id='ref-{key}']//span[@class='Z3988']")[0].get("title")
        assert "rft.genre=preprint" in coins, key
        doi = PROJECT_DATA.references[key].get("doi")
        assert not doi or "rft_id=info%3Adoi%2F" + doi.replace("/", "%2F") in coins, key


def test_case_pages_and_cards_carry_the_evidence_label(built: Path) -> None:
    for case_id in CASE_IDS:
        tree = article(built / "cases" / case_id / "index.html")
        label = tree.xpath(".//*[contains(@class,'sb-evidence')]")[0]
        assert "One person's result: the weakest kind of clinical evidence." in label.text_content()
        assert label.xpath(".//a[@href='../../evidence/#levels' and contains(., 'Oxford CEBM 2011 level 4')]")
        assert label.xpath(".//a[@href='../../evidence/#grade' and contains(., 'GRADE starting certainty: very low')]")
    evidence = article(built / "evidence" / "index.html")
    assert all(evidence.xpath(f".//*[@id='{anchor}']") for anchor in ("levels", "grade", "designs", "within-patient"))
    for case_id, case in PROJECT_DATA.cases.items():
        split = article(built / "cases" / case_id / "index.html").xpath(".//*[contains(@class,'sb-evidence')]//a[contains(@href,'#within-patient')]")
        assert bool(split) == (case.comparator is not None), case_id
    records = {**{f"cases/{k}/": v for k, v in PROJECT_DATA.cases.items()}, **{f"studies/{k}/": v for k, v in PROJECT_DATA.studies.items()}}
    for ident in PROJECT_DATA.indications:
        for card in article(built / "indications" / ident / "index.html").xpath(".//div[contains(@class,'grid')]/ul/li"):
            record = records[card.xpath(".//a/@href")[0].removeprefix("../../")]
            assert record.evidence.name in card.text_content()


def test_no_overclaiming_words_in_generated_or_hand_written_pages(built: Path) -> None:
    for page in pages(built):
        text = article(page).text_content()
        found = FORBIDDEN.findall(text)
        assert not found, f"{page.relative_to(built)}: {found}"
    for source in list((PROJECT / "content").rglob("*.md")) + list((PROJECT / "cases").glob("*.yaml")):
        assert not FORBIDDEN.findall(source.read_text(encoding="utf-8")), source


def test_source_funding_and_conflicts_are_shown_with_each_case(built: Path) -> None:
    for case_id, case in PROJECT_DATA.cases.items():
        text = " ".join(article(built / "cases" / case_id / "index.html").text_content().split())
        source = PROJECT_DATA.references[case.source.citation]
        # What the record states wins; else the bibliography's field; else the source does not report it.
        funding = case.source.funding or source.get("funding") or "not reported in the source"
        conflicts = case.source.conflicts_of_interest or source.get("conflicts") or "not reported in the source"
        assert f"Funding: {funding}" in text, case_id
        assert f"Conflicts of interest: {conflicts}" in text, case_id


def test_preprints_are_marked_not_peer_reviewed_wherever_cited(built: Path) -> None:
    seen = 0
    for page in pages(built):
        tree = article(page)
        for key in PREPRINTS:
            for item in tree.xpath(f".//h2[@id='references']/following-sibling::ol[1]/li[span[@id='cite-{key}']]"):
                assert "not peer reviewed" in item.text_content(), page
                seen += 1
            for a in tree.xpath(f".//sup[@class='sb-cite']/a[@href='#cite-{key}']"):
                assert "not peer reviewed" in a.get("title")
    assert seen or not PREPRINTS, "preprints are in the bibliography but no page lists one, so the check proved nothing"


def _plain_sections() -> list[tuple[str, str]]:
    found = summaries(PROJECT)
    assert len(found) == len(CASE_IDS) + len(PROJECT_DATA.indications), "every case and indication has one"
    return found


@pytest.mark.parametrize(("name", "text"), _plain_sections(), ids=[n for n, _ in _plain_sections()])
def test_plain_language_summaries_are_easy_to_read(name: str, text: str) -> None:
    grade = textstat.flesch_kincaid_grade(CITATION.sub("", text))
    assert grade <= 9, f"{name}: Flesch-Kincaid grade {grade:.1f}"


def test_open_data_is_published_and_linked_from_home(built: Path) -> None:
    home = article(built / "index.html")
    for name in ("cases.json", "cases.csv", "references.json"):
        assert home.xpath(f".//a[@href='data/{name}']"), name
    text = (built / "data" / "cases.json").read_text(encoding="utf-8")
    records = json.loads(text)
    assert sorted(r["id"] for r in records) == CASE_IDS
    lines = text.splitlines()
    assert lines[0] == "[" and lines[-1] == "]" and [json.loads(line.rstrip(",")) for line in lines[1:-1]] == records, "one record to a line"
    with (built / "data" / "cases.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["id"] for r in rows] == CASE_IDS
    assert {"age", "sex", "treatment", "key_outcome", "learning_points"} <= set(rows[0])
    refs = json.loads((built / "data" / "references.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(csl_data_schema()).validate(refs)
    assert sorted(item["id"] for item in refs) == sorted(PROJECT_DATA.references)


def test_withdrawn_case_leaves_a_tombstone(sample, tmp_path: Path) -> None:
    root = sample()
    second = (root / "cases" / "sample-case.yaml").read_text(encoding="utf-8").replace("id: sample-case", "id: old-case")
    second += "withdrawn:\n  date: 2026-10\n  reason: The source publication was retracted.\n"
    (root / "cases" / "old-case.yaml").write_text(second, encoding="utf-8")
    site = tmp_path / "site"
    result = mkdocs_build(root / "mkdocs.yml", site)
    assert result.returncode == 0, result.stderr
    tomb = article(site / "cases" / "old-case" / "index.html").text_content()
    assert "withdrawn on 2026-10" in tomb and "retracted" in tomb
    assert "old-case" not in "".join(article(site / "indications" / "eczema" / "index.html").xpath(".//a/@href"))
    table = article(site / "cases" / "index.html")
    assert len(table.xpath(".//tbody/tr")) == 1
    assert table.xpath(".//a[@href='old-case/']")


def test_printing_a_case_page_gives_a_clean_document(built: Path, tmp_path: Path) -> None:
    chromium = shutil.which("chromium")
    if not chromium:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed (CI must install Debian's chromium)")
        pytest.skip("chromium is not installed: printing is checked in CI")
    from pypdf import PdfReader

    pdf = tmp_path / "case.pdf"
    with_doi = [built / "cases" / c / "index.html" for c in CASE_IDS if article(built / "cases" / c / "index.html").xpath(".//a[starts-with(@href,'https://doi.org/')]")]
    page = (with_doi or [built / "references" / "index.html"])[0]
    subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
         f"--user-data-dir={tmp_path / 'profile'}", "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()],
        check=True, capture_output=True, timeout=120,
    )
    printed = [" ".join(p.extract_text().split()) for p in PdfReader(pdf).pages]
    text = " ".join(printed)
    assert "Cite this page" in text and "Version 0.1.0" in text
    assert "Table of contents" not in text, "the navigation is printed"
    assert "Search" not in text, "the search box is printed"
    assert "Made with Material for MkDocs" not in text
    dois = [d for d in article(page).xpath(".//a[starts-with(@href,'https://doi.org/')]/@href")]
    for href in dois:  # "doi:10.x/y" once, not followed by "(https://doi.org/10.x/y)"
        assert text.count(href.removeprefix("https://doi.org/")) == text.count("doi:" + href.removeprefix("https://doi.org/")), href
        assert f"({href})" not in text, href
    (where,) = [i for i, p in enumerate(printed) if "Cite this page" in p]
    assert not printed[where].startswith("Cite this page"), "the citation block is pushed to a page of its own"


def test_page_citations_filled_from_one_template_equal_citeproc_for_each_page() -> None:
    from site_builder.citations.csl import Formatter
    from site_builder.citations.metadata import PageCitationFormatter, PageInfo, SiteMeta, citation_text

    meta = SiteMeta(name="Site & Co", url="https://example.org/x/", publisher="Team", version="1.0")
    day = {"published": "2026-01-02", "modified": "2026-03-04"}
    pages = [
        PageInfo("index.md", "Home", "", **day),
        PageInfo("cases/a-b.md", "lower-case title: with <tags> & 'quotes'", "", **day),
        PageInfo("cases/c.md", "A title that ends with a period.", "", **day),  # citeproc joins it with the next "."
        PageInfo("cases/d.md", "Doe et al. n.d.", "", **day),
        PageInfo("cases/e.md", ' Spaced "quoted" title ', "", **day),
        PageInfo("cases/f.md", "Crohn's disease?", "", **day),
        PageInfo("cases/g.md", "A plain title", "A description", **day),
        PageInfo("references.md", "Références", "", published="2025-12-31", modified="2025-12-31"),
        PageInfo("undated.md", "No dates", ""),
    ]

    def unmarked(html: str) -> str:
        return re.sub(r'<span class="sb-accessed"[^>]*>([^<]*)</span>', r"\1", html)

    for style in ("american-medical-association", "apa", "modern-language-association", "nature"):
        formatter = Formatter(style)
        cited: dict[str, tuple[str, str]] = {}
        for order in (pages, pages[::-1], pages[2:] + pages[:2]):  # whichever page comes first
            fast = PageCitationFormatter(formatter, meta)
            for page in order:
                text, html = fast(page)
                assert (text, unmarked(html)) == citation_text(formatter, meta, page), (style, page.title)
                assert cited.setdefault(page.path, (text, html)) == (text, html), (style, page.title)
        if style == "american-medical-association":
            assert any(fast.templates.values()), "the site's default style takes the one-template path"
