"""Pages grow with the data: adding a publication with a case and a study changes every count, list and file that
depends on it, with no hand edit. Expectations come from the loaded project, never from today's corpus."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import lxml.html
import pytest
import yaml

from conftest import REPO, ROOTS
from site_builder.records.markup import escape_text
from site_builder.pages.wording import words
from site_builder.pages.publications import short_citation
from site_builder.project import Project, ProjectPaths, load_project
from site_builder.pages.site import Site, SiteOptions, build_site
from sitecheck import article, mkdocs_build

NEW_KEY = "roe2030synthetic"
NEW_REPORT = "roe2030congress"
NEW_BIB = f"""
@article{{{NEW_KEY},
  author = {{Roe, Jane and Doe, John and Poe, Ann}},
  title = {{A Synthetic Publication Used Only by the Test Suite}},
  journal = {{Journal of Test Fixtures}},
  year = {{2030}},
}}

@misc{{{NEW_REPORT},
  title = {{[Congress abstract of the synthetic study]}},
  howpublished = {{Test Congress 2030}},
  year = {{2030}},
}}
"""
CASE_ID = "roe2030-synthetic-case"
STUDY_ID = "roe2030-synthetic-study"
SAMPLE_STUDY = ROOTS / "with-study" / "studies" / "sample-study.yaml"


def _copy_project(target: Path) -> Path:
    for name in ("cases", "studies", "content", "templates"):
        if (REPO / name).is_dir():
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


def _write(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _add_publication(root: Path, project: Project) -> None:
    """Two BibTeX entries (an article and its congress abstract), a case resting on the article, made from an
    existing case of the project, and a study resting on both, made from the sample study of tests/roots."""
    with (root / "references.bib").open("a", encoding="utf-8") as handle:
        handle.write(NEW_BIB)
    template = next(c for c in sorted(project.cases.values(), key=lambda c: c.id) if c.withdrawn is None)
    text = (root / "cases" / f"{template.id}.yaml").read_text(encoding="utf-8")
    case = yaml.safe_load(re.sub(rf"@{re.escape(template.source.citation)}\b", f"@{NEW_KEY}", text))
    case.update(id=CASE_ID, title="A synthetic case from a synthetic publication")
    case["source"]["citation"] = NEW_KEY
    case["source"].pop("reports", None)
    _write(root / "cases" / f"{CASE_ID}.yaml", case)
    text = SAMPLE_STUDY.read_text(encoding="utf-8").replace("poe2024series", NEW_KEY).replace("poe2024congress", NEW_REPORT)
    study = yaml.safe_load(text)
    study.update(id=STUDY_ID, indication=template.indication, title="A synthetic study from a synthetic publication")
    _write(root / "studies" / f"{STUDY_ID}.yaml", study)


def _records(project: Project) -> list:
    return [r for r in [*project.cases.values(), *project.studies.values()] if r.withdrawn is None]


def _publication_keys(project: Project) -> set[str]:
    return {key for r in [*project.cases.values(), *project.studies.values()] for key in (r.source.citation, *(x.citation for x in r.source.reports))}


def _people(project: Project) -> int:
    return sum(r.participants for r in _records(project))


@pytest.fixture(scope="module")
def grown(tmp_path_factory) -> tuple[Project, Site, Project, Site, Path]:
    root = _copy_project(tmp_path_factory.mktemp("grow") / "project")
    before = _load(root)
    site_before = _build(before)
    _add_publication(root, before)
    after = _load(root)
    return before, site_before, after, _build(after), root


def _text(site: Site, path: str) -> str:
    return " ".join(site.pages[path].document().split())


def _rows(site: Site, path: str) -> list:
    """The body rows of a page's first table, as lxml elements."""
    return lxml.html.fromstring(site.pages[path].html).xpath(".//table[1]/tbody/tr")


