"""Turn a loaded project into the site's pages: a mapping of docs-relative paths to Markdown (and assets)."""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, TemplateError, TemplateSyntaxError

from .csl import DEFAULT_STYLE, Formatter
from .history import file_dates
from .images import published_images
from .load import Page, split_front_matter
from .markup import escape_meta, inert, strip_controls
from .metadata import PageCitationFormatter, PageInfo, SiteMeta, coins, dublin_core, highwire, jsonld, opengraph, page_bibtex, page_csl_json, download_name, page_dates, page_dir, page_ris, script_json
from .model import Case, Problem, Severity
from .study import Study
from .opendata import open_data
from .pages.facts import SiteFacts, site_facts
from .pages.records import case_view, study_view
from .project import Project
from .render import DEFAULT_TEMPLATES, make_environment, render
from .resolve import BIBLIOGRAPHY_PAGE, Entry, PageCitations, ref_anchor, relative_link

ASSET_FOLDER = "assets/site-builder"
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml when present: front matter is written and read
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # for every page
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


@dataclass
class Site:
    """The rendered site: Markdown pages, static assets, and which page cites which work."""

    pages: dict[str, str] = field(default_factory=dict)
    assets: dict[str, bytes] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    usage: dict[str, list[str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class PageFacts:
    """What a page knows about itself beyond its Markdown: the condition, its review, whether it is a case report."""

    about: str = ""
    case: Case | None = None
    source: str = ""  # the file problems are reported against
    study: Study | None = None


class _Builder:
    """Renders one page after another: citations numbered per page, usage recorded, metadata and citation added."""

    def __init__(self, project: Project, options: SiteOptions, env: Environment, entries: dict[str, Entry]):
        self.project, self.options, self.env, self.entries = project, options, env, entries
        self.page_citation = PageCitationFormatter(Formatter(options.style), options.meta)
        self.site = Site(usage={key: [] for key in project.references})
        self.history = file_dates(project.paths.root)
        # Content pages keep Markdown's {#anchor}: Jinja comments there are written {## ... ##}.
        self.content_env = env.overlay(comment_start_string="{##", comment_end_string="##}")
        self.variables: dict[str, Any] = {}
        self.links = {
            "evidence_page": options.evidence_page if options.evidence_page in project.pages else "",
            "disclaimer_page": options.disclaimer_page if options.disclaimer_page in project.pages else "",
        }

    def render(self, template: str, path: str, citations: PageCitations, **context: Any) -> str:
        context = {**self.variables, **context}  # every page sees the site's facts; a page's own values take precedence
        return render(
            self.env, template, page_path=path, citations=citations, entries=self.entries, anchor=ref_anchor, site=self.options.meta, **self.links, **context
        )

    def template(self, path: str, template: str, facts: PageFacts = PageFacts(), **context: Any) -> None:
        citations = PageCitations(path, self.entries)
        self.finish(path, self.render(template, path, citations, **context), citations, facts)

    def content(self, rel: str, page: Page) -> None:
        """A hand-written page: its body rendered once as a template over the site's facts, then its citations resolved."""
        citations = PageCitations(rel, self.entries)
        body = page.body
        if "{{" in body or "{%" in body:
            try:
                template = self.content_env.from_string(body)
                body = template.render(page_path=rel, citations=citations, entries=self.entries, site=self.options.meta, **self.links, **self.variables)
            except TemplateError as exc:
                line = exc.lineno if isinstance(exc, TemplateSyntaxError) else _template_line(exc)
                self.site.problems.append(Problem(page.display, page.body_line + max(line or 1, 1) - 1, 1, Severity.error, "template", str(exc)))
                return
        body = citations.resolve(body) + citations.reference_list()
        self.finish(rel, page.front + body, citations, PageFacts(source=page.display))

    def finish(self, path: str, markdown: str, citations: PageCitations, facts: PageFacts) -> None:
        """Record citations, add the page's metadata, 'Cite this page' block, footer and downloads."""
        for key in citations.order:
            self.site.usage[key].append(path)
        for key in dict.fromkeys(citations.unresolved):
            self.site.problems.append(Problem(facts.source or path, 1, 1, Severity.error, "citation", f"unknown citation key '{key}'"))
        front, body, _ = split_front_matter(markdown)
        meta = yaml.load(front, Loader=LOADER) or {} if front.strip() else {}
        title = strip_controls(str(meta.get("title") or _first_heading(body) or path))
        self.site.titles[path] = title
        info = self.page_info(path, title, meta, citations, facts)
        meta["sb"] = {
            "highwire": highwire(self.options.meta, info),
            "dc": dublin_core(self.options.meta, info),
            "og": opengraph(self.options.meta, info),
            "jsonld": script_json(jsonld(self.options.meta, info)),
        }
        text, html = self.page_citation(info)
        folder = page_dir(path)
        downloads = []
        for name, label, make in DOWNLOADS:
            target = f"{folder}/{name}" if folder else name
            self.site.assets[target] = make(self.options.meta, info).encode("utf-8")
            downloads.append({"label": label, "link": relative_link(path, target), "file": download_name(self.options.meta, path, name)})
        source = self.entries.get(facts.case.source.citation) if facts.case else None  # the record's source, linked
        tail = self.render("page_end.md.j2", path, citations, info=info, citation_text=text, citation_html=html, downloads=downloads, source_entry=source)
        head = yaml.dump(escape_meta(meta), Dumper=DUMPER, sort_keys=False, allow_unicode=True, width=10_000)
        self.site.pages[path] = f"---\n{head}---\n{body.rstrip()}\n{tail}"

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


def build_site(project: Project, options: SiteOptions | None = None) -> Site:
    """Render every generated page and resolve citations in every content page."""
    options = options or SiteOptions()
    formatted = Formatter(options.style).format(project.references.values())
    entries = {key: Entry(formatted[key].text, inert(formatted[key].html), ref.is_preprint) for key, ref in project.references.items()}
    builder = _Builder(project, options, make_environment(options.templates), entries)
    cases = sorted(project.cases.values(), key=lambda c: c.id)
    views = [*(case_view(c) for c in cases), *(study_view(s) for s in sorted(project.studies.values(), key=lambda s: s.id))]
    data = site_facts(project, views)
    builder.variables = data.variables()

    for rel, page in sorted(project.pages.items()):
        if rel.startswith("indications/") and page.path.removeprefix("indications/").removesuffix(".md") in project.indications:
            continue  # merged into the generated indication page below
        builder.content(rel, page)

    for case in cases:
        indication = project.indications[case.indication]
        facts = PageFacts(about=indication.title, case=case, source=project.case_files[case.id].display)
        source = project.references.get(case.source.citation)
        builder.template(
            f"cases/{case.id}.md",
            "tombstone.md.j2" if case.withdrawn else "case.md.j2",
            facts,
            case=case,
            indication=indication,
            tags=_case_tags(project, case),
            source_entry=entries.get(source.key) if source else None,
            source_ref=source,
        )

    for study in sorted(project.studies.values(), key=lambda s: s.id):
        source = project.references.get(study.source.citation)
        builder.template(
            f"studies/{study.id}.md",
            "tombstone.md.j2" if study.withdrawn else "study.md.j2",
            PageFacts(about=project.indications[study.indication].title, study=study, source=project.study_files[study.id].display),
            study=study,
            case=study,
            indication=project.indications[study.indication],
            tags=_case_tags(project, study),
            source_entry=entries.get(source.key) if source else None,
            source_ref=source,
        )

    _list_pages(builder, project, data)
    builder.template(
        BIBLIOGRAPHY_PAGE,
        "references.md.j2",
        references=sorted(project.references.values(), key=lambda r: r.key),
        coins=coins,
        usage=builder.site.usage,
        titles=builder.site.titles,
    )
    builder.site.assets.update(_assets(options.templates))
    builder.site.assets.update(open_data(project, options.meta, data))
    for loaded in project.case_files.values():
        builder.site.assets.update(published_images(loaded, project.paths.root))
    return builder.site


def _list_pages(builder: _Builder, project: Project, facts: SiteFacts) -> None:
    """The pages that list records: each indication, the indications, the evidence table, the publications."""
    entries = builder.entries
    for item in facts.indications:
        indication = item.indication
        path = f"indications/{indication.id}.md"
        citations = PageCitations(path, entries)
        markdown = builder.render(
            "indication.md.j2",
            path,
            citations,
            indication=indication,
            indication_body=citations.resolve(indication.body),
            records=item.records,
            literature=[key for key in dict.fromkeys(indication.literature) if key in entries],
        )
        builder.finish(path, markdown, citations, PageFacts(about=indication.title, source=indication.path))
    builder.template("indications/index.md", "indications.md.j2", indications=facts.indications)
    builder.template("cases/index.md", "cases.md.j2", indication_by_id=project.indications)
    builder.template("publications/index.md", "publications.md.j2")
    for publication in facts.publications:
        builder.template(publication.path, "publication.md.j2", publication=publication, indication_by_id=project.indications)


def _template_line(exc: Exception) -> int:
    """The line of a content page where rendering failed (Jinja keeps it in the traceback)."""
    lines = [frame.lineno for frame in traceback.extract_tb(exc.__traceback__) if frame.filename == "<template>"]
    return lines[-1] if lines else 1


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
