"""Read the plugin's options from a project's mkdocs.yml, so the CLI builds exactly what the plugin builds."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from site_builder.engine.config import plugin_config, resolve
from site_builder.project import ProjectPaths

if TYPE_CHECKING:
    from site_builder.pages.site import SiteOptions

PLUGIN_NAME = "site-builder"


class _Tolerant(yaml.SafeLoader):
    """Reads mkdocs.yml files that use MkDocs' !ENV or !!python tags, keeping such values as plain text."""


_Tolerant.add_multi_constructor(
    "", lambda loader, suffix, node: loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode) else None
)


def read_mkdocs_yml(path: Path) -> dict[str, Any]:
    """mkdocs.yml as plain data (tags MkDocs understands are kept as text)."""
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Tolerant)
    return data if isinstance(data, dict) else {}


def plugin_options(config: dict[str, Any]) -> dict[str, Any]:
    """This plugin's options as written in mkdocs.yml (empty when listed without options or absent)."""
    for entry in config.get("plugins") or []:
        if isinstance(entry, dict) and PLUGIN_NAME in entry:
            return dict(entry[PLUGIN_NAME] or {})
    return {}


def project_paths(root: Path) -> ProjectPaths:
    """Only the input paths of the project at root (what validation needs); raises ValueError when the options are invalid."""
    config_path = root / "mkdocs.yml"
    config = read_mkdocs_yml(config_path) if config_path.is_file() else {}
    options = plugin_config(plugin_options(config), str(config_path))
    return ProjectPaths(root, options.cases, options.bibliography, config.get("docs_dir", ProjectPaths.content), options.raw_html, options.studies)


def project_settings(root: Path) -> tuple[ProjectPaths, SiteOptions]:
    """Paths and options for the project at root, from its mkdocs.yml when there is one; raises ValueError when invalid."""
    config_path = root / "mkdocs.yml"
    config = read_mkdocs_yml(config_path) if config_path.is_file() else {}
    options = plugin_config(plugin_options(config), str(config_path))
    docs_dir = config.get("docs_dir", ProjectPaths.content)
    paths, site = resolve(options, root, docs_dir, str(config.get("site_name", "")), str(config.get("site_url") or ""))
    from site_builder.pages.headings import style_of_yml  # the engine's settings that shape the HTML we write: links and headings

    site = dataclasses.replace(site, directory_urls=bool(config.get("use_directory_urls", True)), headings=style_of_yml(config.get("markdown_extensions") or []))
    return paths, site


def docs_left_out(root: Path) -> dict[str, str]:
    """The files of the docs folder that `mkdocs build` leaves out, as MkDocs itself decides from the project's
    mkdocs.yml (its default exclusions, exclude_docs, draft_docs, a page that clashes with another), each with
    'exclude' or 'draft'. Empty without a mkdocs.yml. `generate` renders none of them and keeps them out of the tree
    the same way."""
    config_path = root / "mkdocs.yml"
    if not config_path.is_file():
        return {}
    from mkdocs.config import load_config  # MkDocs' own reading of the file (!ENV, INHERIT, its checks)
    from mkdocs.structure.files import InclusionLevel, get_files

    config = load_config(str(config_path))
    docs = {f.src_uri: f.inclusion for f in get_files(config)}
    folder = Path(config.docs_dir)
    found = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} if folder.is_dir() else set()
    return {rel: "draft" if docs.get(rel) == InclusionLevel.DRAFT else "exclude" for rel in sorted(found)
            if rel not in docs or not docs[rel].is_included()}
