"""The built site: pages, URLs, citations, back-links, search, and the plugin-free generate tree."""

from __future__ import annotations

import gc
import html
import re
import shutil
from pathlib import Path
from urllib.parse import urljoin

import pytest
import yaml
from lxml import etree

from conftest import PROJECT, loaded_project, run_cli, show_raw_html
from site_builder.pages.site import build_site
from sitecheck import article, broken_links, html_pages, mkdocs_build, parse, search_records

# Expectations come from the content as loaded (tests/conftest.py), never from counts of today's corpus.
PROJECT_DATA = loaded_project()
CASE_IDS = sorted(PROJECT_DATA.cases)
INDICATIONS = sorted(PROJECT_DATA.indications)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("site") / "site"
    result = mkdocs_build(PROJECT / "mkdocs.yml", site)
    assert result.returncode == 0, result.stderr
    return site


def test_every_page_kind_is_built(built: Path) -> None:
    assert CASE_IDS and INDICATIONS
    assert CASE_IDS == sorted(p.stem for p in (PROJECT / "cases").glob("*.yaml")), "every case file is loaded"
    assert INDICATIONS == sorted(p.stem for p in (PROJECT / "content" / "indications").glob("*.md") if p.stem != "index")
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
    for ident in INDICATIONS:
        assert any(f"indications/{ident}/" in href for href in nav), ident
    assert not [href for href in nav for case_id in CASE_IDS if f"cases/{case_id}/" in href]


def _primary_nav(site: Path, page: Path) -> tuple[list[Path], list[Path]]:
    """The files the page's primary navigation links to, and those of its links marked active (the page itself)."""
    nav = parse(page).xpath("//nav[contains(@class,'md-nav--primary')]")[0]

    def target(href: str) -> Path:
        path = (page.parent / href.split("#")[0]).resolve()
        return path / "index.html" if path.is_dir() else path

    links = [target(a.get("href")) for a in nav.xpath(".//a[@href]") if not a.get("href").startswith("#")]  # not its toc
    active = [target(a.get("href")) for a in nav.xpath(".//a[contains(@class,'md-nav__link--active')][@href]")]
    return links, active


def _navigation_everywhere(site: Path) -> int:
    """Check that every page's navigation links, from where the page is, to the same pages as the home page's, and
    marks a page active only on that page; the number of pages the nav does not list."""
    home_links, _ = _primary_nav(site, site / "index.html")
    assert home_links
    listed = set(home_links)
    not_listed = 0
    for page in html_pages(site):
        if page.name != "index.html" or page.parent.name == "search":
            continue
        links, active = _primary_nav(site, page)
        assert links == home_links, page
        assert active == ([page.resolve()] if page.resolve() in listed else []), page
        not_listed += page.resolve() not in listed
    return not_listed


def test_every_page_has_the_same_navigation_linked_from_where_it_is(built: Path) -> None:
    """The navigation is rendered once for the pages the nav does not list and shared (site_builder/engine/page.py)."""
    assert _navigation_everywhere(built) >= len(CASE_IDS), "case pages are not in the nav"


def test_shared_navigation_is_linked_from_each_depth(tmp_path: Path) -> None:
    """Pages the nav does not list at different depths (references/ and cases/<id>/) each get links from where they are."""
    root = tmp_path / "project"
    shutil.copytree(Path(__file__).parent / "roots" / "minimal", root)
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "  - References: references.md\n" in text
    config.write_text(text.replace("  - References: references.md\n", ""), encoding="utf-8")
    site = tmp_path / "site"
    result = mkdocs_build(config, site)
    assert result.returncode == 0, result.stderr
    assert (site / "references" / "index.html").is_file()
    assert _navigation_everywhere(site) >= 2


