"""The evidence table in a real browser: it sorts by any column and the filter box shows only matching rows."""

from __future__ import annotations

import re

import pytest

from test_browser import PROJECT_DATA, page, site_url  # noqa: F401 - pytest fixtures, shared with the browser tests

try:
    from playwright.sync_api import expect
except ImportError:  # the chromium fixture skips these tests, or fails them under CI=true, and says why
    expect = None

ACTIVE = sorted((r for r in [*PROJECT_DATA.cases.values(), *PROJECT_DATA.studies.values()] if not r.withdrawn), key=lambda r: r.id)


def _rows(page):  # noqa: ANN001, ANN202 - Playwright types
    return page.locator("article table tbody tr")


def test_the_filter_box_shows_only_rows_with_every_typed_word(page) -> None:  # noqa: F811
    page.goto("cases/")
    expect(_rows(page)).to_have_count(len(ACTIVE))
    title = PROJECT_DATA.indications[ACTIVE[0].indication].title
    matching = [c for c in ACTIVE if PROJECT_DATA.indications[c.indication].title == title or title.lower() in c.title.lower()]
    box = page.get_by_role("searchbox", name="Filter the evidence table")
    box.fill(title)
    expect(page.locator("article table tbody tr:visible")).to_have_count(len(matching))
    box.fill(title + " no-such-word-anywhere")
    expect(page.locator("article table tbody tr:visible")).to_have_count(0)
    box.fill("")
    expect(page.locator("article table tbody tr:visible")).to_have_count(len(ACTIVE))
    assert page.errors == []


@pytest.mark.parametrize("column", ["Record", "n"])
def test_a_column_heading_sorts_the_table(page, column: str) -> None:  # noqa: F811
    page.goto("cases/")
    heading = page.locator("article table th").filter(has_text=re.compile(rf"^\s*{column}\s*$")).first
    heading.click()
    expect(heading).to_have_attribute("aria-sort", "ascending")
    if column == "Record":
        titles = [t.strip() for t in page.locator("article table tbody tr td:nth-child(2)").all_inner_texts()]
        assert titles == sorted(titles, key=str.lower)
    assert page.errors == []
