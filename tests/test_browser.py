"""The built site in a real browser: Playwright drives Debian's Chromium against the site served on 127.0.0.1.

Skipped with a reason in the summary when Chromium or Playwright is missing, failed instead under CI=true
(tests/conftest.py, the `chromium` fixture). Screenshots go to artifacts/screenshots/ (SB_ARTIFACTS overrides).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from benchmarks.browser import LAYOUT_JS
from conftest import REPO, loaded_project, open_page, serve
from site_builder.pages.publications import slug
from sitecheck import html_pages

try:
    from playwright.sync_api import expect
except ImportError:  # the chromium fixture skips these tests, or fails them under CI=true, and says why
    expect = None

# One case of the content under test, and its indication (derived, so that added content changes nothing here).
PROJECT_DATA = loaded_project()
CASE_RECORD = [c for _, c in sorted(PROJECT_DATA.cases.items()) if not c.withdrawn][-1]
CASE = f"cases/{CASE_RECORD.id}/"
INDICATION = f"indications/{CASE_RECORD.indication}/"
SEARCH_TERM = PROJECT_DATA.indications[CASE_RECORD.indication].title.lower()
SCREENSHOTS = Path(os.environ.get("SB_ARTIFACTS", REPO / "artifacts")) / "screenshots"
# One page of every kind the site has.
PAGE_KINDS = {
    "home": "",
    "indications": "indications/",
    "indication": INDICATION,
    "cases": "cases/",
    "case": CASE,
    "publications": "publications/",
    "publication": f"publications/{slug(CASE_RECORD.source.citation)}/",
    "references": "references/",
    "tags": "tags/",
    "content": "evidence/",
    "not-found": "404.html",
    "search": "search/?q=" + SEARCH_TERM.split()[0],
}
SIZES = {"desktop": (1280, 900), "mobile": (390, 844)}



@pytest.fixture(scope="module")
def site_url(repo_site: Path, chromium) -> str:  # noqa: ANN001 - the browser fixture decides skip or fail first
    with serve(repo_site) as url:
        yield url


@pytest.fixture
def page(chromium, site_url: str):  # noqa: ANN001, ANN201 - Playwright types
    page = open_page(chromium, site_url)
    page.set_default_timeout(15_000)
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    page.context.close()


def path_of(page) -> str:  # noqa: ANN001
    """The page's URL path and fragment, relative to the site root."""
    return path_of_url(page.url)


def arrive(page, path: str) -> None:  # noqa: ANN001
    """Wait until the browser shows path (and its heading), then check no script failed on the way."""
    page.wait_for_url(lambda url: path_of_url(url) == path)
    expect(page.locator("article h1").first).to_be_visible()
    assert page.errors == []


def path_of_url(url: str) -> str:
    return re.sub(r"^https?://[^/]+/", "", url)


def test_the_home_page_opens(page) -> None:  # noqa: ANN001
    page.goto("")
    assert page.title().endswith("RSCE evidence")
    assert page.locator("article h1").first.is_visible()
    assert page.errors == []


def test_from_home_to_an_indication_then_a_case_from_its_card(page) -> None:  # noqa: ANN001
    page.goto("")
    page.locator("nav.md-nav--primary a[href$='indications/']").first.click()
    arrive(page, "indications/")
    page.locator(f"article a[href$='{INDICATION.removeprefix('indications/')}']").first.click()
    arrive(page, INDICATION)
    card = page.locator(f"article .grid.cards li:has(a[href$='{CASE}'])").first
    card.get_by_role("link", name=re.compile("Read the full case")).click()
    arrive(page, CASE)


def test_a_citation_leads_to_the_reference_list_the_bibliography_and_back(page) -> None:  # noqa: ANN001
    page.goto(CASE)
    citation = page.locator("article sup.sb-cite a").first
    target = citation.get_attribute("href")
    citation.click()
    page.wait_for_url(lambda url: path_of_url(url) == CASE + target)
    entry = page.locator(f"li:has({target})")
    expect(entry).to_be_in_viewport()
    entry.get_by_role("link", name="Bibliography entry").click()
    page.wait_for_url(re.compile(r"/references/#ref-[\w-]+$"))
    bibliography_entry = page.locator("#" + path_of(page).split("#")[1])
    expect(bibliography_entry).to_be_in_viewport()
    bibliography_entry.locator(f"a[href$='{CASE}']").click()
    arrive(page, CASE)


def search_from_the_header(page, query: str) -> None:  # noqa: ANN001
    """Type a query into the header's search box and send it: the search page opens and shows its results."""
    page.locator("form.sb-search-form input[name=q]").fill(query)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q="))
    expect(page.locator("#sb-search .sb-search__status")).to_contain_text("found")


