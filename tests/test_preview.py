"""A preview keeps each record page between rebuilds: after a save it renders that record's pages and the pages that
list it, and the site it gives is the site a full render gives. Built from small sample projects."""

from __future__ import annotations

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