def test_rendering_leaves_the_cycle_collector_as_it_found_it() -> None:
    """build_site has the collector run less often and skip what was loaded before it (gc.freeze) only while it renders."""
    assert gc.get_freeze_count() == 0
    thresholds = gc.get_threshold()
    site = build_site(PROJECT_DATA)
    assert site.pages and gc.get_freeze_count() == 0 and gc.get_threshold() == thresholds
    gc.freeze()  # a caller's own freeze is left as it was
    try:
        build_site(PROJECT_DATA)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


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
    references = PROJECT_DATA.references
    assert sorted(e.get("id").removeprefix("ref-") for e in entries) == sorted(references)
    preprints = [key for key, ref in references.items() if ref.is_preprint]
    assert len(tree.xpath(".//*[contains(@class,'sb-preprint')]")) == len(preprints)
    for key, ref in references.items():
        entry = tree.xpath(f".//*[@id='ref-{key}']")[0]
        links = entry.xpath(".//a/@href")
        if ref.get("doi"):
            assert f"https://doi.org/{ref.get('doi')}" in links, key
        elif ref.get("url"):
            assert ref.get("url") in links, key
        assert ("not peer reviewed" in entry.text_content()) == ref.is_preprint, key
    for case_id, case in PROJECT_DATA.cases.items():
        source = tree.xpath(f".//*[@id='ref-{case.source.citation}']")[0]
        assert f"../cases/{case_id}/" in source.xpath(".//a/@href"), f"{case.source.citation} links back to {case_id}"


def test_back_links_match_the_citations_on_each_page(built: Path) -> None:
    tree = article(built / "references" / "index.html")
    for entry in tree.xpath(".//div[contains(@class,'sb-ref')]"):
        key = entry.get("id").removeprefix("ref-")
        for href in entry.xpath(".//a[starts-with(@href, '../')]/@href"):
            page = (built / "references" / href).resolve() / "index.html"
            assert article(page).xpath(f".//*[@id='cite-{key}']"), f"{href} is listed as citing {key} but does not"


def _indication_page_shape(tree, cases: list[str]) -> None:  # noqa: ANN001 - an lxml element
    headings = [h.text_content().strip("¶ ") for h in tree.xpath(".//h2")]
    for heading in ("In plain words", "About this condition", "For clinicians", "Cases and studies", "References"):
        assert heading in headings
    header = [th.text_content() for th in tree.xpath(".//table//th")]
    assert header[:9] == ["Record", "Design", "n", "People", "Regimen", "Combined procedure", "Key outcome seen", "Compared with", "Adverse events"]
    cards = tree.xpath(".//div[contains(@class,'grid')]/ul/li")
    for case_id in cases:
        assert [c for c in cards if c.xpath(f".//a[@href='../../cases/{case_id}/']")], f"no card for {case_id}"


def test_indication_pages_have_summaries_table_and_a_card_per_case(built: Path) -> None:
    for ident in INDICATIONS:
        cases = [c.id for c in PROJECT_DATA.cases_for(ident) if not c.withdrawn]
        if not cases:
            continue
        tree = article(built / "indications" / ident / "index.html")
        _indication_page_shape(tree, cases)
        if PROJECT_DATA.indications[ident].literature:
            assert "Related literature" in [h.text_content().strip("¶ ") for h in tree.xpath(".//h2")]


def test_a_case_card_shows_patient_key_outcome_evidence_and_learning_points(sample, tmp_path: Path) -> None:
    root = sample()
    case = root / "cases" / "sample-case.yaml"
    text = case.read_text(encoding="utf-8").replace("    consent: [Ethics statement]", "    consent: [Ethics statement]\n    learning_points: [Discussion]")
    case.write_text(text + "learning_points:\n  - Compare both sides [@doe2020sample].\n", encoding="utf-8")
    site = tmp_path / "site"
    assert mkdocs_build(root / "mkdocs.yml", site).returncode == 0
    tree = article(site / "indications" / "eczema" / "index.html")
    _indication_page_shape(tree, ["sample-case"])
    text = tree.xpath(".//div[contains(@class,'grid')]/ul/li")[0].text_content()
    for words in ("Female, 30 years", "Key outcome", "Single case report", "Within-person comparison", "Learning points", "Read the full case"):
        assert words in text


