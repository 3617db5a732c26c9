"""Shared fixtures: sample projects under tests/roots/ copied into a temporary folder."""

from __future__ import annotations

import functools
import itertools
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from site_builder.cli import main
from site_builder.records.model import Case, FactGroup
from benchmarks.browser import serve  # noqa: F401 - the fixtures' and tests' local web server
from sitecheck import mkdocs_build

ROOTS = Path(__file__).parent / "roots"
# validate keeps a record cache in the user's cache folder: the tests keep theirs in a folder of their own.
os.environ.setdefault("SITE_BUILDER_CACHE_DIR", tempfile.mkdtemp(prefix="site-builder-cache-"))
REPO = Path(__file__).parent.parent
# The project whose content the content checks read: the repository's own, or a copy named by SB_PROJECT
# (tests/test_contributing.py runs those checks on a copy to which a new publication was added).
PROJECT = Path(os.environ.get("SB_PROJECT") or REPO)
PROBLEM_RE = re.compile(r"^(?P<path>[^:\n]+):(?P<line>\d+):(?P<column>\d+): (?P<severity>error|warning): (?P<field>[^:\n]+): (?P<message>.+)$")


@pytest.fixture
def sample(tmp_path: Path):
    """Return a function that copies a sample root into tmp_path and returns its path."""

    def copy(name: str = "minimal") -> Path:
        target = tmp_path / name
        shutil.copytree(ROOTS / name, target)
        return target

    return copy


@functools.cache
def loaded_project():  # noqa: ANN201 - site_builder.project.Project
    """The content under test (PROJECT) as the library loads it: tests derive their expectations from it."""
    from site_builder.project import load_project
    from site_builder.engine.settings import project_settings

    project = load_project(project_settings(PROJECT)[0])
    assert not project.errors, "\n".join(map(str, project.errors))
    return project


def run_cli(*args: str):
    """Run the site-builder command in-process."""
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def problems_of(output: str) -> list[dict[str, str]]:
    """Parse problem lines; fail on any line that is not in the documented shape."""
    found = []
    for line in output.splitlines():
        match = PROBLEM_RE.match(line)
        assert match, f"not a problem line: {line!r}"
        found.append(match.groupdict())
    return found


# Tools some tests need (a browser, Java). Missing on a developer's machine: those tests are skipped and the
# summary says why. Missing under CI=true: a failure, never a skip.
SKIPPED_TOOLS: dict[str, str] = {}
CHROMIUM = Path(os.environ.get("SB_CHROMIUM", "/usr/bin/chromium"))
# Debian's Chromium run as root, offline: no sandbox, and no calls home that this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SOURCE_DATE_EPOCH = "1764115200"  # 2025-11-26T00:00:00Z: fixed dates make two builds comparable


def require_tool(what: str, missing: str | None) -> None:
    """Skip the test when a tool is missing (say so in the summary); under CI=true, fail instead."""
    if missing is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what}: {missing} (CI=true: a missing tool is a failure, not a skip)", pytrace=False)
    SKIPPED_TOOLS.setdefault(what, missing)
    pytest.skip(f"{what} skipped: {missing}")


def pytest_configure(config: pytest.Config) -> None:
    # hypothesis' report of a failing example imports mypy_extensions, which warns; with filterwarnings=error
    # that warning would hide the failure behind an INTERNALERROR.
    config.addinivalue_line("filterwarnings", "ignore:mypy_extensions.TypedDict is deprecated:DeprecationWarning")


def pytest_terminal_summary(terminalreporter) -> None:  # noqa: ANN001 - pytest's TerminalReporter
    for what, why in SKIPPED_TOOLS.items():
        terminalreporter.write_line(f"{what} skipped: {why}", yellow=True, bold=True)


def build_with_fixed_dates(config: Path, site: Path) -> Path:
    """Build a project with fixed dates (SOURCE_DATE_EPOCH) into site; fail the test on a build error."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        result = mkdocs_build(config, site)
    assert result.returncode == 0, result.stderr
    return site


@pytest.fixture(scope="session")
def repo_site(tmp_path_factory) -> Path:
    """The repository's own site, built once per session."""
    return build_with_fixed_dates(PROJECT / "mkdocs.yml", tmp_path_factory.mktemp("repo-site") / "site")


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright (Playwright's own browser download is not used)."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        require_tool("browser tests", "the Python package 'playwright' is not installed (pip install -e '.[test]')")
    if not CHROMIUM.is_file():
        require_tool("browser tests", f"no Chromium at {CHROMIUM} (apt-get install chromium, or set SB_CHROMIUM)")
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        except Error as exc:
            require_tool("browser tests", f"Chromium at {CHROMIUM} did not start: {str(exc).splitlines()[0]}")
        yield browser
        browser.close()


def open_page(browser, base_url: str, width: int = 1280, height: int = 900):  # noqa: ANN001, ANN201 - Playwright types
    """A new page in a fresh context that may reach only base_url; alert/confirm dialogs are recorded and dismissed."""
    context = browser.new_context(viewport={"width": width, "height": height}, base_url=base_url)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url.rstrip("/"))
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base_url) else route.abort())
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    return page


