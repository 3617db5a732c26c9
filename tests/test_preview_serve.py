"""`mkdocs serve` rebuilds write only what a save changed, and the folder they leave is the site a fresh build gives:
after saving a record, adding or deleting one, editing the bibliography, a template or a page in the navigation,
and after a failed rebuild. Rebuilds run as `mkdocs serve` runs them (tests/preview_driver.py, in a subprocess),
on a small sample project; each is compared, file by file, with a fresh build of the same files."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

DRIVER = Path(__file__).parent / "preview_driver.py"
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1764115200"}  # the same build date in both
WRITTEN_RE = re.compile(r"preview: (\d+) pages written, (\d+) kept")
CARRIED_RE = re.compile(r"; (\d+) citation downloads kept")
TITLE = "A title saved in the preview"


class Server:
    """The rebuilds of one `mkdocs serve` process, into one folder."""

    def __init__(self, project: Path, site: Path, *flags: str) -> None:
        self.site, self.log = site, site.parent / f"{site.name}.log"
        with self.log.open("w", encoding="utf-8") as log:
            self.proc = subprocess.Popen(
                [sys.executable, str(DRIVER), str(project / "mkdocs.yml"), str(site), *flags],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True, env=ENV, cwd=project,
            )

    def build(self) -> str:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write("build\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline().strip()

    def written(self) -> tuple[int, int]:
        """(pages written, pages kept) by the latest rebuild, as the plugin logs them."""
        found = WRITTEN_RE.findall(self.log.read_text(encoding="utf-8"))
        return int(found[-1][0]), int(found[-1][1])

    def carried(self) -> int:
        """Citation downloads the latest rebuild left in the folder without handing them to MkDocs."""
        return int(CARRIED_RE.findall(self.log.read_text(encoding="utf-8"))[-1])

    def stop(self) -> None:
        self.proc.communicate(timeout=120)  # closes its input: the driver ends


def files_of(site: Path) -> dict[str, bytes]:
    """Every file of a built site but the search index (a preview keeps its first one by design) and hidden ones."""
    found = {}
    for path in site.rglob("*"):
        rel = path.relative_to(site).as_posix()
        if path.is_file() and not rel.startswith(("pagefind/", ".")):
            found[rel] = path.read_bytes()
    return found


def fresh(project: Path, site: Path) -> dict[str, bytes]:
    """What a first build of the project as it now is gives (a new process, as a newly started `mkdocs serve`)."""
    shutil.rmtree(site, ignore_errors=True)
    server = Server(project, site)
    try:
        assert server.build() == "ok", server.log.read_text(encoding="utf-8")
    finally:
        server.stop()
    return files_of(site)


def assert_same_site(preview: Path, project: Path, tmp_path: Path) -> None:
    got, want = files_of(preview), fresh(project, tmp_path / "fresh")
    assert sorted(got.keys() - want.keys()) == [], "left behind by the preview"
    assert sorted(want.keys() - got.keys()) == [], "missing from the preview"
    assert sorted(p for p in want if got[p] != want[p]) == [], "different from a fresh build"


def _set(path: Path, **fields: object) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(fields)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


@pytest.fixture
def project(sample) -> Path:  # noqa: ANN001
    """The sample with a study, a tags page (lists every page by tag) and a nav entry whose title is its page's."""
    root = sample("with-study")
    (root / "content" / "tags.md").write_text("---\ntitle: Tags\n---\n# Tags\n\n<!-- material/tags -->\n", encoding="utf-8")
    (root / "content" / "about.md").write_text("# About these pages\n\nA page the navigation names by its heading.\n", encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "  - Tags: tags.md\n  - about.md\n", encoding="utf-8")
    return root


