"""Turn a loaded project into the site's pages: a mapping of docs-relative paths to Markdown (and assets)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment

from .csl import DEFAULT_STYLE, Formatter
from .model import Case, Problem, Severity
from .project import Project
from .render import DEFAULT_TEMPLATES, make_environment, render
from .resolve import BIBLIOGRAPHY_PAGE, Entry, PageCitations, ref_anchor

ASSET_FOLDER = "assets/site-builder"
GENERATED_INDEXES = ("indications/index.md", "cases/index.md", BIBLIOGRAPHY_PAGE)
H1_RE = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.M)


@dataclass(frozen=True)
class SiteOptions:
    """How pages are rendered."""

    style: str = DEFAULT_STYLE
    templates: Path | None = None
    evidence_page: str = "evidence.md"


@dataclass
class Site:
    """The rendered site: Markdown pages, static assets, and which page cites which work."""

    pages: dict[str, str] = field(default_factory=dict)
    assets: dict[str, bytes] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    usage: dict[str, list[str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


class _Builder:
    """Renders one page after another, numbering citations per page and recording usage for back-links."""

    def __init__(self, project: Project, options: SiteOptions, env: Environment, entries: dict[str, Entry]):
        self.project, self.options, self.env, self.entries = project, options, env, entries
        self.site = Site()
        self.site.usage = {key: [] for key in project.references}
        self.evidence_page = options.evidence_page if options.evidence_page in project.pages else ""

    def page(self, path: str, title: str, make: Callable[[PageCitations], str], source: str = "") -> None:
        citations = PageCitations(path, self.entries)
        self.site.pages[path] = make(citations)
        self.site.titles[path] = title
        for key in citations.order:
            self.site.usage[key].append(path)
        for key in dict.fromkeys(citations.unresolved):
            self.site.problems.append(Problem(source or path, 1, 1, Severity.error, "citation", f"unknown citation key '{key}'"))

    def template(self, path: str, title: str, template: str, **context: object) -> None:
        def make(citations: PageCitations) -> str:
            return render(
                self.env,
                template,
                page_path=path,
                citations=citations,
                entries=self.entries,
                evidence_page=self.evidence_page,
                anchor=ref_anchor,
                **context,
            )

        self.page(path, title, make)


def _case_tags(project: Project, case: Case) -> list[str]:
    indication = project.indications.get(case.indication)
    procedures = [p.replace("-", " ") for p in case.tags.procedures]
    return [indication.title if indication else case.indication, *procedures]


def build_site(project: Project, options: SiteOptions | None = None) -> Site:
    """Render every generated page and resolve citations in every content page."""
    options = options or SiteOptions()
    formatted = Formatter(options.style).format(project.references.values())
    entries = {
        key: Entry(formatted[key].text, formatted[key].html, ref.is_preprint) for key, ref in project.references.items()
    }
    env = make_environment(options.templates)
    builder = _Builder(project, options, env, entries)
    indications = sorted(project.indications.values(), key=lambda i: (i.order, i.id))

    for rel, page in sorted(project.pages.items()):
        if rel.startswith("indications/") and page.path.removeprefix("indications/").removesuffix(".md") in project.indications:
            continue  # merged into the generated indication page below
        title = str(page.meta.get("title") or _first_heading(page.body) or rel)

        def content(citations: PageCitations, page=page) -> str:
            return page.front + citations.resolve(page.body) + citations.reference_list()

        builder.page(rel, title, content, page.display)

    for case in sorted(project.cases.values(), key=lambda c: c.id):
        source = project.references.get(case.source.citation)
        builder.template(
            f"cases/{case.id}.md",
            case.title,
            "case.md.j2",
            case=case,
            indication=project.indications[case.indication],
            tags=_case_tags(project, case),
            source_entry=entries.get(source.key) if source else None,
        )

    for indication in indications:
        cases = project.cases_for(indication.id)
        literature = list(dict.fromkeys(indication.literature))

        def indication_page(citations: PageCitations, indication=indication, cases=cases, literature=literature) -> str:
            return render(
                env,
                "indication.md.j2",
                page_path=f"indications/{indication.id}.md",
                citations=citations,
                entries=entries,
                evidence_page=builder.evidence_page,
                anchor=ref_anchor,
                indication=indication,
                indication_body=citations.resolve(indication.body),
                cases=cases,
                literature=[key for key in literature if key in entries],
            )

        builder.page(f"indications/{indication.id}.md", indication.title, indication_page, indication.path)

    builder.template(
        "indications/index.md",
        "Indications",
        "indications.md.j2",
        indications=[{"indication": i, "cases": project.cases_for(i.id)} for i in indications],
    )
    builder.template(
        "cases/index.md",
        "All cases",
        "cases.md.j2",
        cases=sorted(project.cases.values(), key=lambda c: c.id),
        indications=project.indications,
    )
    references = sorted(project.references.values(), key=lambda r: r.key)
    builder.template(
        BIBLIOGRAPHY_PAGE,
        "References",
        "references.md.j2",
        references=references,
        usage=builder.site.usage,
        titles=builder.site.titles,
    )
    builder.site.assets = _assets(options.templates)
    return builder.site


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
