"""The search index (Pagefind) written over a built site: by the build, by `site-builder index`, and in a preview."""

from __future__ import annotations

import html
import posixpath
import re
from pathlib import Path

import pytest

from conftest import PROBLEM_RE, loaded_project, run_cli, use_repo_theme
from sitecheck import html_pages, mkdocs_build, search_records
from site_builder.output.search import Indexer


@pytest.fixture
def built(sample) -> Path:  # noqa: ANN001
    project = sample()
    result = mkdocs_build(project / "mkdocs.yml", project / "site")
    assert result.returncode == 0, result.stderr
    return project / "site"


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_build_indexes_every_page_and_indexing_again_replaces_the_index(built: Path) -> None:
    first = files(built / "pagefind")
    pages = {p.relative_to(built).as_posix().removesuffix("index.html") for p in html_pages(built)}
    assert set(search_records(built)) == pages | {"404.html"}  # no data-pagefind-body (Material as it is): every body
    result = run_cli("index", str(built))
    assert result.exit_code == 0, result.stderr
    assert f"search index: {len(pages) + 1} pages" in result.stderr
    assert files(built / "pagefind") == first, "the same index, and no chunk of the earlier one left over"


def test_index_of_a_missing_folder_is_a_located_error(tmp_path: Path) -> None:
    result = run_cli("index", str(tmp_path / "nowhere"))
    assert result.exit_code == 1
    line = result.stderr.strip()
    assert PROBLEM_RE.match(line) and line.startswith(f"{tmp_path / 'nowhere'}:1:1: error: search: "), line
    assert not (tmp_path / "nowhere").exists()


def test_a_preview_keeps_its_first_index_for_every_rebuild(built: Path) -> None:
    """A rebuild of `mkdocs serve` gets the index of the first build, not a new one: put back where files are missing or
    changed, left alone where the folder still holds it."""
    indexer = Indexer(reuse=True)
    assert indexer.run(built).startswith("search index: ")
    first = files(built / "pagefind")
    for name in list(first)[:3]:
        (built / "pagefind" / name).unlink()  # what a rebuild's clean-up does
    assert "kept" in indexer.run(built)
    assert files(built / "pagefind") == first
    assert "still in place" in indexer.run(built), "a folder that still holds the index is left as it is"
    assert files(built / "pagefind") == first
    (built / "pagefind" / "pagefind-entry.json").write_text("{}", encoding="utf-8")
    assert "kept" in indexer.run(built), "a changed file: the index is put back"
    assert files(built / "pagefind") == first


def test_the_index_holds_each_text_once(repo_site: Path) -> None:
    """Text that repeats what another page holds is marked data-pagefind-ignore or excluded (site_builder/output/search.py, EXCLUDE):
    a record's page keeps its own text but not its reference list, "Cite this page" or review lines; an indication
    page keeps its own words but not the lists, table and cards of its records; the references page keeps each
    work but not the titles of the pages that cite it. So the index grows with the records' own text."""
    records = search_records(repo_site)
    project = loaded_project()
    listed: dict[str, list] = {}
    for kind, store in (("cases", project.cases), ("studies", project.studies)):
        for ident, record in store.items():
            if record.withdrawn:
                continue
            own = html.unescape(records[f"{kind}/{ident}/"]["content"])
            assert record.title in own or record.title in records[f"{kind}/{ident}/"]["meta"]["title"], ident
            for boilerplate in ("Bibliography entry", "Copy citation", "Last reviewed", "Download this citation", "Fact group"):
                assert boilerplate not in own, (ident, boilerplate)
            listed.setdefault(record.indication, []).append(record)
    assert listed, "the project has records to list"
    for indication, members in listed.items():
        page = html.unescape(records[f"indications/{indication}/"]["content"])
        assert project.indications[indication].description.split(".")[0] in page, indication
        own_words = project.indications[indication].description + project.indications[indication].body
        for record in members:
            if record.title not in own_words:  # a title the page's own text also holds is rightly indexed there
                assert record.title not in page, (indication, record.title)
    references = html.unescape(records["references/"]["content"])
    assert "Cited by" not in references
    dois = [ref.get("doi") for ref in project.references.values() if ref.get("doi")]
    assert dois and all(doi in references for doi in dois), "each work's own text stays on the references page"


@pytest.mark.parametrize("search_page", ["built", "missing", "exclude", "draft"])
def test_the_header_has_a_search_form_only_when_the_site_has_a_search_page(sample, search_page: str) -> None:  # noqa: ANN001
    project = sample()
    use_repo_theme(project)  # the repository's header, and its content/search.md
    if search_page == "missing":
        (project / "content" / "search.md").unlink()
    elif search_page != "built":  # MkDocs' own settings leave the page out of the built site
        with (project / "mkdocs.yml").open("a", encoding="utf-8") as config:
            config.write(f"{search_page}_docs: |\n  search.md\n")
    search_page = search_page == "built"
    site = project / "site"
    result = mkdocs_build(project / "mkdocs.yml", site)
    assert result.returncode == 0, result.stderr
    pages = html_pages(site)
    assert pages and (site / "search" / "index.html").is_file() == search_page
    for page in pages:
        actions = re.findall(r'<form class="sb-search-form" action="([^"]*)"', page.read_text(encoding="utf-8"))
        if not search_page:
            assert actions == [], page
            continue
        folder = posixpath.dirname(page.relative_to(site).as_posix())
        assert [posixpath.normpath(posixpath.join(folder, a)) for a in actions] == ["search"], page