def test_hand_written_indication_text_is_merged(built: Path) -> None:
    for ident, indication in PROJECT_DATA.indications.items():
        found = re.search(r"## About this condition\s+(.+?)\.", indication.body, re.S)
        if found:
            assert " ".join(found.group(1).split()) in " ".join(article(built / "indications" / ident / "index.html").text_content().split()), ident


def test_case_pages_show_care_sections(built: Path) -> None:
    for case_id, case in PROJECT_DATA.cases.items():
        if case.withdrawn:
            continue
        tree = article(built / "cases" / case_id / "index.html")
        headings = {h.text_content().strip("¶ ") for h in tree.xpath(".//h2")}
        for heading in ("Summary for patients", "Clinical summary", "Patient", "Presentation", "Diagnosis", "Intervention", "Timeline", "Outcomes", "Adverse events", "Source and locators", "References"):
            assert heading in headings, (case_id, heading)
        assert ("Figures" in headings) == bool(case.figures), case_id
        assert ("Editorial notes" in headings) == bool(case.editorial_notes), case_id
        assert ("Learning points" in headings) == bool(case.learning_points), case_id
        assert "weakest kind of clinical evidence" in tree.text_content()


def test_case_table_lists_every_case(built: Path) -> None:
    rows = article(built / "cases" / "index.html").xpath(".//table//tbody/tr")
    assert len(rows) == len([c for c in PROJECT_DATA.cases.values() if not c.withdrawn]) + len([s for s in PROJECT_DATA.studies.values() if not s.withdrawn])


def test_search_index_finds_the_right_cases(built: Path) -> None:
    """Pagefind's index (written by the build) holds each case page under its indication and its title."""
    records = search_records(built)

    def pages_with(term: str) -> set[str]:
        return {url for url, r in records.items() if term in html.unescape(r["meta"].get("title", "") + " " + r["content"]).lower()}

    for case_id, case in PROJECT_DATA.cases.items():
        if case.withdrawn:
            continue
        title = PROJECT_DATA.indications[case.indication].title.lower()
        assert f"cases/{case_id}/" in pages_with(title), f"searching '{title}' finds {case_id}"
        assert f"cases/{case_id}/" in pages_with(case.title.lower()), f"searching its title finds {case_id}"
        assert records[f"cases/{case_id}/"]["meta"]["kind"] == "Case report"


def test_tags_name_indications_and_procedures(built: Path) -> None:
    for case_id, case in PROJECT_DATA.cases.items():
        if case.withdrawn:
            continue
        tags = [a.text_content().strip() for a in parse(built / "cases" / case_id / "index.html").xpath("//nav[contains(@class,'md-tags')]//a")]
        assert PROJECT_DATA.indications[case.indication].title in tags, case_id
        assert {p.replace("-", " ") for p in case.tags.procedures} <= set(tags), case_id


def test_generate_tree_builds_without_the_plugin_and_matches(built: Path, tmp_path: Path) -> None:
    out = tmp_path / "tree"
    result = run_cli("generate", str(out), "--project", str(PROJECT))
    assert result.exit_code == 0, result.stderr
    plugins = yaml.safe_load((out / "mkdocs.yml").read_text(encoding="utf-8"))["plugins"]
    assert plugins == ["tags"]
    site = tmp_path / "site"
    build = mkdocs_build(out / "mkdocs.yml", site)
    assert build.returncode == 0, build.stderr
    assert not (site / "pagefind").exists()
    indexed = run_cli("index", str(site))  # search for a site built by another engine
    assert indexed.exit_code == 0, indexed.stderr
    assert set(search_records(site)) == set(search_records(built))
    pages = [p.relative_to(built) for p in html_pages(built) if "search" not in p.parts]
    assert pages == [p.relative_to(site) for p in html_pages(site) if "search" not in p.parts]
    for rel in pages:
        assert _as_read(article(built / rel), rel) == _as_read(article(site / rel), rel), rel


