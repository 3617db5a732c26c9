"""Start a case or an indication from the commented templates, refusing ids and keys the project would not accept."""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from site_builder.citations.bib import load_bibliography
from site_builder.records.cite import KEY_RE
from site_builder.records.load import case_paths, load_page
from site_builder.records.model import SLUG_RE
from site_builder.project import ProjectPaths
from site_builder.pages.render import DEFAULT_TEMPLATES
from site_builder.records.schema import SCHEMA_PATH
from site_builder.engine.settings import project_settings

CASE_TEMPLATE = "new-case.yaml"
MAX_ID_LENGTH = 80
INDICATION_BODY = """
## About this condition

<!-- In plain words (school grade 8 or below): what the condition is, who gets it, how it usually goes. -->

## What the wider literature says

<!-- What the source's literature review says about this condition; cite each claim with its key from references.bib. -->
"""


class Refused(ValueError):
    """A value that new-case or new-indication will not accept; the message says why and what to do."""


def _suggest(value: str, known: list[str]) -> str:
    close = difflib.get_close_matches(value, known, n=3)
    return f" Did you mean {' or '.join(repr(k) for k in close)}?" if close else ""


def non_empty(value: str) -> str:
    """A value with text in it."""
    if not value.strip():
        raise Refused("must not be empty")
    return value.strip()


def _slug(value: str, what: str, example: str) -> str:
    value = value.strip()
    if not SLUG_RE.match(value) or len(value) > MAX_ID_LENGTH:
        raise Refused(
            f"'{value}' is not a valid {what}: use lowercase letters, digits and single hyphens "
            f"(at most {MAX_ID_LENGTH} characters), such as '{example}'"
        )
    return value


@dataclass(frozen=True)
class ProjectChoices:
    """What a project already has, for checking a new case or indication: case ids, indications, citation keys."""

    paths: ProjectPaths
    templates: Path | None
    case_ids: frozenset[str]
    indication_orders: dict[str, int]
    citation_keys: tuple[str, ...]

    @classmethod
    def of(cls, root: Path) -> ProjectChoices:
        """Read the project at root (its mkdocs.yml, cases, indication pages and bibliography); raises ValueError."""
        paths, options = project_settings(root)
        cases = root / paths.cases
        case_ids = frozenset(p.name.rsplit(".", 1)[0] for p in case_paths(cases)) if cases.is_dir() else frozenset()
        orders = {}
        for page_path in sorted((root / paths.content / "indications").glob("*.md")):
            if page_path.stem != "index":
                page, _ = load_page(page_path, f"indications/{page_path.name}", page_path.name)
                order = page.meta.get("order") if page else None
                orders[page_path.stem] = order if isinstance(order, int) else 0
        bib = root / paths.bibliography
        keys = tuple(sorted(load_bibliography(bib)[0])) if bib.is_file() else ()
        return cls(paths, options.templates, case_ids, orders, keys)

    @property
    def cases_folder(self) -> Path:
        return self.paths.root / self.paths.cases

    @property
    def indications_folder(self) -> Path:
        return self.paths.root / self.paths.content / "indications"

    def check_case_id(self, value: str) -> str:
        """A new case id: a slug no case file uses yet."""
        value = _slug(value, "case id", "smith2024-case2-melasma")
        if value in self.case_ids:
            raise Refused(f"a case with id '{value}' already exists ({self.paths.cases}/{value}.yaml); choose another id")
        return value

    def check_indication(self, value: str) -> str:
        """An indication that is declared by a page under content/indications/."""
        value = value.strip()
        if value not in self.indication_orders:
            known = sorted(self.indication_orders)
            raise Refused(
                f"unknown indication '{value}' (known: {', '.join(known) or 'none'}).{_suggest(value, known)} "
                "Declare a new one first with 'site-builder new-indication'."
            )
        return value

    def check_citation(self, value: str) -> str:
        """A citation key that references.bib has (add the source's BibTeX entry first)."""
        value = value.strip().removeprefix("@")
        if value not in self.citation_keys:
            raise Refused(
                f"unknown citation key '{value}' (not in {self.paths.bibliography}).{_suggest(value, list(self.citation_keys))} "
                "Add the source's BibTeX entry first."
            )
        if not KEY_RE.fullmatch(value):
            raise Refused(f"citation key '{value}' cannot be cited as [@{value}]; give the entry a key of letters, digits and '-', '_' or ':'")
        return value

    def check_indication_id(self, value: str) -> str:
        """A new indication id: a slug no indication page uses yet."""
        value = _slug(value, "indication id", "vitiligo")
        if value == "index" or value in self.indication_orders:
            raise Refused(f"indication '{value}' already exists ({self.paths.content}/indications/{value}.md); choose another id")
        return value

    def check_literature(self, keys: tuple[str, ...]) -> tuple[str, ...]:
        """Citation keys for an indication's related literature."""
        return tuple(self.check_citation(key) for key in keys)


def _create(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as handle:  # never overwrite a file written meanwhile
            handle.write(text)
    except FileExistsError:
        raise Refused(f"{path} already exists; nothing was written") from None
    return path


def case_template(choices: ProjectChoices) -> str:
    """The project's own templates/new-case.yaml, else the built-in one."""
    for folder in (choices.templates, DEFAULT_TEMPLATES):
        if folder and (folder / CASE_TEMPLATE).is_file():
            return (folder / CASE_TEMPLATE).read_text(encoding="utf-8")
    raise ValueError(f"no {CASE_TEMPLATE} template found")


def write_case(choices: ProjectChoices, case_id: str, indication: str, citation: str) -> Path:
    """Write cases/<id>.yaml from the template with its id, indication and source filled in; the rest is left to fill."""
    case_id, indication = choices.check_case_id(case_id), choices.check_indication(indication)
    citation = choices.check_citation(citation)
    schema = Path(os.path.relpath(choices.paths.root / SCHEMA_PATH, choices.cases_folder)).as_posix()
    text = case_template(choices)
    for placeholder, value in (("__SCHEMA__", schema), ("__CASE_ID__", case_id), ("__INDICATION__", indication), ("__CITATION__", citation)):
        text = text.replace(placeholder, value)
    return _create(choices.cases_folder / f"{case_id}.yaml", text)  # a draft: 'site-builder publish' registers its id


def write_indication(
    choices: ProjectChoices,
    ident: str,
    title: str,
    plain_name: str,
    description: str,
    order: int | None = None,
    literature: tuple[str, ...] = (),
) -> Path:
    """Write content/indications/<id>.md: the front matter that declares the indication and a body to fill in."""
    ident, literature = choices.check_indication_id(ident), choices.check_literature(literature)
    if order is None:
        order = max(choices.indication_orders.values(), default=0) + 1
    front = {
        "title": non_empty(title),
        "plain_name": non_empty(plain_name),
        "description": non_empty(description),
        "order": order,
        "literature": list(literature),
    }
    text = "---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=1000, default_flow_style=None) + "---\n" + INDICATION_BODY
    return _create(choices.indications_folder / f"{ident}.md", text)
