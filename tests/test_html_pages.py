"""Generated pages are rendered once, by our templates, to finished HTML: MkDocs shows that HTML as it is, with the
table of contents of its headings, and converts only hand-written Markdown. Built from small sample projects."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lxml import html as lxml_html

from conftest import run_cli
from site_builder.project import load_project
from site_builder.engine.settings import project_settings
from site_builder.pages.site import build_site
from sitecheck import article, mkdocs_build, parse


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    from conftest import ROOTS

    root = tmp_path_factory.mktemp("html") / "project"
    shutil.copytree(ROOTS / "with-study", root)
    config = root / "mkdocs.yml"  # permalinks on, as most sites have them
    config.write_text(config.read_text(encoding="utf-8").replace("  - tables\n", "  - tables\n  - toc:\n      permalink: true\n"), encoding="utf-8")
    site = root.parent / "site"
    result = mkdocs_build(root / "mkdocs.yml", site)
    assert result.returncode == 0, result.stderr
    return root, site


def _rendered(root: Path):  # noqa: ANN202 - the project's pages as our renderer writes them
    paths, options = project_settings(root)
    site = build_site(load_project(paths), options)
    assert not site.problems
    return site


def _url(path: str) -> str:
    return "index.html" if path == "index.md" else path.removesuffix("index.md").removesuffix(".md") + "/index.html"


def test_a_generated_page_is_our_renderer_s_html_as_it_is(built) -> None:
    root, site = built
    rendered = _rendered(root)
    generated = [path for path, page in rendered.pages.items() if not page.markdown]
    assert {"cases/index.md", "references.md", "indications/index.md"} <= set(generated)
    assert any(path.startswith("cases/") and path != "cases/index.md" for path in generated)
    for path in generated:
        built_html = (site / _url(path)).read_text(encoding="utf-8")
        assert rendered.pages[path].html in built_html, path  # not one character changed by a Markdown pass


def test_a_case_page_s_table_of_contents_lists_its_headings(built) -> None:
    root, site = built
    [case] = [p for p in (root / "cases").glob("*.yaml")]
    page = parse(site / "cases" / case.stem / "index.html")
    headings = [(h.tag, h.get("id")) for h in article(site / "cases" / case.stem / "index.html").xpath(".//h2|.//h3")]
    assert len(headings) > 10 and all(ident for _, ident in headings)
    toc = [a.get("href") for a in page.xpath("//nav[contains(@class,'md-nav--secondary')]//a[contains(@class,'md-nav__link')]")]
    assert toc == [f"#{ident}" for _, ident in headings]
    nested = page.xpath("//nav[contains(@class,'md-nav--secondary')]//li//li//a/@href")
    assert nested == [f"#{ident}" for tag, ident in headings if tag == "h3"]  # an h3 sits under its h2


def test_headings_carry_ids_and_permalinks_as_the_toc_extension_writes_them(built) -> None:
    _, site = built
    for h in article(site / "references" / "index.html").xpath(".//h1|.//h2"):
        [link] = h.xpath("./a[@class='headerlink']")
        assert (link.get("href"), link.get("title"), link.text) == (f"#{h.get('id')}", "Permanent link", "¶")


def test_hand_written_pages_are_still_markdown_with_the_generated_end(built) -> None:
    root, site = built
    (root / "content" / "extra.md").write_text("---\ntitle: Extra\n---\n# Extra\n\nSome **bold** text [@doe2020sample].\n\n## Second\n", encoding="utf-8")
    out = root.parent / "site-extra"
    assert mkdocs_build(root / "mkdocs.yml", out).returncode == 0
    body = article(out / "extra" / "index.html")
    assert body.xpath(".//p/strong[text()='bold']")
    assert body.xpath(".//ol/li/span[@id='cite-doe2020sample']")
    toc = parse(out / "extra" / "index.html").xpath("//nav[contains(@class,'md-nav--secondary')]//a[contains(@class,'md-nav__link')]/@href")
    assert toc == ["#second", "#references", "#cite"]  # the Markdown's headings, then those of the generated end


def test_the_plain_tree_holds_the_same_html_for_any_engine(built, tmp_path: Path) -> None:
    root, _ = built
    out = tmp_path / "tree"
    result = run_cli("generate", str(out), "--project", str(root))
    assert result.exit_code == 0, result.stderr
    [case] = [p.stem for p in (root / "cases").glob("*.yaml")]
    text = (out / "docs" / "cases" / f"{case}.md").read_text(encoding="utf-8")
    front, _, body = text.removeprefix("---\n").partition("\n---\n")
    assert "title:" in front and body.lstrip().startswith("<h1 ")
    links = lxml_html.fromstring(body).xpath("//a[not(starts-with(@href, '#')) and not(starts-with(@href, 'http'))]/@href")
    assert links and all(link.startswith("/") for link in links)  # from the site's root: every engine keeps them
    site = tmp_path / "site"
    assert mkdocs_build(out / "mkdocs.yml", site).returncode == 0
    page = article(site / "cases" / case / "index.html")
    assert page.xpath(".//h2[@id='summary-for-patients']/a[@class='headerlink']")
