"""The plugin's options as a typed MkDocs Config, and the paths and render options they stand for."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from typing import TYPE_CHECKING

from mkdocs.config import config_options as c
from mkdocs.config.base import Config

from site_builder.project import ProjectPaths

if TYPE_CHECKING:
    from site_builder.pages.site import SiteOptions

# Not a child of the 'mkdocs' logger: a placeholder site_url is reported without failing `mkdocs build --strict`,
# since the repository cannot know the address it will be deployed at.
log = logging.getLogger("site_builder")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Date(c.Type):
    """An ISO date (YYYY-MM-DD) written as text or as a YAML date."""

    def __init__(self, default: str = "") -> None:
        super().__init__(str, default=default)

    def run_validation(self, value: object) -> str:
        text = value.isoformat() if hasattr(value, "isoformat") else value
        text = super().run_validation(text)
        if text and not DATE_RE.match(text):
            raise c.ValidationError(f"expected a date as YYYY-MM-DD, found '{text}'")
        return text


class SiteBuilderConfig(Config):
    """Options of the site-builder plugin in mkdocs.yml (paths relative to mkdocs.yml)."""

    # inputs
    cases = c.Type(str, default=ProjectPaths.cases)
    studies = c.Type(str, default=ProjectPaths.studies)
    bibliography = c.Type(str, default=ProjectPaths.bibliography)
    templates = c.Type(str, default="templates")
    raw_html = c.Choice(("error", "shown"), default="error")  # raw HTML in case text: an error, or shown as typed
    # rendering
    # The same defaults as SiteOptions (tests/test_site.py checks); written out so that reading a project's settings
    # (all that `site-builder validate` needs) does not import the renderer.
    style = c.Type(str, default="american-medical-association")
    evidence_page = c.Type(str, default="evidence.md")
    disclaimer_page = c.Type(str, default="disclaimer.md")
    nav_indications = c.Type(bool, default=True)
    search_index = c.Type(bool, default=True)  # Pagefind's index of the built site (site_builder/output/search.py)
    trim_theme_css = c.Type(bool, default=True)  # the theme's stylesheets cut to what the pages use (engine/stylesheet.py)
    # site metadata, shown in every citation and page footer
    publisher = c.Type(str, default="")
    licence = c.Type(str, default="")
    version = c.Type(str, default="")
    language = c.Type(str, default="en")
    reviewed_by = c.Type(str, default="")
    last_reviewed = Date()
    next_review = Date()
    published = Date()


def plugin_config(options: Mapping[str, Any], config_file: str | None = None) -> SiteBuilderConfig:
    """Validate raw plugin options (as written in mkdocs.yml) the way MkDocs does; raises ValueError when invalid."""
    config = SiteBuilderConfig(config_file_path=config_file)
    config.load_dict(dict(options))
    failed, warnings = config.validate()
    problems = [f"{name}: {error}" for name, error in failed + warnings]
    if problems:
        raise ValueError("; ".join(problems))
    return config


def resolve(options: SiteBuilderConfig, root: Path, docs_dir: str, site_name: str, site_url: str) -> tuple[ProjectPaths, SiteOptions]:
    """The project paths and render options the plugin options stand for."""
    from site_builder.citations.metadata import SiteMeta, public_site_url
    from site_builder.pages.site import SiteOptions

    paths = ProjectPaths(root, options.cases, options.bibliography, docs_dir, options.raw_html, options.studies)
    url, warning = public_site_url(site_url)
    if warning:
        log.warning(f"site-builder: {warning}")
    meta = SiteMeta(
        name=site_name,
        url=url,
        publisher=options.publisher,
        licence=options.licence,
        version=options.version,
        language=options.language,
        reviewed_by=options.reviewed_by,
        last_reviewed=options.last_reviewed,
        next_review=options.next_review,
        published=options.published,
    )
    site = SiteOptions(
        style=options.style,
        templates=root / options.templates,
        evidence_page=options.evidence_page,
        disclaimer_page=options.disclaimer_page,
        meta=meta,
    )
    return paths, site
