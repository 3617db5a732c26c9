"""Turn a loaded project into the site's pages: finished HTML for generated pages, Markdown only where it is hand-written."""

from __future__ import annotations

import contextlib
import functools
import gc
import re
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from markdown.extensions.toc import nest_toc_tokens
from jinja2 import Environment, TemplateError, TemplateSyntaxError
from markupsafe import Markup

from site_builder.citations.csl import DEFAULT_STYLE, style_formatter
from site_builder.records.history import file_dates
from site_builder.records.images import published_images
from site_builder.pages.headings import Headings, HeadingStyle
from site_builder.records.load import Page
from site_builder.records.markup import escape_meta, inert, strip_controls
from site_builder.citations.metadata import PageCitationFormatter, PageInfo, SiteMeta, coins, csl_items, dublin_core, highwire, jsonld, opengraph, page_bibtex, page_csl_json, download_name, page_dates, page_dir, page_ris, script_json
from site_builder.records.model import Case, Problem, Severity
from site_builder.records.study import Study
from site_builder.pages.opendata import RecordText, made, open_data
from site_builder.pages.parallel import in_parts
from site_builder.pages.facts import IndicationRecords, SiteFacts, site_facts
from site_builder.pages.records import RecordView, case_view, study_view
from site_builder.pages.preview import CachedPage, Fragment, CiteThisPage, RenderCache, T, fingerprint, rendered_fragment, templates_stamp
from site_builder.project import Project
from site_builder.pages.render import DEFAULT_TEMPLATES, HAND_WRITTEN, content_template, make_environment, render
from site_builder.pages.resolve import BIBLIOGRAPHY_PAGE, Entry, PageCitations, ref_anchor
from site_builder.pages.urls import relative_url

ASSET_FOLDER = "assets/site-builder"
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml when present: front matter of the plain tree
BLANK_LINES = re.compile(r"\n(?:[ \t]*\n)+")
H1_RE = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.M)
DOWNLOADS = (("cite.bib", "BibTeX", page_bibtex), ("cite.ris", "RIS", page_ris), ("cite.json", "CSL-JSON", page_csl_json))


@dataclass(frozen=True)
class SiteOptions:
    """How pages are rendered."""

    style: str = DEFAULT_STYLE
    templates: Path | None = None
    evidence_page: str = "evidence.md"
    disclaimer_page: str = "disclaimer.md"
    meta: SiteMeta = field(default_factory=SiteMeta)
    directory_urls: bool = True  # the engine's use_directory_urls: how links between pages are written
    headings: HeadingStyle = field(default_factory=HeadingStyle)  # the engine's toc settings: heading ids, permalinks
    link_root: str = ""  # "": links relative to each page; the site's root path ('/'): links from it (see emit.py)


@dataclass
class RenderedPage:
    """One page: finished HTML, around the hand-written Markdown that only some pages have (a content page's body,
    an indication's own text), with the headings of the HTML as toc tokens and the ids it holds."""

    meta: dict[str, Any]  # front matter; the values themes print as HTML are escaped
    head: str  # HTML before the Markdown (all of a generated page)
    markdown: str = ""
    tail: str = ""  # HTML after the Markdown
    head_toc: list[dict[str, Any]] = field(default_factory=list)  # flat toc tokens (level, id, name)
    tail_toc: list[dict[str, Any]] = field(default_factory=list)
    anchors: frozenset[str] = frozenset()
    # What an engine made from this page, kept with it (a preview hands unchanged pages, the same objects, to every
    # rebuild): nothing here is part of the page's value
    engine: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def html(self) -> str:
        """The whole page as HTML, when it has no Markdown to convert."""
        return self.content()

    def content(self, middle: str = "") -> str:
        """The page's HTML with the HTML of its converted Markdown in the middle, spaced as Markdown spaces
        the blocks of the same page written as one file (document)."""
        head, middle, tail = (part.strip("\n") for part in (self.head, middle, self.tail))
        if not middle:
            return "\n".join(part for part in (head, tail) if part)
        return "\n".join(part for part in ("\n\n".join(part for part in (head, middle) if part), tail) if part)

    def toc(self, middle: list[dict[str, Any]] = ()) -> list[dict[str, Any]]:
        """The nested toc tokens of the page, with the (flat) tokens of its converted Markdown in the middle."""
        return nest_toc_tokens([dict(t, children=[]) for t in (*self.head_toc, *middle, *self.tail_toc)])

    def document(self) -> str:
        """The page as one Markdown file for any engine: front matter, then the HTML as raw HTML blocks around
        the hand-written Markdown (Markdown passes HTML blocks through as they are)."""
        head = yaml.dump(self.meta, Dumper=DUMPER, sort_keys=False, allow_unicode=True, width=10_000)
        parts = [part.strip("\n") for part in (self.head, self.markdown, self.tail) if part.strip()]
        return f"---\n{head}---\n" + "\n\n".join(parts) + "\n"


