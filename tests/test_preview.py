"""A preview keeps each record page between rebuilds: after a save it renders that record's pages and the pages that
list it, and the site it gives is the site a full render gives. Built from small sample projects."""

from __future__ import annotations

import re

import yaml

from site_builder.pages.preview import RenderCache
from site_builder.project import load_project
from site_builder.engine.settings import project_settings
from site_builder.pages.site import build_site


def _build(root, cache):  # noqa: ANN001, ANN202
    paths, options = project_settings(root)
    site = build_site(load_project(paths), options, cache)
    assert not site.problems
    return site


def _retitle(path, title: str) -> None:  # noqa: ANN001
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["title"] = title
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def test_a_saved_record_re_renders_its_pages_and_the_rest_come_from_the_cache(sample) -> None:
    root = sample("with-study")
    (root / "content" / "indications" / "burns.md").write_text(  # an indication that lists no record
        "---\ntitle: Burns\nplain_name: Burnt skin\ndescription: A second sample indication.\norder: 2\n---\n", encoding="utf-8"
    )
    cache = RenderCache()
    first = _build(root, cache)
    records = [p for p in first.pages if p.startswith(("cases/", "studies/")) and not p.endswith("index.md")]
    indications = [p for p in first.pages if p.startswith("indications/") and not p.endswith("index.md")]
    assert len(records) >= 2 and len(indications) >= 2 and cache.hits == 0
    again = _build(root, cache)
    assert {p for p in again.pages if again.pages[p] is first.pages[p]} >= {*records, *indications}  # nothing changed
    [case] = list((root / "cases").glob("*.yaml"))
    _retitle(case, "A title changed in the preview")
    after = _build(root, cache)
    rendered = {p for p in after.pages if after.pages[p] is not again.pages[p]}
    indication = f"indications/{yaml.safe_load(case.read_text(encoding='utf-8'))['indication']}.md"
    assert {f"cases/{case.stem}.md", indication, "cases/index.md"} <= rendered  # the record and the pages that list it
    assert not rendered & ({*records, *indications} - {f"cases/{case.stem}.md", indication})  # the rest: from the cache
    fresh = _build(root, None)
    assert after.pages == fresh.pages and after.assets == fresh.assets and after.usage == fresh.usage
    assert "A title changed in the preview" in after.pages["cases/index.md"].html
    assert "A title changed in the preview" in after.pages[f"cases/{case.stem}.md"].html


def test_a_changed_bibliography_renders_every_record_again(sample) -> None:
    root = sample("with-study")
    cache = RenderCache()
    _build(root, cache)
    bib = root / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace("title = {", "title = {Renamed: ", 1), encoding="utf-8")
    hits = cache.hits
    after = _build(root, cache)
    assert cache.hits == hits
    assert after.pages == _build(root, None).pages


def test_a_record_s_key_follows_its_fields_whether_or_not_the_object_was_seen_before(sample) -> None:
    from site_builder.pages.preview import fingerprint

    root = sample("with-study")
    paths, _ = project_settings(root)
    [case] = load_project(paths).cases.values()
    key = fingerprint(case)
    assert fingerprint(case) == key  # the same object again
    assert fingerprint(case.model_copy()) == key  # an equal record read again
    assert fingerprint(case.model_copy(update={"title": "Another title"})) != key
    assert fingerprint(case, "x") != fingerprint(case, "y") != key


def _set(path, **fields: object) -> None:  # noqa: ANN001
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(fields)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _key_outcome(path, description: str) -> None:  # noqa: ANN001
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["outcomes"][0]["description"] = description
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _number(html: str, case_id: str, key: str) -> int:
    """The number of a work's citation in the evidence table's row of a case."""
    [row] = [row.split("</tr>")[0] for row in html.split("<tr>") if f'href="{case_id}/"' in row]
    [number] = re.findall(rf'href="#cite-{key}"[^>]*>(\d+)</a>', row)
    return int(number)