def test_a_rebuild_writes_what_a_save_changed_and_gives_the_site_a_fresh_build_gives(project: Path, tmp_path: Path) -> None:
    server = Server(project, tmp_path / "preview")
    try:
        assert server.build() == "ok"
        pages = server.written()[0]
        assert pages > 5 and (server.site / "pagefind" / "pagefind-entry.json").is_file()

        assert server.carried() == 0  # a first build has nothing to keep
        assert server.build() == "ok"  # nothing saved: nothing written
        assert server.written() == (0, pages)
        assert server.carried() == 3 * len(list(server.site.glob("**/cite.bib")))  # every page's three downloads

        case = project / "cases" / "sample-case.yaml"
        _set(case, title=TITLE)
        assert server.build() == "ok"
        written, kept = server.written()
        assert 0 < written < pages and written + kept == pages
        for page in ("cases/sample-case/index.html", "cases/index.html", "indications/eczema/index.html", "tags/index.html"):
            assert TITLE in (server.site / page).read_text(encoding="utf-8"), page
        assert (server.site / "pagefind" / "pagefind-entry.json").is_file()  # search still works in the preview
        assert_same_site(server.site, project, tmp_path)

        added = project / "cases" / "another-case.yaml"
        added.write_text(case.read_text(encoding="utf-8").replace("id: sample-case", "id: another-case"), encoding="utf-8")
        assert server.build() == "ok"
        assert (server.site / "cases" / "another-case" / "index.html").is_file()
        assert_same_site(server.site, project, tmp_path)

        added.unlink()
        assert server.build() == "ok"
        assert not (server.site / "cases" / "another-case").exists()  # its page, downloads and folder
        assert_same_site(server.site, project, tmp_path)

        bib = project / "references.bib"
        bib.write_text(bib.read_text(encoding="utf-8").replace("title = {", "title = {Renamed: ", 1), encoding="utf-8")
        assert server.build() == "ok"
        assert_same_site(server.site, project, tmp_path)

        templates = project / "templates"  # the project's own template overrides the built-in one
        templates.mkdir()
        builtin = Path(__file__).parent.parent / "templates" / "case.html.j2"
        (templates / "case.html.j2").write_text(builtin.read_text(encoding="utf-8") + "<p>A template saved in the preview</p>\n", encoding="utf-8")
        assert server.build() == "ok"
        assert "A template saved in the preview" in (server.site / "cases" / "sample-case" / "index.html").read_text(encoding="utf-8")
        assert_same_site(server.site, project, tmp_path)

        about = project / "content" / "about.md"  # its heading is its title in the navigation every page shows
        about.write_text(about.read_text(encoding="utf-8").replace("# About these pages", "# About this sample"), encoding="utf-8")
        assert server.build() == "ok"
        assert server.written() == (pages, 0)
        assert "About this sample" in (server.site / "cases" / "sample-case" / "index.html").read_text(encoding="utf-8")
        assert_same_site(server.site, project, tmp_path)

        counts = project / "content" / "counts.md"  # a page written over the site's facts, saved twice
        counts.write_text("# Counts\n\nThis site holds {{ records | length }} records.\n", encoding="utf-8")
        assert server.build() == "ok"
        counts.write_text("# Counts\n\nThe records here number {{ records | length }}.\n", encoding="utf-8")
        assert server.build() == "ok"
        assert "The records here number" in (server.site / "counts" / "index.html").read_text(encoding="utf-8")
        assert_same_site(server.site, project, tmp_path)
    finally:
        server.stop()


def test_a_failed_rebuild_leaves_the_previous_site_and_the_next_one_stays_incremental(project: Path, tmp_path: Path) -> None:
    server = Server(project, tmp_path / "preview")
    try:
        assert server.build() == "ok"
        pages = server.written()[0]
        before = files_of(server.site)
        case = project / "cases" / "sample-case.yaml"
        good = case.read_text(encoding="utf-8")
        case.write_text(good.replace("indication: eczema", "indication: no-such-indication"), encoding="utf-8")
        assert server.build().startswith("failed")
        assert files_of(server.site) == before  # MkDocs emptied the folder; the preview put the site back
        case.write_text(good.replace("title: Hand eczema treated on one side", f"title: {TITLE}"), encoding="utf-8")
        assert server.build() == "ok"
        assert 0 < server.written()[0] < pages
        assert_same_site(server.site, project, tmp_path)
    finally:
        server.stop()