# A corpus of cross-site scripting payloads, one per trick; tests/test_hostile.py puts them into every
# free-text field of a case, into BibTeX fields and into front matter.
XSS_CORPUS = (
    '<script>alert("xss-script")</script>',
    '<img src=x onerror=alert("xss-img")>',
    "<a href=\"javascript:alert('xss-a')\">click</a>",
    '<svg onload=alert("xss-svg")><script>alert("xss-svg2")</script></svg>',
    "<svg><a xlink:href=\"javascript:alert('xss-svga')\"><text x=\"1\" y=\"1\">x</text></a></svg>",
    "<math><mi xlink:href=\"javascript:alert('xss-math')\">x</mi></math>",
    "<iframe src=\"javascript:alert('xss-iframe')\"></iframe>",
    '<details open ontoggle=alert("xss-details")>x</details>',
    "<style>/* xss-style */ body{display:none}</style>",
    '"><script>alert("xss-breakout")</script>',
    "'><img src=x onerror=alert('xss-breakout2')>",
    '</title><script>alert("xss-title")</script>',
    '[click](javascript:alert("xss-mdlink"))',
    '[click](  JaVaScRiPt:alert("xss-mdcase") "t")',
    '<javascript:alert("xss-autolink")>',
    "![x](x\" onerror=\"alert('xss-mdimg'))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '[x](vbscript:msgbox("xss-vb"))',
    '\\[x\\]\\(javascript:alert("xss-reparse")\\)',
    "text\n{: onclick=\"alert('xss-attrlist')\" }",
    '<div markdown="1">[x](javascript:alert("xss-mdinhtml"))</div>',
    '&lt;script&gt;alert("xss-entity")&lt;/script&gt;',
    '&#60;img src=x onerror=alert("xss-numeric")&#62;',
    "<a href=\"jav&#x09;ascript:alert('xss-tab')\">x</a>",
    '*[HTML]: <script>alert("xss-abbr")</script>',
    '[ref][evil]\n\n[evil]: javascript:alert("xss-refdef")',
    "\u202egnp.exe\u202c, \u2066isolated\u2069 and \u200fmarked\u200e text",
)
# Case fields that are identifiers, keys or editorial metadata rather than free text (and withdrawn, which
# turns the page into a tombstone, and the privacy allow-list, whose entries must match a finding).
NOT_FREE_TEXT = {("id",), ("indication",), ("source", "citation"), ("withdrawn",), ("privacy_allowlist",), ("figures", "image")}


def _fill(schema: dict[str, Any], base: Any, path: tuple[str, ...], defs: dict[str, Any], payloads: Iterator[str]) -> Any:
    """Walk the case schema: every free-text string gets the next payload; other values keep base or an example."""
    if "anyOf" in schema:
        schema = next(s for s in schema["anyOf"] if s.get("type") != "null" and s.get("$ref") != "#/$defs/Absence")  # a fact holds its value
    if "$ref" in schema:
        schema = defs[schema["$ref"].rsplit("/", 1)[1]]
    kind = schema.get("type")
    if path in NOT_FREE_TEXT:
        return base
    if kind == "object" and "properties" in schema:
        out = dict(base or {})
        for name, sub in schema["properties"].items():
            value = _fill(sub, out.get(name), path + (name,), defs, payloads)
            if value is not None:
                out[name] = value
        for name in schema.get("required", []):
            out.setdefault(name, (schema["properties"][name].get("examples") or [False])[0])
        return out
    if kind == "object":
        return {key: _fill(schema["additionalProperties"], value, path, defs, payloads) for key, value in (base or {}).items()}
    if kind == "array":
        return [_fill(schema["items"], item, path, defs, payloads) for item in (base or [None])]
    if kind == "string" and not {"pattern", "enum", "const", "format"} & schema.keys():
        text = next(payloads)
        return text[: schema.get("maxLength", len(text))]
    return base