def test_a_row_of_the_evidence_table_follows_its_record_and_the_citation_numbers_before_it(sample) -> None:
    root = sample("with-study")
    case = root / "cases" / "sample-case.yaml"
    # three cases, each key outcome citing one work: the table numbers them 1, 2, 3 in row order (by id)
    for ident, key in (("a-case", "doe2020sample"), ("b-case", "roe2023preprint"), ("c-case", "poe2024series")):
        copy = root / "cases" / f"{ident}.yaml"
        copy.write_text(case.read_text(encoding="utf-8").replace("id: sample-case", f"id: {ident}"), encoding="utf-8")
        _key_outcome(copy, f"Itch stopped in {ident} [@{key}].")
    case.unlink()
    cache = RenderCache()
    first = _build(root, cache)
    assert _number(first.pages["cases/index.md"].html, "c-case", "poe2024series") == 3
    assert _build(root, cache).pages["cases/index.md"] == first.pages["cases/index.md"]  # every row from the cache

    _set(root / "cases" / "b-case.yaml", title="A title changed in the preview")  # one row changes, nothing else
    after = _build(root, cache)
    assert 'href="b-case/">A title changed in the preview</a>' in after.pages["cases/index.md"].html
    assert after.pages == _build(root, None).pages and after.assets == _build(root, None).assets

    # the first row now cites the third row's work first: the third row's number changes, though its record did not
    _key_outcome(root / "cases" / "a-case.yaml", "Itch stopped in a-case [@poe2024series].")
    after = _build(root, cache)
    assert _number(after.pages["cases/index.md"].html, "c-case", "poe2024series") == 1
    assert _number(after.pages["cases/index.md"].html, "b-case", "roe2023preprint") == 2
    assert after.pages == _build(root, None).pages


def test_an_entry_of_the_references_page_follows_the_pages_citing_it_and_its_work(sample) -> None:
    root = sample("with-study")
    cache = RenderCache()
    first = _build(root, cache)
    entry = first.pages["references.md"].html.split('id="ref-doe2020sample"')[1].split("</div>")[0]
    assert "Hand eczema treated on one side" in entry  # the sample case cites it
    _retitle(root / "cases" / "sample-case.yaml", "A title changed in the preview")
    after = _build(root, cache)
    entry = after.pages["references.md"].html.split('id="ref-doe2020sample"')[1].split("</div>")[0]
    assert "A title changed in the preview" in entry and "Hand eczema treated on one side" not in entry
    assert after.pages == _build(root, None).pages
    bib = root / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace("A Sample Case of {RSCE} Use", "A Renamed Case of {RSCE} Use"), encoding="utf-8")
    after = _build(root, cache)
    assert "A renamed case of RSCE use" in after.pages["references.md"].html.split('id="ref-doe2020sample"')[1].split("</div>")[0]
    assert after.pages == _build(root, None).pages


def test_the_open_data_follows_a_saved_record(sample) -> None:
    root = sample("with-study")
    cache = RenderCache()
    first = _build(root, cache)
    _retitle(root / "cases" / "sample-case.yaml", "A title changed in the preview")
    after = _build(root, cache)
    assert b"A title changed in the preview" in after.assets["data/cases.json"]
    assert b"A title changed in the preview" in after.assets["data/cases.csv"] and b"A title changed" not in first.assets["data/cases.csv"]
    assert after.assets["data/studies.json"] is first.assets["data/studies.json"] or after.assets["data/studies.json"] == first.assets["data/studies.json"]
    assert after.assets == _build(root, None).assets


