"""The theme's stylesheets cut to the rules the site's pages can use (issue 14: only the CSS the pages use).

Material's main stylesheet (137 KB) styles every feature of the theme: its search box and dialogs, tabs, code
annotations, forty admonition kinds, Mermaid, and the icons of features this site does not turn on. A first-time
reader downloads all of it. Here a rule is kept when every class its selector names (outside `:is()`, `:not()`
and the like, which are kept as they are) is a name the site can produce:

- a word of a theme template the build rendered (the recording loader below sees each one MkDocs loads), less
  the blocks that a theme feature the site leaves off guards,
- a word of the project's and the built-in page templates, and of every script of the site that a page loads
  (Material's own bundle, when the theme loads it, sets classes of its own),
- a class of the HTML that Markdown wrote for hand-written pages, and the settings that name classes (the
  headings' permalink class, the palette).

A class also counts when it begins with a name ending in '--' or '__' (a script or template completes such a prefix
at run time: `md-source__fact--${kind}`, `"md-status--" ~ type`). Over-counting a name only keeps a rule; every
class a page can carry is counted, so no page loses a style
(tests/test_browser_styles.py compares screenshots taken with Material's whole stylesheet). Colour rules for
palettes the site does not use (`[data-md-color-primary=red]`) and custom properties no kept rule reads are left
out too. The names only grow while `mkdocs serve` runs, since a rebuild may render fewer templates than the first.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from collections.abc import Callable, Iterable
from pathlib import Path

import tinycss2
from jinja2 import BaseLoader, Environment, TemplateSyntaxError, nodes

from site_builder import cachefiles
from site_builder.records.diskcache import code_version

WORD = re.compile(r"[A-Za-z_][\w-]*")
CLASS_ATTRIBUTE = re.compile(r"""\bclass\s*=\s*(?:"([^"]*)"|'([^']*)')""")
VAR = re.compile(r"var\(\s*(--[\w-]+)")
SCRIPT_SOURCE = re.compile(r"""<script\b[^>]*?\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)')""")
# Where a page loads its scripts: in its <head>, and last, before </body> (Material's scripts, extra_javascript)
SCRIPTS_TAIL = 8192
# Attribute selectors that pick a palette: kept only for the values the site's pages carry
PALETTE_ATTRIBUTES = frozenset({"data-md-color-primary", "data-md-color-accent", "data-md-color-scheme"})
# At-rules whose block holds rules to cut; any other at-rule (@font-face, @keyframes, @page) is kept whole
GROUPING = frozenset({"media", "supports", "container", "layer", "document"})
TRIMMED, KEEP_TRIMMED = "stylesheets", 16  # the cache's folder of cut stylesheets, and how many it keeps


class RecordingLoader(BaseLoader):
    """A Jinja loader that hands every template source it loads to `seen`, then behaves as the loader it wraps."""

    def __init__(self, inner: BaseLoader, seen: Callable[[Environment, str], None]) -> None:
        self.inner, self.seen = inner, seen
        self.has_source_access = inner.has_source_access

    def get_source(self, environment: Environment, template: str):  # noqa: ANN201 - Jinja's (source, filename, uptodate)
        source, filename, uptodate = self.inner.get_source(environment, template)
        self.seen(environment, source)
        return source, filename, uptodate

    def list_templates(self) -> list[str]:
        return self.inner.list_templates()


