"""The thin MkDocs plugin: load the project, hand the rendered pages to MkDocs as generated files."""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from .csl import Formatter
from .nav import expand_indications
from .project import ProjectPaths, load_project
from .settings import TEMPLATES_DEFAULT
from .site import SiteOptions, build_site

log = logging.getLogger("mkdocs.plugins.site_builder")


class SiteBuilderConfig(Config):
    """Options of the site-builder plugin in mkdocs.yml (paths relative to mkdocs.yml)."""

    # inputs
    cases = c.Type(str, default=ProjectPaths.cases)
    bibliography = c.Type(str, default=ProjectPaths.bibliography)
    templates = c.Type(str, default=TEMPLATES_DEFAULT)
    # output
    style = c.Type(str, default=SiteOptions.style)
    evidence_page = c.Type(str, default=SiteOptions.evidence_page)
    nav_indications = c.Type(bool, default=True)


class SiteBuilderPlugin(BasePlugin[SiteBuilderConfig]):
    """Generates indication, case and bibliography pages and resolves citations in content pages."""

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.root = Path(config.config_file_path or ".").resolve().parent
        for option in ("cases", "bibliography"):
            if not (self.root / self.config[option]).exists():
                raise PluginError(f"site-builder: {option}: '{self.config[option]}' does not exist (relative to mkdocs.yml)")
        try:
            Formatter(self.config.style)
        except ValueError as exc:
            raise PluginError(f"site-builder: style: {exc}") from None
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        docs = Path(config.docs_dir).resolve()
        paths = ProjectPaths(self.root, self.config.cases, self.config.bibliography, docs.relative_to(self.root).as_posix())
        project = load_project(paths)
        for problem in project.problems:
            (log.error if problem in project.errors else log.warning)(str(problem))
        if project.errors:
            raise PluginError(f"site-builder: {len(project.errors)} errors in the project; nothing was built")
        options = SiteOptions(self.config.style, self.root / self.config.templates, self.config.evidence_page)
        site = build_site(project, options)
        for problem in site.problems:
            log.error(str(problem))
        if site.problems:
            raise PluginError(f"site-builder: {len(site.problems)} citation errors; nothing was built")
        for path, markdown in site.pages.items():
            existing = files.get_file_from_path(path)
            if existing:
                files.remove(existing)
            files.append(File.generated(config, path, content=markdown))
        for path, data in site.assets.items():
            files.append(File.generated(config, path, content=data))
        if self.config.nav_indications and config.nav:
            config.nav = expand_indications(config.nav, project)
        return files

    def on_serve(self, server, config: MkDocsConfig, builder):  # noqa: ANN001 - MkDocs' LiveReloadServer
        for option in ("cases", "bibliography", "templates"):
            path = self.root / self.config[option]
            if path.exists():
                server.watch(str(path))
        return server
