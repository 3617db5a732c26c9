"""Run site-builder or mkdocs with a proposed change to site_builder applied as a monkeypatch (measurement only).

    python -m benchmarks.patched --patch libyaml -- site-builder validate PROJECT
    python -m benchmarks.patched --patch libyaml -- mkdocs build -f PROJECT/mkdocs.yml -d SITE

The patches stand for changes proposed to the owners of site_builder/; they are never applied to
the package itself. Each one keeps the package's behaviour (same data, same problems, same pages).

libyaml
    site_builder/yamlsource.py: `_check_events` and `loads` parse with PyYAML's pure-Python
    SafeLoader, twice per file (once for the alias/depth scan, once to compose). The same calls with
    `yaml.CSafeLoader` (libyaml, shipped in the PyYAML wheel) give the same events, nodes and marks.

libyaml-pages
    site_builder/site.py, `_Builder.finish`: every page's front matter is read with `yaml.safe_load` and
    written back with `yaml.safe_dump` (now holding the Highwire, Open Graph and JSON-LD metadata), both
    pure Python. The same calls on libyaml (`CSafeLoader`, `CSafeDumper`) give the same data; check the
    generated trees with `diff -r` (benchmarks/README.md).

csl-prune
    site_builder/csl.py, `Formatter`: one citeproc `CitationStylesStyle` is reused for every entry and every
    page, and citeproc-py 0.11.1 inserts an un-namespaced `<Name>` element into the style's `<names>` element
    on each render that it then never finds again, so the style tree grows by two elements per formatted
    item and every later lookup in it is slower (measured: 2.4 ms per item at the start, 4.2 ms after
    10,000). Removing the strays after each render keeps it flat and the output unchanged.
"""

from __future__ import annotations

import argparse
import sys
from types import ModuleType


class _LibYaml(ModuleType):
    """The yaml module as yamlsource sees it, with parse/compose forced onto libyaml."""

    def __init__(self, real: ModuleType):
        super().__init__(real.__name__)
        self.__dict__.update(real.__dict__)
        loader = getattr(real, "CSafeLoader", None)
        if loader is None:
            raise RuntimeError("PyYAML was built without libyaml: the libyaml patch cannot run")
        self.parse = lambda stream, Loader=None: real.parse(stream, Loader=loader)  # noqa: N803
        self.compose = lambda stream, Loader=None: real.compose(stream, Loader=loader)  # noqa: N803


def _libyaml() -> None:
    import yaml

    from site_builder import yamlsource

    yamlsource.yaml = _LibYaml(yaml)


class _LibYamlPages(ModuleType):
    """The yaml module as site.py sees it, with safe_load/safe_dump on libyaml (CSafeLoader/CSafeDumper)."""

    def __init__(self, real: ModuleType):
        super().__init__(real.__name__)
        self.__dict__.update(real.__dict__)
        self.safe_load = lambda stream: real.load(stream, Loader=real.CSafeLoader)
        self.safe_dump = lambda data, stream=None, **kw: real.dump(data, stream, Dumper=real.CSafeDumper, **kw)


def _libyaml_pages() -> None:
    import yaml

    from site_builder import site

    if getattr(site, "yaml", None) is not None:
        site.yaml = _LibYamlPages(yaml)


def _csl_prune() -> None:
    """csl.Formatter: remove the stray <Name> elements citeproc-py adds to the shared style tree on each render."""
    from site_builder import csl

    original = csl.Formatter._render

    def _render(self, item, output):  # noqa: ANN001, ANN202
        try:
            return original(self, item, output)
        finally:
            # citeproc-py 0.11.1, model.Names.render: `Name()` is created without the CSL namespace and inserted
            # into the <names> element; `names_context.name` (a find('cs:name')) never sees it, so every render
            # adds one more and later searches of the tree get slower: quadratic over a build.
            for stray in list(self._style.root.iter("Name")):
                stray.getparent().remove(stray)

    csl.Formatter._render = _render


def _time_on_files() -> None:
    """Not a proposal: print how long the plugin's on_files (the whole generator inside a build) takes."""
    import time

    from site_builder import plugin

    original = plugin.SiteBuilderPlugin.on_files

    def on_files(self, files, config):  # noqa: ANN001, ANN202
        start = time.perf_counter()
        try:
            return original(self, files, config)
        finally:
            print(f"benchmarks.patched: site-builder on_files took {time.perf_counter() - start:.2f} s", file=sys.stderr, flush=True)

    plugin.SiteBuilderPlugin.on_files = on_files


PATCHES = {"libyaml": _libyaml, "libyaml-pages": _libyaml_pages, "csl-prune": _csl_prune, "time-on-files": _time_on_files}


def apply(names: list[str]) -> None:
    """Apply patches by name; a name may list several, separated by commas."""
    for name in names:
        for part in name.split(","):
            PATCHES[part.strip()]()


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--" not in argv:
        print("usage: python -m benchmarks.patched --patch NAME [...] -- (site-builder|mkdocs) ARGS", file=sys.stderr)
        return 2
    split = argv.index("--")
    parser = argparse.ArgumentParser()
    parser.add_argument("--patch", action="append", default=[], help="one of: " + ", ".join(sorted(PATCHES)) + " (comma-separated for several)")
    args = parser.parse_args(argv[:split])
    command, *rest = argv[split + 1 :]
    apply(args.patch)
    if command == "site-builder":
        from site_builder.cli import main as cli

        return cli(rest, standalone_mode=True) or 0
    if command == "mkdocs":
        from mkdocs.__main__ import cli as mkdocs_cli

        return mkdocs_cli(rest, standalone_mode=True) or 0
    print(f"unknown command {command!r}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