class UsedNames:
    """The names (class names, palette values, words of templates and scripts) the site's pages can carry."""

    def __init__(self) -> None:
        self.names: set[str] = set()
        self.reads: set[str] = set()  # custom properties (--name) that a template, script or page reads
        self.scripts: set[str] = set()  # the site's scripts that pages load (paths in the site)
        self.features: frozenset[str] = frozenset()  # the theme's features the site turns on
        self.texts: set[bytes] = set()  # digests of the texts and HTML already read (a rebuild loads them again)

    def _new(self, kind: bytes, text: str) -> bool:
        """Whether this text was not read before as this kind (what was read once adds nothing the second time)."""
        key = hashlib.blake2b(kind + text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        if key in self.texts:
            return False
        self.texts.add(key)
        return True

    def add_text(self, text: str) -> None:
        """Every word of a template, a script or a setting."""
        if self._new(b"text:", text):
            self.names.update(WORD.findall(text))
            self.reads.update(VAR.findall(text))

    def add_template(self, environment: Environment, source: str) -> None:
        """The words a theme template can write: its text and string constants, leaving out the blocks that a
        feature the site does not turn on guards (`{% if "content.tabs.link" in features %}`). Parsed once per source
        and features (a preview's every rebuild loads the theme's templates again)."""
        if not self._new(f"template:{sorted(self.features)!r}:".encode(), source):
            return
        try:
            tree = environment.parse(source)
        except TemplateSyntaxError:  # Jinja reports it when the page is rendered; every word counts meanwhile
            self.add_text(source)
            return
        words: list[str] = []
        _reachable_text(tree, self.features, words)
        self.add_text("\n".join(words))

    def add_html(self, html: str) -> None:
        """The classes of HTML another tool wrote (Markdown's); a preview's rebuild hands most pages over unchanged."""
        if self._new(b"html:", html):
            for match in CLASS_ATTRIBUTE.finditer(html):
                self.names.update((match.group(1) or match.group(2) or "").split())
            self.reads.update(VAR.findall(html))

    def add_page(self, html: str, dest_uri: str) -> None:
        """The scripts a finished page loads (their words count once the site is written: a script may set classes)."""
        head_end = html.find("</head>")
        tail = max(0, len(html) - SCRIPTS_TAIL)
        for start, end in ((0, head_end if 0 <= head_end < tail else tail), (tail, len(html))):
            at = html.find("<script", start, end)
            while at >= 0:
                match = SCRIPT_SOURCE.match(html, at)
                source = (match.group(1) or match.group(2) or "") if match else ""
                source = source.split("?")[0].split("#")[0]
                if source and "//" not in source and not source.startswith(("/", "data:")):
                    self.scripts.add(posixpath.normpath(posixpath.join(posixpath.dirname(dest_uri), source)))
                at = html.find("<script", at + 7, end)

    def add_site(self, template_folders: Iterable[Path], assets: dict[str, bytes], settings: str) -> None:
        """Our page templates (*.j2 in each folder), our scripts among the site's assets, and the engine's settings
        that name classes (as text)."""
        for path in sorted({p for folder in template_folders for p in folder.glob("**/*.j2")}):
            self.add_text(path.read_text(encoding="utf-8", errors="replace"))
        for path, data in sorted(assets.items()):
            if path.endswith(".js"):
                self.add_text(data.decode("utf-8", "replace"))
        self.add_text(settings)


def _feature_test(test: nodes.Node, features: frozenset[str]) -> bool | None:
    """The value of `"name" in features` (or `not in`), else None (any other test: both branches count)."""
    if isinstance(test, nodes.Compare) and isinstance(test.expr, nodes.Const) and isinstance(test.expr.value, str) and len(test.ops) == 1:
        operand = test.ops[0]
        if isinstance(operand.expr, nodes.Name) and operand.expr.name == "features" and operand.op in ("in", "notin"):
            return (test.expr.value in features) == (operand.op == "in")
    return None


def _reachable_text(node: nodes.Node, features: frozenset[str], out: list[str]) -> None:
    if isinstance(node, nodes.If):
        value = _feature_test(node.test, features)
        if value is not None:
            for child in node.body if value else [*node.elif_, *node.else_]:
                _reachable_text(child, features, out)
            return
    if isinstance(node, nodes.TemplateData) or (isinstance(node, nodes.Const) and isinstance(node.value, str)):
        out.append(node.data if isinstance(node, nodes.TemplateData) else node.value)
    for child in node.iter_child_nodes():
        _reachable_text(child, features, out)


def _split_selectors(prelude: list) -> list[list]:  # noqa: ANN401 - tinycss2 tokens
    """A selector list's selectors (split at its top-level commas; commas inside :is() etc. are in a block)."""
    parts: list[list] = [[]]
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            parts.append([])
        else:
            parts[-1].append(token)
    return parts


def _attribute(block) -> tuple[str, str] | None:  # noqa: ANN001 - a tinycss2 [] block
    """(name, value) of an attribute selector [name=value], else None."""
    tokens = [t for t in block.content if t.type not in ("whitespace", "comment")]
    if len(tokens) == 3 and tokens[0].type == "ident" and tokens[1].type == "literal" and tokens[1].value == "=":
        if tokens[2].type in ("ident", "string"):
            return tokens[0].lower_value, tokens[2].value
    return None


def _named(name: str, names: frozenset[str]) -> bool:
    """A class is named when it is a name, or begins with a name that ends in '--' or '__' (a modifier or element
    prefix): a script or template that writes `md-source__fact--${kind}` or `"md-status--" ~ type` completes it."""
    if name in names:
        return True
    return any(name[i - 1 : i + 1] in ("--", "__") and name[: i + 1] in names for i in range(1, len(name) - 1))


def _selector_kept(tokens: list, names: frozenset[str]) -> bool:
    previous = None
    for token in tokens:
        if token.type == "ident" and previous is not None and previous.type == "literal" and previous.value == ".":
            if not _named(token.value, names):
                return False
        elif token.type == "[] block":
            pair = _attribute(token)
            if pair and pair[0] in PALETTE_ATTRIBUTES and pair[1] not in names:
                return False
        previous = token
    return True


def _cut(rules: list, names: frozenset[str]) -> list:
    """The rules (tinycss2 nodes) that a page of the site can match, with grouping at-rules cut the same way."""
    kept = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = [s for s in _split_selectors(rule.prelude) if _selector_kept(s, names)]
            if selectors:
                prelude = ",".join(tinycss2.serialize(s).strip() for s in selectors)
                kept.append(("rule", prelude, _declarations(rule.content)))
        elif rule.type == "at-rule" and rule.content is not None and rule.lower_at_keyword in GROUPING:
            inner = _cut(tinycss2.parse_blocks_contents(rule.content, skip_whitespace=True, skip_comments=True), names)
            if inner:
                kept.append(("group", f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}", inner))
        elif rule.type in ("at-rule", "qualified-rule"):
            kept.append(("raw", tinycss2.serialize([rule]), None))
    return kept


def _declarations(content: list) -> list[tuple[str, str]]:
    """A rule's declarations (and nested rules), each as (its custom property's name, or '', its text): read once."""
    items = tinycss2.parse_blocks_contents(content, skip_whitespace=True, skip_comments=True)
    return [
        (item.name if item.type == "declaration" and item.name.startswith("--") else "", item.serialize())
        for item in items
        if item.type != "error"
    ]


def _reads(kept: list, out: set[str]) -> None:
    for kind, head, body in kept:
        if kind == "rule":
            for _, text in body:
                out.update(VAR.findall(text))
        elif kind == "group":
            _reads(body, out)
        else:
            out.update(VAR.findall(head))


def _write(kept: list, read: set[str]) -> str:
    parts = []
    for kind, head, body in kept:
        if kind == "raw":
            parts.append(head)
        elif kind == "group":
            inner = _write(body, read)
            if inner:
                parts.append(f"{head}{{{inner}}}")
        else:
            declarations = [text for custom, text in body if not custom or custom in read]
            if declarations:
                parts.append(f"{head}{{{';'.join(declarations)}}}")
    return "".join(parts)


def trim(stylesheets: dict[str, str], names: frozenset[str], reads: Iterable[str] = ()) -> dict[str, str]:
    """Each stylesheet (name -> CSS) cut to the rules the names can match, without the custom properties (--name)
    that neither a kept rule nor `reads` (what other stylesheets, pages and scripts read) reads."""
    cut = {name: _cut(tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True), names) for name, css in stylesheets.items()}
    outside = set(reads)
    read = set(outside)
    for kept in cut.values():
        _reads(kept, read)
    while True:  # a property left out may have been the only reader of another one
        texts = {name: _write(kept, read) for name, kept in cut.items()}
        again = set(outside)
        for text in texts.values():
            again.update(VAR.findall(text))
        if again == read:
            return texts
        read = again


def kept_trim(stylesheets: dict[str, str], names: frozenset[str], reads: set[str]) -> dict[str, str]:
    """trim(), kept in the user's cache folder (cachefiles.py) for the next build that cuts the same stylesheets to
    the same names with the same code (site_builder's code version): a build of an unchanged site cuts them again
    otherwise (0.13 s)."""
    folder = cachefiles.private_folder(TRIMMED)
    if folder is None:
        return trim(stylesheets, names, reads)
    what = [code_version(), tinycss2.__version__, sorted(stylesheets.items()), sorted(names), sorted(reads)]
    name = hashlib.sha256(json.dumps(what).encode()).hexdigest()[:32] + ".json"
    try:
        found = json.loads(cachefiles.read(folder, name) or b"null")
    except ValueError:
        found = None
    if isinstance(found, dict) and sorted(found) == sorted(stylesheets) and all(isinstance(v, str) for v in found.values()):
        return found
    texts = trim(stylesheets, names, reads)
    cachefiles.write(folder, name, json.dumps(texts).encode(), keep=KEEP_TRIMMED)
    return texts


class ThemeStylesheets:
    """Writes the theme's stylesheets, cut to the names the build saw, over their copies in the built site."""

    def __init__(self) -> None:
        self.used = UsedNames()
        self._last: tuple[tuple, dict[str, str]] | None = None  # (what was cut, the result) of the last build

    def write(self, site_dir: Path, sources: dict[str, Path], stylesheets: Iterable[Path] = ()) -> int:
        """Cut each theme stylesheet (its path in the site -> the theme's own file) and write it into site_dir, only
        when its bytes change; `stylesheets` are the site's other stylesheets, whose reads of custom properties
        count. The number of bytes left out."""
        originals = {dest: path.read_text(encoding="utf-8") for dest, path in sorted(sources.items())}
        for script in sorted(self.used.scripts):
            if not script.startswith("..") and (site_dir / script).is_file():
                self.used.add_text((site_dir / script).read_text(encoding="utf-8", errors="replace"))
        reads = set(self.used.reads)
        for path in stylesheets:
            if path.is_file():
                reads.update(VAR.findall(path.read_text(encoding="utf-8", errors="replace")))
        key = (frozenset(self.used.names), frozenset(reads), tuple(originals.items()))
        if self._last is None or self._last[0] != key:
            self._last = (key, kept_trim(originals, key[0], reads))
        saved = 0
        for dest, text in self._last[1].items():
            saved += len(originals[dest].encode("utf-8")) - len(text.encode("utf-8"))
            target = site_dir / dest
            data = text.encode("utf-8")
            if not target.is_file() or target.read_bytes() != data:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            source_map = target.with_name(target.name + ".map")
            if source_map.exists():  # it maps the whole stylesheet, not this one
                source_map.unlink()
        return saved


def palette_names(palette: object) -> str:
    """The values Material writes into data-md-color-* for a theme's palette setting (one entry or a list), with
    its spaces turned into hyphens as the theme turns them ("deep purple" -> deep-purple)."""
    entries = [palette] if isinstance(palette, dict) else palette if isinstance(palette, list) else []
    values = [str(e[k]) for e in entries if isinstance(e, dict) for k in ("primary", "accent", "scheme") if e.get(k)]
    return " ".join(v for value in values for v in (value, value.replace(" ", "-"), value.replace(" ", "-").lower()))


# The theme's own stylesheets, as Material names them in the built site
THEME_STYLESHEET = re.compile(r"^assets/stylesheets/(?:main|palette)\.[0-9a-f]+\.min\.css$")


def theme_stylesheets(files: Iterable) -> dict[str, Path]:  # noqa: ANN001 - MkDocs' Files
    """The theme's stylesheets of a build: their path in the site -> the theme's own file (never the built copy,
    which a preview keeps from the previous rebuild, already cut)."""
    found = {}
    for file in files:
        if THEME_STYLESHEET.match(file.dest_uri) and file.abs_src_path and Path(file.abs_src_path).is_file():
            found[file.dest_uri] = Path(file.abs_src_path)
    return found
