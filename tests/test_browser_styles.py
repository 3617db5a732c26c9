"""The theme's stylesheets, cut to the rules the pages use (site_builder/engine/stylesheet.py), draw every page
exactly as Material's whole stylesheets do: screenshots of each page kind, taken with the site's stylesheets and
again with Material's own files served in their place, are the same pixels."""

from __future__ import annotations

import re
from pathlib import Path

import material
import pytest

from conftest import open_page
from test_browser import PAGE_KINDS, SCREENSHOTS, SIZES, site_url  # noqa: F401 - site_url is a pytest fixture

THEME = Path(material.__file__).parent / "templates"
STYLESHEET = re.compile(r".*/(assets/stylesheets/(?:main|palette)\.[0-9a-f]+\.min\.css)$")


def _material_original(route) -> None:  # noqa: ANN001 - Playwright's Route
    path = STYLESHEET.match(route.request.url).group(1)
    route.fulfill(body=(THEME / path).read_bytes(), content_type="text/css")


def _shot(page, path: str, state: str) -> bytes:  # noqa: ANN001 - Playwright's Page
    page.goto(path)
    page.wait_for_load_state("networkidle")
    if state == "menu":  # the navigation drawer open, as a tap on the menu button leaves it
        page.evaluate("document.getElementById('__drawer').checked = true")
    return page.screenshot(full_page=True, animations="disabled", caret="hide")


@pytest.mark.parametrize(
    ("size", "scheme", "state", "kinds"),
    [
        ("desktop", "light", "", list(PAGE_KINDS)),
        ("mobile", "light", "", list(PAGE_KINDS)),
        ("desktop", "dark", "", ["home", "indication", "case", "cases", "search"]),
        ("mobile", "dark", "", ["home", "case", "cases"]),
        ("mobile", "light", "menu", ["home", "case"]),
    ],
)
def test_pages_look_the_same_as_with_materials_whole_stylesheet(chromium, site_url: str, size: str, scheme: str, state: str, kinds: list[str]) -> None:  # noqa: ANN001, F811
    width, height = SIZES[size]
    ours, theirs = (open_page(chromium, site_url, width, height) for _ in range(2))
    try:
        theirs.route(STYLESHEET, _material_original)
        for page in (ours, theirs):
            page.emulate_media(color_scheme=scheme)
        different = []
        for kind in kinds:
            for attempt in range(5):  # a difference that goes away on a later look is the browser's timing, not a style
                if attempt:
                    ours.wait_for_timeout(500 * attempt)  # a loaded machine: let a late paint finish
                mine, original = _shot(ours, PAGE_KINDS[kind], state), _shot(theirs, PAGE_KINDS[kind], state)
                if mine == original:
                    break
            else:
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                for name, data in (("cut", mine), ("material", original)):
                    (SCREENSHOTS / f"styles-{kind}-{size}-{scheme}{state and '-' + state}-{name}.png").write_bytes(data)
                different.append(kind)
        assert different == [], f"pages drawn differently with the cut stylesheets (screenshots in {SCREENSHOTS})"
    finally:
        for page in (ours, theirs):
            page.context.close()
