"""Where the generator's own time goes: load_project and build_site in one process, with timers on their parts.

    python -m benchmarks.phases PROJECT_DIR [--json OUT] [--patch libyaml]

The timers wrap functions at the places they are called from (a module that did `from x import f`
calls its own name f), so each figure is inclusive wall time of that part; parts can overlap (the
Markdown time is also inside the template time). Run by the harness under the code snapshot.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

TIMES: dict[str, float] = defaultdict(float)
CALLS: dict[str, int] = defaultdict(int)


def _wrap(owner: object, name: str, label: str) -> bool:
    func = getattr(owner, name, None)
    if func is None or getattr(func, "_bench_wrapped", False):
        return False

    @functools.wraps(func)
    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            TIMES[label] += time.perf_counter() - start
            CALLS[label] += 1

    timed._bench_wrapped = True  # type: ignore[attr-defined]
    setattr(owner, name, timed)
    return True


def instrument() -> list[str]:
    """Put timers on the parts that exist in this version of site_builder; return their labels."""
    import importlib

    wrapped: list[str] = []

    def maybe(module: str, attr_path: str, label: str) -> None:
        try:
            owner: object = importlib.import_module(module)
        except ImportError:
            return
        *parents, name = attr_path.split(".")
        for part in parents:
            owner = getattr(owner, part, None)
            if owner is None:
                return
        if _wrap(owner, name, label):
            wrapped.append(label)

    # load_project
    maybe("site_builder.project", "load_bibliography", "load: bibliography (bibtexparser)")
    maybe("site_builder.yamlsource", "_check_events", "load: YAML event scan (aliases, depth)")
    maybe("site_builder.yamlsource", "yaml.compose", "load: YAML compose")
    maybe("site_builder.load", "loads", "load: YAML total (scan + compose + positions)")
    maybe("site_builder.model", "Case.model_validate", "load: pydantic Case validation")
    maybe("site_builder.project", "screen_case", "load: privacy screen")
    maybe("site_builder.project", "_check_locators", "load: locator check")
    maybe("site_builder.project", "_check_citations", "load: citation check")
    # build_site
    maybe("site_builder.csl", "Formatter.format", "build: CSL bibliography (citeproc)")
    maybe("site_builder.metadata", "citation_text", "build: per-page citation text (citeproc)")
    maybe("site_builder.site", "citation_text", "build: per-page citation text (citeproc)")  # if site was imported first
    maybe("site_builder.site", "render", "build: Jinja templates (incl. Markdown below)")
    maybe("site_builder.render", "render_markdown", "build: contributed Markdown (md filter)")
    maybe("site_builder.render", "render_inline", "build: contributed Markdown (md_inline filter)")
    maybe("site_builder.markup", "_MD.convert", "build: Python-Markdown convert")
    maybe("site_builder.markup", "nh3.clean", "build: nh3 sanitise")
    maybe("site_builder.markup", "inert", "build: inert-HTML pass")
    maybe("site_builder.site", "open_data", "build: open data files")
    for name in ("jsonld", "highwire", "opengraph", "coins"):
        maybe("site_builder.site", name, f"build: page metadata: {name}")
    maybe("site_builder.site", "yaml.safe_load", "build: yaml.safe_load (page front matter, pure Python)")
    maybe("site_builder.site", "yaml.safe_dump", "build: yaml.safe_dump (page front matter, pure Python)")
    try:
        site_module = importlib.import_module("site_builder.site")
        downloads = getattr(site_module, "DOWNLOADS", None)
        if downloads:
            holder = type("Downloads", (), {})()
            timed = []
            for name, label, make in downloads:
                setattr(holder, "make", make)
                _wrap(holder, "make", f"build: page downloads: {name}")
                timed.append((name, label, holder.make))
                wrapped.append(f"build: page downloads: {name}")
            site_module.DOWNLOADS = tuple(timed)
    except ImportError:
        pass
    return wrapped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--patch", action="append", default=[], help="apply a patch of benchmarks.patched first")
    args = parser.parse_args(argv)
    if args.patch:
        from .patched import apply

        apply(args.patch)
    labels = instrument()
    from site_builder.project import load_project
    from site_builder.settings import project_settings
    from site_builder.site import build_site

    paths, options = project_settings(args.project.resolve())
    start = time.perf_counter()
    project = load_project(paths)
    load_s = time.perf_counter() - start
    start = time.perf_counter()
    site = build_site(project, options)
    build_s = time.perf_counter() - start
    result = {
        "cases": len(project.cases),
        "problems": len(project.problems),
        "pages": len(site.pages),
        "load_project_s": round(load_s, 3),
        "build_site_s": round(build_s, 3),
        "parts": {label: {"s": round(TIMES[label], 3), "calls": CALLS[label]} for label in labels if CALLS[label]},
        "patches": args.patch,
    }
    text = json.dumps(result, indent=2)
    if args.json:
        args.json.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