def test_a_kept_block_is_taken_only_where_the_page_cites_as_it_did(sample) -> None:
    from site_builder.pages.headings import Headings
    from site_builder.pages.preview import rendered_fragment
    from site_builder.pages.resolve import Entry, PageCitations
    from site_builder.records.cite import find_citations

    entries = {key: Entry(key, key) for key in ("a", "b")}

    def block(citations: PageCitations) -> str:
        return "".join(citations.marker(span) for span in find_citations("[@a] [@b] [@b]"))

    page = PageCitations("x.md", entries)
    html, fragment = rendered_fragment(page, Headings(), lambda: block(page))
    assert fragment is not None and fragment.html == html
    fresh = PageCitations("x.md", entries)
    assert fragment.fits(fresh) and fragment.replay(fresh) == html
    assert (fresh.order, fresh.uses, fresh.numbers) == (page.order, page.uses, page.numbers)  # as rendering it did

    before_b = PageCitations("x.md", entries)
    before_b.number("b")  # the page cited b before the block: its numbers differ
    assert not fragment.fits(before_b)
    twice = PageCitations("x.md", entries)
    block(twice)  # the same block earlier on the page: a and b are known, with other use counts
    assert not fragment.fits(twice)
    _, again = rendered_fragment(twice, Headings(), lambda: block(twice))
    assert again is not None and again.fits(PageCitations("x.md", entries)) is False  # it cites keys the page numbered before it
    headings = Headings()
    _, with_heading = rendered_fragment(PageCitations("x.md", entries), headings, lambda: str(headings.heading(2, "A heading")))
    assert with_heading is None  # its id depends on the headings before it


def test_a_page_s_citation_is_kept_while_the_page_and_the_site_s_options_are_unchanged() -> None:
    from types import SimpleNamespace

    from site_builder.pages.preview import CiteThisPage

    made: list[str] = []

    class Cites:
        def __call__(self, page) -> tuple[str, str]:  # noqa: ANN001
            made.append(page.title)
            return f"{page.title}, {page.published}", ""

    def cite(cache, pages, shared="the site's options"):  # noqa: ANN001, ANN202
        citations = CiteThisPage(Cites, cache)
        out = [citations(page, shared) for page in pages]
        if cache is not None:
            cache.swept()
        return out

    def page(title: str, published: str) -> SimpleNamespace:
        return SimpleNamespace(title=title, published=published, modified="")

    cache = RenderCache()
    first = [page("a", "2020"), page("b", "2021"), page("c", "2020")]
    assert cite(cache, first) == [("a, 2020", ""), ("b, 2021", ""), ("c, 2020", "")]
    made.clear()
    assert cite(cache, first) == [("a, 2020", ""), ("b, 2021", ""), ("c, 2020", "")]
    assert made == [], "every citation kept"
    changed = [page("a", "2020"), page("B", "2021"), page("c", "2020")]
    assert cite(cache, changed) == cite(None, changed)
    assert made == ["B", "a", "B", "c"], "only the changed page cited again (then each once without the cache)"
    made.clear()
    assert cite(cache, changed[::-1]) == cite(None, changed[::-1])
    assert made == ["c", "B", "a"], "another order: each page as kept"
    made.clear()
    assert cite(cache, changed, "other options") == cite(None, changed)
    assert made == ["a", "B", "c"] * 2, "other options: nothing kept"


def test_the_pages_chrome_changes_with_a_file_mkdocs_yml_inherits(sample) -> None:  # noqa: ANN001
    """A preview keeps a page whose content and chrome are unchanged; a setting changed in an inherited file (INHERIT)
    changes every page's chrome (its footer, say) as one changed in mkdocs.yml does."""
    from mkdocs.config import load_config

    from site_builder.engine.preview import chrome_digest

    root = sample()
    (root / "base.yml").write_text("copyright: one\n", encoding="utf-8")
    with (root / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write("INHERIT: base.yml\n")

    def digest() -> str:
        return chrome_digest(None, load_config(str(root / "mkdocs.yml")))

    before = digest()
    assert digest() == before
    (root / "base.yml").write_text("copyright: two\n", encoding="utf-8")
    assert digest() != before
