"""A case page as reference managers read it: Zotero's Embedded Metadata translator and Google Scholar's tags.

Built from a small sample project with a git history of known dates and a configured site_url; built twice with
clocks a day apart, the dates and the citation are the same.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import zotero_embedded
from conftest import REPO, ROOTS
from dated import commit
from sitecheck import mkdocs_build, parse

SITE_URL = "https://evidence.rsce-registry.org/"
PUBLISHER = "Evidence Site Editors"
FIRST, CHANGED = "2026-03-04", "2026-05-06"
CASE = "cases/sample-case/index.html"


def dated_project(folder: Path) -> Path:
    """The minimal sample with this repository's theme override, a real-looking site_url, a publisher, and a
    history: everything committed on FIRST, then the case changed on CHANGED."""
    root = folder / "project"
    shutil.copytree(ROOTS / "minimal", root)
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("site_name: Sample site\n", f"site_name: Sample site\nsite_url: {SITE_URL}\n")
    config = config.replace("  name: material\n", f"  name: material\n  custom_dir: {REPO / 'templates' / 'overrides'}\n")
    config = config.replace("  - site-builder\n", f"  - site-builder:\n      publisher: {PUBLISHER}\n      licence: CC BY 4.0\n")
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    commit(root, "first", FIRST)
    case = root / "cases" / "sample-case.yaml"
    case.write_text(case.read_text(encoding="utf-8").replace("The itch got better", "The itch eased"), encoding="utf-8")
    commit(root, "reworded", CHANGED)
    return root


def build(root: Path, site: Path, epoch: int) -> subprocess.CompletedProcess[str]:
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        return mkdocs_build(root / "mkdocs.yml", site)
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("zotero")
    root = dated_project(folder)
    first = build(root, folder / "site1", 1_790_000_000)  # 2026-09-21
    second = build(root, folder / "site2", 1_790_000_000 + 86_400)  # a day later
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert "site_url" not in first.stderr  # a real address: no warning
    return folder / "site1", folder / "site2"


def test_zotero_saves_a_case_page_as_a_web_page(sites) -> None:
    item = zotero_embedded.read((sites[0] / CASE).read_bytes())
    assert item["itemType"] == "webpage"
    title = parse(sites[0] / CASE).xpath("//article//h1")[0].text_content().strip().rstrip("¶").strip()
    assert item["title"] == title
    assert item["creators"] == [{"firstName": "", "lastName": PUBLISHER, "creatorType": "author"}]  # one organisation
    assert item["websiteTitle"] == "Sample site"
    assert item["date"] == FIRST.replace("-", "/")
    assert item["lastModified"] == CHANGED
    assert item["url"] == SITE_URL + "cases/sample-case/"
    assert item["rights"] == "CC BY 4.0"
    assert "publicationTitle" not in item  # never a journal article without a journal


def test_google_scholar_finds_its_required_tags(sites) -> None:
    tree = parse(sites[0] / CASE)
    tags = {name: tree.xpath(f"//head/meta[@name='{name}']/@content") for name in ("citation_title", "citation_author", "citation_publication_date")}
    assert all(len(v) == 1 for v in tags.values()), tags
    assert re.fullmatch(r"\d{4}/\d{2}/\d{2}", tags["citation_publication_date"][0])


def test_json_ld_dates_agree_with_the_citation_tags(sites) -> None:
    tree = parse(sites[0] / CASE)
    graph = json.loads(tree.xpath("//head/script[@type='application/ld+json']/text()")[0])["@graph"]
    for node in graph:
        assert node["datePublished"] == FIRST and node["dateModified"] == CHANGED, node["@type"]
        assert node["author"] == {"@type": "Organization", "name": PUBLISHER}
    assert graph[0]["about"] == {"@type": "MedicalCondition", "name": "Eczema"}
    home = json.loads(parse(sites[0] / "index.html").xpath("//head/script[@type='application/ld+json']/text()")[0])["@graph"][0]
    assert "about" not in home  # the home page is about no single condition


def test_citation_and_dates_are_the_same_a_day_later(sites) -> None:
    for page in ("index.html", CASE, "references/index.html"):
        one, two = (site / page for site in sites)
        assert one.read_bytes() == two.read_bytes(), page
    for name in ("cite.bib", "cite.ris", "cite.json"):
        assert (sites[0] / "cases" / "sample-case" / name).read_bytes() == (sites[1] / "cases" / "sample-case" / name).read_bytes()


def test_accessed_date_is_filled_in_by_the_page(sites) -> None:
    block = parse(sites[0] / CASE).xpath("//*[@class='sb-citation-text']")[0]
    (span,) = block.xpath(".//span[@class='sb-accessed']")
    assert span.text_content() == "May 6, 2026"  # the static fallback: the page's last change, in the style's words
    assert span.get("data-pattern") == "{M} {D}, {Y}" and span.get("data-months").split("|")[8] == "September"
    assert "Accessed May 6, 2026" in block.text_content()
    script = (sites[0] / "assets" / "site-builder" / "site-builder.js").read_text(encoding="utf-8")
    assert ".sb-accessed[data-pattern]" in script


def test_downloads_have_dates_from_the_data_and_a_file_name(sites) -> None:
    folder = sites[0] / "cases" / "sample-case"
    bib = (folder / "cite.bib").read_text(encoding="utf-8")
    assert "date = {2026-03-04}" in bib and "urldate" not in bib and f"{{{PUBLISHER}}}" in bib
    csl = json.loads((folder / "cite.json").read_text(encoding="utf-8"))[0]
    assert csl["issued"] == {"date-parts": [[2026, 3, 4]]} and "accessed" not in csl
    assert csl["author"] == [{"literal": PUBLISHER}]
    links = parse(sites[0] / CASE).xpath("//*[@id='cite-this-page']//a[@download]")
    assert [a.get("download") for a in links] == [f"sample-site-cases-sample-case.{ext}" for ext in ("bib", "ris", "json")]


def test_placeholder_site_url_warns_and_is_left_out(tmp_path) -> None:
    root = dated_project(tmp_path)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(SITE_URL, "https://rsce-evidence.example.org/"), encoding="utf-8")
    result = build(root, tmp_path / "site", 1_790_000_000)
    assert result.returncode == 0, result.stderr  # --strict still builds: the repository cannot know its address
    assert "site_url 'https://rsce-evidence.example.org/' is a placeholder" in result.stderr
    page = (tmp_path / "site" / CASE).read_text(encoding="utf-8")
    assert "example.org" not in page.replace('rel="canonical" href="https://rsce-evidence.example.org/', "")
    tree = parse(tmp_path / "site" / CASE)
    assert not tree.xpath("//head/meta[@name='citation_public_url' or @property='og:url']")
