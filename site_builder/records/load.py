"""Read case files and content pages into records, reporting problems with file, line, column and field."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from site_builder.records.model import SLUG_PATTERN, Case, Indication, Problem, Severity, provenance_problems
from site_builder.records.study import Study
from site_builder.records.explain import explain_validation
from site_builder.records.yamlsource import Located, YamlError, decode, format_field, loads

FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*\r?$\n?", re.S | re.M)


@dataclass(frozen=True)
class Page:
    """A hand-written Markdown page under content/."""

    path: str  # relative to the content folder, with '/' separators
    display: str  # the path shown in problems
    meta: dict[str, Any]
    body: str
    body_line: int  # 1-based line of the body's first line in the file
    located: Located | None = None  # front matter positions, counted from the line after the opening '---'
    front: str = ""  # the front matter block as written, '---' lines included


@dataclass(frozen=True)
class CaseFile:
    """A loaded case with what is needed to point back into its file."""

    case: Case
    display: str
    located: Located
    cited: tuple[Any, ...] = ()  # malformed citations (problems) and cited keys of the file, in order (see checks.py)

    @property
    def record(self) -> Case:
        """The loaded record, whatever its kind."""
        return self.case


def _error(display: str, pos: tuple[int, int], field: str, message: str) -> Problem:
    return Problem(display, pos[0], pos[1], Severity.error, field, message)


def _read_yaml(path: Path, display: str, raw: bytes | None = None) -> tuple[Located | None, list[Problem]]:
    try:
        return loads(decode(path.read_bytes() if raw is None else raw)), []
    except OSError as exc:
        return None, [_error(display, (1, 1), "", f"cannot read file: {exc.strerror}")]
    except YamlError as exc:
        return None, [_error(display, (exc.line, exc.column), exc.field, exc.message)]


def _model_named(name: str, base: type[BaseModel] = BaseModel) -> type[BaseModel] | None:
    for sub in base.__subclasses__():
        if sub.__name__ == name:
            return sub
        found = _model_named(name, sub)
        if found:
            return found
    return None


def _pydantic_problems(exc: ValidationError, located: Located, display: str, hint: str = "", model: type[BaseModel] | None = None) -> Iterator[Problem]:
    """One located problem per validation error, in words with a hint; model is the record model that was validated."""
    model = model or _model_named(exc.title)
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if p not in ("[key]",))
        kind = err["type"]
        if model is None:
            message = err["msg"].removeprefix("Value error, ")
        else:
            message, kind = explain_validation(err, model)
        if kind == "extra_forbidden":
            pos = located.position(loc, key=True)
        elif kind == "missing":
            pos = located.position(loc[:-1], key=True)  # the mapping that lacks the field
        else:
            pos = located.position(loc, key="[key]" in err["loc"] or isinstance(err.get("input"), dict))
        yield _error(display, pos, format_field(loc), message)


@dataclass(frozen=True)
class StudyFile:
    """A loaded study with what is needed to point back into its file."""

    study: Study
    display: str
    located: Located
    cited: tuple[Any, ...] = ()  # malformed citations (problems) and cited keys of the file, in order (see checks.py)

    @property
    def record(self) -> Study:
        """The loaded record, whatever its kind."""
        return self.study


def _load_record(path: Path, display: str, model: type[Case] | type[Study], kind: str, raw: bytes | None = None) -> tuple[Any, Located | None, list[Problem]]:
    """Load one record file (or its bytes, already read) and validate it against its model, the id and the rules of its provenance."""
    located, problems = _read_yaml(path, display, raw)
    if located is None:
        return None, None, problems
    if not isinstance(located.data, dict):
        return None, None, [_error(display, (1, 1), "", f"a {kind} file must be a YAML mapping of fields")]
    try:
        record = model.model_validate(located.data)
    except ValidationError as exc:
        return None, None, list(_pydantic_problems(exc, located, display, model=model))
    stem = path.name.rsplit(".", 1)[0]
    if record.id != stem:
        return None, None, [_error(display, located.position(("id",)), "id", f"id '{record.id}' must equal the file name '{stem}'. Rename the file to {record.id}{path.suffix} or change the id")]
    ruled = [_error(display, located.position(field), format_field(field), message) for field, message in provenance_problems(record)]
    return (None, None, ruled) if ruled else (record, located, [])


def load_case(path: Path, display: str, raw: bytes | None = None) -> tuple[CaseFile | None, list[Problem]]:
    """Load and validate one case file against the Case model."""
    case, located, problems = _load_record(path, display, Case, "case", raw)
    return (CaseFile(case, display, located) if case else None), problems


def load_study(path: Path, display: str, raw: bytes | None = None) -> tuple[StudyFile | None, list[Problem]]:
    """Load and validate one study file against the Study model."""
    study, located, problems = _load_record(path, display, Study, "study", raw)
    return (StudyFile(study, display, located) if study else None), problems


def case_paths(folder: Path) -> list[Path]:
    """Every case file below folder, sorted for reproducible output (in the order of their paths' parts). What
    folder.rglob("*") finds (folders reached through a symbolic link are not entered, a file's link is followed), except
    that a folder that can be listed but not entered gives its files, which then cannot be read (a located error where
    rglob raised). With os.scandir, which knows each entry's kind without asking the system again (10,000 files:
    0.02 s, not 0.17 s)."""
    found: list[tuple[tuple[str, ...], str]] = []

    def walk(path: str, parts: tuple[str, ...]) -> None:
        try:
            with os.scandir(path) as entries:
                listed = list(entries)
        except OSError:
            return  # as rglob: a folder that cannot be listed has no files to give
        for entry in listed:
            name = entry.name
            try:
                if entry.is_dir(follow_symlinks=False):
                    walk(entry.path, (*parts, os.path.normcase(name)))  # sorted as Paths sort (on Windows, ignoring case)
                elif _suffix(name) in (".yaml", ".yml") and not name.startswith("_") and entry.is_file():
                    found.append(((*parts, os.path.normcase(name)), entry.path))
            except OSError:
                continue

    walk(str(folder), ())
    found.sort()
    return [Path(path) for _, path in found]


def _suffix(name: str) -> str:
    """A file name's suffix, as Path.suffix gives it ('.yaml' has none)."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def split_front_matter(text: str) -> tuple[str, str, int]:
    """Split '---' front matter from a Markdown text: (yaml, body, 1-based line of the body)."""
    match = FRONT_MATTER_RE.match(text)
    if not match:
        return "", text, 1
    return match.group(1), text[match.end() :], text.count("\n", 0, match.end()) + 1


def load_page(path: Path, rel: str, display: str) -> tuple[Page | None, list[Problem]]:
    """Load one content page with its front matter."""
    try:
        text = decode(path.read_bytes())
    except OSError as exc:
        return None, [_error(display, (1, 1), "", f"cannot read file: {exc.strerror}")]
    except YamlError as exc:
        return None, [_error(display, (exc.line, exc.column), "", exc.message)]
    front, body, body_line = split_front_matter(text)
    raw_front = text[: len(text) - len(body)]
    if not front.strip():
        return Page(rel, display, {}, body, body_line, None, raw_front), []
    try:
        located = loads(front)
    except YamlError as exc:
        field = f"front matter.{exc.field}" if exc.field else "front matter"
        return None, [_error(display, (exc.line + 1, exc.column), field, exc.message)]
    if not isinstance(located.data, dict):
        return None, [_error(display, (2, 1), "front matter", "front matter must be a YAML mapping")]
    return Page(rel, display, located.data, body, body_line, located, raw_front), []


class IndicationMeta(BaseModel):
    """Front matter of content/indications/<id>.md, where an indication is declared."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1)
    plain_name: str = Field(min_length=1)
    description: str = Field(min_length=1)
    order: int = 1000
    literature: list[str] = Field(default_factory=list)


INDICATION_ID_RE = re.compile(SLUG_PATTERN)


def indication_from_page(page: Page) -> tuple[Indication | None, list[Problem]]:
    """Declare an indication from its page; the id is the file name."""
    ident = page.path.removeprefix("indications/").removesuffix(".md")
    if not INDICATION_ID_RE.match(ident):
        return None, [_error(page.display, (1, 1), "id", f"indication file name '{ident}' is not a lowercase slug")]
    try:
        meta = IndicationMeta.model_validate(page.meta)
    except ValidationError as exc:
        located = page.located or Located(page.meta)
        problems = [
            _error(page.display, (p.line + 1, p.column), f"front matter.{p.field}", p.message)
            for p in _pydantic_problems(exc, located, page.display, model=IndicationMeta)
        ]
        return None, problems
    return (
        Indication(ident, meta.title, meta.plain_name, meta.description, page.body, page.path, meta.order, tuple(meta.literature)),
        [],
    )
