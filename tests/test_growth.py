"""Pages grow with the data: adding a publication with its records changes every count, list and file that
depends on it, with no hand edit. Expectations come from the loaded project, never from today's corpus."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import REPO
from site_builder.markup import escape_text
from site_builder.pages.wording import words
from site_builder.pages.publications import short_citation
from site_builder.project import Project, ProjectPaths, load_project
from site_builder.site import Site, SiteOptions, build_site
from sitecheck import article, mkdocs_build

NEW_KEY = "roe2030synthetic"
NEW_BIB = f"""
@article{{{NEW_KEY},
  author = {{Roe, Jane and Doe, John and Poe, Ann}},
  title = {{A Synthetic Publication Used Only by the Test Suite}},
  journal = {{Journal of Test Fixtures}},
  year = {{2030}},
}}
"""
CASE_ID = "roe2030-synthetic-case"


def _copy_project(target: Path) -> Path:
    for name in ("cases", "content", "templates"):
        shutil.copytree(REPO / name, target / name)
    for name in ("mkdocs.yml", "references.bib"):
        shutil.copy(REPO / name, target / name)
    return target


def _load(root: Path) -> Project:
    project = load_project(ProjectPaths(root))
    assert not project.errors, "\n".join(map(str, project.errors))
    return project


def _build(project: Project) -> Site:
    site = build_site(project, SiteOptions(templates=project.paths.root / "templates"))
    assert not site.problems, "\n".join(map(str, site.problems))
    return site


def _add_publication(root: Path, project: Project) -> None:
    """A new BibTeX entry and a case that rests on it, made from an existing case file of the project."""
    with (root / "references.bib").open("a", encoding="utf-8") as handle:
        handle.write(NEW_BIB)
    template = next(c for c in sorted(project.cases.values(), key=lambda c: c.id) if c.withdrawn is None)
    text = (root / "cases" / f"{template.id}.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(re.sub(rf"@{re.escape(template.source.citation)}\b", f"@{NEW_KEY}", text))
    data["id"] = CASE_ID
    data["title"] = "A synthetic case from a synthetic publication"
    data["source"]["citation"] = NEW_KEY
    (root / "cases" / f"{CASE_ID}.yaml").write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _active(project: Project) -> list:
    return [c for c in project.cases.values() if c.withdrawn is None]


def _publication_keys(project: Project) -> set[str]:
    return {c.source.citation for c in project.cases.values()}


@pytest.fixture(scope="module")
def grown(tmp_path_factory) -> tuple[Project, Site, Project, Site, Path]:
    root = _copy_project(tmp_path_factory.mktemp("grow") / "project")
    before = _load(root)
    site_before = _build(before)
    _add_publication(root, before)
    after = _load(root)
    return before, site_before, after, _build(after), root


def _text(site: Site, path: str) -> str:
    return " ".join(site.pages[path].split())


def test_the_home_page_counts_records_people_and_publications_from_the_data(grown) -> None:
    before, site_before, after, site_after, _ = grown
    for project, site in ((before, site_before), (after, site_after)):
        home = _text(site, "index.md")
        records, publications = len(_active(project)), len(_publication_keys(project))
        people = len(_active(project))  # one person per case
        assert f"holds {words(records)} records from {words(publications)} publication" in home
        assert f"covering {words(people)} people" in home
        for key in _publication_keys(project):
            assert f'id="cite-{key}"' in home, f"the home page cites {key}"
    assert f'id="cite-{NEW_KEY}"' not in _text(site_before, "index.md")


def test_the_new_publication_gets_its_own_page_listing_its_records(grown) -> None:
    _, site_before, after, site_after, _ = grown
    page = f"publications/{NEW_KEY}.md"
    assert page not in site_before.pages
    text = _text(site_after, page)
    assert short_citation(after.references[NEW_KEY]) == "Roe et al. 2030"
    assert "# Roe et al. 2030" in text
    assert f"(../cases/{CASE_ID}.md)" in text
    case = after.cases[CASE_ID]
    for note in case.editorial_notes:  # the discrepancies recorded in its records
        assert all(str(escape_text(r.locator)) in text for r in note.readings)
    index = _text(site_after, "publications/index.md")
    assert f"[Roe et al. 2030]({NEW_KEY}.md)" in index


def test_the_evidence_table_gains_a_row_for_the_new_record(grown) -> None:
    before, site_before, after, site_after, _ = grown
    rows = [line for line in site_after.pages["cases/index.md"].splitlines() if line.startswith("| [")]
    assert len(rows) == len(_active(after)) == len(_active(before)) + 1
    new = next(row for row in rows if f"({CASE_ID}.md)" in row)
    assert new.startswith(f"| [Roe et al. 2030](../publications/{NEW_KEY}.md) |")
    assert "| 1 |" in new  # n
    assert f"({CASE_ID}.md)" not in site_before.pages["cases/index.md"]


def test_open_data_gains_the_new_record_and_publication(grown) -> None:
    before, site_before, after, site_after, _ = grown

    def rows(site: Site) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(site.assets["data/records.csv"].decode("utf-8"))))

    assert len(rows(site_after)) == len(after.cases) == len(before.cases) + 1
    new = next(r for r in rows(site_after) if r["id"] == CASE_ID)
    assert (new["source"], new["source_short"], new["year"], new["n"]) == (NEW_KEY, "Roe et al. 2030", "2030", "1")
    publications = json.loads(site_after.assets["data/publications.json"])
    assert {p["key"] for p in publications} == _publication_keys(after)
    assert next(p for p in publications if p["key"] == NEW_KEY)["records"] == [CASE_ID]
    cases = json.loads(site_after.assets["data/cases.json"])
    assert CASE_ID in {c["id"] for c in cases} and CASE_ID not in {c["id"] for c in json.loads(site_before.assets["data/cases.json"])}


def test_the_grown_project_builds_strictly(grown, tmp_path: Path) -> None:
    *_, root = grown
    result = mkdocs_build(root / "mkdocs.yml", tmp_path / "site")
    assert result.returncode == 0, result.stderr
    table = article(tmp_path / "site" / "cases" / "index.html")
    assert table.xpath(f".//a[@href='../publications/{NEW_KEY}/']")
    assert article(tmp_path / "site" / "publications" / NEW_KEY / "index.html").xpath(f".//a[@href='../../cases/{CASE_ID}/']")


def test_content_pages_use_the_documented_variables_and_keep_markdown_anchors(sample) -> None:
    root = sample()
    (root / "content" / "counts.md").write_text(
        "---\ntitle: Counts\n---\n# Counts {#top}\n\n{## a comment for editors ##}\n"
        "Records: {{ records | length }}. Cases: {{ cases | length | words }}. Studies: {{ studies | length }}. "
        "People: {{ participants }}. Publications: {% for p in publications %}{{ p.short }}{% endfor %}.\n",
        encoding="utf-8",
    )
    project = _load(root)
    text = _build(project).pages["counts.md"]
    active = _active(project)
    publications = [short_citation(project.references[k]) for k in sorted(_publication_keys(project))]
    assert f"Records: {len(active)}. Cases: {words(len(active))}. Studies: 0. People: {len(active)}." in text
    assert f"Publications: {''.join(publications)}." in text
    assert "# Counts {#top}" in text and "editors" not in text


@pytest.mark.parametrize(("body", "line", "words_"), [
    ("# Title\n\nfine\n\n{{ no_such_variable.count }}\n", 5, "no_such_variable"),
    ("# Title\n\n{% for x in records %}\nunclosed\n", 4, "endfor"),
])
def test_a_content_template_error_names_the_file_and_line(sample, body: str, line: int, words_: str) -> None:
    root = sample()
    (root / "content" / "broken.md").write_text("---\ntitle: Broken\n---\n" + body, encoding="utf-8")
    project = _load(root)
    site = build_site(project, SiteOptions())
    [problem] = site.problems
    assert (problem.path, problem.line, problem.field) == ("content/broken.md", 3 + line, "template")
    assert words_ in problem.message
    assert "broken.md" not in site.pages
