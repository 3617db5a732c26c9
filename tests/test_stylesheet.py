"""The theme's stylesheets cut to the rules the pages use (site_builder/engine/stylesheet.py); the browser test
tests/test_browser_styles.py shows the pages drawn the same as with Material's whole stylesheets."""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
import material
import pytest
import tinycss2
import yaml

from sitecheck import html_pages, mkdocs_build
from site_builder.engine import stylesheet
from site_builder.engine.stylesheet import UsedNames, kept_trim, trim

THEME = Path(material.__file__).parent / "templates"
CLASS = re.compile(r"""\bclass="([^"]*)\"""")
PALETTE = re.compile(r"""\b(data-md-color-(?:primary|accent|scheme))="([^"]*)\"""")


def _cut(css: str, names: set[str], reads: tuple[str, ...] = ()) -> str:
    return trim({"x.css": css}, frozenset(names), reads)["x.css"]


def test_a_rule_stays_only_when_every_class_of_one_of_its_selectors_is_used() -> None:
    css = ".a{color:red}.b{color:blue}.a .b,.a .c{margin:0}.c{padding:0}"
    assert _cut(css, {"a", "b"}) == ".a{color:red}.b{color:blue}.a .b{margin:0}"
    assert _cut(css, set()) == ""


def test_a_cut_is_kept_for_the_next_build_and_cut_again_when_anything_it_depends_on_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITE_BUILDER_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("SITE_BUILDER_CACHE", raising=False)
    css = {"x.css": ".a{color:var(--c)}.b{color:blue}:root{--c:red;--d:blue}"}
    cuts: list[frozenset[str]] = []
    monkeypatch.setattr(stylesheet, "trim", lambda sheets, names, reads: cuts.append(names) or trim(sheets, names, reads))
    first = kept_trim(css, frozenset({"a"}), set())
    assert first == trim(css, frozenset({"a"}), set()) == {"x.css": ".a{color:var(--c)}:root{--c:red}"}
    assert kept_trim(css, frozenset({"a"}), set()) == first and len(cuts) == 1, "the second build reads the cut"
    assert kept_trim(css, frozenset({"a", "b"}), set()) == trim(css, frozenset({"a", "b"}), set()) and len(cuts) == 2
    assert kept_trim(css, frozenset({"a"}), {"--d"})["x.css"].endswith("--d:blue}") and len(cuts) == 3
    edited = {"x.css": css["x.css"].replace("red", "green")}
    assert kept_trim(edited, frozenset({"a"}), set()) == {"x.css": ".a{color:var(--c)}:root{--c:green}"} and len(cuts) == 4
    cuts.pop()
    for file in (tmp_path / stylesheet.TRIMMED).iterdir():
        file.write_text('{"x.css": 1', encoding="utf-8")  # damaged: cut again
    assert kept_trim(css, frozenset({"a"}), set()) == first and len(cuts) == 4
    monkeypatch.setenv("SITE_BUILDER_CACHE", "off")
    assert kept_trim(css, frozenset({"a"}), set()) == first and len(cuts) == 5


def test_elements_attributes_and_classes_inside_functions_never_drop_a_rule() -> None:
    css = "p{margin:0}[dir=rtl] .a{left:0}.a:not(.zz){top:0}:is(.x,.y)>.a{right:0}"
    assert _cut(css, {"a"}) == css


def test_media_blocks_are_cut_inside_and_left_out_when_empty() -> None:
    css = "@media screen{.a{color:red}.b{color:blue}}@media print{.b{color:blue}}@font-face{font-family:x}"
    assert _cut(css, {"a"}) == "@media screen{.a{color:red}}@font-face{font-family:x}"


def test_rules_for_palettes_the_pages_do_not_carry_are_left_out() -> None:
    css = "[data-md-color-primary=red]{--c:red}[data-md-color-primary=indigo]{--c:blue}.a{color:var(--c)}"
    assert _cut(css, {"a", "indigo"}) == "[data-md-color-primary=indigo]{--c:blue}.a{color:var(--c)}"


def test_custom_properties_nobody_reads_are_left_out_even_in_chains() -> None:
    css = ":root{--used:1px;--unused:var(--only-for-unused);--only-for-unused:2px;--read-outside:3px}.a{margin:var(--used)}"
    assert _cut(css, {"a"}, ("--read-outside",)) == ":root{--used:1px;--read-outside:3px}.a{margin:var(--used)}"
    assert _cut(css, {"a"}) == ":root{--used:1px}.a{margin:var(--used)}"