def test_a_dirty_preview_gives_the_same_site(project: Path, tmp_path: Path) -> None:
    server = Server(project, tmp_path / "preview", "--dirty")
    try:
        assert server.build() == "ok"
        _set(project / "cases" / "sample-case.yaml", title=TITLE)
        assert server.build() == "ok"
        assert TITLE in (server.site / "cases" / "index.html").read_text(encoding="utf-8")
        assert_same_site(server.site, project, tmp_path)
    finally:
        server.stop()


def test_a_saved_theme_override_is_on_every_page_after_the_rebuild(project: Path, tmp_path: Path) -> None:
    overrides = project / "overrides"
    overrides.mkdir()
    main = overrides / "main.html"
    main.write_text('{% extends "base.html" %}\n{% block footer %}<p class="sb-test">first footer</p>{% endblock %}\n', encoding="utf-8")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  name: material\n", "  name: material\n  custom_dir: overrides\n"), encoding="utf-8")
    server = Server(project, tmp_path / "preview")
    try:
        assert server.build() == "ok"
        pages = server.written()[0]
        main.write_text(main.read_text(encoding="utf-8").replace("first footer", "second footer"), encoding="utf-8")
        assert server.build() == "ok"
        assert server.written() == (pages, 0)  # every page shows it: every page is written
        assert "second footer" in (server.site / "cases" / "sample-case" / "index.html").read_text(encoding="utf-8")
        assert_same_site(server.site, project, tmp_path)
    finally:
        server.stop()


def test_a_hand_written_page_follows_the_files_it_links_to_and_logs_its_warnings_at_every_rebuild(project: Path, tmp_path: Path) -> None:
    links = project / "content" / "links.md"
    links.write_text("# Links\n\nSee [the glossary](glossary.md) and [a word](glossary.md#a-word).\n", encoding="utf-8")
    missing = "contains a link 'glossary.md', but the target is not found"
    server = Server(project, tmp_path / "preview")
    try:
        assert server.build() == "ok"
        assert server.build() == "ok"  # nothing changed: its conversion is kept, and what it logged is logged again
        assert server.log.read_text(encoding="utf-8").count(missing) == 2
        glossary = project / "content" / "glossary.md"
        glossary.write_text("# Glossary\n\nWords.\n", encoding="utf-8")  # the page it links to appears
        assert server.build() == "ok"
        assert 'href="../glossary/"' in (server.site / "links" / "index.html").read_text(encoding="utf-8")
        assert server.log.read_text(encoding="utf-8").count(missing) == 2
        no_anchor = "does not contain an anchor '#a-word'"  # checked on the pages a rebuild writes
        assert server.log.read_text(encoding="utf-8").count(no_anchor) == 1
        config = project / "mkdocs.yml"  # every page written again; the page's conversion is still the same
        config.write_text(config.read_text(encoding="utf-8").replace("site_name: Sample site", "site_name: Sample site, renamed"), encoding="utf-8")
        assert server.build() == "ok"
        assert server.log.read_text(encoding="utf-8").count(no_anchor) == 2
        glossary.write_text("# Glossary\n\n## A word\n\nWords.\n", encoding="utf-8")
        assert server.build() == "ok"
        assert_same_site(server.site, project, tmp_path)
    finally:
        server.stop()


class _Page(SimpleNamespace):
    """What PageDigests reads of a MkDocs page."""


def _page(content: str, meta: dict, toc: list) -> _Page:  # noqa: ANN001
    file = SimpleNamespace(inclusion=SimpleNamespace(name="INCLUDED"))
    return _Page(file=file, url="x/", canonical_url=None, edit_url=None, title="X", meta=meta, toc=toc, content=content)


def test_a_page_digest_follows_its_content_metadata_and_contents_whether_or_not_the_objects_are_the_ones_seen() -> None:
    from site_builder.engine.preview import PageDigests

    digests = PageDigests()
    content, value, toc = "<p>" + "x" * 100 + "</p>", ["a"], []
    first = digests.digest("x/index.html", _page(content, {"tags": value}, toc))
    digests.rebuilt()
    assert digests.digest("x/index.html", _page(content, {"tags": value}, toc)) == first  # the same objects
    assert digests.digest("x/index.html", _page("<p>" + "x" * 100 + "</p>", {"tags": ["a"]}, [])) == first  # equal ones
    digests.rebuilt()
    assert digests.digest("x/index.html", _page(content.replace("x", "y", 1), {"tags": value}, toc)) != first
    assert digests.digest("x/index.html", _page(content, {"tags": ["b"]}, toc)) != first
    assert digests.digest("x/index.html", _page(content, {"tags": value, "title": "T"}, toc)) != first
    assert digests.digest("x/index.html", _page(content, {"tags": True}, toc)) != digests.digest("x/index.html", _page(content, {"tags": 1}, toc))
    link = SimpleNamespace(level=2, id="a", title="A", children=[])
    assert digests.digest("x/index.html", _page(content, {"tags": value}, [link])) != first


