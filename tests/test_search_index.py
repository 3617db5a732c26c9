"""The search index (Pagefind) written over a built site: by the build, by `site-builder index`, and in a preview."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import PROBLEM_RE, run_cli
from sitecheck import html_pages, mkdocs_build, search_records
from site_builder.search_index import Indexer


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
    """`mkdocs serve` empties its folder on each rebuild; the index of the first build is put back, not rebuilt."""
    indexer = Indexer(reuse=True)
    assert indexer.run(built).startswith("search index: ")
    first = files(built / "pagefind")
    for name in list(first)[:3]:
        (built / "pagefind" / name).unlink()  # what a rebuild's clean-up does
    assert "kept" in indexer.run(built)
    assert files(built / "pagefind") == first