def test_names_come_from_words_of_templates_classes_of_html_and_the_scripts_a_page_loads() -> None:
    used = UsedNames()
    used.add_text('{% if x %}<div class="md-a {{ y }}">{% endif %}')
    used.add_html('<p class="admonition note">the word prose is not a class</p>')
    used.add_page('<html><body><script src="../../assets/b.js?v=1"></script><script src="https://cdn.example/x.js"></script></body></html>', "cases/c/index.html")
    assert {"md-a", "admonition", "note"} <= used.names and "prose" not in used.names
    assert used.scripts == {"assets/b.js"}


@pytest.mark.parametrize("features", [frozenset(), frozenset({"content.tabs.link"})])
def test_a_theme_templates_blocks_for_features_the_site_leaves_off_do_not_count(features: frozenset[str]) -> None:
    used = UsedNames()
    used.features = features
    source = (
        '{% if "content.tabs.link" in features %}<div class="tabbed-set">{% endif %}'
        '{% if "content.tabs.link" not in features %}<div class="untabbed">{% endif %}'
        '{% if page.meta %}<p class="{{ "md-meta" }}">{% else %}<p class="md-plain">{% endif %}'
    )
    used.add_template(jinja2.Environment(), source)
    on = "content.tabs.link" in features
    assert ("tabbed-set" in used.names, "untabbed" in used.names) == (on, not on)
    assert {"md-meta", "md-plain"} <= used.names  # any other test: both branches count
    broken = UsedNames()
    broken.add_template(jinja2.Environment(), '{% if "x" in features %}<p class="still-counted">')
    assert "still-counted" in broken.names  # a template Jinja cannot read: every word counts


def test_a_class_a_script_or_template_completes_from_a_prefix_keeps_its_rules() -> None:
    css = '.md-status--new:after{content:"x"}.md-source__fact--version:before{content:"v"}.md-other{color:red}'
    assert _cut(css, {"md-status--", "md-source__fact--"}) == css.replace(".md-other{color:red}", "")
    assert _cut(css, {"md-", "md-status", "md-source__fact"}) == ""  # a bare 'md-' or a name without '--'/'__' is no prefix


def test_scripts_a_page_loads_in_its_head_count_too() -> None:
    used = UsedNames()
    page = '<html><head><script src="js/early.js" defer></script></head><body>' + "x" * 20_000 + '<script src="js/late.js"></script></body></html>'
    used.add_page(page, "index.html")
    assert used.scripts == {"js/early.js", "js/late.js"}


def test_html_and_templates_read_before_are_skipped_and_changed_ones_are_read() -> None:
    used = UsedNames()
    page = '<p class="admonition note">A page</p>'
    used.add_text(page)  # the same text as a template: its words, not the classes of HTML
    used.add_html(page.replace("note", "tip"))
    assert "tip" in used.names
    used.add_html(page.replace("note", "warning"))  # a preview's rebuild hands over the page changed
    assert {"tip", "warning"} <= used.names
    used.add_html('<p class="x" style="color: var(--md-a)">A page</p>')
    used.add_html('<p class="x" style="color: var(--md-b)">A page</p>')
    assert {"--md-a", "--md-b"} <= used.reads
    template = '{% if "content.tabs.link" in features %}<div class="tabbed-set">{% endif %}'
    used.add_template(jinja2.Environment(), template)
    assert "tabbed-set" not in used.names
    used.features = frozenset({"content.tabs.link"})  # the same template read with other features
    used.add_template(jinja2.Environment(), template)
    assert "tabbed-set" in used.names


def _selectors(css: str, *, with_properties: bool = False) -> list[str]:
    """The selectors of a stylesheet, each as written (tinycss2's reading, grouping at-rules opened; rules with a
    function in their selector are not listed). With with_properties, only rules that set some property other
    than a custom property (--name), which is left out when nothing reads it."""
    out: list[str] = []

    def walk(rules: list) -> None:
        for rule in rules:
            if rule.type == "qualified-rule":
                prelude = tinycss2.serialize(rule.prelude)
                body = tinycss2.parse_blocks_contents(rule.content, skip_whitespace=True, skip_comments=True)
                if "(" not in prelude and (not with_properties or any(d.type == "declaration" and not d.name.startswith("--") for d in body)):
                    out.extend(s.strip() for s in prelude.split(","))
            elif rule.type == "at-rule" and rule.content is not None and rule.lower_at_keyword in ("media", "supports"):
                walk(tinycss2.parse_blocks_contents(rule.content, skip_whitespace=True, skip_comments=True))

    walk(tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True))
    return out


