"""Reader-facing wording: pages speak to people, not in the schema's field names, and say each thing once."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import REPO
from site_builder.records.model import Case
from site_builder.records.study import Study
from site_builder.project import ProjectPaths, load_project
from sitecheck import html_pages, parse

PROJECT = load_project(ProjectPaths(REPO))
READER_PAGES = "contributing"  # the contributor's guide documents the fields by name, on purpose
SENTENCE_END = re.compile(r"[.?!][\"')]?$")


def _field_names(schema: dict) -> set[str]:
    """Every property name in a JSON Schema and its definitions that holds an underscore ('amount_mg')."""
    found: set[str] = set()
    for definition in [schema, *schema.get("$defs", {}).values()]:
        found |= {name for name in definition.get("properties", {}) if "_" in name}
    return found


FIELD_NAMES = sorted(_field_names(Case.model_json_schema()) | _field_names(Study.model_json_schema()))


def _reader_text(page: Path) -> str:
    """The article's text as a reader sees it, without code, the page's reference list and its citation block."""
    article = parse(page).xpath("//article")[0]
    for drop in article.xpath(".//code | .//pre | .//h2[@id='references']/following-sibling::ol[1] | .//*[@id='cite-this-page'] | .//*[contains(@class,'sb-page-info')]"):
        drop.drop_tree()
    return " ".join(article.text_content().split())


@pytest.fixture(scope="module")
def reader_pages(repo_site: Path) -> dict[str, str]:
    return {p.relative_to(repo_site).as_posix(): _reader_text(p) for p in html_pages(repo_site) if not p.relative_to(repo_site).as_posix().startswith(READER_PAGES)}


def test_the_field_list_is_taken_from_the_model() -> None:
    assert {"amount_mg", "duration_days", "depth_mm", "follow_up", "learning_points", "as_printed", "p_value"} <= set(FIELD_NAMES)


def test_no_page_shows_an_internal_field_name(reader_pages: dict[str, str]) -> None:
    for path, text in reader_pages.items():
        for name in FIELD_NAMES:
            spaced = name.replace("_", " ")
            assert not re.search(rf"\b{name}\b", text), f"{path}: shows the field name '{name}'"
            if re.search(r"_(mm|nm|ml|mg|days|weeks)$", name):
                assert not re.search(rf"\b{spaced}\b", text, re.I), f"{path}: shows the field name '{spaced}'"
        assert not re.search(r"\b[a-z]+(?:_[a-z]+)*\.[a-z]+_[a-z_]+\b", text), f"{path}: shows a dotted field path"


def test_no_indication_name_is_doubled(reader_pages: dict[str, str]) -> None:
    for path, text in reader_pages.items():
        for indication in PROJECT.indications.values():
            assert f"{indication.title.lower()} ({indication.title.lower()}" not in text.lower(), f"{path}: {indication.title} doubled"


def test_no_nested_parentheses(reader_pages: dict[str, str]) -> None:
    for path, text in reader_pages.items():
        depth = 0
        for i, char in enumerate(text):
            depth += char == "("
            assert depth < 2, f"{path}: nested parentheses in '…{text[max(0, i - 80) : i + 40]}…'"
            depth = max(0, depth - (char == ")"))


def test_every_meta_description_is_a_whole_sentence(repo_site: Path) -> None:
    for page in html_pages(repo_site):
        [description] = parse(page).xpath("//meta[@name='description']/@content")
        assert SENTENCE_END.search(description.strip()), f"{page.relative_to(repo_site)}: '{description}'"
        assert not description.rstrip().endswith(("…", "...")), f"{page.relative_to(repo_site)}: cut off"
        assert description[:1].isupper(), f"{page.relative_to(repo_site)}: '{description}'"


def test_related_literature_does_not_repeat_the_reference_list(repo_site: Path) -> None:
    for indication in PROJECT.indications.values():
        if not indication.literature:
            continue
        article = parse(repo_site / "indications" / indication.id / "index.html").xpath("//article")[0]
        section = article.xpath(".//h2[@id='related-literature']/following-sibling::*[1]")[0]
        text = " ".join(section.text_content().split())
        for key in indication.literature:
            title = PROJECT.references[key].get("title")
            assert title[:40] not in text, f"{indication.id}: '{title}' is repeated above the reference list"
            assert section.xpath(f".//a[@href='#cite-{key}']"), f"{indication.id}: {key} is not cited"