def test_the_home_page_counts_records_people_and_publications_from_the_data(grown) -> None:
    before, site_before, after, site_after, _ = grown
    assert len(_records(after)) == len(_records(before)) + 2
    for project, site in ((before, site_before), (after, site_after)):
        home = _text(site, "index.md")
        records, publications = len(_records(project)), len(_publication_keys(project))
        assert f"holds {words(records)} records from {words(publications)} publications" in home
        assert f"covering {words(_people(project))} people" in home
        for key in _publication_keys(project):
            assert f'id="cite-{key}"' in home, f"the home page cites {key}"
    assert f'id="cite-{NEW_KEY}"' not in _text(site_before, "index.md")


def test_each_new_publication_gets_its_own_page_listing_its_records(grown) -> None:
    _, site_before, after, site_after, _ = grown
    for key in (NEW_KEY, NEW_REPORT):
        assert f"publications/{key}.md" not in site_before.pages
    article_page = _text(site_after, f"publications/{NEW_KEY}.md")
    assert short_citation(after.references[NEW_KEY]) == "Roe et al. 2030"
    assert '<h1 id="roe-et-al-2030">Roe et al. 2030' in article_page
    assert f'href="../../cases/{CASE_ID}/"' in article_page and f'href="../../studies/{STUDY_ID}/"' in article_page
    congress_page = _text(site_after, f"publications/{NEW_REPORT}.md")
    assert '<h1 id="test-congress-2030">Test Congress 2030' in congress_page
    assert f'href="../../studies/{STUDY_ID}/"' in congress_page and f'href="../../cases/{CASE_ID}/"' not in congress_page
    assert "Congress abstract; abstract only" in congress_page
    for record in (after.cases[CASE_ID], after.studies[STUDY_ID]):  # the discrepancies recorded in its records
        for note in record.editorial_notes:
            assert all(str(escape_text(r.locator)) in article_page for r in note.readings)
    index = _text(site_after, "publications/index.md")
    assert f'<a href="{NEW_KEY}/">Roe et al. 2030</a>' in index and f'<a href="{NEW_REPORT}/">Test Congress 2030</a>' in index


def test_the_evidence_table_gains_a_row_for_each_new_record(grown) -> None:
    before, site_before, after, site_after, _ = grown
    rows = _rows(site_after, "cases/index.md")
    assert len(rows) == len(_records(after)) == len(_records(before)) + 2
    case_row = next(row for row in rows if row.xpath(f".//a[@href='{CASE_ID}/']"))
    study_row = next(row for row in rows if row.xpath(f".//a[@href='../studies/{STUDY_ID}/']"))
    for row in (case_row, study_row):
        [source] = row.xpath("./td[1]/a")
        assert (source.get("href"), source.text_content()) == (f"../publications/{NEW_KEY}/", "Roe et al. 2030")
    assert case_row.xpath("./td[4]")[0].text_content() == "1"
    assert study_row.xpath("./td[4]")[0].text_content() == str(after.studies[STUDY_ID].participants)
    assert "Case series" in study_row.text_content()
    assert not [row for row in _rows(site_before, "cases/index.md") if row.xpath(f".//a[@href='{CASE_ID}/']")]


def test_open_data_gains_the_new_records_their_outcomes_and_publications(grown) -> None:
    before, site_before, after, site_after, _ = grown

    def table(site: Site, name: str) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(site.assets[f"data/{name}"].decode("utf-8"))))

    records = table(site_after, "records.csv")
    assert len(records) == len(after.cases) + len(after.studies) == len(table(site_before, "records.csv")) + 2
    case = next(r for r in records if r["id"] == CASE_ID)
    study = next(r for r in records if r["id"] == STUDY_ID)
    assert (case["kind"], case["source"], case["source_short"], case["year"], case["n"]) == ("case", NEW_KEY, "Roe et al. 2030", "2030", "1")
    assert (study["kind"], study["n"], study["design"]) == ("study", str(after.studies[STUDY_ID].participants), after.studies[STUDY_ID].design.value)
    assert study["reports"] == f"{NEW_KEY}; {NEW_REPORT}"
    outcomes = [r for r in table(site_after, "outcomes.csv") if r["study"] == STUDY_ID]
    assert [o["measure"] for o in outcomes] == [o.measure for o in after.studies[STUDY_ID].outcomes]
    assert [o["as_printed"] for o in outcomes] == [o.as_printed for o in after.studies[STUDY_ID].outcomes]
    assert {o["reported_in"] for o in outcomes} == {NEW_KEY, NEW_REPORT}
    assert not [r for r in table(site_before, "outcomes.csv") if r["study"] == STUDY_ID]
    studies = json.loads(site_after.assets["data/studies.json"])
    assert STUDY_ID in {s["id"] for s in studies} and len(studies) == len(after.studies)
    publications = json.loads(site_after.assets["data/publications.json"])
    assert {p["key"] for p in publications} == _publication_keys(after)
    assert next(p for p in publications if p["key"] == NEW_KEY)["records"] == [STUDY_ID, CASE_ID]  # strongest design first
    assert CASE_ID in {c["id"] for c in json.loads(site_after.assets["data/cases.json"])}