def test_searching_an_indication_reaches_its_case(page) -> None:  # noqa: ANN001
    """The header's search box leads to the search page (Pagefind); the case is among the results and opens."""
    page.goto(INDICATION)
    search_from_the_header(page, SEARCH_TERM)
    assert page.locator("#sb-search-input").input_value() == SEARCH_TERM
    result = page.locator(f".sb-search__result a[href$='/{CASE}']").first
    expect(result).to_be_visible()
    result.click()
    arrive(page, CASE)


def test_the_search_page_finds_a_case_by_its_title_and_runs_as_one_types(page) -> None:  # noqa: ANN001
    """Typing on the search page itself searches (no reload); the case whose title is typed comes first."""
    page.goto("search/")
    box = page.locator("#sb-search-input")
    expect(box).to_be_focused()
    box.press_sequentially(CASE_RECORD.title, delay=5)
    first = page.locator(".sb-search__result a").first
    expect(first).to_have_attribute("href", re.compile(re.escape(CASE) + "$"))
    assert first.inner_text() == CASE_RECORD.title
    assert "q=" in page.url
    assert page.errors == []


def test_hovering_a_citation_shows_the_formatted_reference(page) -> None:  # noqa: ANN001
    page.goto(CASE)
    citation = page.locator("article sup.sb-cite a").first
    reference = citation.get_attribute("title")
    cited = citation.get_attribute("href").removeprefix("#cite-")
    authors = PROJECT_DATA.references[cited].authors
    assert reference and (not authors or authors[0].family in reference)
    citation.hover()
    tooltip = page.locator(".sb-tooltip")
    expect(tooltip).to_be_visible()
    assert " ".join(tooltip.inner_text().split()) == " ".join(reference.split())
    page.mouse.move(0, 0)
    expect(tooltip).to_have_count(0)
    citation.focus()  # keyboard readers get it too
    expect(tooltip).to_be_visible()


def test_dark_mode_switches_and_stays_on_the_next_page(page) -> None:  # noqa: ANN001
    page.goto("")
    scheme = page.locator("body")
    assert scheme.get_attribute("data-md-color-scheme") == "default"
    page.locator("form[data-md-component='palette'] label:visible").click()
    expect(scheme).to_have_attribute("data-md-color-scheme", "slate")
    page.goto(CASE)
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("kind", ["home", "indication", "case"])
def test_screenshots_at_desktop_and_mobile_widths(chromium, site_url: str, kind: str, size: str) -> None:  # noqa: ANN001
    """Kept as CI artifacts (see TESTING.md); the page must also fit the width without sideways scrolling."""
    width, height = SIZES[size]
    page = open_page(chromium, site_url, width, height)
    try:
        page.goto(PAGE_KINDS[kind])
        page.wait_for_load_state("networkidle")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shot = SCREENSHOTS / f"{kind}-{size}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    finally:
        page.context.close()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_no_request_leaves_the_site_and_nothing_is_wider_than_the_screen(chromium, site_url: str, kind: str, size: str) -> None:  # noqa: ANN001
    """Light pages (issue 14): no third-party host hears of a visit (fonts, scripts, anything), and at 390 px and
    1280 px no element reaches past the viewport; a table wider than its box is a row of cards or scrolls inside
    its own box under a visible cue."""
    width, height = SIZES[size]
    page = open_page(chromium, site_url, width, height)
    outside: list[str] = []
    page.on("request", lambda request: None if request.url.startswith(site_url) or request.url.startswith("data:") else outside.append(request.url))
    try:
        page.goto(PAGE_KINDS[kind])
        page.wait_for_load_state("networkidle")
        assert outside == []
        layout = page.evaluate(LAYOUT_JS)
        assert not layout["page_scrolls"], layout
        assert layout["wide"] == [], layout
        assert layout["tables_scrolling"] == layout["tables_scrolling_with_cue"], layout
        if kind == "indication":  # the evidence table shows every column at desktop width, without a scroll
            assert layout["tables"] >= 1 and layout["tables_scrolling"] == 0, layout
        for table in page.locator("article table").all():
            columns = table.locator("thead th").count()
            if size == "mobile" and columns >= 4:  # a row per card, each value under its column's name
                assert table.evaluate("t => getComputedStyle(t.querySelector('tbody tr')).display") == "block"
                cell = table.locator("tbody td").nth(1)
                assert cell.evaluate("c => getComputedStyle(c, '::before').content").strip('"') == table.locator("thead th").nth(1).inner_text().strip()
    finally:
        page.context.close()