def _as_read(tree, rel: Path) -> bytes:  # noqa: ANN001 - an lxml element
    """A page as a browser reads it: every link and image address resolved from the page's own URL."""
    url = f"http://site/{rel.parent.as_posix()}/"
    for el in tree.iter():
        for name in ("href", "src"):
            if el.get(name) is not None:
                el.set(name, urljoin(url, el.get(name)))
    return etree.tostring(tree)


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
    card = article(site / "indications" / "eczema" / "index.html").xpath(".//div[contains(@class,'grid')]/ul/li")[0]
    assert "Hand eczema treated on one side" in card.text_content()
    assert article(site / "indications" / "index.html").xpath(".//td[text()='1']")
    assert len(article(site / "cases" / "index.html").xpath(".//tbody/tr")) == 1
    assert article(site / "references" / "index.html").xpath(".//*[@id='ref-doe2020sample']")
    assert "Oxford CEBM 2011 level 4" in article(site / "cases" / "sample-case" / "index.html").text_content()


def test_project_templates_override_the_built_in_ones(sample, tmp_path: Path) -> None:
    root = sample()
    (root / "templates").mkdir()
    (root / "templates" / "cases.html.j2").write_text("{{ h(1, 'Our own case list') }}\n<p>{{ cases | length }} cases here.</p>\n", encoding="utf-8")
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
    show_raw_html(root)
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


def test_search_index_holds_the_articles_of_content_pages_only(built: Path) -> None:
    """Every page is indexed by its article alone; the whole-table pages that repeat the cases (front matter
    search: exclude), the search page itself and the 404 page are left out."""
    records = search_records(built)
    pages = {p.relative_to(built).as_posix().removesuffix("index.html") for p in html_pages(built)}
    assert set(records) == pages - {"cases/", "tags/", "search/"}
    home = records[""]
    assert "Skip to content" not in home["content"] and "Switch to dark mode" not in home["content"], "header and nav are not indexed"
    assert not any("¶" in r["content"] for r in records.values()), "heading permalinks are not indexed"


def test_plugin_option_defaults_are_the_renderer_defaults() -> None:
    from site_builder.engine.config import plugin_config
    from site_builder.pages.site import SiteOptions

    options = plugin_config({})
    for name in ("style", "evidence_page", "disclaimer_page"):
        assert options[name] == getattr(SiteOptions, name), name


def test_raw_html_in_a_case_is_an_error_naming_the_tag(sample, tmp_path: Path) -> None:
    root = sample()
    case = root / "cases" / "sample-case.yaml"
    case.write_text(case.read_text(encoding="utf-8").replace("diagnosis: Atopic dermatitis.", "diagnosis: Atopic <details>dermatitis and a<b>c <!-- x"), encoding="utf-8")
    result = run_cli("validate", str(root))
    assert result.exit_code == 1
    lines = [line for line in result.stdout.splitlines() if "raw HTML" in line]
    assert [line.split(": error: ")[0] for line in lines] == ["cases/sample-case.yaml:16:12"] * 3
    assert ["(<details>)" in lines[0], "(<b>)" in lines[1], "(<!--)" in lines[2]] == [True, True, True]
    assert all("diagnosis: raw HTML" in line and "Write Markdown instead" in line for line in lines)
    assert mkdocs_build(root / "mkdocs.yml", tmp_path / "site").returncode != 0, "the build refuses it too"
    show_raw_html(root)
    assert run_cli("validate", str(root)).exit_code == 0, "raw_html: shown lets it through, shown as typed"