def hostile_case(sample: dict[str, Any], shift: int) -> dict[str, Any]:
    """A valid case whose free-text fields hold the corpus, starting at payload number shift."""
    schema = Case.model_json_schema()
    payloads = itertools.islice(itertools.cycle(XSS_CORPUS), shift, None)
    return _fill(schema, sample, (), schema["$defs"], payloads)


def _front_matter(path: Path, values: dict[str, Any]) -> None:
    body = path.read_text(encoding="utf-8").split("---", 2)[2]
    path.write_text("---\n" + yaml.safe_dump(values, allow_unicode=True) + "---" + body, encoding="utf-8")


def show_raw_html(root: Path) -> None:
    """Switch the project's raw-HTML check from an error to 'shown as typed', to test what the renderer does with it."""
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "  - site-builder\n" in text
    config.write_text(text.replace("  - site-builder\n", "  - site-builder:\n      raw_html: shown\n"), encoding="utf-8")


def use_repo_theme(root: Path) -> None:
    """Give the project the repository's theme overrides (header search form, light pages) and search page."""
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "theme:\n  name: material\n" in text
    theme = f"theme:\n  name: material\n  custom_dir: {json.dumps(str(REPO / 'templates' / 'overrides'))}\n"
    assert "extra_javascript" not in text
    text = text.replace("theme:\n  name: material\n", theme) + "extra_javascript:\n  - assets/site-builder/site-builder.js\n"
    config.write_text(text, encoding="utf-8")
    shutil.copyfile(REPO / "content" / "search.md", root / "content" / "search.md")


def make_hostile_project(root: Path) -> Path:
    """The minimal sample with the corpus in every case field (one case per rotation), in BibTeX and in front matter."""
    shutil.copytree(ROOTS / "minimal", root)
    show_raw_html(root)
    sample = yaml.safe_load((root / "cases" / "sample-case.yaml").read_text(encoding="utf-8"))
    sample["source"]["locators"] = {group.value: ["Section 1"] for group in FactGroup}
    for shift in range(len(XSS_CORPUS)):
        case = hostile_case(sample, shift)
        case["id"] = f"hostile-{shift:02d}"
        case["summary"]["clinician"] += " [@hostile2024; @odd<key>x]"
        (root / "cases" / f"{case['id']}.yaml").write_text(yaml.safe_dump(case, allow_unicode=True), encoding="utf-8")
    everything = "\n\n".join(XSS_CORPUS)
    # A second indication carries the corpus in its front matter (and so into the nav on every page); the
    # cases keep the clean one, whose title is also their tag.
    indication = root / "content" / "indications" / "hostile.md"
    shutil.copyfile(root / "content" / "indications" / "eczema.md", indication)
    _front_matter(indication, {"title": everything, "plain_name": everything, "description": everything, "literature": ["hostile2024"]})
    _front_matter(root / "content" / "index.md", {"title": everything, "description": everything})
    (root / "content" / "tags.md").write_text("# Tags\n\n<!-- material/tags -->\n", encoding="utf-8")
    # BibTeX needs balanced braces, and LaTeX reads % as a comment.
    bib = " ".join(p.replace("{", "(").replace("}", ")").replace("%", " ") for p in XSS_CORPUS)
    with (root / "references.bib").open("a", encoding="utf-8") as out:
        out.write(
            f"\n@article{{hostile2024,\n  author = {{Evil, {bib[:120]} and Doe, Jane}},\n  title = {{{bib}}},\n"
            f"  journal = {{{bib}}},\n  year = {{2024}},\n  volume = {{{bib[:60]}}},\n  note = {{{bib}}},\n"
            f'  url = {{javascript:alert("xss-bib-url")}},\n  doi = {{10.1234/"><script>alert("xss-doi")</script>}},\n}}\n'
            f"\n@misc{{odd<key>x,\n  title = {{{bib}}},\n  howpublished = {{{bib}}},\n"
            f'  url = {{https://example.org/"><script>alert("xss-url")</script>}},\n}}\n'
        )
    return root


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory) -> Path:
    """The hostile project, built once per session."""
    project = make_hostile_project(tmp_path_factory.mktemp("hostile") / "project")
    return build_with_fixed_dates(project / "mkdocs.yml", project.parent / "site")


@pytest.fixture(scope="session")
def hostile_themed_site(tmp_path_factory) -> Path:
    """The hostile project with the repository's theme overrides (its search page), built once per session."""
    project = make_hostile_project(tmp_path_factory.mktemp("hostile-themed") / "project")
    use_repo_theme(project)
    return build_with_fixed_dates(project / "mkdocs.yml", project.parent / "site")