@dataclass
class Site:
    """The rendered site: its pages, static assets, and which page cites which work."""

    pages: dict[str, RenderedPage] = field(default_factory=dict)
    assets: dict[str, bytes] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    usage: dict[str, list[str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @classmethod
    def citing(cls, references: Iterable[str]) -> Site:
        """An empty site (or part of one) that records, for each of these references, the pages that cite it."""
        return cls(usage={key: [] for key in references})

    def extend(self, other: Site) -> None:
        """Add what another part of the site's rendering made, after what this one holds (lists keep that order)."""
        self.pages.update(other.pages)
        self.titles.update(other.titles)
        self.assets.update(other.assets)
        self.problems.extend(other.problems)
        for key, citing in other.usage.items():
            self.usage[key].extend(citing)


@dataclass(frozen=True)
class PageFacts:
    """What a page knows about itself beyond its Markdown: the condition, its review, whether it is a case report."""

    about: str = ""
    case: Case | None = None
    source: str = ""  # the file problems are reported against
    study: Study | None = None


class _Builder:
    """Renders one page after another: citations numbered per page, usage recorded, metadata and citation added."""

    def __init__(self, project: Project, options: SiteOptions, env: Environment, entries: dict[str, Entry], cache: RenderCache | None = None):
        self.project, self.options, self.env, self.entries, self.cache = project, options, env, entries, cache
        def citing() -> PageCitationFormatter:  # the style as loaded once per process (style_formatter)
            return PageCitationFormatter(style_formatter(options.style), options.meta)

        self.page_citation = CiteThisPage(citing, cache)
        self.site = Site.citing(project.references)
        self.history = file_dates(project.paths.root)
        # Content pages keep Markdown's {#anchor}: Jinja comments there are written {## ... ##}.
        self.variables: dict[str, Any] = {}
        self.shared = ""  # in a preview, a digest of what every cached page is rendered from (see build_site)
        self.digests: dict[int, str] = {}  # in a preview, each record's digest, by the record object's id
        self.links = {
            "evidence_page": options.evidence_page if options.evidence_page in project.pages else "",
            "disclaimer_page": options.disclaimer_page if options.disclaimer_page in project.pages else "",
        }

    def render(self, template: str, path: str, citations: PageCitations, headings: Headings, **context: Any) -> tuple[str, dict[str, Any]]:
        """A page template rendered; a template that fails (a project's own, most likely) is a problem at its file
        and line, and the page is left empty (the build then stops with every such problem listed)."""
        try:
            return self._render(template, path, citations, headings, **context)
        except TemplateError as exc:
            self.site.problems.append(self.template_problem(exc, template, path))
            return "", {}

    def template_problem(self, exc: TemplateError, template: str, path: str) -> Problem:
        """Where a template failed: the file and line Jinja names (a syntax error), else the innermost template line
        of the traceback; shown relative to the project when the template is the project's."""
        where, line = _failed_at(exc, lambda name: name.endswith(".j2"))
        if where and not isinstance(exc, TemplateSyntaxError):
            line = _line_naming(where, exc, line)
        shown = self.project.paths.display(Path(where)) if where else template
        message = getattr(exc, "message", None) or str(exc)
        return Problem(shown, line, 1, Severity.error, "template", f"{message} (while rendering {path})")

    def _render(self, template: str, path: str, citations: PageCitations, headings: Headings, **context: Any) -> tuple[str, dict[str, Any]]:
        context = {**self.variables, **context}  # every page sees the site's facts; a page's own values take precedence
        return render(
            self.env,
            template,
            page_path=path,
            citations=citations,
            headings=headings,
            cached=self.fragments(template, path, citations, headings),
            directory_urls=self.options.directory_urls,
            link_root=self.options.link_root,
            entries=self.entries,
            anchor=ref_anchor,
            site=self.options.meta,
            **self.links,
            **context,
        )

    def fragments(self, template: str, path: str, citations: PageCitations, headings: Headings) -> Callable[..., Markup]:
        """The templates' `cached`: `{% call cached("name", value, ...) %}...{% endcall %}` gives the block's HTML; in
        a preview, the HTML the block gave on this page last time, when the values are the same (a record view stands
        for its record, in lists too) and so is everything a whole page is rendered from (self.shared: options,
        bibliography, indications, templates). The values must be all the block shows besides these and its
        citations, whose numbers follow what the page cited before it (see Fragment); a block that adds a heading is
        not kept."""
        def cached(*values: Any, caller: Callable[[], str]) -> Markup:
            if self.cache is None:
                return Markup(caller())
            key = fingerprint(self.shared, template, path, *(self.key_value(value) for value in values))
            found: Fragment | None = self.cache.piece(key)
            if found is not None and found.fits(citations):
                return Markup(found.replay(citations))
            html, fragment = rendered_fragment(citations, headings, caller)
            if fragment is not None:
                self.cache.keep(key, fragment)
            return Markup(html)

        return cached

    def key_value(self, value: Any) -> Any:
        """A value a cached block names, as its key holds it: a record view as its record's digest, lists walked."""
        if isinstance(value, RecordView):
            return "record", self.digests[id(value.record)]
        if isinstance(value, list):
            return [self.key_value(item) for item in value]
        if isinstance(value, tuple):
            return tuple(self.key_value(item) for item in value)
        return value

    def template(self, path: str, template: str, facts: PageFacts = PageFacts(), cache_key: str = "", **context: Any) -> None:
        """A generated page: its template rendered to HTML (or, in a preview, taken as last rendered when nothing it
        is rendered from has changed: cache_key)."""
        if self.reused(path, cache_key):
            return
        citations, headings = PageCitations(path, self.entries), Headings(self.options.headings)
        html, meta = self.render(template, path, citations, headings, **context)
        self.finish(path, meta, html, citations, facts, headings)
        self.remember(path, cache_key, citations)

    def reused(self, path: str, cache_key: str) -> bool:
        """In a preview, take a page as last rendered (with the citations and downloads it adds to the site) when
        cache_key, everything it is rendered from, is unchanged."""
        cached = self.cache.page(path, cache_key) if self.cache is not None and cache_key else None
        if cached is None:
            return False
        self.site.pages[path], self.site.titles[path] = cached.page, cached.title
        for key in cached.cited:
            self.site.usage[key].append(path)
        self.site.assets.update(cached.assets)
        return True

    def remember(self, path: str, cache_key: str, citations: PageCitations) -> None:
        """Keep a page just rendered for the preview's next rebuild."""
        if self.cache is not None and cache_key and not citations.unresolved:
            downloads = tuple((target, self.site.assets[target]) for target in self.downloads(path))
            self.cache.pages[path] = CachedPage(cache_key, self.site.pages[path], self.site.titles[path], tuple(citations.order), downloads)

    @staticmethod
    def downloads(path: str) -> list[str]:
        """Where a page's citation downloads go (cases/x/cite.bib ...)."""
        folder = page_dir(path)
        return [f"{folder}/{name}" if folder else name for name, _, _ in DOWNLOADS]

    def content(self, rel: str, page: Page) -> None:
        """A hand-written page: its body rendered once as a template over the site's facts, then its citations resolved."""
        citations = PageCitations(rel, self.entries)
        body = page.body
        if "{{" in body or "{%" in body:
            try:
                template = content_template(self.env, body)
                body = template.render(page_path=rel, citations=citations, entries=self.entries, site=self.options.meta, markdown_links=True, **self.links, **self.variables)
            except TemplateError as exc:
                _, line = _failed_at(exc, lambda name: name == "<template>")
                self.site.problems.append(Problem(page.display, page.body_line + max(line or 1, 1) - 1, 1, Severity.error, "template", str(exc)))
                return
        headings = Headings(self.options.headings, split=0)
        self.finish(rel, dict(page.meta), "", citations, PageFacts(source=page.display), headings, citations.resolve(body))

    def finish(self, path: str, meta: dict[str, Any], head: str, citations: PageCitations, facts: PageFacts, headings: Headings, markdown: str = "", tail: str = "") -> None:
        """Record citations, add the page's metadata, references, 'Cite this page' block, footer and downloads."""
        for key in citations.order:
            self.site.usage[key].append(path)
        for key in dict.fromkeys(citations.unresolved):
            self.site.problems.append(Problem(facts.source or path, 1, 1, Severity.error, "citation", f"unknown citation key '{key}'"))
        title = strip_controls(str(meta.get("title") or _first_heading(markdown) or path))
        self.site.titles[path] = title
        info = self.page_info(path, title, meta, citations, facts)
        meta["sb"] = {
            "highwire": highwire(self.options.meta, info),
            "dc": dublin_core(self.options.meta, info),
            "og": opengraph(self.options.meta, info),
            "jsonld": script_json(jsonld(self.options.meta, info)),
        }
        text, html = self.page_citation(info, self.shared)
        downloads = []
        for target, (name, label, make) in zip(self.downloads(path), DOWNLOADS):
            self.site.assets[target] = make(self.options.meta, info).encode("utf-8")
            downloads.append({"label": label, "link": relative_url(path, target, self.options.directory_urls, self.options.link_root), "file": download_name(self.options.meta, path, name)})
        source = self.entries.get(facts.case.source.citation) if facts.case else None  # the record's source, linked
        if headings.split is None:  # no hand-written Markdown: all of the page is one piece of HTML
            headings.split = len(headings.tokens)
        end, _ = self.render("page_end.html.j2", path, citations, headings, info=info, citation_text=text, citation_html=html, downloads=downloads, source_entry=source)
        anchors = {t["id"] for t in headings.tokens} | citations.anchors() | {"cite-this-page"}
        if path == BIBLIOGRAPHY_PAGE:
            anchors.update(ref_anchor(key) for key in self.project.references)
        if markdown:
            tail += end
        else:
            head, tail = head + tail + end, ""
        split = headings.split
        # One block per line, no blank lines: what any engine passes through as it is (a blank line inside raw HTML
        # is where Markdown would split it into blocks of its own). Stripped as content() strips them, so that the
        # content of a page without Markdown is its head itself, not a copy (a preview keeps it)
        head, tail = BLANK_LINES.sub("\n", head).strip("\n"), BLANK_LINES.sub("\n", tail).strip("\n")
        self.site.pages[path] = RenderedPage(escape_meta(meta), head, markdown, tail, headings.tokens[:split], headings.tokens[split:], frozenset(anchors))

    def page_info(self, path: str, title: str, meta: dict[str, Any], citations: PageCitations, facts: PageFacts) -> PageInfo:
        site = self.options.meta
        record = facts.case or facts.study
        review = record.review if record and record.review else None
        tags = meta.get("tags") or []
        return PageInfo(
            path=path,
            title=title,
            description=str(meta.get("description") or ""),
            keywords=tuple(str(t) for t in tags) if isinstance(tags, list) and tags else tuple(k for k in (facts.about, site.name) if k),
            about=facts.about,
            last_reviewed=review.last_reviewed if review else site.last_reviewed,
            reviewed_by=review.reviewed_by if review else site.reviewed_by,
            next_review=(review.next_review or "") if review else site.next_review,
            case_report=facts.case is not None and facts.case.withdrawn is None,
            cited=tuple(self.project.references[k] for k in citations.order),
            **page_dates(meta, self.history, facts.source, site.published),
        )


def _case_tags(project: Project, case: Case | Study) -> list[str]:
    indication = project.indications.get(case.indication)
    procedures = [p.replace("-", " ") for p in case.tags.procedures]
    return [indication.title if indication else case.indication, *procedures]


def _record_page(builder: _Builder, project: Project, entries: dict, record: Case | Study, folder: str, template: str,
                 facts: PageFacts, **extra: object) -> None:
    """A case's or a study's page (its tombstone once withdrawn), keyed in a preview by the record's digest."""
    source = project.references.get(record.source.citation)
    shared = builder.shared
    builder.template(
        f"{folder}/{record.id}.md",
        "tombstone.html.j2" if record.withdrawn else template,
        facts,
        cache_key=fingerprint(shared, builder.digests[id(record)], facts.about, facts.source) if shared else "",
        case=record,
        indication=project.indications[record.indication],
        tags=_case_tags(project, record),
        source_entry=entries.get(source.key) if source else None,
        source_ref=source,
        **extra,
    )


def _render_pages(builder: _Builder, pages: list[Callable[[], None]], jobs: int) -> None:
    """Each page's rendering, in order; with jobs > 1, shared with forked processes (parallel.py), each chunk of pages
    handing back what it adds to the site, joined in the pages' order: a reference's list of citing pages, and every
    other list, read as if one process had rendered them all."""
    def chunk(start: int, stop: int) -> Site:
        builder.site = Site.citing(builder.project.references)  # only what this chunk adds
        for page in pages[start:stop]:
            page()
        return builder.site

    site = builder.site
    try:
        parts = in_parts(len(pages), jobs, chunk)
    finally:
        builder.site = site
    if parts is None:
        for page in pages:
            page()
        return
    for part in parts:
        site.extend(part)


@contextlib.contextmanager
def _fewer_collections(frozen: bool = False):
    """While pages are rendered, Python's cycle collector runs less often (after 20,000 new objects, not 700) and
    leaves alone the objects that exist when rendering starts (the loaded project, the engine's state; gc.freeze
    unless someone else froze objects first): walking them again at every full collection grew with the project
    (at 1,000 cases, collections took 1.3 s of rendering's 7 s, and 0.3 s this way). Both are undone afterwards.
    frozen says that the caller froze them already (a preview freezes everything while it rebuilds): then the count
    of frozen objects, which walks them all (50 ms of a rebuild at 1,000 records), is not asked for."""
    thresholds, freeze = gc.get_threshold(), not frozen and not gc.get_freeze_count()
    if freeze:
        gc.freeze()
    gc.set_threshold(20_000, 10, 10)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        if freeze:
            gc.unfreeze()


def build_site(project: Project, options: SiteOptions | None = None, cache: RenderCache | None = None, jobs: int = 1) -> Site:
    """Render every generated page and resolve citations in every content page (a preview passes the cache it keeps
    between rebuilds: record pages whose inputs are unchanged are taken from it). With jobs > 1, record and list
    pages are rendered by that many processes at once (parallel.py), with the same result. With a cache, the caller is
    taken to be the plugin's preview, which has frozen the objects it holds while it rebuilds (engine/preview.py);
    another caller with a cache only has its collections run as usual."""
    with _fewer_collections(frozen=cache is not None):
        return _build_site(project, options, cache, jobs)


def _build_site(project: Project, options: SiteOptions | None, cache: RenderCache | None, jobs: int) -> Site:
    options = options or SiteOptions()
    bibliography = fingerprint(tuple(project.references), *project.references.values()) if cache is not None else ""
    entries = _entries(project, options, cache, bibliography, jobs if cache is None else 1)
    builder = _Builder(project, options, make_environment(options.templates), entries, cache)
    # What every record page is rendered from besides its record: a change here renders them all again (the
    # references' entries follow from the bibliography and options.style).
    shared = builder.shared = fingerprint(
        options, builder.links, bibliography, project.indications, builder.history, templates_stamp((DEFAULT_TEMPLATES, options.templates))
    ) if cache is not None else ""
    cases = sorted(project.cases.values(), key=lambda c: c.id)
    views = [*(case_view(c) for c in cases), *(study_view(s) for s in sorted(project.studies.values(), key=lambda s: s.id))]
    data = site_facts(project, views)
    if shared:  # each record's digest, once: record, indication and publication pages are keyed by them
        builder.digests = {id(v.record): fingerprint(v.record) for v in views}
    builder.variables = data.variables()

    for rel, page in sorted(project.pages.items()):
        if not project.hand_written(rel):
            continue  # merged into the generated indication page below
        builder.content(rel, page)

    pages: list[Callable[[], None]] = []  # every generated page but the bibliography, which lists who cites what
    for case in cases:
        facts = PageFacts(about=project.indications[case.indication].title, case=case, source=project.case_files[case.id].display)
        pages.append(functools.partial(_record_page, builder, project, entries, case, "cases", "case.html.j2", facts))
    for study in sorted(project.studies.values(), key=lambda s: s.id):
        facts = PageFacts(about=project.indications[study.indication].title, study=study, source=project.study_files[study.id].display)
        pages.append(functools.partial(_record_page, builder, project, entries, study, "studies", "study.html.j2", facts, study=study))
    pages.extend(_list_pages(builder, project, data))
    _render_pages(builder, pages, jobs if cache is None else 1)
    builder.template(
        BIBLIOGRAPHY_PAGE,
        "references.html.j2",
        references=sorted(project.references.values(), key=lambda r: r.key),
        coins=coins,
        usage=builder.site.usage,
        titles=builder.site.titles,
        cited_by={key: [(page, builder.site.titles[page]) for page in pages] for key, pages in builder.site.usage.items()},
    )
    builder.site.assets.update(_assets(options.templates))
    references = _kept(cache, "references.json", (bibliography,), lambda: csl_items(list(project.references.values())))
    builder.site.assets.update(open_data(project, options.meta, data, references, _record_lines(builder, cache)))
    for loaded in project.case_files.values():
        builder.site.assets.update(published_images(loaded, project.paths.root))
    if cache is not None:
        cache.swept()
    return builder.site


def _record_lines(builder: _Builder, cache: RenderCache | None) -> Callable[[RecordText, SiteMeta, Case | Study], str]:
    """What open data writes of a record (its line of JSON, a case's line of CSV): in a preview, kept per record while
    it and the site's metadata are unchanged."""
    if cache is None:
        return made
    site = fingerprint(builder.options.meta)

    def text(write: RecordText, meta: SiteMeta, record: Case | Study) -> str:
        if meta is not builder.options.meta:
            return write(meta, record)
        key = fingerprint("open data", write.__qualname__, site, builder.digests[id(record)])
        return cache.piece(key) or cache.keep(key, write(meta, record))

    return text


def _entries(project: Project, options: SiteOptions, cache: RenderCache | None, bibliography: str, jobs: int = 1) -> dict[str, Entry]:
    """Every reference as pages show it, formatted in the site's style (a preview keeps it while the bibliography,
    whose fingerprint it is given, is unchanged). Each reference is formatted on its own (Formatter.format), so with
    jobs > 1 they are shared out in chunks among processes (parallel.py): at 3,045 references, about 2 ms each."""
    def make() -> dict[str, Entry]:
        formatter = style_formatter(options.style)  # read before the workers fork: they share it
        items = list(project.references.items())

        def part(start: int, stop: int) -> list[tuple[str, Entry]]:
            chunk = items[start:stop]
            formatted = formatter.format(ref for _, ref in chunk)
            return [(k, Entry(formatted[k].text, inert(formatted[k].html), ref.is_preprint)) for k, ref in chunk]

        parts = in_parts(len(items), jobs, part)
        return dict(pair for chunk in (parts if parts is not None else [part(0, len(items))]) for pair in chunk)

    return _kept(cache, "entries", (options.style, bibliography), make)


def _kept(cache: RenderCache | None, name: str, inputs: tuple[Any, ...], make: Callable[[], T]) -> T:
    """make(), or in a preview what it made last time from the same inputs (fingerprints include every field)."""
    return make() if cache is None else cache.kept(name, fingerprint(*inputs), make)


def _list_pages(builder: _Builder, project: Project, facts: SiteFacts) -> list[Callable[[], None]]:
    """The pages that list records, each to be rendered: each indication, the indications, the evidence table, the
    publications."""
    pages: list[Callable[[], None]] = [functools.partial(_indication_page, builder, item) for item in facts.indications]
    pages.append(functools.partial(builder.template, "indications/index.md", "indications.html.j2", indications=facts.indications))
    pages.append(functools.partial(builder.template, "cases/index.md", "cases.html.j2", indication_by_id=project.indications))
    pages.append(functools.partial(builder.template, "publications/index.md", "publications.html.j2"))
    for publication in facts.publications:
        cache_key = ""
        if builder.shared:  # in a preview: the publication and its records, as listed
            records = [(builder.digests[id(r.record)], r.withdrawn) for r in publication.records]
            cache_key = fingerprint(builder.shared, publication.reference, publication.slug, publication.short, records)
        pages.append(functools.partial(builder.template, publication.path, "publication.html.j2", cache_key=cache_key, publication=publication, indication_by_id=project.indications))
    return pages


def _indication_page(builder: _Builder, item: IndicationRecords) -> None:
    """An indication's page: its hand-written text, then its records (in a preview, kept while none changed)."""
    indication, entries = item.indication, builder.entries
    path = f"indications/{indication.id}.md"
    cache_key = fingerprint(builder.shared, indication.id, [builder.digests[id(r.record)] for r in item.records]) if builder.shared else ""
    if builder.reused(path, cache_key):
        return
    citations, headings = PageCitations(path, entries), Headings(builder.options.headings)
    # the indication's own text is hand-written Markdown; its citations are numbered first, as they always were
    body = citations.resolve(indication.body)
    html, meta = builder.render(
        "indication.html.j2",
        path,
        citations,
        headings,
        indication=indication,
        records=item.records,
        literature=[key for key in dict.fromkeys(indication.literature) if key in entries],
    )
    head, slot, tail = html.partition(HAND_WRITTEN)
    builder.finish(path, meta, head, citations, PageFacts(about=indication.title, source=indication.path), headings, body if slot else "", tail)
    builder.remember(path, cache_key, citations)


_UNDEFINED_RE = re.compile(r"'([A-Za-z_][A-Za-z0-9_]*)' is undefined|has no attribute '([A-Za-z_][A-Za-z0-9_]*)'")


def _line_naming(filename: str, exc: Exception, line: int) -> int:
    """For a name a template uses but nothing defines, the first line of the template that names it: Jinja maps an
    error inside a run of outputs it joined into one Python statement to the run's last line, not the failing one."""
    found = _UNDEFINED_RE.search(str(exc))
    if not found:
        return line
    name = re.compile(rf"\b{re.escape(found.group(1) or found.group(2))}\b")
    try:
        lines = Path(filename).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return line
    return next((number for number, text in enumerate(lines, 1) if name.search(text)), line)


def _failed_at(exc: TemplateError, is_template: Callable[[str], bool]) -> tuple[str, int]:
    """The template file and line where rendering failed: Jinja names them for a syntax error, else the innermost
    frame of a template in the traceback (Jinja rewrites its frames to the template's lines); ("", 1) when none."""
    if isinstance(exc, TemplateSyntaxError):
        return exc.filename or "", exc.lineno or 1
    frames = [frame for frame in traceback.extract_tb(exc.__traceback__) if is_template(frame.filename)]
    return (frames[-1].filename, frames[-1].lineno or 1) if frames else ("", 1)


def _first_heading(body: str) -> str:
    match = H1_RE.search(body)
    return match.group(1) if match else ""


def _assets(project_templates: Path | None) -> dict[str, bytes]:
    """Static files under templates/assets/, a project's own overriding the built-in ones."""
    found: dict[str, bytes] = {}
    for base in (DEFAULT_TEMPLATES, project_templates):
        folder = base / "assets" if base else None
        if folder and folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    found[f"{ASSET_FOLDER}/{path.relative_to(folder).as_posix()}"] = path.read_bytes()
    return found