@pytest.mark.parametrize("setting", ["built", "exclude", "draft", "generate"])
def test_a_page_mkdocs_leaves_out_leaves_nothing_behind(sample, setting: str) -> None:  # noqa: ANN001
    """A hand-written page that exclude_docs or draft_docs leaves out of the build gets no citation downloads and is
    not listed on the references page as citing its works (a link there would lead nowhere); `generate` leaves out
    what `mkdocs build` leaves out. The patterns do not reach generated pages: `indications/eczema.md` (a page the
    plugin replaces with the indication's generated page) and `index.md` (which would also match cases/index.md)."""
    project = sample()
    (project / "content" / "extra.md").write_text("# Extra page\n\nA sentence that cites a work [@roe2023preprint].\n", encoding="utf-8")
    if setting != "built":
        with (project / "mkdocs.yml").open("a", encoding="utf-8") as config:
            config.write(f"{'exclude' if setting == 'generate' else setting}_docs: |\n  extra.md\n  indications/eczema.md\n")
    site = project / "site"
    if setting == "generate":
        assert run_cli("generate", str(project / "tree"), "--project", str(project)).exit_code == 0
        assert not (project / "tree" / "docs" / "extra").exists(), "no citation downloads"
        tree_config = yaml.safe_load((project / "tree" / "mkdocs.yml").read_text(encoding="utf-8"))
        assert tree_config["exclude_docs"] == "/extra.md\n", "the page itself, not the generated indication page"
        result = mkdocs_build(project / "tree" / "mkdocs.yml", site)
    else:
        result = mkdocs_build(project / "mkdocs.yml", site)
    assert result.returncode == 0, result.stderr
    built = setting == "built"
    assert (site / "extra").exists() == built
    references = (site / "references" / "index.html").read_text(encoding="utf-8")
    assert bool(re.search(r'href="(\.\./|/)extra/"', references)) == built  # the generated tree links from the root
    assert re.search(r'href="(\.\./|/)"', references), "the home page's citation of the same work is still listed"
    assert (site / "indications" / "eczema" / "index.html").is_file() and (site / "cases" / "index.html").is_file()
    if setting != "generate":  # the generated tree's links start at the site's root, which this check does not serve
        assert broken_links(site) == []