@pytest.mark.parametrize("theme", ["material", "repository's"])
def test_every_selector_that_can_match_a_built_page_is_kept(sample, theme: str) -> None:  # noqa: ANN001
    """Derived from the built site: a selector of Material's own stylesheets whose classes all appear on the built
    pages or in the scripts they load, and whose palette values the pages carry, is in the site's stylesheets."""
    project = sample()
    config = yaml.safe_load((project / "mkdocs.yml").read_text())
    if theme != "material":  # the repository's theme override, which loads no Material script
        config["theme"]["custom_dir"] = str(Path(__file__).parent.parent / "templates" / "overrides")
    # classes and palette values that no file names whole: a colour of two words, a page status, a tags listing
    config["theme"]["palette"] = {"primary": "deep purple", "accent": "light blue"}
    config["extra"] = {"status": {"new": "Recently added"}}
    config["nav"].append({"Tags": "tags.md"})
    (project / "mkdocs.yml").write_text(yaml.safe_dump(config))
    index = project / "content" / "index.md"
    index.write_text(index.read_text().replace("---\n", "---\nstatus: new\ntags: [sample]\n", 1))
    (project / "content" / "tags.md").write_text("# Tags\n\n<!-- material/tags -->\n")
    site = project / "site"
    result = mkdocs_build(project / "mkdocs.yml", site)
    assert result.returncode == 0, result.stderr
    classes, palette, scripts = set(), set(), set()
    for page in html_pages(site):
        text = page.read_text(encoding="utf-8")
        classes.update(c for m in CLASS.finditer(text) for c in m.group(1).split())
        palette.update(f"[{name}={value}]" for name, value in PALETTE.findall(text))
        scripts.update(re.findall(r'<script src="([^"]+)"', text))
    words = set(classes)
    for script in scripts:
        path = (site / re.sub(r"^(\.\./)+", "", script)).resolve()
        if path.is_file():
            words.update(re.findall(r"[A-Za-z_][\w-]*", path.read_text(encoding="utf-8")))
    assert ("assets/javascripts/bundle." in " ".join(scripts)) == (theme == "material")
    assert {"md-status--new", "md-tag"} <= classes and {"[data-md-color-primary=deep-purple]", "[data-md-color-accent=light-blue]"} <= palette
    cut_total = original_total = 0
    for built in sorted((site / "assets" / "stylesheets").glob("*.min.css")):
        original = (THEME / "assets" / "stylesheets" / built.name).read_text(encoding="utf-8")
        kept = set(_selectors(built.read_text(encoding="utf-8")))
        cut_total, original_total = cut_total + built.stat().st_size, original_total + len(original.encode())
        for selector in _selectors(original, with_properties=True):
            names = re.findall(r"\.(-?[_a-zA-Z][\w-]*)", selector)
            colours = re.findall(r"\[data-md-color-(?:primary|accent|scheme)=[^\]]+\]", selector)
            if all(n in words for n in names) and all(c in palette for c in colours):
                assert selector in kept, (built.name, selector)
        assert not built.with_name(built.name + ".map").exists()  # the source map of the whole stylesheet is gone
    assert cut_total < 0.8 * original_total


def test_the_option_off_keeps_materials_stylesheets_as_they_are(sample) -> None:  # noqa: ANN001
    project = sample()
    config = yaml.safe_load((project / "mkdocs.yml").read_text())
    config["plugins"] = ["tags", {"site-builder": {"trim_theme_css": False}}]
    (project / "mkdocs.yml").write_text(yaml.safe_dump(config))
    result = mkdocs_build(project / "mkdocs.yml", project / "site")
    assert result.returncode == 0, result.stderr
    built = sorted((project / "site" / "assets" / "stylesheets").glob("*.min.css"))
    assert built and all(p.read_bytes() == (THEME / "assets" / "stylesheets" / p.name).read_bytes() for p in built)
