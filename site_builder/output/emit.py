"""Write the rendered site as a plain Markdown tree with its own mkdocs.yml, buildable without the plugin.

Each page is a Markdown file: its front matter, then our finished HTML as raw HTML blocks (which Markdown passes
through as they are) around the page's hand-written Markdown. What any engine gives it is what our plugin gives,
except the table of contents of the HTML part (engines build a toc from Markdown headings only). Links in that HTML
start from the site's root path: engines differ in how they read a relative link in raw HTML (MkDocs keeps it as
the page's URL would, Zensical rewrites it as if relative to the Markdown file), and leave a root path alone."""

from __future__ import annotations

import dataclasses
import re
import shutil
import tempfile
from collections.abc import Mapping, Set as AbstractSet
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from site_builder.output.atomic import replace_dir
from site_builder.engine.nav import expand_indications
from site_builder.project import Project
from site_builder.engine.settings import PLUGIN_NAME, read_mkdocs_yml
from site_builder.pages.site import Site, SiteOptions


def tree_options(options: SiteOptions, config_path: Path) -> SiteOptions:
    """Render options for a tree that other engines build: links from the root path of the site's address."""
    config = read_mkdocs_yml(config_path) if config_path.is_file() else {}
    root = urlsplit(str(config.get("site_url") or "")).path or "/"
    return dataclasses.replace(options, link_root=root if root.endswith("/") else root + "/")


def engine_config(config_path: Path, project: Project, docs_dir: str = "docs", left_out: Mapping[str, str] | None = None,
                  generated: AbstractSet[str] = frozenset()) -> dict[str, Any]:
    """The project's mkdocs.yml without this plugin, pointing at the generated docs folder."""
    config = read_mkdocs_yml(config_path)
    plugins = config.get("plugins", ["search"])
    if isinstance(plugins, dict):  # the mapping form MkDocs also reads: kept as written, without this plugin
        config["plugins"] = {name: options for name, options in plugins.items() if name != PLUGIN_NAME}
    else:
        config["plugins"] = [p for p in plugins or [] if p != PLUGIN_NAME and not (isinstance(p, dict) and PLUGIN_NAME in p)]
    config["docs_dir"] = docs_dir
    config.pop("site_dir", None)
    for option, kind in (("exclude_docs", "exclude"), ("draft_docs", "draft")):  # exactly the files they left out
        names = [_exactly(rel) for rel, found in (left_out or {}).items() if found == kind and rel not in generated]
        if names:
            config[option] = "\n".join(names) + "\n"
        else:
            config.pop(option, None)
    if config.get("nav"):
        config["nav"] = expand_indications(config["nav"], project)
    return config


def _exactly(rel: str) -> str:
    """A gitignore pattern (exclude_docs, draft_docs) that matches the one file at rel, under the docs folder."""
    return "/" + re.sub(r"([\\*?\[\]!#])", r"\\\1", rel).replace(" ", "\\ ")


def write_tree(site: Site, project: Project, out_dir: Path, config_path: Path | None, left_out: Mapping[str, str] | None = None) -> int:
    """Write docs/ (content files, generated pages, assets) and mkdocs.yml into out_dir atomically; return the file count.
    left_out names the content files a build leaves out ('exclude' or 'draft', engine/settings.py docs_left_out):
    they are copied as they are, and the tree's exclude_docs and draft_docs name exactly them, so that an engine
    leaves out the same files (and says so as MkDocs does) without the project's patterns reaching generated pages."""
    left_out = left_out or {}
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        docs = staging / "docs"
        content = project.paths.root / project.paths.content
        count = 0
        if content.is_dir():
            for path in sorted(content.rglob("*")):
                rel = path.relative_to(content).as_posix()
                if path.is_file() and not path.is_symlink() and rel not in site.pages and (not rel.endswith(".md") or rel in left_out):
                    target = docs / rel
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(path, target)
                    count += 1
        for rel, page in site.pages.items():
            target = docs / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(page.document(), encoding="utf-8")
            count += 1
        for rel, data in site.assets.items():
            target = docs / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            count += 1
        if config_path and config_path.is_file():
            config = engine_config(config_path, project, left_out=left_out, generated=site.pages.keys() | site.assets.keys())
            theme = config.get("theme")
            if isinstance(theme, dict) and theme.get("custom_dir"):
                custom = (config_path.parent / theme["custom_dir"]).resolve()
                if custom.is_dir():
                    shutil.copytree(custom, staging / "overrides")
                    count += sum(1 for p in custom.rglob("*") if p.is_file())
                theme["custom_dir"] = "overrides"
            (staging / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
        replace_dir(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return count