def test_an_exclude_pattern_leaves_generated_pages_alone(sample) -> None:  # noqa: ANN001
    """`exclude_docs: index.md` leaves out the home page alone: gitignore patterns without a slash match in every
    folder, but the lists of cases and indications are generated pages, which they do not reach."""
    project = sample()
    with (project / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write("exclude_docs: |\n  index.md\n")
    result = mkdocs_build(project / "mkdocs.yml", project / "site")
    assert result.returncode == 0, result.stderr
    site = project / "site"
    assert not (site / "index.html").exists()
    assert (site / "cases" / "index.html").is_file() and (site / "indications" / "index.html").is_file()


def test_generate_leaves_out_what_the_build_leaves_out(sample) -> None:  # noqa: ANN001
    """The generated tree, built by plain MkDocs with --strict, has the pages `mkdocs build` has, for patterns that
    only MkDocs' own reading gets right (a negation in draft_docs cannot bring back what exclude_docs left out) and a
    nav entry for a page left out (MkDocs notes it; in the tree it must not become a missing page)."""
    project = sample()
    content = project / "content"
    (content / "private").mkdir()
    for name in ("private/keep.md", "private/other.md", "wip-notes.md"):
        (content / name).write_text(f"# {name}\n\nCites [@roe2023preprint].\n", encoding="utf-8")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace("  - References: references.md\n", "  - References: references.md\n  - Notes: wip-notes.md\n")
    config.write_text(text + "exclude_docs: |\n  private/\ndraft_docs: |\n  wip-*.md\n  !/private/keep.md\n", encoding="utf-8")
    built = mkdocs_build(config, project / "site")
    assert built.returncode == 0, built.stderr
    assert run_cli("generate", str(project / "tree"), "--project", str(project)).exit_code == 0
    tree = mkdocs_build(project / "tree" / "mkdocs.yml", project / "tree-site")
    assert tree.returncode == 0, tree.stderr
    pages = {p.relative_to(project / "site").as_posix() for p in html_pages(project / "site")}
    assert pages == {p.relative_to(project / "tree-site").as_posix() for p in html_pages(project / "tree-site")}
    assert "index.html" in pages and not {"private/keep/index.html", "wip-notes/index.html"} & pages


def test_generate_renders_no_page_mkdocs_drops_for_a_clash(sample, monkeypatch) -> None:  # noqa: ANN001
    """MkDocs drops README.md beside index.md (both would be the home page); generate does not render it either, so
    the references page lists no 'Readme' as citing a work and the tree has no README/cite.* files. It repeats
    MkDocs' warning in its own form. A project named by a relative path works the same."""
    project = sample()
    (project / "content" / "README.md").write_text("# Readme\n\nCites [@roe2023preprint].\n", encoding="utf-8")
    monkeypatch.chdir(project.parent)
    result = run_cli("generate", "tree", "--project", project.name)
    assert result.exit_code == 0, result.stderr
    assert f"{project.name}/mkdocs.yml:1:1: warning: docs: Excluding 'README.md' from the site because it conflicts with 'index.md'" in result.stderr
    docs = project.parent / "tree" / "docs"
    assert not (docs / "README").exists()
    assert "Readme" not in (docs / "references.md").read_text(encoding="utf-8")


def test_generate_reads_only_the_settings_that_leave_pages_out(sample) -> None:  # noqa: ANN001
    """generate checks exclude_docs and draft_docs as MkDocs would, not the rest of mkdocs.yml, which is the
    engine's business: a theme folder or a plugin missing here, or a setting this MkDocs does not know, do not stop
    it. Without docs_dir in mkdocs.yml, the patterns apply to the project's own content folder. An invalid pattern
    setting is a located error."""
    project = sample()
    (project / "content" / "extra.md").write_text("# Extra\n\nCites [@roe2023preprint].\n", encoding="utf-8")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace("docs_dir: content\n", "").replace("  name: material\n", "  name: material\n  custom_dir: missing-overrides\n")
    config.write_text(text.replace("  - tags\n", "  - tags\n  - a-plugin-not-installed-here\n") + "strict: true\nunknown_setting: 1\nexclude_docs: |\n  extra.md\n", encoding="utf-8")
    result = run_cli("generate", str(project / "tree"), "--project", str(project))
    assert result.exit_code == 0, result.stderr
    assert not (project / "tree" / "docs" / "extra").exists()
    assert "extra" not in (project / "tree" / "docs" / "references.md").read_text(encoding="utf-8")
    config.write_text(text + "exclude_docs:\n  - extra.md\n", encoding="utf-8")
    result = run_cli("generate", str(project / "tree2"), "--project", str(project))
    assert result.exit_code == 1 and result.stderr.startswith(f"{config}:1:1: error: exclude_docs: "), result.stderr
    assert not (project / "tree2").exists()
    config.write_text(text + "site_dir: content/site\n", encoding="utf-8")  # MkDocs refuses this; generate leaves it to the engine
    assert run_cli("generate", str(project / "tree3"), "--project", str(project)).exit_code == 0



def test_a_mkdocs_yml_that_is_not_a_mapping_is_a_located_error(sample) -> None:  # noqa: ANN001
    project = sample()
    (project / "mkdocs.yml").write_text("just a line of text\n", encoding="utf-8")
    result = run_cli("generate", str(project / "tree"), "--project", str(project))
    assert result.exit_code == 1, result.stderr
    assert result.stderr.strip() == f"{project / 'mkdocs.yml'}:1:1: error: -: the file is not a mapping of settings (name: value lines); it holds a str"


def test_a_mkdocs_yml_that_mkdocs_cannot_load_stops_generate_on_one_line(sample, tmp_path: Path) -> None:  # noqa: ANN001
    project = sample()
    with (project / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write("extra:\n  x: !!python/name:no_such_module_for_site_builder.thing\n")  # text to us; an import to MkDocs
    result = run_cli("generate", str(tmp_path / "tree"), "--project", str(project))
    assert result.exit_code == 1, result.stderr
    (line,) = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert line.startswith(f"{project / 'mkdocs.yml'}:1:1: error: MkDocs encountered an error parsing the configuration file: ")
    assert "cannot find module 'no_such_module_for_site_builder'" in line
    assert not (tmp_path / "tree").exists()
