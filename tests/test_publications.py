"""How a publication is named in tables and page titles: author and year, as readers name papers."""

from __future__ import annotations

import pytest

from site_builder.citations.bib import parse_bibliography
from site_builder.pages.publications import short_citation, slug


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ("author = {Roe, Jane}, year = {2021}", "Roe 2021"),
        ("author = {Roe, Jane and Doe, John}, year = {2021}", "Roe and Doe 2021"),
        ("author = {Roe, Jane and Doe, John and Poe, Ann}, year = {2021}", "Roe et al. 2021"),
        ("author = {Roe, Jane and others}, year = {2021}", "Roe et al. 2021"),
        ("author = {van der Berg, Jan}, year = {2021}", "Berg 2021"),
        ("editor = {Poe, Ann}, year = {2019}", "Poe 2019"),
        ("title = {[Congress abstract of a study]}, howpublished = {Test Congress 2024}, year = {2024}", "Test Congress 2024"),
        ("title = {[Congress abstract of a study]}, howpublished = {Test Congress}, year = {2024}", "Test Congress 2024"),
        ("title = {A Report With No Author and No Venue Given at All Here}, year = {2020}", "A Report With No Author and No Venue… 2020"),
        ("author = {Roe, Jane}, title = {Undated}", "Roe n.d."),
    ],
)
def test_short_citation(fields: str, expected: str) -> None:
    refs, _ = parse_bibliography(f"@misc{{k, {fields}}}", "x.bib")
    assert short_citation(refs["k"]) == expected


@pytest.mark.parametrize(("key", "expected"), [("majewska2025efficacy", "majewska2025efficacy"), ("Roe:2021/a_b", "roe-2021-a-b"), ("---", "publication")])
def test_publication_urls_are_slugs(key: str, expected: str) -> None:
    assert slug(key) == expected