def test_a_table_wider_than_its_box_gets_a_visible_cue(chromium, site_url: str) -> None:  # noqa: ANN001
    """A table that cannot fit (here: made wide on purpose) scrolls inside its box, and the cue says so."""
    page = open_page(chromium, site_url, 1280, 900)
    try:
        page.goto(CASE)
        page.wait_for_load_state("networkidle")
        page.evaluate("document.querySelector('article table').style.minWidth = '3000px'; window.dispatchEvent(new Event('resize'))")
        cue = page.locator(".sb-scroll-cue").first
        expect(cue).to_be_visible()
        assert "Scroll sideways" in cue.inner_text()
        assert page.locator("article .md-typeset__scrollwrap[data-sb-scroll-cue]").count() == 1
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    finally:
        page.context.close()


def serious_violations(page) -> dict[str, str]:  # noqa: ANN001
    """axe-core's serious and critical findings on the open page, by rule id."""
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_load_state("networkidle")
    violations = Axe().run(page).response["violations"]
    return {
        v["id"]: f"{v['impact']}: {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    }


@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_no_serious_accessibility_violations(page, kind: str) -> None:  # noqa: ANN001
    page.goto(PAGE_KINDS[kind])
    found = serious_violations(page)
    assert found == {}


@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_images_have_alt_text_and_headings_do_not_skip_levels(page, kind: str) -> None:  # noqa: ANN001
    """In the page as the browser shows it, after the theme's scripts ran."""
    page.goto(PAGE_KINDS[kind])
    assert page.locator("img:not([alt])").count() == 0
    levels = page.eval_on_selector_all("article h1, article h2, article h3, article h4, article h5, article h6", "els => els.map(e => +e.tagName[1])")
    assert levels and levels[0] == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels


@pytest.mark.parametrize("theme", ["material", "repository"])
def test_no_payload_runs_on_any_page_of_the_hostile_site(chromium, request, theme: str) -> None:  # noqa: ANN001
    """Every page of the site built from the XSS corpus, with Material's theme as it is and with the repository's
    overrides (light pages, search page), loads without a single alert() from a payload."""
    hostile_site = request.getfixturevalue("hostile_site" if theme == "material" else "hostile_themed_site")
    with serve(hostile_site) as url:
        page = open_page(chromium, url)
        try:
            for html in html_pages(hostile_site):
                page.goto(html.relative_to(hostile_site).as_posix(), wait_until="load")
                assert page.dialogs == [], html.relative_to(hostile_site).as_posix()
        finally:
            page.context.close()


def test_search_results_show_hostile_titles_as_text(chromium, hostile_themed_site: Path) -> None:  # noqa: ANN001
    """Cases whose titles and text hold script and HTML payloads are found by the search page and shown: each title
    reads as typed, no payload element reaches the results and no script runs."""
    with serve(hostile_themed_site) as url:
        page = open_page(chromium, url)
        try:
            page.goto("search/?q=alert")
            results = page.locator(".sb-search__result")
            expect(results.first).to_be_visible()
            more = page.locator(".sb-search__more")
            for _ in range(len(html_pages(hostile_themed_site))):  # ten results at a time, until every one is shown
                if not more.is_visible():
                    break
                shown = results.count()
                more.click()
                expect(results).not_to_have_count(shown)
            expect(more).to_be_hidden()
            titles = page.locator(".sb-search__result h2 a").all_inner_texts()
            assert any("<script>" in t for t in titles) and any("onerror=" in t for t in titles), titles
            assert page.locator("#sb-search :is(script, img, iframe, svg, math, style, details, object, embed)").count() == 0
            handlers = page.eval_on_selector_all("#sb-search *", "els => els.filter(e => [...e.attributes].some(a => /^on/i.test(a.name))).length")
            assert handlers == 0
            hrefs = page.eval_on_selector_all("#sb-search a", "els => els.map(e => e.href)")
            assert hrefs and all(h.startswith(url) for h in hrefs), hrefs
            page.wait_for_timeout(300)  # an onerror of a broken image would fire after load
            assert page.dialogs == []
        finally:
            page.context.close()


def test_copy_the_citation_from_cite_this_page(page) -> None:  # noqa: ANN001
    """Contract of issue 4: #cite-this-page holds .sb-citation-text and a button.sb-copy-citation that copies it."""
    page.goto(CASE)
    block = page.locator("#cite-this-page")
    citation = " ".join(block.locator(".sb-citation-text").inner_text().split())
    assert "Melasma" in citation
    block.locator("button.sb-copy-citation").click()
    page.wait_for_function("navigator.clipboard.readText().then(t => t.length > 0)")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert " ".join(copied.split()) == citation