def test_a_draft_page_stays_a_draft_in_the_preview(sample, tmp_path: Path) -> None:  # noqa: ANN001
    """A hand-written page under draft_docs is shown by the preview as MkDocs shows a draft (its DRAFT marker), and
    a page linking to it gets MkDocs' note that the link leads to a page left out of a build. An indication's file
    under draft_docs does not make the indication's generated page a draft."""
    project = sample()
    (project / "content" / "drafts").mkdir()
    (project / "content" / "drafts" / "note.md").write_text("# Note\n\nA draft that cites [@roe2023preprint].\n", encoding="utf-8")
    (project / "content" / "plain.md").write_text("# Plain\n\nSee [the note](drafts/note.md).\n", encoding="utf-8")
    with (project / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write("draft_docs: |\n  drafts/\n  indications/eczema.md\n")
    server = Server(project, tmp_path / "site")
    try:
        assert server.build() == "ok", server.log.read_text(encoding="utf-8")
    finally:
        server.stop()
    assert "mkdocs-draft-marker" in (tmp_path / "site" / "drafts" / "note" / "index.html").read_text(encoding="utf-8")
    assert "contains a link to 'drafts/note.md' which is excluded from the built site" in server.log.read_text(encoding="utf-8")
    # an indication's page is generated from the indication, which a build publishes whatever the patterns say
    assert "mkdocs-draft-marker" not in (tmp_path / "site" / "indications" / "eczema" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("names", [
    "a Markdown link",
    "a link written with percent-escapes",
    "a page with another Markdown extension",
    "a page's template include",
    "the navigation",
])
def test_a_link_to_a_citation_download_keeps_every_download_among_mkdocs_files(project: Path, tmp_path: Path, names: str) -> None:
    """MkDocs checks the links of Markdown it converts, and the navigation's, against its files (strict: a missing one
    fails the build), so a preview in which anything of these may name a download hands MkDocs every download, as a
    first build does."""
    config = project / "mkdocs.yml"
    settings = "strict: true\n" + config.read_text(encoding="utf-8")
    link = "[The case as BibTeX](cases/sample-case/cite.bib)"
    if names == "a Markdown link":
        (project / "content" / "cite-us.md").write_text(f"# Cite us\n\n{link}\n", encoding="utf-8")
    elif names == "a link written with percent-escapes":
        (project / "content" / "cite-us.md").write_text("# Cite us\n\n[BibTeX](cases/sample-case/cite%2Ebib)\n", encoding="utf-8")
    elif names == "a page with another Markdown extension":
        (project / "content" / "cite-us.markdown").write_text(f"# Cite us\n\n{link}\n", encoding="utf-8")
    elif names == "a page's template include":
        (project / "templates").mkdir()
        (project / "templates" / "cite-link.md.j2").write_text(link + "\n", encoding="utf-8")
        (project / "content" / "cite-us.md").write_text('# Cite us\n\n{% include "cite-link.md.j2" %}\n', encoding="utf-8")
    else:
        settings += "  - BibTeX: cases/sample-case/cite.bib\n"
    config.write_text(settings, encoding="utf-8")
    server = Server(project, tmp_path / "preview")
    try:
        assert server.build() == "ok", server.log.read_text(encoding="utf-8")
        assert server.build() == "ok", server.log.read_text(encoding="utf-8")
        assert server.carried() == 0
        assert "not found" not in server.log.read_text(encoding="utf-8")
        assert_same_site(server.site, project, tmp_path)
    finally:
        server.stop()
