"""The built site: pages, URLs, citations, back-links, search, and the plugin-free generate tree."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from lxml import etree

from conftest import REPO, run_cli
from sitecheck import article, broken_links, html_pages, mkdocs_build, parse

CASE_IDS = sorted(p.stem for p in (REPO / "cases").glob("*.yaml"))
INDICATIONS = sorted(p.stem for p in (REPO / "content" / "indications").glob("*.md"))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("site") / "site"
    result = mkdocs_build(REPO / "mkdocs.yml", site)
    assert result.returncode == 0, result.stderr
    return site


def test_every_page_kind_is_built(built: Path) -> None:
    assert len(CASE_IDS) == 8 and len(INDICATIONS) == 7
    for case_id in CASE_IDS:
        assert (built / "cases" / case_id / "index.html").is_file()
    for ident in INDICATIONS:
        assert (built / "indications" / ident / "index.html").is_file()
    for page in ("indications", "cases", "references", "tags"):
        assert (built / page / "index.html").is_file()


def test_every_internal_link_and_anchor_resolves(built: Path) -> None:
    assert broken_links(built) == []


def test_navigation_lists_indications_not_cases(built: Path) -> None:
    nav = parse(built / "index.html").xpath("//nav[contains(@class,'md-nav--primary')]//a/@href")
    assert any("indications/melasma/" in href for href in nav)
    assert not any("majewska2025-case" in href for href in nav)


def test_citations_are_numbered_by_first_appearance_and_link_to_the_page_list(built: Path) -> None:
    for page in [built / "cases" / c / "index.html" for c in CASE_IDS] + [built / "background" / "index.html"]:
        tree = article(page)
        numbers = [int(a.text.split(",")[0]) for a in tree.xpath(".//sup[@class='sb-cite']/a")]
        assert numbers, page
        seen = 0
        for n in numbers:
            assert n <= seen + 1, f"{page}: citation {n} appears before {seen + 1}"
            seen = max(seen, n)
        items = tree.xpath(".//h2[@id='references']/following-sibling::ol[1]/li")
        assert len(items) == seen, page
        for a in tree.xpath(".//sup[@class='sb-cite']/a"):
            key = a.get("href").removeprefix("#cite-")
            assert tree.xpath(f".//*[@id='cite-{key}']"), f"{page}: no list entry for {key}"
            assert a.get("title"), "a hovered citation shows the formatted reference"
        for li in items:
            assert li.xpath(".//a[contains(@href, 'references/#ref-')]"), "each list entry links to the bibliography"


def test_bibliography_has_anchors_dois_badges_and_back_links(built: Path) -> None:
    tree = article(built / "references" / "index.html")
    entries = tree.xpath(".//div[contains(@class,'sb-ref')]")
    assert len(entries) == 42
    won = tree.xpath(".//*[@id='ref-won2023biological']")[0]
    assert won.xpath(".//a[@href='https://doi.org/10.1101/2023.10.17.562840']")
    assert "not peer reviewed" in won.text_content()
    assert len(tree.xpath(".//*[contains(@class,'sb-preprint')]")) == 1
    source = tree.xpath(".//*[@id='ref-majewska2025efficacy']")[0]
    back = {a.get("href") for a in source.xpath(".//a")}
    for case_id in CASE_IDS:
        assert f"../cases/{case_id}/" in back
    regulation = tree.xpath(".//*[@id='ref-regulation2009cosmetic']")[0]
    assert regulation.xpath(".//a[starts-with(@href, 'https://health.ec.europa.eu/')]")


def test_back_links_match_the_citations_on_each_page(built: Path) -> None:
    tree = article(built / "references" / "index.html")
    for entry in tree.xpath(".//div[contains(@class,'sb-ref')]"):
        key = entry.get("id").removeprefix("ref-")
        for href in entry.xpath(".//a[starts-with(@href, '../')]/@href"):
            page = (built / "references" / href).resolve() / "index.html"
            assert article(page).xpath(f".//*[@id='cite-{key}']"), f"{href} is listed as citing {key} but does not"


def test_indication_page_has_summaries_table_cards_and_literature(built: Path) -> None:
    tree = article(built / "indications" / "atopic-dermatitis" / "index.html")
    headings = [h.text_content().strip("¶ ") for h in tree.xpath(".//h2")]
    for heading in ("In plain words", "About this condition", "For clinicians", "Cases", "Related literature", "References"):
        assert heading in headings
    header = [th.text_content() for th in tree.xpath(".//table//th")]
    assert header[:8] == ["Case", "Age", "Sex", "Regimen", "Combined procedure", "Time to outcome", "Comparator", "Adverse events"]
    card = tree.xpath(".//div[contains(@class,'grid')]//li")[0]
    text = card.text_content()
    for words in ("Female, 21 years", "Key outcome", "Single case report", "Within-patient comparison", "Learning points", "Read the full case"):
        assert words in text
    assert card.xpath(".//a[@href='../../cases/majewska2025-case1-atopic-dermatitis/']")


def test_hand_written_indication_text_is_merged(built: Path) -> None:
    source = (REPO / "content" / "indications" / "melasma.md").read_text(encoding="utf-8")
    sentence = re.search(r"## About this condition\s+(.+?)\.", source, re.S).group(1)
    assert " ".join(sentence.split()) in " ".join(article(built / "indications" / "melasma" / "index.html").text_content().split())


def test_case_page_shows_care_sections(built: Path) -> None:
    tree = article(built / "cases" / "majewska2025-case3-burn" / "index.html")
    headings = {h.text_content().strip("¶ ") for h in tree.xpath(".//h2")}
    for heading in ("Summary for patients", "Clinical summary", "Patient", "Presentation", "Diagnosis", "Intervention", "Timeline", "Outcomes", "Adverse events", "Figures", "Editorial notes", "Source and locators", "References"):
        assert heading in headings
    assert "weakest kind of clinical evidence" in tree.text_content()


def test_case_table_lists_every_case(built: Path) -> None:
    rows = article(built / "cases" / "index.html").xpath(".//table//tbody/tr")
    assert len(rows) == len(CASE_IDS)


def test_search_index_finds_the_right_cases(built: Path) -> None:
    docs = json.loads((built / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]

    def pages_with(term: str) -> set[str]:
        return {d["location"].split("#")[0] for d in docs if term in (d["title"] + " " + d["text"]).lower()}

    assert "cases/majewska2025-case8-melasma/" in pages_with("melasma")
    assert {"cases/majewska2025-case2-graft-scar/", "cases/majewska2025-case7-photoaging/", "cases/majewska2025-case8-melasma/"} <= pages_with("microneedling")
    assert "cases/majewska2025-case1-atopic-dermatitis/" in pages_with("atopic")


def test_tags_name_indications_and_procedures(built: Path) -> None:
    tags = [a.text_content().strip() for a in parse(built / "cases" / "majewska2025-case8-melasma" / "index.html").xpath("//nav[contains(@class,'md-tags')]//a")]
    assert "Melasma" in tags and "microneedling" in tags


def test_generate_tree_builds_without_the_plugin_and_matches(built: Path, tmp_path: Path) -> None:
    out = tmp_path / "tree"
    result = run_cli("generate", str(out), "--project", str(REPO))
    assert result.exit_code == 0, result.stderr
    plugins = yaml.safe_load((out / "mkdocs.yml").read_text(encoding="utf-8"))["plugins"]
    assert plugins == ["search", "tags"]
    site = tmp_path / "site"
    build = mkdocs_build(out / "mkdocs.yml", site)
    assert build.returncode == 0, build.stderr
    pages = [p.relative_to(built) for p in html_pages(built) if "search" not in p.parts]
    assert pages == [p.relative_to(site) for p in html_pages(site) if "search" not in p.parts]
    for rel in pages:
        assert etree.tostring(article(built / rel)) == etree.tostring(article(site / rel)), rel


def test_generate_refuses_a_broken_project(sample, tmp_path: Path) -> None:
    root = sample()
    text = (root / "content" / "index.md").read_text(encoding="utf-8")
    (root / "content" / "index.md").write_text(text.replace("[@roe2023preprint]", "[@ghost2001]"), encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("generate", str(out), "--project", str(root))
    assert result.exit_code == 1
    assert "content/index.md:7:29: error: body: unknown citation key 'ghost2001'" in result.stderr
    assert not out.exists()


def test_unknown_citation_key_fails_the_build_naming_the_file(sample, tmp_path: Path) -> None:
    root = sample()
    text = (root / "content" / "index.md").read_text(encoding="utf-8")
    (root / "content" / "index.md").write_text(text.replace("[@roe2023preprint]", "[@ghost2001]"), encoding="utf-8")
    result = mkdocs_build(root / "mkdocs.yml", tmp_path / "site")
    assert result.returncode != 0
    assert "content/index.md:7:29: error: body: unknown citation key 'ghost2001'" in result.stderr


def test_sample_root_renders_every_template(sample, tmp_path: Path) -> None:
    root = sample()
    site = tmp_path / "site"
    result = mkdocs_build(root / "mkdocs.yml", site)
    assert result.returncode == 0, result.stderr
    assert broken_links(site) == []
    card = article(site / "indications" / "eczema" / "index.html").xpath(".//div[contains(@class,'grid')]//li")[0]
    assert "Hand eczema treated on one side" in card.text_content()
    assert article(site / "indications" / "index.html").xpath(".//td[text()='1']")
    assert len(article(site / "cases" / "index.html").xpath(".//tbody/tr")) == 1
    assert article(site / "references" / "index.html").xpath(".//*[@id='ref-doe2020sample']")
    assert "Oxford CEBM 2011 level 4" in article(site / "cases" / "sample-case" / "index.html").text_content()


def test_project_templates_override_the_built_in_ones(sample, tmp_path: Path) -> None:
    root = sample()
    (root / "templates").mkdir()
    (root / "templates" / "cases.md.j2").write_text("# Our own case list\n\n{{ cases | length }} cases here.\n", encoding="utf-8")
    site = tmp_path / "site"
    assert mkdocs_build(root / "mkdocs.yml", site).returncode == 0
    assert "1 cases here." in article(site / "cases" / "index.html").text_content()


def test_bad_plugin_options_fail_at_start_up(sample, tmp_path: Path) -> None:
    root = sample()
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(config.replace("  - site-builder\n", "  - site-builder:\n      style: no-such-style\n"), encoding="utf-8")
    result = mkdocs_build(root / "mkdocs.yml", tmp_path / "site")
    assert result.returncode != 0 and "style" in result.stderr
    shutil.rmtree(tmp_path / "site", ignore_errors=True)
    (root / "mkdocs.yml").write_text(config.replace("  - site-builder\n", "  - site-builder:\n      cases: nowhere\n"), encoding="utf-8")
    result = mkdocs_build(root / "mkdocs.yml", tmp_path / "site")
    assert result.returncode != 0 and "cases: 'nowhere' does not exist" in result.stderr


def test_contributed_markup_is_escaped(sample, tmp_path: Path) -> None:
    root = sample()
    case = root / "cases" / "sample-case.yaml"
    text = case.read_text(encoding="utf-8")
    text = text.replace("title: Hand eczema treated on one side", "title: '<img src=x onerror=alert(1)> [x](javascript:alert(2))'")
    text = text.replace("diagnosis: Atopic dermatitis.", "diagnosis: 'Atopic <script>alert(3)</script> [y](javascript:alert(4)) <b onclick=\"alert(5)\">x</b>'")
    case.write_text(text, encoding="utf-8")
    site = tmp_path / "site"
    assert mkdocs_build(root / "mkdocs.yml", site).returncode == 0
    for page in html_pages(site):
        tree = parse(page)
        assert not tree.xpath("//article//script"), page
        assert not tree.xpath("//article//img[@onerror]"), page
        assert not tree.xpath("//*[@onclick]"), page
        assert not [h for h in tree.xpath("//a/@href") if h.strip().lower().startswith("javascript:")], page


def test_serve_watches_cases_bibliography_and_templates(sample) -> None:
    from mkdocs.config import load_config

    from site_builder.plugin import SiteBuilderPlugin

    root = sample()
    (root / "templates").mkdir()
    config = load_config(str(root / "mkdocs.yml"))
    plugin = config.plugins["site-builder"]
    assert isinstance(plugin, SiteBuilderPlugin)
    plugin.on_config(config)

    class Server:
        watched: list[str] = []

        def watch(self, path: str) -> None:
            self.watched.append(path)

    server = Server()
    plugin.on_serve(server, config=config, builder=None)
    assert sorted(Path(p).name for p in server.watched) == ["cases", "references.bib", "templates"]


def test_search_index_leaves_out_repeated_and_secondary_sections(built: Path) -> None:
    docs = json.loads((built / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    locations = [d["location"] for d in docs]
    assert not [loc for loc in locations if loc.endswith(("#cite", "#references", "#source-and-locators", "#editorial-notes"))]
    assert "cases/" not in locations and "tags/" not in locations, "whole-table pages repeat the cases"
    case = [loc for loc in locations if loc.startswith("cases/majewska2025-case8-melasma/")]
    assert {"cases/majewska2025-case8-melasma/", "cases/majewska2025-case8-melasma/#summary-for-patients", "cases/majewska2025-case8-melasma/#learning-points"} <= set(case)