def test_the_grown_project_builds_strictly(grown, tmp_path: Path) -> None:
    *_, root = grown
    result = mkdocs_build(root / "mkdocs.yml", tmp_path / "site")
    assert result.returncode == 0, result.stderr
    table = article(tmp_path / "site" / "cases" / "index.html")
    assert table.xpath(f".//a[@href='../publications/{NEW_KEY}/']")
    page = article(tmp_path / "site" / "publications" / NEW_KEY / "index.html")
    assert page.xpath(f".//a[@href='../../cases/{CASE_ID}/']") and page.xpath(f".//a[@href='../../studies/{STUDY_ID}/']")


def test_content_pages_use_the_documented_variables_and_keep_markdown_anchors(sample) -> None:
    root = sample("with-study")
    (root / "content" / "counts.md").write_text(
        "---\ntitle: Counts\n---\n# Counts {#top}\n\n{## a comment for editors ##}\n"
        "Records: {{ records | length }}. Cases: {{ cases | length | words }}. Studies: {{ studies | length }}. "
        "People: {{ participants }}. Publications: {% for p in publications %}{{ p.short }}; {% endfor %}\n",
        encoding="utf-8",
    )
    project = _load(root)
    text = _build(project).pages["counts.md"].document()
    records = _records(project)
    cases = [r for r in records if r in project.cases.values()]
    assert f"Records: {len(records)}. Cases: {words(len(cases))}. Studies: {len(records) - len(cases)}. People: {_people(project)}." in text
    for key in _publication_keys(project):
        assert f"{short_citation(project.references[key])};" in text
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


def test_with_many_publications_the_home_page_links_to_their_list_instead_of_citing_each(tmp_path: Path) -> None:
    """At scale a marker per publication would bury the home page's first paragraph (and its page weight)."""
    root = _copy_project(tmp_path / "project")
    project = _load(root)
    template = next(c for c in sorted(project.cases.values(), key=lambda c: c.id) if c.withdrawn is None)
    text = (root / "cases" / f"{template.id}.yaml").read_text(encoding="utf-8")
    missing = 13 - len(_publication_keys(project))
    with (root / "references.bib").open("a", encoding="utf-8") as handle:
        for i in range(max(missing, 0)):
            key = f"roe{2031 + i}many"
            handle.write(f"\n@article{{{key},\n  author = {{Roe, Jane}},\n  title = {{Synthetic publication {i}}},\n"
                         f"  journal = {{Journal of Test Fixtures}},\n  year = {{{2031 + i}}},\n}}\n")
            case = yaml.safe_load(re.sub(rf"@{re.escape(template.source.citation)}\b", f"@{key}", text))
            case.update(id=f"roe{2031 + i}-many-case", title=f"Synthetic case {i}")
            case["source"]["citation"] = key
            case["source"].pop("reports", None)
            _write(root / "cases" / f"roe{2031 + i}-many-case.yaml", case)
    grown_project = _load(root)
    keys = _publication_keys(grown_project)
    assert len(keys) > 12
    home = " ".join(_build(grown_project).pages["index.md"].document().split())  # a content page: Markdown, still to convert
    assert not [key for key in keys if f'id="cite-{key}"' in home], "no marker per publication"
    assert f"from {words(len(keys))} publications" in home
    assert "[publications page](publications/index.md)" in home, "the list of publications is linked instead"
